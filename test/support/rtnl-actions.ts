// rtnetlink actions for host tests, run inside a test namespace:
//   rtnl-actions.js vip IFNAME ADDRESS/PREFIX [LABEL]  add (marked), print, delete, print
//   rtnl-actions.js watch IFNAME                       print the link's state, then each event
import { NetlinkConnection } from '../../src/netlink/connection.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { addAddress, deleteAddress, listAddresses } from '../../src/rtnl/addresses.js';
import { VIPCTL_ADDRESS_PROTO } from '../../src/rtnl/constants.js';
import { watchLinks, linkIsUp } from '../../src/rtnl/events.js';
import { addon } from '../../src/native/addon.js';

const [action, ifname = '', target = '', label] = process.argv.slice(2);
const ifindex = addon().ifNameToIndex(ifname);
const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);

if (action === 'vip') {
  const [address = '', prefix = '32'] = target.split('/');
  const spec = { ifindex, address, prefixLength: Number(prefix), proto: VIPCTL_ADDRESS_PROTO, ...(label ? { label } : {}) };
  const connection = NetlinkConnection.open(NETLINK_ROUTE);
  try {
    await addAddress(connection, spec);
    print((await listAddresses(connection)).filter((a) => a.ifindex === ifindex));
    try {
      await addAddress(connection, spec);
      print('second add succeeded');
    } catch (error) {
      print((error as NodeJS.ErrnoException).code);
    }
    await deleteAddress(connection, spec);
    print((await listAddresses(connection)).filter((a) => a.ifindex === ifindex));
  } finally {
    connection.close();
  }
} else if (action === 'watch') {
  const watcher = await watchLinks((event) => {
    if (event.link.name === ifname) print({ kind: event.kind, up: event.up });
  });
  const link = watcher.initial.find((l) => l.name === ifname);
  print({ initial: link ? linkIsUp(link) : null });
  setTimeout(() => {
    watcher.close();
    process.exit(0);
  }, Number(target || 3000));
}
