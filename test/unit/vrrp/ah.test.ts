// VRRPv2 auth type AH against keepalived 2.2.7's own packets. The fixtures were captured
// with tcpdump on a veth between two namespaces, each running keepalived with
// `auth_type AH`, advert_int 1, VRID 51, VIP 10.9.0.100, auth_pass secret12 unless said:
// - keepalived-ah-multicast.pcap: 10.9.0.1 (priority 150) master to 224.0.0.18, 17 adverts
//   and its priority-0 advert at SIGTERM.
// - keepalived-ah-unicast.pcap: the same with unicast_peer on both sides (10.9.0.1 then,
//   after it stopped, 10.9.0.2 as master).
// - keepalived-ah-wrong-pass.pcap: 10.9.0.1 with secret12 and 10.9.0.2 with auth_pass other,
//   both master.
// - keepalived-ah-restart.pcap: 10.9.0.1 master, SIGKILLed; 10.9.0.2 takes over; 10.9.0.1
//   restarted, listens as backup, then preempts (sequence numbers 1-6, 7-17, 18-43).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CaptureFileReader, type CaptureRecord } from '../../../src/capture/file.js';
import { decodeLink, newLinkFrame } from '../../../src/capture/link.js';
import { decodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { AhAuthenticator, ahIcv, ahKey, encodeAhPacket, AH_LENGTH } from '../../../src/vrrp/ah.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { fixture } from '../../support/paths.js';

/** The IP packets of a capture (link headers removed). */
function packets(name: string): Buffer[] {
  const reader = CaptureFileReader.open(fixture('vrrp', name));
  const frame = newLinkFrame();
  const out: Buffer[] = [];
  try {
    for (let r: CaptureRecord | undefined; (r = reader.next()); ) {
      const end = r.dataOffset + r.capturedLength;
      assert.ok(decodeLink(r.linkType, r.buffer, r.dataOffset, end, frame));
      out.push(Buffer.from(r.buffer.subarray(frame.networkOffset, end)));
    }
  } finally {
    reader.close();
  }
  return out;
}

const from = (packet: Buffer): string => decodeIpPacket(packet).ip?.source ?? '';

describe('VRRPv2 AH as keepalived 2.2.7 sends it', () => {
  it('every multicast advert verifies (TTL inside the ICV), in order, each moving the counter on', () => {
    const all = packets('keepalived-ah-multicast.pcap');
    assert.equal(all.length, 18);
    const receiver = new AhAuthenticator(ahKey('secret12'), false);
    for (const [i, packet] of all.entries()) {
      const verdict = receiver.check(packet, 0, packet.length);
      assert.deepEqual(verdict, { ok: true, sequence: i + 1 });
    }
    assert.equal(receiver.sequence, 18);
  });

  it('encodeAhPacket rebuilds each captured packet byte for byte (id, SPI, sequence, ICV, checksums)', () => {
    for (const name of ['keepalived-ah-multicast.pcap', 'keepalived-ah-unicast.pcap']) {
      for (const packet of packets(name)) {
        const decoded = decodeIpPacket(packet);
        const { ip, ah, vrrp } = decoded;
        assert.ok(ip && ah && vrrp, name);
        const { advert } = vrrp;
        assert.equal(advert.authType, 2);
        assert.equal(ah.spi, packet.readUInt32BE(12), 'SPI = the source address');
        const message = encodeAdvertisement({ version: 2, vrid: advert.vrid, priority: advert.priority, addresses: advert.addresses, interval: advert.interval, authType: 2 });
        const rebuilt = encodeAhPacket({
          source: ip.source,
          destination: ip.destination,
          message,
          key: ahKey('secret12'),
          id: ip.id,
          sequence: ah.sequence,
          unicast: name.includes('unicast'),
        });
        assert.equal(rebuilt.toString('hex'), packet.toString('hex'), `${name}: ${ip.source} sequence ${ah.sequence}`);
      }
    }
  });

  it('unicast: the ICV leaves the TTL out, so it verifies only with the unicast rule', () => {
    const all = packets('keepalived-ah-unicast.pcap');
    assert.equal(all.length, 10);
    const unicast = new AhAuthenticator(ahKey('secret12'), true);
    const multicast = new AhAuthenticator(ahKey('secret12'), false);
    for (const packet of all) {
      assert.equal(unicast.check(packet, 0, packet.length).ok, true);
      assert.deepEqual(multicast.check(packet, 0, packet.length).ok ? 'ok' : 'icv', 'icv');
    }
    // And keepalived's multicast adverts fail the unicast rule.
    const one = packets('keepalived-ah-multicast.pcap')[0] as Buffer;
    const verdict = new AhAuthenticator(ahKey('secret12'), true).check(one, 0, one.length);
    assert.equal(verdict.ok, false);
  });

  it('a wrong auth_pass fails the ICV; each side verifies only its own', () => {
    const all = packets('keepalived-ah-wrong-pass.pcap');
    for (const packet of all) {
      const own = from(packet) === '10.9.0.1' ? 'secret12' : 'other';
      const wrong = own === 'secret12' ? 'other' : 'secret12';
      assert.equal(new AhAuthenticator(ahKey(own), false).check(packet, 0, packet.length).ok, true);
      const verdict = new AhAuthenticator(ahKey(wrong), false).check(packet, 0, packet.length);
      assert.equal(verdict.ok ? 'ok' : verdict.kind, 'icv');
    }
  });

  it('auth_pass counts only its first 8 bytes (secret12XYZ is secret12)', () => {
    assert.deepEqual(ahKey('secret12XYZ'), ahKey('secret12'));
    const packet = packets('keepalived-ah-multicast.pcap')[0] as Buffer;
    assert.equal(new AhAuthenticator(ahKey('secret12XYZ'), false).check(packet, 0, packet.length).ok, true);
  });

  it('restart: one counter across senders; a router that starts at 0 takes any first number', () => {
    const all = packets('keepalived-ah-restart.pcap');
    assert.deepEqual(
      all.map((p) => decodeIpPacket(p).ah?.sequence),
      all.map((_, i) => i + 1),
      'the backup sends on from the number it last heard, and the restarted router from what it heard',
    );
    const observer = new AhAuthenticator(ahKey('secret12'), false);
    for (const packet of all) assert.equal(observer.check(packet, 0, packet.length).ok, true);
    // The restarted router (counter 0) takes the survivor's adverts; the survivor, counting
    // on, refuses a restarted router's number 1 that it has already passed.
    const survivor = new AhAuthenticator(ahKey('secret12'), false);
    survivor.sequence = 17;
    const restartedFirst = encodeAhPacket({ source: '10.9.0.1', destination: '224.0.0.18', message: vrrpOf(all[0] as Buffer), key: ahKey('secret12'), id: 1, sequence: 1, unicast: false });
    const verdict = survivor.check(restartedFirst, 0, restartedFirst.length);
    assert.equal(verdict.ok ? 'ok' : verdict.kind, 'sequence');
    assert.equal(survivor.sequence, 17, 'a refused advert does not move the counter');
  });

  it('replays, old numbers and a foreign SPI are refused; refusals never move the counter', () => {
    const [first, second] = packets('keepalived-ah-multicast.pcap') as [Buffer, Buffer];
    const receiver = new AhAuthenticator(ahKey('secret12'), false);
    assert.equal(receiver.check(second, 0, second.length).ok, true);
    const replay = receiver.check(second, 0, second.length);
    assert.equal(replay.ok ? 'ok' : replay.kind, 'sequence');
    const old = receiver.check(first, 0, first.length);
    assert.equal(old.ok ? 'ok' : old.kind, 'sequence');
    // A correct ICV over an SPI that is not the source address.
    const spoofed = encodeAhPacket({ source: '10.9.0.1', destination: '224.0.0.18', message: vrrpOf(first), key: ahKey('secret12'), id: 9, sequence: 50, unicast: false });
    spoofed.writeUInt32BE(0x0a090063, 24);
    ahIcv(spoofed, 0, spoofed.length, ahKey('secret12'), false).copy(spoofed, 32);
    const spi = receiver.check(spoofed, 0, spoofed.length);
    assert.equal(spi.ok ? 'ok' : spi.kind, 'spi');
    assert.equal(receiver.sequence, 2);
    // A changed byte anywhere covered (here the priority) breaks the ICV.
    const changed = Buffer.from(second);
    changed[20 + AH_LENGTH + 2] = 200;
    const icv = new AhAuthenticator(ahKey('secret12'), false).check(changed, 0, changed.length);
    assert.equal(icv.ok ? 'ok' : icv.kind, 'icv');
    // TOS, fragment field and header checksum are outside it (mutable on the way).
    const mutated = Buffer.from(second);
    mutated[1] = 0x00;
    mutated.writeUInt16BE(0x4000, 6);
    mutated.writeUInt16BE(0xbeef, 10);
    assert.equal(new AhAuthenticator(ahKey('secret12'), false).check(mutated, 0, mutated.length).ok, true);
  });

  it('one advert to several unicast peers carries one sequence number and one IP id; ids skip 0', () => {
    const sender = new AhAuthenticator(ahKey('pw'), true);
    const message = encodeAdvertisement({ version: 2, vrid: 9, priority: 100, addresses: ['10.0.0.9'], interval: 100, authType: 2 });
    const [a, b] = sender.wrap(message, '10.0.0.1', ['10.0.0.2', '10.0.0.3'], 64) as [Buffer, Buffer];
    for (const packet of [a, b]) {
      const { ip, ah } = decodeIpPacket(packet);
      assert.equal(ip?.id, 1);
      assert.equal(ip?.ttl, 64);
      assert.equal(ah?.sequence, 1);
    }
    const receiver = new AhAuthenticator(ahKey('pw'), true);
    assert.equal(receiver.check(b, 0, b.length).ok, true);
    // ids 2 .. 65535, then the wrap.
    for (let i = 0; i < 0xfffe; i++) sender.wrap(message, '10.0.0.1', ['10.0.0.2']);
    const [wrapped] = sender.wrap(message, '10.0.0.1', ['10.0.0.2']) as [Buffer];
    assert.equal(decodeIpPacket(wrapped).ip?.id, 1, 'after 65535 comes 1, not 0 (the kernel fills in a 0)');
    assert.equal(sender.sequence, 0x10000);
  });

  it('hostile bytes: every truncation and non-AH packet is refused as malformed, never thrown', () => {
    const packet = packets('keepalived-ah-multicast.pcap')[0] as Buffer;
    const receiver = new AhAuthenticator(ahKey('secret12'), false);
    for (let length = 0; length < packet.length; length++) {
      const verdict = receiver.check(packet, 0, length);
      assert.equal(verdict.ok, false, `length ${length}`);
    }
    const plain = Buffer.from(packet);
    plain[9] = 112;
    const verdict = receiver.check(plain, 0, plain.length);
    assert.equal(verdict.ok ? 'ok' : verdict.kind, 'malformed');
    const otherNext = Buffer.from(packet);
    otherNext[20] = 6;
    const next = receiver.check(otherNext, 0, otherNext.length);
    assert.equal(next.ok ? 'ok' : next.kind, 'malformed');
    assert.equal(receiver.sequence, 0);
  });
});

function vrrpOf(packet: Buffer): Buffer {
  return Buffer.from(packet.subarray(20 + AH_LENGTH));
}
