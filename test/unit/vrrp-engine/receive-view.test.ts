// The engine's receive path without copies: datagrams read with one recvmmsg into a reused
// area (the addon's recvMessages, over UDP on loopback here), and received adverts compared
// with the last accepted one byte for byte without decoding them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveArea, Socket } from '../../../src/native/socket.js';
import { constant } from '../../../src/native/addon.js';
import { inetAddress, parseSocketAddress } from '../../../src/native/sockaddr.js';
import { datagramKey, sameDatagram, toReceived, type AdvertView } from '../../../src/vrrp/transport.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';

test('receiveMessages reads every waiting datagram with its sender in one call, nothing when none', () => {
  const receiver = Socket.open(constant('AF_INET'), constant('SOCK_DGRAM'), 0);
  const sender = Socket.open(constant('AF_INET'), constant('SOCK_DGRAM'), 0);
  try {
    receiver.bind(inetAddress('127.0.0.1', 0));
    sender.bind(inetAddress('127.0.0.1', 0));
    const to = receiver.localAddress();
    const from = parseSocketAddress(sender.localAddress());
    const area = new ReceiveArea(4, 16, 32, 0);
    assert.equal(receiver.receiveMessages(area), 0);
    for (const text of ['one', 'two', 'three, longer than its slot']) sender.send(Buffer.from(text), to);
    assert.equal(receiver.receiveMessages(area), 3);
    assert.equal(area.data.toString('latin1', area.offset(0), area.offset(0) + area.length(0)), 'one');
    assert.equal(area.data.toString('latin1', area.offset(1), area.offset(1) + area.length(1)), 'two');
    // Cut at the slot, flagged MSG_TRUNC.
    assert.equal(area.length(2), 16);
    assert.ok(area.flags(2) & constant('MSG_TRUNC'));
    assert.equal(area.data.toString('latin1', area.offset(2), area.offset(2) + 16), 'three, longer th');
    assert.equal(area.nameLength(0), 16);
    const name = area.names?.subarray(0, area.nameLength(0)) ?? Buffer.alloc(0);
    assert.deepEqual(parseSocketAddress(name), from);
    assert.equal(receiver.receiveMessages(area), 0);
  } finally {
    receiver.close();
    sender.close();
  }
});

/** An IPv4 view as the transport makes it: the IP header's addresses, the message after it. */
function view(message: Buffer, source = '192.0.2.1', ttl = 255): AdvertView {
  const bytes = Buffer.alloc(20 + message.length);
  bytes[0] = 0x45;
  Buffer.from(source.split('.').map(Number)).copy(bytes, 12);
  Buffer.from([224, 0, 0, 18]).copy(bytes, 16);
  message.copy(bytes, 20);
  return { bytes, start: 20, end: bytes.length, family: 4, addressBytes: bytes, sourceOffset: 12, destinationOffset: 16, ttl, arrivedAtMs: undefined, receivedAfter: undefined };
}

test('a datagram matches the key of the same bytes only (message, source and destination)', () => {
  const advert = (priority: number): Buffer => encodeAdvertisement({ version: 3, vrid: 7, priority, addresses: ['192.0.2.100'], interval: 10 }, { source: '192.0.2.1', destination: '224.0.0.18' });
  const first = view(advert(200));
  const key = datagramKey(first);
  assert.ok(sameDatagram(view(advert(200)), key));
  assert.ok(!sameDatagram(view(advert(201)), key));
  assert.ok(!sameDatagram(view(advert(200), '192.0.2.9'), key));
  assert.ok(!sameDatagram(view(advert(200).subarray(0, 8)), key));
  const received = toReceived(first);
  assert.deepEqual(
    { source: received.source, destination: received.destination, ttl: received.ttl, family: received.family },
    { source: '192.0.2.1', destination: '224.0.0.18', ttl: 255, family: 4 },
  );
  assert.deepEqual(received.message, advert(200));
  // A lasting copy: the area being reused does not change it.
  first.bytes.fill(0);
  assert.deepEqual(received.message, advert(200));
});
