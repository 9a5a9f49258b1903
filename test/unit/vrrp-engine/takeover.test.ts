// A takeover's netlink requests, encoded ahead: the requests addAddress and the engine's route and rule objects send,
// back to back, VIPs before routes (a route may use a VIP as its source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareTakeover } from '../../../src/vrrp/takeover.js';
import { decodeHeader } from '../../../src/netlink/header.js';
import { NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL, align4 } from '../../../src/netlink/constants.js';
import { encodeAddressRequest, type AddressSpec } from '../../../src/rtnl/addresses.js';
import { RTM_NEWADDR } from '../../../src/rtnl/constants.js';
import { encodeRouteRequest, RTM_NEWROUTE, type RouteSpec } from '../../../src/rtnl/routes.js';
import { routeObject } from '../../../src/vrrp/kernel-objects.js';

test('VIPs then routes, each a complete request with create-exclusive flags', () => {
  const vips: AddressSpec[] = [
    { ifindex: 3, address: '192.0.2.100', prefixLength: 32, proto: 0x76 },
    { ifindex: 3, address: '2001:db8::100', prefixLength: 128, proto: 0x76 },
  ];
  const routes: RouteSpec[] = [{ family: 4, destination: '198.51.100.0', prefixLength: 24, gateway: '192.0.2.254' }];
  const { messages, what } = prepareTakeover(vips, routes.map(routeObject));
  const expected = [
    { type: RTM_NEWADDR, payload: encodeAddressRequest(vips[0] as AddressSpec) },
    { type: RTM_NEWADDR, payload: encodeAddressRequest(vips[1] as AddressSpec) },
    { type: RTM_NEWROUTE, payload: encodeRouteRequest(routes[0] as RouteSpec) },
  ];
  let offset = 0;
  for (const part of expected) {
    const header = decodeHeader(messages, offset);
    assert.deepEqual({ length: header.length, type: header.type, flags: header.flags }, { length: NLMSG_HDRLEN + part.payload.length, type: part.type, flags: NLM_F_CREATE | NLM_F_EXCL });
    assert.deepEqual(messages.subarray(offset + NLMSG_HDRLEN, offset + header.length), part.payload);
    offset += align4(header.length);
  }
  assert.equal(offset, messages.length);
  assert.deepEqual(what.slice(0, 2), ['address', 'address']);
  assert.match(what[2] ?? '', /^route /);
  assert.equal(prepareTakeover([], []).messages.length, 0);
});
