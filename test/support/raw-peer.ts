// One end of a raw IP protocol-112 exchange, run inside a test namespace:
//   raw-peer.js recv 4|6 IFNAME GROUP   prints "ready", then one JSON line per packet received
//   raw-peer.js send 4|6 IFNAME DEST PAYLOAD_HEX
// It exercises the addon's raw sockets, multicast options and ancillary data end to end.
import { Socket } from '../../src/native/socket.js';
import { constant, addon } from '../../src/native/addon.js';
import { inetAddress, multicastMembership, parseSocketAddress } from '../../src/native/sockaddr.js';
import { controlSpace, decodeControlMessages, decodeIn6Pktinfo, decodeInPktinfo, decodeInt } from '../../src/native/cmsg.js';

const [mode, familyText, ifname, address, payloadHex] = process.argv.slice(2);
const v6 = familyText === '6';
const c = (name: string): number => constant(name);
const ifindex = addon().ifNameToIndex(ifname ?? '');
if (ifindex === 0) throw new Error(`no interface ${ifname}`);

const socket = Socket.open(c(v6 ? 'AF_INET6' : 'AF_INET'), c('SOCK_RAW'), 112);

if (mode === 'recv') {
  socket.setOption(c('SOL_SOCKET'), c('SO_BINDTODEVICE'), Buffer.from(`${ifname}\0`));
  if (v6) {
    socket.setOption(c('IPPROTO_IPV6'), c('IPV6_RECVHOPLIMIT'), 1);
    socket.setOption(c('IPPROTO_IPV6'), c('IPV6_RECVPKTINFO'), 1);
    socket.setOption(c('IPPROTO_IPV6'), c('IPV6_JOIN_GROUP'), multicastMembership(address ?? 'ff02::12', ifindex));
  } else {
    socket.setOption(c('IPPROTO_IP'), c('IP_RECVTTL'), 1);
    socket.setOption(c('IPPROTO_IP'), c('IP_PKTINFO'), 1);
    socket.setOption(c('IPPROTO_IP'), c('IP_ADD_MEMBERSHIP'), multicastMembership(address ?? '224.0.0.18', ifindex));
  }
  const timer = setTimeout(() => {
    process.stderr.write('timed out waiting for a packet\n');
    process.exit(3);
  }, 10_000);
  process.stdout.write('ready\n');
  const messages = await socket.receive({ bufferLength: 2048, controlLength: controlSpace(4, 20) + controlSpace(20) });
  clearTimeout(timer);
  for (const message of messages) {
    const result: Record<string, unknown> = { from: parseSocketAddress(message.name), bytes: message.data.toString('hex') };
    for (const cmsg of decodeControlMessages(message.control)) {
      if (v6 && cmsg.type === c('IPV6_HOPLIMIT')) result.ttl = decodeInt(cmsg.data);
      else if (v6 && cmsg.type === c('IPV6_PKTINFO')) result.pktinfo = decodeIn6Pktinfo(cmsg.data);
      else if (!v6 && cmsg.type === c('IP_TTL')) result.ttl = decodeInt(cmsg.data);
      else if (!v6 && cmsg.type === c('IP_PKTINFO')) result.pktinfo = decodeInPktinfo(cmsg.data);
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
} else if (mode === 'send') {
  if (v6) {
    socket.setOption(c('IPPROTO_IPV6'), c('IPV6_MULTICAST_HOPS'), 255);
    socket.setOption(c('IPPROTO_IPV6'), c('IPV6_UNICAST_HOPS'), 255);
    socket.setOption(c('IPPROTO_IPV6'), c('IPV6_MULTICAST_IF'), ifindex);
  } else {
    socket.setOption(c('IPPROTO_IP'), c('IP_MULTICAST_TTL'), 255);
    socket.setOption(c('IPPROTO_IP'), c('IP_TTL'), 255);
    socket.setOption(c('IPPROTO_IP'), c('IP_MULTICAST_IF'), multicastMembership('0.0.0.0', ifindex));
  }
  socket.send(Buffer.from(payloadHex ?? '', 'hex'), inetAddress(address ?? '', 0, v6 ? ifindex : 0));
} else {
  throw new Error('usage: raw-peer.js recv|send 4|6 IFNAME ADDRESS [PAYLOAD_HEX]');
}
socket.close();
