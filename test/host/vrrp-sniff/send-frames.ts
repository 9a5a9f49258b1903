// Sends raw Ethernet frames (hex arguments) out of an interface through an AF_PACKET socket:
//   node send-frames.js IFNAME HEX...
// Run inside a test namespace, to put exactly the frames a test wants on a veth.
import { Socket } from '../../../src/native/socket.js';
import { addon, constant } from '../../../src/native/addon.js';
import { AF_PACKET, packetAddress } from '../../../src/native/sockaddr.js';

const [ifname, ...frames] = process.argv.slice(2);
const ifindex = addon().ifNameToIndex(ifname ?? '');
if (ifindex === 0) throw new Error(`no interface ${ifname}`);
const socket = Socket.open(AF_PACKET, constant('SOCK_RAW'), 0);
try {
  for (const hex of frames) {
    const frame = Buffer.from(hex, 'hex');
    socket.send(frame, packetAddress(frame.readUInt16BE(12), ifindex));
  }
} finally {
  socket.close();
}
