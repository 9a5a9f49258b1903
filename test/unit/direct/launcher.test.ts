// bin/run.js's first line starts Node without NODE_EXTRA_CA_CERTS (Node 20 would load the CA
// bundle before running any code, and vipctl makes no TLS connection) and carries the value
// over, so the programs vipctl starts get their environment back unchanged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { vipctlBin } from '../../support/paths.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-launcher-'));
after(() => rmSync(directory, { recursive: true, force: true }));

// Node warns on stderr when it cannot load the bundle it was given, which tells whether it tried.
const missingBundle = path.join(directory, 'no such bundle.pem');
const loadWarning = /Ignoring extra certs/;

/** Prints, at exit, the two variables as the vipctl process leaves them for its children. */
const reporter = path.join(directory, 'report-env.cjs');
writeFileSync(
  reporter,
  "process.on('exit', () => process.stderr.write('ENV ' + JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.VIPCTL_EXTRA_CA_CERTS ?? null]) + '\\n'));\n",
);

function run(command: string, args: string[], extraCaCerts: string | undefined): { status: number | null; stderr: string; stdout: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${JSON.stringify(reporter)}` };
  delete env.NODE_EXTRA_CA_CERTS;
  delete env.VIPCTL_EXTRA_CA_CERTS;
  if (extraCaCerts !== undefined) env.NODE_EXTRA_CA_CERTS = extraCaCerts;
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

function reportedEnv(stderr: string): unknown {
  const line = stderr.split('\n').find((text) => text.startsWith('ENV '));
  assert.ok(line, `no environment report in: ${stderr}`);
  return JSON.parse(line.slice(4));
}

describe('bin/run.js launcher', () => {
  it('premise: Node started directly loads NODE_EXTRA_CA_CERTS before any code', () => {
    const result = run(process.execPath, [vipctlBin, '--version'], missingBundle);
    assert.equal(result.status, 0);
    assert.match(result.stderr, loadWarning);
  });

  it('started as a command, Node does not load the bundle, and vipctl gets the value back', () => {
    const result = run(vipctlBin, ['--version'], missingBundle);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^vipctl\//);
    assert.doesNotMatch(result.stderr, loadWarning);
    assert.deepEqual(reportedEnv(result.stderr), [missingBundle, null]);
  });

  it('leaves the environment as it was when the variable is not set', () => {
    const result = run(vipctlBin, ['--version'], undefined);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(reportedEnv(result.stderr), [null, null]);
  });

  it('runs the direct routes the same way (config lint)', () => {
    const config = path.join(directory, 'keepalived.conf');
    writeFileSync(config, 'vrrp_instance VI_1 {\n state MASTER\n interface eth0\n virtual_router_id 51\n priority 100\n virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n');
    const direct = run(vipctlBin, ['config', 'lint', config, '--format', 'json'], missingBundle);
    const viaNode = run(process.execPath, [vipctlBin, 'config', 'lint', config, '--format', 'json'], undefined);
    assert.equal(direct.status, viaNode.status);
    assert.equal(direct.stdout, viaNode.stdout);
    assert.doesNotMatch(direct.stderr, loadWarning);
    assert.deepEqual(reportedEnv(direct.stderr), [missingBundle, null]);
  });
});
