// The BPF program in the kernel: frames of every kind go over a veth, and the live sniffer on
// the other end must receive exactly the VRRP ones (plain and AH-wrapped, IPv4 with options,
// IPv6) and nothing else (UDP, AH carrying TCP, ARP), as the kernel's own counters confirm.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { projectRoot } from '../../support/paths.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { encodeAuthenticationHeader, encodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { encodeEthernetFrame } from '../../../src/capture/link.js';
import { ndjson, sniff, type Running } from './support.js';

const SOURCE_MAC = Buffer.from([0x02, 0, 0, 0, 0, 1]);
const BROADCAST = Buffer.alloc(6, 0xff);

const eth = (ip: Buffer): Buffer => encodeEthernetFrame(SOURCE_MAC, BROADCAST, ((ip[0] as number) >> 4) === 6 ? 0x86dd : 0x0800, ip);

function frames(): { vrrp: Buffer[]; other: Buffer[] } {
  const v2 = (vrid: number, authType = 0): Buffer => encodeAdvertisement({ version: 2, vrid, priority: 100, addresses: ['192.0.2.9'], interval: 100, authType });
  const v3v6 = (vrid: number): Buffer => encodeAdvertisement({ version: 3, vrid, priority: 100, addresses: ['2001:db8::9'], interval: 100 }, { source: 'fe80::9', destination: 'ff02::12' });
  const withOptions = ((): Buffer => {
    const plain = encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', protocol: 51, payload: encodeAuthenticationHeader({ spi: 1, sequence: 1, payload: v2(43, 2) }) });
    const out = Buffer.concat([plain.subarray(0, 20), Buffer.from([1, 1, 1, 0]), plain.subarray(20)]);
    out[0] = 0x46;
    out.writeUInt16BE(out.length, 2);
    return out;
  })();
  return {
    vrrp: [
      eth(encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', payload: v2(41) })),
      eth(encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', protocol: 51, payload: encodeAuthenticationHeader({ spi: 1, sequence: 7, payload: v2(42, 2) }) })),
      eth(withOptions),
      eth(encodeIpPacket({ source: 'fe80::9', destination: 'ff02::12', payload: v3v6(44) })),
      eth(encodeIpPacket({ source: 'fe80::9', destination: 'ff02::12', protocol: 51, payload: encodeAuthenticationHeader({ spi: 2, sequence: 1, payload: v3v6(45) }) })),
    ],
    other: [
      eth(encodeIpPacket({ source: '192.0.2.1', destination: '192.0.2.2', protocol: 17, payload: Buffer.alloc(16) })),
      eth(encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', protocol: 51, payload: encodeAuthenticationHeader({ spi: 1, sequence: 1, nextHeader: 6, payload: Buffer.alloc(20) }) })),
      eth(encodeIpPacket({ source: 'fe80::9', destination: 'ff02::1', protocol: 58, payload: Buffer.alloc(8) })),
      encodeEthernetFrame(SOURCE_MAC, BROADCAST, 0x0806, Buffer.alloc(28)),
    ],
  };
}

describe('the VRRP filter in the kernel', () => {
  let pair: NamespacePair | undefined;
  let live: Running | undefined;
  let output = '';

  before(async () => {
    pair = namespacePair({ prefix: 'vk' });
    const { vrrp, other } = frames();
    live = sniff(pair.b, ['-i', pair.ifB, '--json', '-c', String(vrrp.length)]);
    await live.waitFor(/listening on/);
    // Non-VRRP first: had the filter let any through, -c would stop before the last VRRP frame.
    const sender = path.join(projectRoot, 'dist', 'test', 'host', 'vrrp-sniff', 'send-frames.js');
    const sent = spawnSync('ip', ['netns', 'exec', pair.a, process.execPath, sender, pair.ifA, ...[...other, ...vrrp].map((f) => f.toString('hex'))], { encoding: 'utf8' });
    assert.equal(sent.status, 0, sent.stderr);
    const timer = setTimeout(() => live?.child.kill('SIGINT'), 15_000);
    await live.exited;
    clearTimeout(timer);
    output = live.stdout();
  });

  after(async () => {
    await live?.stop('SIGKILL');
    pair?.cleanup();
  });

  it('passes exactly the VRRP frames, AH-wrapped and IPv6 ones included', () => {
    const lines = ndjson(output);
    const packets = lines.filter((l) => l.type === 'packet');
    assert.deepEqual(packets.map((p) => p.vrid), [41, 42, 43, 44, 45]);
    for (const p of packets) assert.deepEqual(p.problems, []);
    const summary = lines.at(-1) as unknown as { skipped: number; kernel: { received: number; dropped: number } };
    assert.equal(summary.skipped, 0, 'nothing but VRRP reached user space');
    assert.deepEqual(summary.kernel, { received: 5, dropped: 0 });
  });
});
