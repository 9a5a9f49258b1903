// Sends one gratuitous ARP and one unsolicited NA on IFNAME, from inside a test namespace:
//   announce.js IFNAME MAC IPV4 IPV6
import { Announcer } from '../../src/vrrp/announce-socket.js';
import { addon } from '../../src/native/addon.js';

const [ifname = '', mac = '', v4 = '', v6 = ''] = process.argv.slice(2);
const announcer = new Announcer(addon().ifNameToIndex(ifname), mac);
try {
  announcer.arpFor(v4);
  announcer.neighborAdvertFor(v6);
} finally {
  announcer.close();
}
