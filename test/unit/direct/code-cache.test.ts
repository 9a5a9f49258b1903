// bin/direct-route.js runs the direct routes from CommonJS bundles with a V8 code cache in
// dist/cli/cache: a run leaves one, a run with it answers exactly as a run without it, and a
// cache that V8 rejects (garbage, another build) costs nothing but its rewrite.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot, vipctlBin } from '../../support/paths.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-code-cache-'));
after(() => rmSync(directory, { recursive: true, force: true }));
const cacheDirectory = path.join(projectRoot, 'dist', 'cli', 'cache');

/** A file with findings of several rules, so that the run goes through most of lint's code. */
const config = path.join(directory, 'keepalived.conf');
writeFileSync(
  config,
  [
    'vrrp_script chk { script "/bin/true"\n interval 1 }',
    'vrrp_instance VI_1 {\n state BACKUP\n interface eth0\n virtual_router_id 51\n priority 255\n advert_int 1',
    ' authentication {\n  auth_type PASS\n  auth_pass secret123456\n }\n track_script {\n  missing\n }',
    ' virtual_ipaddress {\n  192.0.2.1/24\n }\n}',
    'virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind DR\n real_server 192.0.2.10 8080 {\n  TCP_CHECK {\n  }\n }\n}',
    '',
  ].join('\n'),
);
chmodSync(config, 0o644);

function lint(env: Record<string, string> = {}): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [vipctlBin, 'config', 'lint', config, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout };
}

/** The lint route's cache files for this Node.js. */
function lintCaches(): string[] {
  const prefix = `direct-lint-${process.version}-`;
  try {
    return readdirSync(cacheDirectory).filter((name) => name.startsWith(prefix) && name.endsWith('.bin'));
  } catch {
    return [];
  }
}

describe('the direct routes\' code cache', () => {
  it('a lint run leaves a cache for the lint route, and answers as a run without any', () => {
    const cached = lint();
    assert.equal(cached.status, 1);
    assert.ok(JSON.parse(cached.stdout).findings.length >= 3, cached.stdout);
    assert.equal(lintCaches().length, 1, `one cache file in ${cacheDirectory}`);
    const uncached = lint({ VIPCTL_NO_CODE_CACHE: '1' });
    assert.deepEqual(uncached, cached);
  });
  it('V8 accepts the cache: a second run does not write it again', () => {
    lint();
    const [name] = lintCaches();
    assert.ok(name, 'a cache file');
    const before = statSync(path.join(cacheDirectory, name));
    lint();
    const after = statSync(path.join(cacheDirectory, name));
    assert.deepEqual([after.ino, after.mtimeMs], [before.ino, before.mtimeMs]);
  });
  it('a cache V8 rejects is ignored and written anew', () => {
    lint();
    const [name] = lintCaches();
    assert.ok(name, 'a cache file');
    const file = path.join(cacheDirectory, name);
    const garbage = Buffer.alloc(4096, 0x5a);
    writeFileSync(file, garbage);
    const afterGarbage = lint();
    assert.deepEqual(afterGarbage, lint({ VIPCTL_NO_CODE_CACHE: '1' }));
    assert.notDeepEqual(readFileSync(path.join(cacheDirectory, lintCaches()[0] ?? name)), garbage, 'the garbage was replaced');
  });
});
