// The macvlan request bytes (use_vmac) decoded back with the attribute decoder, and link details
// read from a hand-built RTM_NEWLINK, hostile bytes included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AttributeDecoder } from '../../../src/netlink/attributes.js';
import { encodeMessage, splitMessages } from '../../../src/netlink/header.js';
import { readS32Host, readU32Host } from '../../../src/native/bytes.js';
import { IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, RTM_NEWLINK } from '../../../src/rtnl/constants.js';
import {
  decodeLinkDetails,
  encodeAddrGenModeRequest,
  encodeLinkDeleteRequest,
  encodeLinkUpRequest,
  encodeMacvlanRequest,
  IFLA_AF_SPEC,
  IFLA_INET6_ADDR_GEN_MODE,
  IFLA_INFO_DATA,
  IFLA_INFO_KIND,
  IFLA_LINKINFO,
  IFLA_MACVLAN_MODE,
  IN6_ADDR_GEN_MODE_NONE,
} from '../../../src/rtnl/macvlan.js';

const AF_INET6 = 10;

describe('macvlan request', () => {
  const body = encodeMacvlanRequest({ name: 'vrrp.7', parentIndex: 2, mac: '00:00:5e:00:01:07', mode: 'private' });

  it('an ifinfomsg of no family, no index and no flags', () => {
    assert.deepEqual([...body.subarray(0, 16)], new Array(16).fill(0));
  });

  it('name, parent, MAC, kind macvlan in mode private', () => {
    const attributes = new AttributeDecoder(body.subarray(16));
    assert.equal(attributes.string(IFLA_IFNAME), 'vrrp.7');
    assert.equal(attributes.u32(IFLA_LINK), 2);
    assert.deepEqual([...(attributes.raw(IFLA_ADDRESS) ?? [])], [0x00, 0x00, 0x5e, 0x00, 0x01, 0x07]);
    const info = attributes.nested(IFLA_LINKINFO);
    assert.equal(info?.string(IFLA_INFO_KIND), 'macvlan');
    assert.equal(info?.nested(IFLA_INFO_DATA)?.u32(IFLA_MACVLAN_MODE), 1);
    assert.equal(attributes.has(IFLA_AF_SPEC), false);
    assert.equal(attributes.problem, undefined);
    // The kernel's name limit (IFNAMSIZ 16 with the NUL) is the caller's business; the string is NUL-terminated.
    assert.equal(attributes.raw(IFLA_IFNAME)?.at(-1), 0);
  });

  it('IPv6 address generation none: IFLA_AF_SPEC / AF_INET6 / IFLA_INET6_ADDR_GEN_MODE 1 on the link\'s index', () => {
    const request = encodeAddrGenModeRequest(12);
    assert.equal(readS32Host(request, 4), 12);
    const attributes = new AttributeDecoder(request.subarray(16));
    assert.equal(attributes.nested(IFLA_AF_SPEC)?.nested(AF_INET6)?.u8(IFLA_INET6_ADDR_GEN_MODE), IN6_ADDR_GEN_MODE_NONE);
    assert.equal(attributes.list().length, 1);
    assert.equal(attributes.problem, undefined);
  });

  it('other modes by their number', () => {
    const bridge = new AttributeDecoder(encodeMacvlanRequest({ name: 'v', parentIndex: 9, mac: '02:00:00:00:00:01', mode: 'bridge' }).subarray(16));
    assert.equal(bridge.nested(IFLA_LINKINFO)?.nested(IFLA_INFO_DATA)?.u32(IFLA_MACVLAN_MODE), 4);
  });

  it('refuses a MAC that is not one', () => {
    assert.throws(() => encodeMacvlanRequest({ name: 'v', parentIndex: 1, mac: '00:00:5e:00:01', mode: 'private' }), RangeError);
  });

  it('up and delete requests: index, IFF_UP in flags and change mask', () => {
    const up = encodeLinkUpRequest(5);
    assert.equal(up.length, 16);
    assert.deepEqual([readS32Host(up, 4), readU32Host(up, 8), readU32Host(up, 12)], [5, 1, 1]);
    const down = encodeLinkUpRequest(5, false);
    assert.deepEqual([readU32Host(down, 8), readU32Host(down, 12)], [0, 1]);
    const del = encodeLinkDeleteRequest(7);
    assert.deepEqual([readS32Host(del, 4), readU32Host(del, 8), readU32Host(del, 12)], [7, 0, 0]);
  });
});

describe('link details', () => {
  const message = (payload: Buffer) => {
    const [first] = splitMessages(encodeMessage(RTM_NEWLINK, 0, 1, payload)).messages;
    assert.ok(first);
    return first;
  };

  it('a macvlan: name, MAC, parent, kind and mode (the request body has the same layout as the kernel\'s answer)', () => {
    const details = decodeLinkDetails(message(encodeMacvlanRequest({ name: 'vrrp.9', parentIndex: 3, mac: '00:00:5e:00:01:09', mode: 'private' })));
    assert.deepEqual(
      { name: details.name, address: details.address, parentIndex: details.parentIndex, kind: details.kind, mode: details.macvlanMode, problem: details.problem },
      { name: 'vrrp.9', address: '00:00:5e:00:01:09', parentIndex: 3, kind: 'macvlan', mode: 'private', problem: undefined },
    );
  });

  it('hostile bytes: truncated attributes and a short ifinfomsg give a problem, never a throw', () => {
    const body = encodeMacvlanRequest({ name: 'vrrp.9', parentIndex: 3, mac: '00:00:5e:00:01:09', mode: 'private' });
    for (let cut = 0; cut < body.length; cut++) {
      const details = decodeLinkDetails(message(body.subarray(0, cut)));
      assert.equal(typeof details.name, 'string');
    }
    assert.ok(decodeLinkDetails(message(body.subarray(0, 10))).problem);
    assert.ok(decodeLinkDetails(message(body.subarray(0, 34))).problem);
  });
});
