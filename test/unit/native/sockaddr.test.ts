import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inetAddress, netlinkAddress, packetAddress, parseSocketAddress } from '../../../src/native/sockaddr.js';
import { bytesToIPv6, ipv6ToBytes } from '../../../src/native/ip.js';
import {
  controlSpace,
  decodeControlMessages,
  decodeIn6Pktinfo,
  decodeInPktinfo,
  decodeInt,
  encodeControlMessages,
  encodeInPktinfo,
  encodeInt,
} from '../../../src/native/cmsg.js';

test('sockaddr_nl bytes', () => {
  assert.equal(netlinkAddress(0x1234, 5).toString('hex'), '1000' + '0000' + '34120000' + '05000000');
  assert.deepEqual(parseSocketAddress(netlinkAddress(77, 0)), { family: 'netlink', portId: 77, groups: 0 });
});

test('sockaddr_in and sockaddr_in6 bytes, ports in network order', () => {
  assert.equal(inetAddress('192.0.2.1', 80).toString('hex'), '0200' + '0050' + 'c0000201' + '0000000000000000');
  const six = inetAddress('fe80::1', 0, 3);
  assert.equal(six.length, 28);
  assert.deepEqual(parseSocketAddress(six), { family: 'inet6', address: 'fe80::1', port: 0, scopeId: 3 });
});

test('sockaddr_ll bytes and parse', () => {
  const bytes = packetAddress(0x0800, 4, Buffer.from('020000000001', 'hex'));
  assert.equal(bytes.toString('hex'), '1100' + '0800' + '04000000' + '0000' + '00' + '06' + '0200000000010000');
  const parsed = parseSocketAddress(bytes);
  assert.equal(parsed.family, 'packet');
  if (parsed.family === 'packet') {
    assert.equal(parsed.ifindex, 4);
    assert.equal(parsed.hardwareAddress.toString('hex'), '020000000001');
  }
});

test('IPv6 text follows RFC 5952 like inet_ntop', () => {
  const cases: Array<[string, string]> = [
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['ff02:0:0:0:0:0:0:12', 'ff02::12'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ];
  for (const [input, expected] of cases) assert.equal(bytesToIPv6(ipv6ToBytes(input)), expected, input);
});

test('property: IPv6 bytes -> text -> bytes is lossless', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (raw) => {
      const bytes = Buffer.from(raw);
      assert.deepEqual(ipv6ToBytes(bytesToIPv6(bytes)), bytes);
    }),
  );
});

test('control messages: aligned layout and round trip', () => {
  const encoded = encodeControlMessages([
    { level: 0, type: 2, data: encodeInt(255) },
    { level: 0, type: 8, data: encodeInPktinfo(3, '192.0.2.9') },
  ]);
  assert.equal(encoded.length, controlSpace(4, 12));
  assert.equal(encoded.length, 16 + 8 + 16 + 16);
  const decoded = decodeControlMessages(encoded);
  assert.equal(decoded.length, 2);
  assert.equal(decodeInt(decoded[0]!.data), 255);
  assert.deepEqual(decodeInPktinfo(decoded[1]!.data), { ifindex: 3, local: '192.0.2.9', destination: '0.0.0.0' });
  assert.equal(decodeIn6Pktinfo(Buffer.alloc(3)), undefined);
});

test('property: decoding arbitrary control bytes never throws', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (raw) => void decodeControlMessages(Buffer.from(raw))));
});
