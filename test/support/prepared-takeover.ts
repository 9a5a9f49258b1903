// A takeover's prepared netlink requests sent with sendPreparedNow, for host tests, run inside
// a test namespace:
//   prepared-takeover.js IFNAME ADDRESS/PREFIX ADDRESS2/PREFIX ADDRESS3/PREFIX
// Adds the first address (answered within the call?), adds it again (EEXIST, within the call?),
// then the other two with one request per send (more than one send: a promise), and prints
// each outcome and the interface's addresses as one JSON object.
import { NetlinkConnection, type PreparedOutcome } from '../../src/netlink/connection.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { listAddresses, type AddressSpec } from '../../src/rtnl/addresses.js';
import { VIPCTL_ADDRESS_PROTO } from '../../src/rtnl/constants.js';
import { prepareTakeover } from '../../src/vrrp/takeover.js';
import { addon } from '../../src/native/addon.js';

const [ifname = '', ...targets] = process.argv.slice(2);
const ifindex = addon().ifNameToIndex(ifname);
const spec = (target: string): AddressSpec => {
  const [address = '', prefix = '32'] = target.split('/');
  return { ifindex, address, prefixLength: Number(prefix), proto: VIPCTL_ADDRESS_PROTO };
};
const [one = '', two = '', three = ''] = targets;

async function send(connection: NetlinkConnection, messages: Buffer, chunkSize: number): Promise<{ now: boolean; answered: number; refusals: string[] }> {
  const outcome = connection.sendPreparedNow(messages, { chunkSize });
  const now = !(outcome instanceof Promise);
  const settled: PreparedOutcome = await outcome;
  return { now, answered: settled.answered, refusals: settled.refusals.map((r) => `${r.index}:${r.error.code ?? ''}`) };
}

const connection = NetlinkConnection.open(NETLINK_ROUTE);
try {
  const single = prepareTakeover([spec(one)], []).messages;
  const first = await send(connection, single, 1);
  const again = await send(connection, single, 1);
  const pair = prepareTakeover([spec(two), spec(three)], []).messages;
  const split = await send(connection, pair, 1);
  const addresses = (await listAddresses(connection)).filter((a) => a.ifindex === ifindex).map((a) => `${a.address}/${a.prefixLength}`);
  process.stdout.write(`${JSON.stringify({ first, again, split, addresses })}\n`);
} finally {
  connection.close();
}
