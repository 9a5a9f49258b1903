import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAcknowledgement, netlinkError } from '../../../src/netlink/message.js';
import { NLM_F_ACK_TLVS, NLM_F_CAPPED } from '../../../src/netlink/constants.js';
import { AttributeWriter } from '../../../src/netlink/attributes.js';

// An EEXIST error for request seq 42 (type 0x23, len 40), capped, with extended-ack text and offset.
function errorPayload(): Buffer {
  const head = Buffer.alloc(4 + 16);
  head.writeInt32LE(-17, 0);
  head.writeUInt32LE(40, 4); // original length
  head.writeUInt16LE(0x23, 8);
  head.writeUInt16LE(0x5, 10);
  head.writeUInt32LE(42, 12);
  head.writeUInt32LE(1234, 16);
  const tlvs = new AttributeWriter().string(1, 'Service already exists').u32(2, 20).toBuffer();
  return Buffer.concat([head, tlvs]);
}

test('decodes a capped error with extended-ack message and offset', () => {
  const ack = decodeAcknowledgement(errorPayload(), NLM_F_CAPPED | NLM_F_ACK_TLVS);
  assert.equal(ack.error, -17);
  assert.equal(ack.request?.seq, 42);
  assert.equal(ack.request?.type, 0x23);
  assert.deepEqual(ack.extended, { message: 'Service already exists', offset: 20 });
});

test('an uncapped error skips the echoed request before the TLVs', () => {
  const payload = errorPayload();
  // Uncapped: echo the whole 40-byte request (header + 24 bytes of body) before the TLVs.
  const uncapped = Buffer.concat([payload.subarray(0, 20), Buffer.alloc(24, 0xee), payload.subarray(20)]);
  const ack = decodeAcknowledgement(uncapped, NLM_F_ACK_TLVS);
  assert.equal(ack.extended.message, 'Service already exists');
});

test('a plain ACK is error 0 with no extended data', () => {
  const payload = errorPayload().subarray(0, 20);
  payload.writeInt32LE(0, 0);
  const ack = decodeAcknowledgement(payload, NLM_F_CAPPED);
  assert.equal(ack.error, 0);
  assert.deepEqual(ack.extended, {});
});

test('truncated error payloads give a problem, not an exception', () => {
  assert.match(decodeAcknowledgement(Buffer.alloc(2), 0).problem ?? '', /truncated/);
});

test('netlinkError is shaped like a Node system error and keeps the kernel text', () => {
  const error = netlinkError(-17, { message: 'Service already exists' }, 42);
  assert.equal(error.code, 'EEXIST');
  assert.equal(error.errno, -17);
  assert.equal(error.syscall, 'netlink');
  assert.equal(error.seq, 42);
  assert.equal(error.extendedMessage, 'Service already exists');
  assert.match(error.message, /^EEXIST: file already exists, netlink \(Service already exists\)$/);
});
