// The VRRP codec against bytes keepalived 2.2.7 sent (captured in namespaces, see
// test/fixtures/vrrp/keepalived-mixed.pcap), hand-built bad packets, and round-trip properties.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contextFor, decodeAdvertisement, encodeAdvertisement, type AdvertisementInput } from '../../../src/vrrp/packet.js';
import { decodeIpPacket, encodeAuthenticationHeader, encodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { internetChecksum } from '../../../src/vrrp/checksum.js';

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

// Whole IP packets as keepalived sent them.
const V2_PASS = hex('45c0002800010000ff70d0880a090001e0000012 213396010101cfde0a090064 7365637265743132');
const V2_AH = hex('45c0004000010000ff33d0ad0a090001e0000012 700400000a09000100000001c522b2c562e95f5548b55f59 2134960102013c5a0a0900660000000000000000');
const V3_IPV4 = hex('45c0002000010000ff70d08f0a090002e0000012 313596010032438d0a090067');
const V2_LEAVING = hex('45c0002800050000ff70d0840a090001e0000012 21330001010165df0a0900647365637265743132');

describe('VRRP codec: bytes keepalived sent', () => {
  it('v2 simple-text password', () => {
    const packet = decodeIpPacket(V2_PASS);
    assert.deepEqual(packet.problems, []);
    assert.equal(packet.ip?.source, '10.9.0.1');
    assert.equal(packet.ip?.destination, '224.0.0.18');
    assert.equal(packet.ip?.ttl, 255);
    const vrrp = packet.vrrp;
    assert.ok(vrrp);
    assert.deepEqual(vrrp.problems, []);
    assert.equal(vrrp.advert.version, 2);
    assert.equal(vrrp.advert.vrid, 51);
    assert.equal(vrrp.advert.priority, 150);
    assert.equal(vrrp.advert.authType, 1);
    assert.equal(vrrp.advert.interval, 100);
    assert.deepEqual(vrrp.advert.addresses, ['10.9.0.100']);
    assert.equal(vrrp.advert.authData.toString('latin1'), 'secret12');
    assert.deepEqual(vrrp.checksum, { checked: true, valid: true, form: 'message' });
    assert.equal(vrrp.length, 20);
  });

  it('v2 inside an Authentication Header', () => {
    const packet = decodeIpPacket(V2_AH);
    assert.deepEqual(packet.problems, []);
    assert.equal(packet.ip?.protocol, 51);
    assert.equal(packet.ah?.spi, 0x0a090001, 'keepalived uses the sender address as SPI');
    assert.equal(packet.ah?.sequence, 1);
    assert.equal(packet.ah?.length, 24);
    assert.equal(packet.ah?.icv.toString('hex'), 'c522b2c562e95f5548b55f59');
    assert.equal(packet.vrrp?.advert.authType, 2);
    assert.equal(packet.vrrp?.advert.vrid, 52);
    assert.deepEqual(packet.vrrp?.problems, []);
  });

  it('v3 over IPv4 verifies with the pseudo-header, and says so', () => {
    const vrrp = decodeIpPacket(V3_IPV4).vrrp;
    assert.ok(vrrp);
    assert.equal(vrrp.advert.version, 3);
    assert.equal(vrrp.advert.interval, 50);
    assert.deepEqual(vrrp.checksum, { checked: true, valid: true, form: 'pseudo-header' });
  });

  it('priority 0 (leaving) decodes as such', () => {
    assert.equal(decodeIpPacket(V2_LEAVING).vrrp?.advert.priority, 0);
  });

  it('re-encoding what was decoded gives keepalived\'s bytes back', () => {
    for (const packet of [V2_PASS, V2_AH, V3_IPV4, V2_LEAVING]) {
      const decoded = decodeIpPacket(packet);
      const vrrp = decoded.vrrp;
      assert.ok(vrrp && decoded.ip);
      const a = vrrp.advert;
      const bytes = encodeAdvertisement(
        { version: a.version as 2 | 3, vrid: a.vrid, priority: a.priority, addresses: a.addresses, interval: a.interval, authType: a.authType, authData: a.authData },
        { source: decoded.ip.source, destination: decoded.ip.destination },
      );
      const start = packet.length - vrrp.length;
      assert.equal(bytes.toString('hex'), packet.subarray(start).toString('hex'));
    }
  });
});

describe('VRRP codec: forms built here', () => {
  it('v2 without authentication', () => {
    const bytes = encodeAdvertisement({ version: 2, vrid: 1, priority: 100, addresses: ['192.0.2.1', '192.0.2.2'], interval: 100 });
    // 0x21 version/type, vrid 1, prio 100, 2 addresses, auth 0, 1 s, checksum, addresses, 8 zero bytes.
    assert.equal(bytes.toString('hex'), `210164020001${bytes.subarray(6, 8).toString('hex')}c0000201c00002020000000000000000`);
    assert.equal(internetChecksum(bytes), 0);
    const decoded = decodeAdvertisement(bytes);
    assert.deepEqual(decoded.problems, []);
    assert.deepEqual(decoded.advert.addresses, ['192.0.2.1', '192.0.2.2']);
  });

  it('v3 over IPv4 with the message-only checksum (some vendors, RFC 9568 text) is accepted and named', () => {
    const bytes = encodeAdvertisement({ version: 3, vrid: 7, priority: 200, addresses: ['192.0.2.7'], interval: 100 }, { checksumForm: 'message' });
    const decoded = decodeAdvertisement(bytes, contextFor('192.0.2.10', '224.0.0.18'));
    assert.deepEqual(decoded.problems, []);
    assert.deepEqual(decoded.checksum, { checked: true, valid: true, form: 'message' });
  });

  it('v3 over IPv6 uses the IPv6 pseudo-header; the message-only sum is not accepted there', () => {
    const source = 'fe80::1';
    const destination = 'ff02::12';
    const bytes = encodeAdvertisement({ version: 3, vrid: 9, priority: 100, addresses: ['2001:db8::9', 'fe80::9'], interval: 25 }, { source, destination });
    assert.equal(bytes.length, 8 + 32);
    const good = decodeAdvertisement(bytes, contextFor(source, destination));
    assert.deepEqual(good.checksum, { checked: true, valid: true, form: 'pseudo-header' });
    assert.deepEqual(good.advert.addresses, ['2001:db8::9', 'fe80::9']);
    const messageOnly = encodeAdvertisement({ version: 3, vrid: 9, priority: 100, addresses: ['2001:db8::9'], interval: 25, family: 'ipv6' }, { checksum: 0 });
    messageOnly.writeUInt16BE(internetChecksum(messageOnly), 6);
    assert.ok(decodeAdvertisement(messageOnly, contextFor(source, destination)).problems.includes('bad-checksum'));
    // Through the IP layer.
    const packet = decodeIpPacket(encodeIpPacket({ source, destination, payload: bytes }));
    assert.equal(packet.ip?.family, 'ipv6');
    assert.equal(packet.ip?.ttl, 255);
    assert.deepEqual(packet.vrrp?.problems, []);
  });

  it('v3 over IPv4 unicast: the pseudo-header holds the unicast destination', () => {
    const bytes = encodeAdvertisement({ version: 3, vrid: 3, priority: 90, addresses: ['192.0.2.3'], interval: 100 }, { source: '192.0.2.1', destination: '192.0.2.2' });
    assert.equal(decodeAdvertisement(bytes, contextFor('192.0.2.1', '192.0.2.2')).checksum.form, 'pseudo-header');
    // The same bytes read as if multicast: neither form matches.
    assert.ok(decodeAdvertisement(bytes, contextFor('192.0.2.1', '224.0.0.18')).problems.includes('bad-checksum'));
  });

  it('AH around v2, built and read back', () => {
    const vrrp = encodeAdvertisement({ version: 2, vrid: 4, priority: 100, addresses: ['192.0.2.4'], interval: 100, authType: 2 });
    const packet = encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', protocol: 51, payload: encodeAuthenticationHeader({ spi: 0xc0000201, sequence: 9, payload: vrrp }) });
    const decoded = decodeIpPacket(packet);
    assert.equal(decoded.ah?.spi, 0xc0000201);
    assert.equal(decoded.ah?.sequence, 9);
    assert.deepEqual(decoded.vrrp?.problems, []);
  });

  it('refuses what the format cannot carry', () => {
    assert.throws(() => encodeAdvertisement({ version: 2, vrid: 1, priority: 1, addresses: ['2001:db8::1'], interval: 100 }), RangeError);
    assert.throws(() => encodeAdvertisement({ version: 3, vrid: 1, priority: 1, addresses: ['192.0.2.1'], interval: 5000 }, { source: '192.0.2.1', destination: '224.0.0.18' }), RangeError);
    assert.throws(() => encodeAdvertisement({ version: 3, vrid: 256, priority: 1, addresses: [], interval: 100 }, { source: '192.0.2.1', destination: '224.0.0.18' }), RangeError);
    assert.throws(() => encodeAdvertisement({ version: 3, vrid: 1, priority: 1, addresses: ['192.0.2.1'], interval: 100 }), /source and destination/);
  });
});

describe('VRRP codec: problems, never exceptions', () => {
  const good = encodeAdvertisement({ version: 3, vrid: 5, priority: 100, addresses: ['192.0.2.5'], interval: 100 }, { source: '192.0.2.1', destination: '224.0.0.18' });
  const context = contextFor('192.0.2.1', '224.0.0.18', { ttl: 255 });
  const problems = (bytes: Buffer, ctx = context): string[] => decodeAdvertisement(bytes, ctx).problems;

  it('truncated', () => {
    assert.deepEqual(problems(Buffer.alloc(0)), ['truncated']);
    assert.deepEqual(problems(good.subarray(0, 3)), ['truncated']);
    assert.ok(problems(good.subarray(0, 10), { ...context, length: good.length }).includes('truncated'));
  });
  it('bad checksum', () => {
    const bad = Buffer.from(good);
    bad[7] = (bad[7] as number) ^ 0xff;
    assert.deepEqual(problems(bad), ['bad-checksum']);
  });
  it('bad version and bad type', () => {
    const v4 = Buffer.from(good);
    v4[0] = 0x41;
    assert.ok(problems(v4).includes('bad-version'));
    const type2 = Buffer.from(good);
    type2[0] = 0x32;
    assert.ok(problems(type2).includes('bad-type'));
  });
  it('count mismatch', () => {
    const bytes = encodeAdvertisement({ version: 3, vrid: 5, priority: 100, addresses: ['192.0.2.5'], interval: 100, count: 3 }, { source: '192.0.2.1', destination: '224.0.0.18' });
    assert.deepEqual(problems(bytes), ['count-mismatch']);
  });
  it('TTL != 255', () => {
    assert.deepEqual(problems(good, { ...context, ttl: 64 }), ['ttl']);
  });
  it('TTL != 255 is no problem on a unicast advert (IPv4 and IPv6: keepalived checks none)', () => {
    const unicast4 = encodeAdvertisement({ version: 3, vrid: 5, priority: 100, addresses: ['192.0.2.5'], interval: 100 }, { source: '192.0.2.1', destination: '192.0.2.2' });
    assert.deepEqual(decodeAdvertisement(unicast4, contextFor('192.0.2.1', '192.0.2.2', { ttl: 64 })).problems, []);
    const message6 = { version: 3 as const, vrid: 5, priority: 100, addresses: ['2001:db8::5'], interval: 100 };
    const unicast6 = encodeAdvertisement(message6, { source: 'fe80::1', destination: 'fe80::2' });
    assert.deepEqual(decodeAdvertisement(unicast6, contextFor('fe80::1', 'fe80::2', { ttl: 64 })).problems, []);
    const multicast6 = encodeAdvertisement(message6, { source: 'fe80::1', destination: 'ff02::12' });
    assert.deepEqual(decodeAdvertisement(multicast6, contextFor('fe80::1', 'ff02::12', { ttl: 64 })).problems, ['ttl']);
  });
  it('reserved bits set', () => {
    const bytes = encodeAdvertisement({ version: 3, vrid: 5, priority: 100, addresses: ['192.0.2.5'], interval: 100, reserved: 0xa }, { source: '192.0.2.1', destination: '224.0.0.18' });
    assert.deepEqual(problems(bytes), ['reserved-bits']);
  });
  it('interval 0, vrid 0, unknown v2 auth type', () => {
    const bytes = encodeAdvertisement({ version: 2, vrid: 0, priority: 100, addresses: ['192.0.2.5'], interval: 100, authType: 7 });
    bytes[5] = 0;
    bytes.writeUInt16BE(0, 6);
    bytes.writeUInt16BE(internetChecksum(bytes), 6);
    assert.deepEqual(problems(bytes, {}).sort(), ['bad-auth-type', 'zero-interval', 'zero-vrid']);
  });
  it('an Ethernet-padded IPv4 packet ends where the IP header says', () => {
    const padded = Buffer.concat([V2_PASS, Buffer.alloc(6)]);
    assert.deepEqual(decodeIpPacket(padded).vrrp?.problems, []);
  });
  it('short and strange IP packets', () => {
    assert.deepEqual(decodeIpPacket(Buffer.alloc(0)).problems, ['ip-truncated']);
    assert.deepEqual(decodeIpPacket(Buffer.from([0x75])).problems, ['not-ip']);
    assert.deepEqual(decodeIpPacket(V2_PASS.subarray(0, 12)).problems, ['ip-truncated']);
    assert.deepEqual(decodeIpPacket(V2_AH.subarray(0, 30)).problems, ['ah-truncated']);
    assert.ok(decodeIpPacket(V2_PASS.subarray(0, 30)).vrrp?.problems.includes('truncated'));
  });
});

const ipv4 = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map((b) => b.join('.'));
const ipv6 = fc.ipV6().map((a) => decodeAdvertisement(encodeAdvertisement({ version: 3, vrid: 1, priority: 1, addresses: [a], interval: 1, family: 'ipv6' }, { checksum: 0 }), { family: 'ipv6' }).advert.addresses[0] as string);

describe('VRRP codec: round trips', () => {
  it('v2: decode(encode(x)) = x', () => {
    fc.assert(
      fc.property(
        fc.record({
          vrid: fc.integer({ min: 1, max: 255 }),
          priority: fc.integer({ min: 0, max: 255 }),
          addresses: fc.array(ipv4, { minLength: 1, maxLength: 20 }),
          seconds: fc.integer({ min: 1, max: 255 }),
          authType: fc.integer({ min: 0, max: 2 }),
          password: fc.uint8Array({ minLength: 8, maxLength: 8 }),
        }),
        (x) => {
          const input: AdvertisementInput = { version: 2, vrid: x.vrid, priority: x.priority, addresses: x.addresses, interval: x.seconds * 100, authType: x.authType, authData: Buffer.from(x.password) };
          const decoded = decodeAdvertisement(encodeAdvertisement(input), { ttl: 255 });
          assert.deepEqual(decoded.problems, []);
          assert.equal(decoded.advert.vrid, x.vrid);
          assert.equal(decoded.advert.priority, x.priority);
          assert.deepEqual(decoded.advert.addresses, x.addresses);
          assert.equal(decoded.advert.interval, x.seconds * 100);
          assert.equal(decoded.advert.authType, x.authType);
          assert.deepEqual([...decoded.advert.authData], [...x.password]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('v3 (IPv4 both checksum forms, IPv6): decode(encode(x)) = x, and the form is reported', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.constantFrom<'message' | 'pseudo-header'>('message', 'pseudo-header'),
        fc.integer({ min: 1, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 4095 }),
        fc.array(ipv4, { minLength: 0, maxLength: 10 }),
        fc.array(ipv6, { minLength: 1, maxLength: 6 }),
        ipv4,
        (six, form, vrid, priority, interval, addresses4, addresses6, unicast) => {
          const addresses = six ? addresses6 : addresses4;
          const source = six ? 'fe80::1' : '192.0.2.1';
          const destination = six ? 'ff02::12' : unicast;
          const bytes = encodeAdvertisement({ version: 3, vrid, priority, addresses, interval, family: six ? 'ipv6' : 'ipv4' }, { source, destination, checksumForm: form });
          const decoded = decodeAdvertisement(bytes, contextFor(source, destination, { ttl: 255 }));
          assert.deepEqual(decoded.problems, []);
          assert.deepEqual(decoded.advert.addresses, addresses);
          assert.equal(decoded.advert.interval, interval);
          assert.equal(decoded.advert.vrid, vrid);
          assert.equal(decoded.advert.priority, priority);
          // A message-only sum can coincide with the pseudo-header one only when the pseudo-header sums to zero (mod 0xffff).
          if (six || form === 'pseudo-header') assert.equal(decoded.checksum.form, 'pseudo-header');
        },
      ),
      { numRuns: 300 },
    );
  });
});
