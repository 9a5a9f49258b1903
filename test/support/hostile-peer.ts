// A hostile VRRP neighbour for host tests, run inside a test namespace: sends, to the VRRP
// group on IFNAME, adverts that a receiver must drop, each kind REPEAT times, then RANDOM
// packets of seeded random bytes. Every packet names our VRID (except the wrong-VRID kind
// and half of the random ones) and carries PRIORITY, chosen by the test so that a packet
// wrongly accepted would change the receiver's state (254 against a master, 0 against a
// backup). Prints one JSON line: how many packets of each kind went out.
//   hostile-peer.js IFNAME 4|6 VERSION VRID PRIORITY INTERVAL_CS VIP PASSWORD|- SEED REPEAT RANDOM
import { Socket } from '../../src/native/socket.js';
import { addon, constant } from '../../src/native/addon.js';
import { inetAddress, multicastMembership } from '../../src/native/sockaddr.js';
import { encodeControlMessages, encodeIn6Pktinfo, encodeInPktinfo } from '../../src/native/cmsg.js';
import { NetlinkConnection } from '../../src/netlink/connection.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { listAddresses } from '../../src/rtnl/addresses.js';
import { encodeAdvertisement, contextFor, type AdvertisementInput } from '../../src/vrrp/packet.js';
import { finish, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, sum16 } from '../../src/vrrp/checksum.js';
import { seededRandom } from './random.js';

const [ifname = '', familyText = '4', versionText = '2', vridText = '1', priorityText = '100', intervalText = '100', vip = '', passwordText = '-', seedText = '1', repeatText = '10', randomText = '100'] =
  process.argv.slice(2);
const family = familyText === '6' ? 6 : 4;
const version = versionText === '3' ? 3 : 2;
const vrid = Number(vridText);
const priority = Number(priorityText);
const interval = Number(intervalText);
const password = passwordText === '-' ? undefined : passwordText;
const repeat = Number(repeatText);
const ifindex = addon().ifNameToIndex(ifname);
if (ifindex === 0) throw new Error(`no interface ${ifname}`);
const group = family === 6 ? 'ff02::12' : '224.0.0.18';
const c = (name: string): number => constant(name);

async function sourceAddress(): Promise<string> {
  const connection = NetlinkConnection.open(NETLINK_ROUTE);
  try {
    const own = (await listAddresses(connection, family)).filter((a) => a.ifindex === ifindex);
    const found = (family === 6 ? own.find((a) => a.address.startsWith('fe80:')) : own[0])?.address;
    if (!found) throw new Error(`${ifname} has no IPv${family} source address`);
    return found;
  } finally {
    connection.close();
  }
}

const source = await sourceAddress();
const socket = Socket.open(c(family === 6 ? 'AF_INET6' : 'AF_INET'), c('SOCK_RAW'), 112);
const level = c(family === 6 ? 'IPPROTO_IPV6' : 'IPPROTO_IP');
if (family === 6) {
  socket.setOption(level, c('IPV6_MULTICAST_IF'), ifindex);
  socket.setOption(level, c('IPV6_MULTICAST_LOOP'), 0);
} else {
  socket.setOption(level, c('IP_MULTICAST_IF'), multicastMembership('0.0.0.0', ifindex));
  socket.setOption(level, c('IP_MULTICAST_LOOP'), 0);
}
// The source is pinned, as the engine pins its own, so v3 pseudo-header sums are predictable.
const control = encodeControlMessages([
  family === 6
    ? { level, type: c('IPV6_PKTINFO'), data: encodeIn6Pktinfo(ifindex, source) }
    : { level, type: c('IP_PKTINFO'), data: encodeInPktinfo(ifindex, source) },
]);
const destination = inetAddress(group, 0, family === 6 ? ifindex : 0);

function setTtl(ttl: number): void {
  socket.setOption(level, c(family === 6 ? 'IPV6_MULTICAST_HOPS' : 'IP_MULTICAST_TTL'), ttl);
}

