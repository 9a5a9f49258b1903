import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVirtualRoute } from '../../../src/vrrp/virtual-routes.js';
import { decodeRoute, encodeRouteRequest, RTM_NEWROUTE, VIPCTL_ROUTE_PROTO } from '../../../src/rtnl/routes.js';
import { RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from '../../../src/rtnl/constants.js';
import type { Link } from '../../../src/rtnl/links.js';

const links = [
  { index: 2, name: 'eth1' },
  { index: 3, name: 'eth2' },
] as unknown as Link[];
const parse = (line: string) => parseVirtualRoute(line.split(/\s+/), links);

test("keepalived's documented examples read as `ip route` would", () => {
  assert.deepEqual(parse('src 192.168.100.1 to 192.168.109.0/24 via 192.168.200.254 dev eth1'), {
    route: { source: '192.168.100.1', destination: '192.168.109.0', prefixLength: 24, family: 4, gateway: '192.168.200.254', ifindex: 2 },
  });
  assert.deepEqual(parse('192.168.111.0/24 dev eth2 no_track'), { route: { destination: '192.168.111.0', prefixLength: 24, family: 4, ifindex: 3 } });
  assert.deepEqual(parse('blackhole 192.168.114.0/24'), { route: { type: 'blackhole', destination: '192.168.114.0', prefixLength: 24, family: 4 } });
  assert.deepEqual(parse('0.0.0.0/0 gw 192.168.0.1 table 100'), { route: { destination: '0.0.0.0', prefixLength: 0, family: 4, gateway: '192.168.0.1', table: 100 } });
  assert.deepEqual(parse('2001:db8:1::/48 via fe80::1 dev eth1 metric 50'), {
    route: { destination: '2001:db8:1::', prefixLength: 48, family: 6, gateway: 'fe80::1', ifindex: 2, metric: 50 },
  });
  assert.deepEqual(parse('10.9.9.9'), { route: { destination: '10.9.9.9', prefixLength: 32, family: 4 } });
});

test('what it cannot honour is a problem naming the word, never a different route', () => {
  assert.deepEqual(parse('192.168.113.0/24 via 192.168.200.254 or 192.168.100.254 dev eth1'), { problem: '`or` is not supported by vrrp run in virtual_routes' });
  assert.deepEqual(parse('10.0.0.0/8 dev eth9'), { problem: 'no interface eth9 here' });
  assert.deepEqual(parse('10.0.0.0/33'), { problem: 'bad prefix length in 10.0.0.0/33' });
  assert.deepEqual(parse('10.0.0.0/8 via 2001:db8::1'), { problem: "2001:db8::1 is not of the destination's family" });
  assert.deepEqual(parse('via 10.0.0.1'), { problem: 'no destination' });
  assert.deepEqual(parse('10.0.0.0/8 table nine'), { problem: 'unknown table nine' });
  // Words of every object's prototype are no table names either.
  assert.deepEqual(parse('10.0.0.0/8 table constructor'), { problem: 'unknown table constructor' });
});

test('routes encode as rtmsg + attributes and decode back, marked with our protocol', () => {
  const spec = { family: 4 as const, destination: '192.168.109.0', prefixLength: 24, gateway: '192.168.200.254', ifindex: 2, source: '192.168.100.1', metric: 7, table: 100 };
  const payload = encodeRouteRequest(spec);
  const decoded = decodeRoute({ header: { length: payload.length + 16, type: RTM_NEWROUTE, flags: 0, seq: 1, portId: 0 }, payload });
  assert.deepEqual(decoded, { ...spec, protocol: VIPCTL_ROUTE_PROTO, scope: RT_SCOPE_UNIVERSE, type: 'unicast' });
  // A direct route (no gateway) has link scope, as `ip route add 10.1.0.0/16 dev eth1` gives it.
  const direct = encodeRouteRequest({ family: 4, destination: '10.1.0.0', prefixLength: 16, ifindex: 2 });
  assert.equal(direct.readUInt8(6), RT_SCOPE_LINK);
  assert.equal(direct.readUInt8(4), 254, 'main table by default');
});
