// Sends whole IPv4 packets (IP_HDRINCL, protocol 51) out of an interface, inside a test
// namespace: replays of captured AH-wrapped adverts, heard across the link only (multicast
// is not looped back to the sending namespace).
//   ah-send.js IFNAME PACKET_HEX...   (each packet goes to its own destination address)
import { Socket } from '../../../src/native/socket.js';
import { addon, constant } from '../../../src/native/addon.js';
import { inetAddress, multicastMembership } from '../../../src/native/sockaddr.js';
import { decodeIpPacket } from '../../../src/vrrp/ip-packet.js';

const [ifname = '', ...packets] = process.argv.slice(2);
const ifindex = addon().ifNameToIndex(ifname);
if (ifindex === 0) throw new Error(`no interface ${ifname}`);
const c = (name: string): number => constant(name);
const socket = Socket.open(c('AF_INET'), c('SOCK_RAW'), 51);
try {
  socket.setOption(c('IPPROTO_IP'), c('IP_HDRINCL'), 1);
  socket.setOption(c('SOL_SOCKET'), c('SO_BINDTODEVICE'), Buffer.from(`${ifname}\0`));
  socket.setOption(c('IPPROTO_IP'), c('IP_MULTICAST_IF'), multicastMembership('0.0.0.0', ifindex));
  socket.setOption(c('IPPROTO_IP'), c('IP_MULTICAST_LOOP'), 0);
  for (const hex of packets) {
    const packet = Buffer.from(hex, 'hex');
    const destination = decodeIpPacket(packet).ip?.destination;
    if (!destination) throw new Error(`not an IPv4 packet: ${hex}`);
    socket.send(packet, inetAddress(destination, 0));
  }
} finally {
  socket.close();
}
process.stdout.write(`sent ${packets.length}\n`);
