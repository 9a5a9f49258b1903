// Kernel tier: runs inside user-mode Linux with real IPVS (scripts/uml-run.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { getInfo, openIpvs } from '../../../src/ipvs/info.js';
import { vipctlBin } from '../../support/paths.js';

test('runs inside the user-mode kernel (the tier is meaningless elsewhere)', () => {
  assert.equal(process.env.VIPCTL_IN_UML, '1', 'kernel-tier tests must run through scripts/uml-run.sh');
});

test('resolves the IPVS family and reads GET_INFO as ipvsadm reports it', async () => {
  const client = await openIpvs();
  try {
    assert.equal(client.family.name, 'IPVS');
    assert.ok(client.family.id >= 0x10);
    const info = await getInfo(client);
    const header = execFileSync('ipvsadm', ['-Ln'], { encoding: 'utf8' }).split('\n')[0];
    assert.equal(header, `IP Virtual Server version ${info.version} (size=${info.connectionTableSize})`);
    assert.equal(info.versionCode, 0x010201);
  } finally {
    client.close();
  }
});

test('vipctl lb info prints the same header line and a JSON object', () => {
  const header = execFileSync('ipvsadm', ['-Ln'], { encoding: 'utf8' }).split('\n')[0];
  assert.equal(execFileSync(vipctlBin, ['lb', 'info'], { encoding: 'utf8' }), `${header}\n`);
  const json = JSON.parse(execFileSync(vipctlBin, ['lb', 'info', '--json'], { encoding: 'utf8' })) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json).sort(), ['connectionTableSize', 'version', 'versionCode']);
});
