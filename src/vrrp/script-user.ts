// Who a script runs as, and whether it is safe to run, as keepalived decides it:
// - the user is the script's own `user [group]`, else global_defs `script_user`, else
//   `keepalived_script` when that account exists, else root;
// - with enable_script_security, a script run as root must not be writable by anyone but root,
//   nor may any directory on its path (else anyone who can write there becomes root); keepalived
//   disables such scripts, and so do we.
// Node has no getpwnam(), so the account databases are read directly (/etc/passwd, /etc/group).
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Identity {
  user: string;
  uid: number;
  gid: number;
}

function readDatabase(file: string): string[][] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(':'));
  } catch {
    return [];
  }
}

export interface AccountFiles {
  passwd: string;
  group: string;
}

const SYSTEM_FILES: AccountFiles = { passwd: '/etc/passwd', group: '/etc/group' };

/** Resolves a user (and optional group) by name or number; a string says what is missing. */
export function lookupIdentity(user: string, group?: string, files: AccountFiles = SYSTEM_FILES): Identity | string {
  const account = readDatabase(files.passwd).find((fields) => fields[0] === user || (/^\d+$/.test(user) && fields[2] === user));
  if (!account) return `user ${user} does not exist`;
  let gid = Number(account[3]);
  if (group !== undefined) {
    const entry = readDatabase(files.group).find((fields) => fields[0] === group || (/^\d+$/.test(group) && fields[2] === group));
    if (!entry) return `group ${group} does not exist`;
    gid = Number(entry[2]);
  }
  return { user: account[0] ?? user, uid: Number(account[2]), gid };
}

/** The identity a script runs as (see the header), or why it cannot run. */
export function scriptIdentity(
  own: { user?: string; group?: string },
  globalUser: { user?: string; group?: string },
  files: AccountFiles = SYSTEM_FILES,
): Identity | string {
  if (own.user) return lookupIdentity(own.user, own.group, files);
  if (globalUser.user) return lookupIdentity(globalUser.user, globalUser.group, files);
  const fallback = lookupIdentity('keepalived_script', undefined, files);
  return typeof fallback === 'string' ? { user: 'root', uid: 0, gid: 0 } : fallback;
}

/** The file a command name runs: itself when it has a slash, else the first match on PATH. */
export function resolveExecutable(command: string, searchPath = process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'): string | undefined {
  if (command.includes('/')) return path.resolve(command);
  for (const dir of searchPath.split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Why running `executable` as `uid` would be unsafe under enable_script_security, or undefined.
 * Only root's scripts are at stake: a non-root user's script can only do what that user can.
 */
export function insecureReason(executable: string, uid: number): string | undefined {
  if (uid !== 0) return undefined;
  let current = executable;
  for (;;) {
    let stat;
    try {
      stat = statSync(current);
    } catch {
      return `${current} does not exist`;
    }
    if (stat.uid !== 0 && (stat.mode & 0o200) !== 0) return `${current} is writable by its owner uid ${stat.uid}, not root`;
    // A sticky directory (like /tmp) still lets others create files, but not replace ours.
    const sticky = stat.isDirectory() && (stat.mode & 0o1000) !== 0;
    if ((stat.mode & 0o022) !== 0 && !sticky) return `${current} is writable by group or others`;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}
