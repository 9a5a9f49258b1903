// A scripted VRRP peer for interop tests, built on the engine's transport and codec, run
// inside a test namespace:
//   vrrp-peer.js listen IFNAME 4|6 MS            one JSON line per advert received in MS ms
//   vrrp-peer.js advertise IFNAME 4|6 VERSION VRID PRIORITY INTERVAL_CS COUNT VIP [PASSWORD|-] [DEST|-] [SOURCE|-] [GAP_MS]
//     DEST: a unicast address or another group (default the VRRP group); SOURCE: one of the
//     interface's addresses (default as below); GAP_MS: between adverts (default the interval).
import { VrrpTransport } from '../../src/vrrp/transport.js';
import { contextFor, decodeAdvertisement, encodeAdvertisement } from '../../src/vrrp/packet.js';
import { addon } from '../../src/native/addon.js';
import { NetlinkConnection } from '../../src/netlink/connection.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { listAddresses } from '../../src/rtnl/addresses.js';

const [action, ifname = '', familyText = '4', ...rest] = process.argv.slice(2);
const family = familyText === '6' ? 6 : 4;
const ifindex = addon().ifNameToIndex(ifname);

/** The address adverts leave from: IPv6 link-local, or the interface's first IPv4 address. */
async function sourceAddress(): Promise<string | undefined> {
  const connection = NetlinkConnection.open(NETLINK_ROUTE);
  try {
    const addresses = (await listAddresses(connection, family)).filter((a) => a.ifindex === ifindex);
    return (family === 6 ? addresses.find((a) => a.address.startsWith('fe80:')) : addresses[0])?.address;
  } finally {
    connection.close();
  }
}

const source = await sourceAddress();
const transport = VrrpTransport.open({ family, ifname, ifindex, multicast: true, ...(source ? { source } : {}) });

if (action === 'listen') {
  transport.listen((packet) => {
    const decoded = decodeAdvertisement(packet.message, contextFor(packet.source, packet.destination, packet.ttl === undefined ? {} : { ttl: packet.ttl }));
    const { advert } = decoded;
    process.stdout.write(
      `${JSON.stringify({ source: packet.source, destination: packet.destination, ttl: packet.ttl, version: advert.version, vrid: advert.vrid, priority: advert.priority, interval: advert.interval, addresses: advert.addresses, authType: advert.authType, problems: decoded.problems, checksum: decoded.checksum })}\n`,
    );
  });
  setTimeout(() => {
    transport.close();
    process.exit(0);
  }, Number(rest[0] ?? 2000));
} else if (action === 'advertise') {
  const [version, vrid, priority, interval, count, vip, passwordText, destinationText, sourceText, gapText] = rest;
  const given = (text: string | undefined): string | undefined => (text && text !== '-' ? text : undefined);
  const password = given(passwordText);
  const to = given(destinationText) ?? (family === 6 ? 'ff02::12' : '224.0.0.18');
  const from = given(sourceText) ?? source ?? '';
  const message = encodeAdvertisement(
    {
      version: version === '2' ? 2 : 3,
      vrid: Number(vrid),
      priority: Number(priority),
      interval: Number(interval),
      addresses: [vip ?? ''],
      ...(password ? { authType: 1, authData: password } : {}),
    },
    // The v3 pseudo-header covers the source the transport pins with packet info.
    { source: from, destination: to },
  );
  let sent = 0;
  const timer = setInterval(() => {
    transport.send(message, to, from);
    if (++sent >= Number(count)) {
      clearInterval(timer);
      transport.close();
    }
  }, given(gapText) ? Number(gapText) : Number(interval) * 10);
}
