// The sniffer's lines for the cases a capture of keepalived traffic does not show: the virtual
// MAC, problems, repeated adverts through the memo, and the JSON contract.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SniffSession } from '../../../src/vrrp/sniff.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { encodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { encodeEthernetFrame, multicastMac, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL } from '../../../src/capture/link.js';
import { ipv4ToBytes } from '../../../src/native/ip.js';
import { frame } from './fuzz-mutator.js';

const vmac = Buffer.from([0x00, 0x00, 0x5e, 0x00, 0x01, 0x07]);
const group = multicastMac(ipv4ToBytes('224.0.0.18'));

function advert(options: { ttl?: number; id?: number; badChecksum?: boolean; vrid?: number } = {}): Buffer {
  const vrrp = encodeAdvertisement({ version: 2, vrid: options.vrid ?? 7, priority: 100, addresses: ['192.0.2.7', '192.0.2.8'], interval: 100, authType: 1, authData: 'pa\x01ss' });
  if (options.badChecksum) vrrp.writeUInt16BE(0x1234, 6);
  const ip = encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', payload: vrrp, ttl: options.ttl ?? 255, id: options.id ?? 1 });
  return encodeEthernetFrame(vmac, group, 0x0800, ip);
}

function lines(session: SniffSession): string[] {
  return session.take().split('\n').filter((l) => l !== '');
}

describe('sniff lines', () => {
  it('-e names the virtual MAC; passwords are shown with control bytes escaped', () => {
    const session = new SniffSession({ link: true });
    const bytes = advert();
    session.packet(LINKTYPE_ETHERNET, bytes, 0, bytes.length, 1_700_000_000, 5000);
    const [line] = lines(session);
    assert.match(line ?? '', / 00:00:5e:00:01:07 \(vmac vrid 7\) > 01:00:5e:00:00:12, IP 192\.0\.2\.1 > 224\.0\.0\.18: VRRPv2, Advertisement, vrid 7, prio 100, authtype simple, intvl 1s, length 24, addrs\(2\): 192\.0\.2\.7,192\.0\.2\.8 auth "pa\\x01ss"$/);
  });

  it('problems are listed on the line; -v shows the TTL (as tcpdump does) and the checksum verdict', () => {
    const session = new SniffSession({ verbose: true });
    const bytes = advert({ ttl: 64, badChecksum: true });
    session.packet(LINKTYPE_ETHERNET, bytes, 0, bytes.length, 1_700_000_000, 0);
    const [line] = lines(session);
    assert.match(line ?? '', /IP \(tos 0xc0, ttl 64, id 1, offset 0, flags \[none\], proto VRRP \(112\), length 44\)/);
    assert.match(line ?? '', /VRRPv2, Advertisement, \(ttl 64\), vrid 7/);
    assert.match(line ?? '', /, bad cksum 1234!/);
    assert.match(line ?? '', /\[ttl 64 != 255; bad checksum 0x1234\]$/);
  });

  it('repeated adverts come from the memo with their own IPv4 id under -v', () => {
    const session = new SniffSession({ verbose: true });
    for (const id of [10, 11, 12]) {
      const bytes = advert({ id });
      session.packet(LINKTYPE_ETHERNET, bytes, 0, bytes.length, 1_700_000_000 + id, 0);
    }
    const ids = lines(session).filter((l) => l.includes('VRRPv2')).map((l) => /, id (\d+),/.exec(l)?.[1]);
    assert.deepEqual(ids, ['10', '11', '12']);
  });

  it('--vrid and --src filter, -c stops', () => {
    const session = new SniffSession({ vrid: 8, count: 2, json: true });
    for (let i = 0; i < 6; i++) {
      const bytes = advert({ vrid: 7 + (i % 2), id: i });
      session.packet(LINKTYPE_ETHERNET, bytes, 0, bytes.length, 1_700_000_000 + i, 0);
    }
    const packets = lines(session).map((l) => JSON.parse(l) as { type: string; vrid?: number }).filter((p) => p.type === 'packet');
    assert.deepEqual(packets.map((p) => p.vrid), [8, 8]);
    assert.equal(session.done, true);
    const bySource = new SniffSession({ source: '192.0.2.99' });
    const bytes = advert();
    assert.equal(bySource.packet(LINKTYPE_ETHERNET, bytes, 0, bytes.length, 1, 0), false);
  });

  it('JSON: contract keys in order, interval in centiseconds, the virtual MAC flagged', () => {
    const session = new SniffSession({ json: true });
    const bytes = advert();
    session.packet(LINKTYPE_ETHERNET, bytes, 0, bytes.length, 1_700_000_000, 123_456_789);
    const packet = JSON.parse(lines(session)[0] ?? '{}') as Record<string, unknown>;
    assert.deepEqual(Object.keys(packet).slice(0, 12), ['type', 'time', 'src', 'dst', 'ttl', 'version', 'vrid', 'priority', 'authType', 'interval', 'addresses', 'problems']);
    assert.equal(packet.time, '2023-11-14T22:13:20.123456Z');
    assert.equal(packet.interval, 100);
    assert.equal(packet.authType, 'simple');
    assert.equal(packet.auth, 'pa\x01ss');
    assert.equal(packet.virtualMac, true);
    assert.equal(packet.checksumForm, 'message');
  });

  it('Linux cooked frames have a source MAC but no destination', () => {
    const session = new SniffSession({ link: true });
    const ip = advert().subarray(14);
    const bytes = frame(ip, LINKTYPE_LINUX_SLL);
    session.packet(LINKTYPE_LINUX_SLL, bytes, 0, bytes.length, 1_700_000_000, 0);
    assert.match(lines(session)[0] ?? '', / 00:00:5e:00:01:0a \(vmac vrid 10\), IP /);
  });

  it('non-VRRP traffic in a file is skipped and counted', () => {
    const session = new SniffSession({});
    const udp = encodeEthernetFrame(vmac, group, 0x0800, encodeIpPacket({ source: '192.0.2.1', destination: '192.0.2.2', protocol: 17, payload: Buffer.alloc(8) }));
    const arp = encodeEthernetFrame(vmac, group, 0x0806, Buffer.alloc(28));
    assert.equal(session.packet(LINKTYPE_ETHERNET, udp, 0, udp.length, 1, 0), false);
    assert.equal(session.packet(LINKTYPE_ETHERNET, arp, 0, arp.length, 1, 0), false);
    assert.equal(session.summary().skipped, 2);
  });
});
