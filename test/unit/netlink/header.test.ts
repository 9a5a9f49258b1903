import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeader, encodeMessage, splitMessages } from '../../../src/netlink/header.js';
import { NLM_F_ACK, NLM_F_REQUEST } from '../../../src/netlink/constants.js';

// A GETFAMILY request as the kernel sees it: len 24, type 0x10, flags REQUEST|ACK, seq 7, pid 99.
const fixture = Buffer.from('180000001000050007000000630000000301000000000000', 'hex');

test('encodeMessage lays out nlmsghdr in host order and pads to 4 bytes', () => {
  const message = encodeMessage(0x10, NLM_F_REQUEST | NLM_F_ACK, 7, Buffer.from('03010000', 'hex'), 99);
  // 16-byte header + 4-byte payload = 20; fixture has 4 more bytes of a second word for the next test.
  assert.equal(message.toString('hex'), fixture.subarray(0, 20).toString('hex').replace(/^18/, '14'));
});

test('decodeHeader reads every field', () => {
  assert.deepEqual(decodeHeader(fixture), { length: 24, type: 0x10, flags: 5, seq: 7, portId: 99 });
});

test('splitMessages walks aligned messages and stops at a truncated one with a problem', () => {
  const a = encodeMessage(1, 0, 1, Buffer.from('aabbcc', 'hex'));
  const b = encodeMessage(3, 0, 2, Buffer.alloc(4));
  const { messages, problem } = splitMessages(Buffer.concat([a, b]));
  assert.equal(problem, undefined);
  assert.equal(messages.length, 2);
  assert.equal(messages[0]?.payload.toString('hex'), 'aabbcc');
  assert.equal(messages[1]?.header.seq, 2);

  const truncated = splitMessages(Buffer.concat([a, b.subarray(0, 18)]));
  assert.equal(truncated.messages.length, 1);
  assert.match(truncated.problem ?? '', /truncated netlink message at byte 20/);
});

test('splitMessages rejects a header whose length is below the header size', () => {
  const bad = Buffer.from(fixture);
  bad.writeUInt32LE(8, 0);
  const { messages, problem } = splitMessages(bad);
  assert.equal(messages.length, 0);
  assert.match(problem ?? '', /length 8/);
});
