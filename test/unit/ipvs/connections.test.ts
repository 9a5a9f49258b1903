// The connection table comes only from /proc/net/ip_vs_conn: a missing file means no IPVS in
// the kernel, and says so like every other lb command (exit 6, `modprobe ip_vs`).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ExitCode, VipctlError } from '../../../src/errors.js';
import { readConnections } from '../../../src/ipvs/connections.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-conn-'));
after(() => rmSync(directory, { recursive: true, force: true }));

describe('readConnections', () => {
  it('turns a missing connection file into the no-IPVS error', async () => {
    await assert.rejects(readConnections(path.join(directory, 'ip_vs_conn')), (error: unknown) => {
      assert.ok(error instanceof VipctlError);
      assert.equal(error.exitCode, ExitCode.Unsupported);
      assert.match(error.message, /no IPVS/);
      assert.match(error.hint ?? '', /modprobe ip_vs/);
      return true;
    });
  });

  it('reads the entries of a file in the kernel format', async () => {
    const file = path.join(directory, 'ip_vs_conn_ok');
    writeFileSync(
      file,
      'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n' +
        'TCP C0000201 D431 C0000264 0050 0A000001 0050 ESTABLISHED     899\n',
    );
    const connections = await readConnections(file);
    assert.equal(connections.length, 1);
    assert.deepEqual(
      { protocol: connections[0]?.protocol, client: connections[0]?.client, virtual: connections[0]?.virtual, destination: connections[0]?.destination },
      {
        protocol: 'TCP',
        client: { af: 2, address: '192.0.2.1', port: 0xd431 },
        virtual: { af: 2, address: '192.0.2.100', port: 80 },
        destination: { af: 2, address: '10.0.0.1', port: 80 },
      },
    );
    assert.equal(connections[0]?.state, 'ESTABLISHED');
    assert.equal(connections[0]?.expires, 899);
  });
});
