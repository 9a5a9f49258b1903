// The quick way through big restores must send exactly what the general planner would send,
// and step aside (undefined) whenever the general planner would refuse a line or when a
// line is not a saved add line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bulkMessages, bulkPayloads, compileBulkRestore } from '../../../src/ipvs/bulk-restore.js';
import { IpvsClient } from '../../../src/ipvs/client.js';
import { planRestore } from '../../../src/ipvs/restore.js';
import type { GenlClient } from '../../../src/netlink/genl.js';
import type { ServiceEntry } from '../../../src/ipvs/model.js';
import { readU16Host, readU32Host } from '../../../src/native/bytes.js';

const family = { id: 0x1d, version: 1 };
const encoder = new IpvsClient({ family } as unknown as GenlClient);
const noState = { timeouts: { tcp: 0, tcpFin: 0, udp: 0 }, daemons: [] };

async function compare(text: string, table: ServiceEntry[] = []): Promise<'bulk' | 'general'> {
  const general = await planRestore(text, { table, ...noState });
  const bulk = compileBulkRestore(text, table, family);
  if (general.errors.length > 0) {
    assert.equal(bulk, undefined, `bulk took a file the planner refuses:\n${text}`);
    return 'general';
  }
  if (!bulk) return 'general';
  assert.deepEqual(bulk.lines, general.changes.map((c) => c.line));
  const expected = general.changes.map((c) => encoder.requestFor(c.change).payload);
  assert.deepEqual(bulkPayloads(bulk), expected);
  const messages = bulkMessages(bulk);
  for (let offset = 0; offset < messages.length; offset += readU32Host(messages, offset)) {
    assert.equal(readU16Host(messages, offset + 4), family.id);
    assert.equal(readU16Host(messages, offset + 6), 0);
  }
  return 'bulk';
}

const vip = fc.tuple(fc.constantFrom('-t', '-u', '--sctp-service'), fc.integer({ min: 1, max: 4 }), fc.constantFrom(80, 443));
const rule = fc.oneof(
  { weight: 3, arbitrary: vip.map(([p, n, port]) => `-A ${p} 10.0.0.${n}:${port} -s rr`) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(vip, fc.integer({ min: 1, max: 3 }), fc.constantFrom('-m', '-g'), fc.nat(3))
      .map(([[p, n, port], r, fwd, w]) => `-a ${p} 10.0.0.${n}:${port} -r 10.1.0.${r}:8080 ${fwd} -w ${w}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '# comment', '   ', '-C', '-D -t 10.0.0.1:80', '--set 1 2 3', '-A -t 10.0.0.9:80 -s rr -o') },
);

describe('bulk restore against the general planner', () => {
  it('sends the same requests, or leaves the file to the planner', async () => {
    const seen = { bulk: 0, general: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(rule, { maxLength: 25 }), fc.boolean(), async (lines, crlf) => {
        seen[await compare(lines.map((line) => (crlf ? `${line}\r` : line)).join('\n') + '\n')]++;
      }),
      { numRuns: 1500 },
    );
    assert.ok(seen.bulk > 100 && seen.general > 100, JSON.stringify(seen));
  });

  it('checks lines against the table as it is', async () => {
    const table: ServiceEntry[] = [
      {
        service: { af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' },
        destinations: [{ af: 2, address: '10.1.0.1', port: 8080, forward: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, activeConns: 0, inactiveConns: 0, persistConns: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 }],
      },
    ];
    assert.equal(await compare('-a -t 10.0.0.1:80 -r 10.1.0.2:8080 -m -w 1\n', table), 'bulk');
    assert.equal(await compare('-a -t 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 1\n', table), 'general');
    assert.equal(await compare('-A -t 10.0.0.1:80 -s rr\n', table), 'general');
    assert.equal(await compare('-A -u 10.0.0.1:80 -s rr\n-a -u 10.0.0.1:80 -r 10.1.0.1:8080 -m -w 1\n', table), 'bulk');
  });

  it('keeps many real servers of one service apart', async () => {
    const lines = ['-A -t 10.0.0.1:80 -s wlc'];
    for (let i = 0; i < 100; i++) lines.push(`-a -t 10.0.0.1:80 -r 10.2.${i >> 4}.${i & 15}:80 -g -w 1`);
    assert.equal(await compare(`${lines.join('\n')}\n`), 'bulk');
    lines.push('-a -t 10.0.0.1:80 -r 10.2.0.7:80 -m -w 1');
    assert.equal(await compare(`${lines.join('\n')}\n`), 'general');
  });
});
