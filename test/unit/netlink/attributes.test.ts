import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AttributeDecoder, AttributeWriter, splitAttributes } from '../../../src/netlink/attributes.js';

test('scalar attributes: exact bytes, host order for integers, network order for be16/be32', () => {
  const bytes = new AttributeWriter()
    .u8(1, 0xab)
    .u16(2, 0x1234)
    .u32(3, 0xdeadbeef)
    .u64(4, 0x0102030405060708n)
    .be16(5, 80)
    .string(6, 'rr')
    .flag(7)
    .toBuffer();
  assert.equal(
    bytes.toString('hex'),
    [
      '05000100ab000000', // len 5, type 1, 1 byte + 3 pad
      '060002003412' + '0000', // len 6, type 2, LE u16
      '08000300efbeadde', // len 8, type 3, LE u32
      '0c0004000807060504030201', // len 12, type 4, LE u64
      '060005000050' + '0000', // len 6, type 5, BE port 80
      '070006007272' + '00' + '00', // len 7, "rr\0", 1 pad
      '04000700', // flag: header only
    ].join(''),
  );
  const decoder = new AttributeDecoder(bytes);
  assert.equal(decoder.u8(1), 0xab);
  assert.equal(decoder.u16(2), 0x1234);
  assert.equal(decoder.u32(3), 0xdeadbeef);
  assert.equal(decoder.u64(4), 0x0102030405060708n);
  assert.equal(decoder.be16(5), 80);
  assert.equal(decoder.string(6), 'rr');
  assert.equal(decoder.has(7), true);
  assert.equal(decoder.problem, undefined);
});

test('nested attributes carry NLA_F_NESTED and their total length', () => {
  const bytes = new AttributeWriter().nested(1, (w) => w.u32(2, 7).u16(3, 9)).toBuffer();
  // outer: len 4+8+8 = 20, type 1|0x8000
  assert.equal(bytes.toString('hex'), '14000180' + '0800020007000000' + '0600030009000000');
  const outer = new AttributeDecoder(bytes);
  const inner = outer.nested(1);
  assert.equal(splitAttributes(bytes).attributes[0]?.nested, true);
  assert.equal(inner?.u32(2), 7);
  assert.equal(inner?.u16(3), 9);
});

test('nesting without the flag, as libnl writes it, when asked', () => {
  const bytes = new AttributeWriter().nested(1, (w) => w.u8(2, 1), false).toBuffer();
  assert.equal(bytes.readUInt16LE(2), 1);
});

test('a too-short attribute yields undefined and one remembered problem, never a throw', () => {
  const bytes = new AttributeWriter().u16(1, 5).toBuffer();
  const decoder = new AttributeDecoder(bytes, 'service');
  assert.equal(decoder.u32(1), undefined);
  assert.equal(decoder.u64(1), undefined);
  assert.equal(decoder.problem, 'service: attribute 1 has 2 bytes, expected 4');
});

test('a bad attribute length stops the walk with a problem', () => {
  const bytes = Buffer.from('0800010001000000' + 'ff000200', 'hex');
  const { attributes, problem } = splitAttributes(bytes);
  assert.equal(attributes.length, 1);
  assert.match(problem ?? '', /attribute 2 at byte 8 has bad length 255/);
});

test('list() returns repeated attributes in order', () => {
  const bytes = new AttributeWriter().u32(1, 1).u32(2, 2).u32(1, 3).toBuffer();
  assert.deepEqual(
    new AttributeDecoder(bytes).list(1).map((a) => a.data.readUInt32LE(0)),
    [1, 3],
  );
});

// Round trip: any tree of attributes written then read gives back the same values.
type Node = { type: number; value: Buffer } | { type: number; children: Node[] };
const leaf = fc.record({ type: fc.integer({ min: 1, max: 0x3fff }), value: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) });
const tree: fc.Arbitrary<Node[]> = fc.letrec<{ nodes: Node[]; node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ type: fc.integer({ min: 1, max: 0x3fff }), children: tie('nodes') }),
  ) as fc.Arbitrary<Node>,
  nodes: fc.array(tie('node'), { maxLength: 5 }) as fc.Arbitrary<Node[]>,
})).nodes;

function write(writer: AttributeWriter, nodes: Node[]): void {
  for (const node of nodes) {
    if ('children' in node) writer.nested(node.type, (w) => write(w, node.children));
    else writer.bytes(node.type, node.value);
  }
}

// fast-check builds records without a prototype; compare plain objects.
function plain(nodes: Node[]): Node[] {
  return nodes.map((n) => ('children' in n ? { type: n.type, children: plain(n.children) } : { type: n.type, value: n.value }));
}

function read(bytes: Buffer): Node[] {
  const { attributes, problem } = splitAttributes(bytes);
  assert.equal(problem, undefined);
  return attributes.map((a) => (a.nested ? { type: a.type, children: read(a.data) } : { type: a.type, value: Buffer.from(a.data) }));
}

test('property: writing then reading an attribute tree is lossless', () => {
  fc.assert(
    fc.property(tree, (nodes) => {
      const writer = new AttributeWriter(8);
      write(writer, nodes);
      const bytes = writer.toBuffer();
      assert.equal(bytes.length % 4, 0);
      assert.deepEqual(read(bytes), plain(nodes));
    }),
    { numRuns: 300 },
  );
});

test('property: decoding arbitrary bytes never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (raw) => {
      const decoder = new AttributeDecoder(Buffer.from(raw));
      for (const a of decoder.list()) {
        decoder.u64(a.type);
        decoder.string(a.type);
        decoder.nested(a.type)?.list();
      }
    }),
    { numRuns: 500 },
  );
});

test('property: every byte is written (the buffer is not zero-filled), and view() holds the same bytes as toBuffer()', () => {
  fc.assert(
    fc.property(tree, fc.integer({ min: 1, max: 64 }), (nodes, capacity) => {
      const reference = new AttributeWriter(1 << 12);
      write(reference, nodes);
      const dirty = new AttributeWriter(capacity);
      // Garbage where a fresh allocation may have it, including in the buffers it grows into.
      const internals = dirty as unknown as { buffer: Buffer; reserve(extra: number): void };
      internals.buffer.fill(0xee);
      const grow = internals.reserve.bind(dirty);
      internals.reserve = (extra: number): void => {
        const before = internals.buffer;
        grow(extra);
        if (internals.buffer !== before) internals.buffer.fill(0xee, before.length);
      };
      write(dirty, nodes);
      assert.deepEqual(dirty.toBuffer(), reference.toBuffer());
      assert.deepEqual(Buffer.from(dirty.view()), reference.toBuffer());
    }),
    { numRuns: 300 },
  );
});
