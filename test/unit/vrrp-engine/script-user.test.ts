import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { insecureReason, lookupIdentity, resolveExecutable, scriptIdentity } from '../../../src/vrrp/script-user.js';

function accounts(withKeepalivedScript: boolean): { passwd: string; group: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-accounts-'));
  const passwd = path.join(dir, 'passwd');
  const group = path.join(dir, 'group');
  writeFileSync(passwd, ['root:x:0:0:root:/root:/bin/bash', 'www:x:33:33::/var/www:/usr/sbin/nologin', ...(withKeepalivedScript ? ['keepalived_script:x:998:997::/:/usr/sbin/nologin'] : [])].join('\n') + '\n');
  writeFileSync(group, 'root:x:0:\nwww:x:33:\nops:x:1200:\n');
  return { passwd, group, dir };
}

test('users and groups resolve by name or number; unknown ones say what is missing', () => {
  const files = accounts(false);
  try {
    assert.deepEqual(lookupIdentity('www', undefined, files), { user: 'www', uid: 33, gid: 33 });
    assert.deepEqual(lookupIdentity('www', 'ops', files), { user: 'www', uid: 33, gid: 1200 });
    assert.deepEqual(lookupIdentity('33', undefined, files), { user: 'www', uid: 33, gid: 33 });
    assert.equal(lookupIdentity('nobody-here', undefined, files), 'user nobody-here does not exist');
    assert.equal(lookupIdentity('www', 'nogroup-here', files), 'group nogroup-here does not exist');
  } finally {
    rmSync(files.dir, { recursive: true, force: true });
  }
});

test('script user precedence: own user, then script_user, then keepalived_script, then root', () => {
  const without = accounts(false);
  const withScriptUser = accounts(true);
  try {
    assert.equal((scriptIdentity({ user: 'www' }, { user: 'root' }, without) as { uid: number }).uid, 33);
    assert.equal((scriptIdentity({}, { user: 'www' }, without) as { uid: number }).uid, 33);
    assert.equal((scriptIdentity({}, {}, withScriptUser) as { uid: number }).uid, 998);
    assert.equal((scriptIdentity({}, {}, without) as { uid: number }).uid, 0);
    assert.equal(scriptIdentity({ user: 'ghost' }, {}, without), 'user ghost does not exist');
  } finally {
    rmSync(without.dir, { recursive: true, force: true });
    rmSync(withScriptUser.dir, { recursive: true, force: true });
  }
});

test('commands resolve on PATH when they have no slash', () => {
  assert.equal(resolveExecutable('sh', '/nonexistent:/bin'), '/bin/sh');
  assert.equal(resolveExecutable('no-such-command-vipctl', '/bin:/usr/bin'), undefined);
  assert.equal(resolveExecutable('./x.sh'), path.resolve('x.sh'));
});

test('enable_script_security: a root script writable by others, or in such a directory, is unsafe', () => {
  // Files made here belong to whoever runs the test: as root they are root's (safe), otherwise
  // their owner is someone other than root, which is itself unsafe for a root script.
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-security-'));
  try {
    chmodSync(dir, 0o755);
    const safe = path.join(dir, 'safe.sh');
    writeFileSync(safe, '#!/bin/sh\n');
    chmodSync(safe, 0o755);
    if (asRoot) assert.equal(insecureReason(safe, 0), undefined);
    else assert.match(insecureReason(safe, 0) ?? '', /writable by its owner uid/);
    assert.equal(insecureReason(safe, 33), undefined, 'only root scripts are at stake');
    chmodSync(safe, 0o557);
    assert.match(insecureReason(safe, 0) ?? '', /writable by group or others/);
    mkdirSync(path.join(dir, 'open'));
    chmodSync(path.join(dir, 'open'), 0o777);
    const inOpen = path.join(dir, 'open', 'x.sh');
    writeFileSync(inOpen, '#!/bin/sh\n');
    chmodSync(inOpen, 0o555);
    assert.match(insecureReason(inOpen, 0) ?? '', /open is writable/);
    assert.match(insecureReason(path.join(dir, 'missing.sh'), 0) ?? '', /does not exist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