/** A well-formed advert of the instance's own kind, with the overrides given. */
function advert(overrides: Partial<AdvertisementInput> = {}, options: { checksum?: number } = {}): Buffer {
  const v = overrides.version ?? version;
  const input: AdvertisementInput = {
    version: v,
    vrid,
    priority,
    addresses: [vip],
    interval,
    ...(v === 2 && password !== undefined ? { authType: 1, authData: password } : {}),
    ...overrides,
  };
  // VRRPv2 is IPv4-only in the codec: over IPv6 a v2 message is built with an IPv4 address,
  // which is what a confused or hostile v2 speaker would put there.
  if (v === 2 && family === 6) input.addresses = ['192.0.2.100'];
  return encodeAdvertisement(input, { source, destination: group, ...options });
}

/** Recomputes the checksum after bytes were patched, in the form the receiver checks. */
function resum(message: Buffer, v3: boolean): Buffer {
  message.writeUInt16BE(0, 6);
  let sum = sum16(message, 0, message.length);
  if (v3) {
    const context = contextFor(source, group);
    const bytes = context.addressBytes as Uint8Array;
    sum += family === 6 ? ipv6PseudoHeaderSum(bytes, 0, 16, 112, message.length) : ipv4PseudoHeaderSum(bytes, 0, 4, 112, message.length);
  }
  message.writeUInt16BE(finish(sum), 6);
  return message;
}

const good = advert();
const otherVersion = version === 2 ? 3 : 2;
// Each kind: the packets to send and the TTL / hop limit they leave with.
const kinds: Record<string, Array<{ bytes: Buffer; ttl: number }>> = {
  ttl: [1, 64, 254].map((ttl) => ({ bytes: good, ttl })),
  checksum: [{ bytes: advert({}, { checksum: good.readUInt16BE(6) ^ 0x1234 }), ttl: 255 }],
  version: [
    { bytes: advert({ version: otherVersion }), ttl: 255 },
    // Version 4 does not exist; the rest of the message is a good one of ours.
    { bytes: resum(Buffer.from(good).fill(0x41, 0, 1), version === 3 || family === 6), ttl: 255 },
  ],
  'address-count': [{ bytes: advert({ count: 2 }), ttl: 255 }],
  interval: [{ bytes: advert({ interval: version === 2 ? interval + 100 : 0 }), ttl: 255 }],
  vrid: [{ bytes: advert({ vrid: vrid === 255 ? 1 : vrid + 1 }), ttl: 255 }],
  malformed: [
    ...[0, 1, 4, 7].map((length) => ({ bytes: good.subarray(0, length), ttl: 255 })),
    // Type 2 is not an advertisement.
    { bytes: resum(Buffer.from(good).fill(version === 2 ? 0x22 : 0x32, 0, 1), version === 3 || family === 6), ttl: 255 },
  ],
};
if (version === 2) {
  kinds.auth = [
    { bytes: advert({ authType: 1, authData: 'wrongpwd' }), ttl: 255 },
    { bytes: advert({ authType: 0, authData: Buffer.alloc(8) }), ttl: 255 },
    { bytes: advert({ authType: 2, authData: password ?? 'x' }), ttl: 255 },
  ];
}

let sentSinceBreath = 0;
async function send(bytes: Buffer, ttl: number): Promise<void> {
  setTtl(ttl);
  socket.send(bytes, destination, control);
  // A short breath now and then, so the receiver's socket buffer never overflows: every
  // packet sent must reach the engine for the counts to be exact.
  if (++sentSinceBreath >= 8) {
    sentSinceBreath = 0;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const sent: Record<string, number> = {};
for (const [kind, packets] of Object.entries(kinds)) {
  sent[kind] = 0;
  for (let i = 0; i < repeat; i++) {
    for (const packet of packets) {
      await send(packet.bytes, packet.ttl);
      sent[kind] += 1;
    }
  }
}
const random = seededRandom(Number(seedText));
const randomCount = Number(randomText);
for (let i = 0; i < randomCount; i++) {
  const bytes = Buffer.alloc(Math.floor(random() * 80));
  for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
  // Half of them name our VRID, so they get past the first check and into the others.
  if (i % 2 === 0 && bytes.length > 1) bytes[1] = vrid;
  await send(bytes, 255);
}
sent.random = randomCount;
socket.close();
process.stdout.write(`${JSON.stringify(sent)}\n`);
