// Prints this namespace's links and addresses as seen over vipctl's rtnetlink code, as
// JSON, so a host test can run it inside a namespace and compare with `ip -j`.
import { NetlinkConnection } from '../../src/netlink/connection.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { listLinks } from '../../src/rtnl/links.js';
import { listAddresses } from '../../src/rtnl/addresses.js';

const connection = NetlinkConnection.open(NETLINK_ROUTE);
try {
  const links = await listLinks(connection);
  const addresses = await listAddresses(connection);
  process.stdout.write(JSON.stringify({ links, addresses }));
} finally {
  connection.close();
}
