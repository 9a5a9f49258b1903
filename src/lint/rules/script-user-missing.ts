import { readFileSync } from 'node:fs';
import type { Rule } from '../types.js';
import { scripts } from '../helpers.js';

let users: Set<string> | undefined;

/** Local user names (from /etc/passwd; NSS sources such as LDAP are not consulted). */
function localUsers(): Set<string> {
  if (!users) {
    try {
      users = new Set(readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':')[0] ?? '').filter(Boolean));
    } catch {
      users = new Set();
    }
  }
  return users;
}

// Host-dependent: whether the user exists is a fact of this machine, not of the file.
export default {
  id: 'script-user-missing',
  severity: 'warning',
  category: 'security',
  hostDependent: true,
  description: 'Scripts would run as a user this host does not have (script_user, a script\'s user, or keepalived_script).',
  check({ config, report }) {
    const known = localUsers();
    if (known.size === 0) return;
    // keepalived checks script_user even when no script is configured.
    if (config.global.scriptUser !== undefined && !known.has(config.global.scriptUser) && config.global.at) {
      report(config.global.scriptUserAt ?? config.global.at, `script_user ${config.global.scriptUser} does not exist on this host: keepalived cannot run scripts as it`);
    }
    if (scripts(config).length === 0) return;
    if (config.global.scriptUser !== undefined) {
      // reported above
    } else if (config.global.enableScriptSecurity && !known.has('keepalived_script')) {
      for (const { script, owner, block } of scripts(config)) {
        // keepalived reports a vrrp_script's user at the end of its block: point at the block.
        if (script.user === undefined) report(block ?? script.at, `${owner}: with enable_script_security and no script_user keepalived runs scripts as keepalived_script, which this host lacks (keepalived: "Unable to set default user"); add script_user or create the user`);
      }
    }
    for (const { script, owner } of scripts(config)) {
      if (script.user !== undefined && !known.has(script.user)) report(script.userAt ?? script.at, `${owner}: user ${script.user} does not exist on this host; keepalived removes the script`);
    }
    // What tracks such a script loses it too.
    for (const script of config.vrrpScripts) {
      if (script.user === undefined || known.has(script.user)) continue;
      for (const instance of config.vrrpInstances) {
        for (const track of instance.trackScripts) if (track.name === script.name) report(track.at, `track_script ${track.name} in vrrp_instance ${instance.name}: keepalived removes vrrp_script ${script.name} (user ${script.user} does not exist on this host), so nothing is tracked`);
      }
    }
  },
} satisfies Rule;
