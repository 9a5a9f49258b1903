import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttributeWriter } from '../../../src/netlink/attributes.js';
import { decodeFamily, decodeGenl, encodeGenlHeader } from '../../../src/netlink/genl.js';
import { AttributeDecoder } from '../../../src/netlink/attributes.js';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_ATTR_HDRSIZE,
  CTRL_ATTR_MAXATTR,
  CTRL_ATTR_MCAST_GROUPS,
  CTRL_ATTR_OPS,
  CTRL_ATTR_VERSION,
} from '../../../src/netlink/constants.js';

test('genlmsghdr is command, version and two reserved bytes', () => {
  assert.equal(encodeGenlHeader(3, 1).toString('hex'), '03010000');
});

test('decodes a controller reply: id, version, ops and multicast groups', () => {
  const attributes = new AttributeWriter()
    .u16(CTRL_ATTR_FAMILY_ID, 0x1d)
    .string(CTRL_ATTR_FAMILY_NAME, 'IPVS')
    .u32(CTRL_ATTR_VERSION, 1)
    .u32(CTRL_ATTR_HDRSIZE, 0)
    .u32(CTRL_ATTR_MAXATTR, 6)
    .nested(CTRL_ATTR_OPS, (w) => {
      w.nested(1, (op) => op.u32(1, 1).u32(2, 0x0a));
      w.nested(2, (op) => op.u32(1, 4).u32(2, 0x0c));
    })
    .nested(CTRL_ATTR_MCAST_GROUPS, (w) => w.nested(1, (g) => g.string(1, 'notify').u32(2, 7)))
    .toBuffer();
  const family = decodeFamily(new AttributeDecoder(attributes));
  assert.deepEqual(family, {
    name: 'IPVS',
    id: 0x1d,
    version: 1,
    headerSize: 0,
    maxAttribute: 6,
    operations: [1, 4],
    groups: new Map([['notify', 7]]),
  });
});

test('a message shorter than the genl header decodes with a problem', () => {
  const decoded = decodeGenl({ header: { length: 18, type: 0x10, flags: 0, seq: 1, portId: 0 }, payload: Buffer.alloc(2) });
  assert.equal(decoded.command, 0);
  assert.match(decoded.attributes.problem ?? '', /shorter than the generic netlink header/);
});
