// Control messages (ancillary data) for sendmsg/recvmsg, laid out as <bits/socket.h> does on
// 64-bit Linux: struct cmsghdr { size_t len; int level; int type; } then data, each part
// aligned to sizeof(size_t).
import { readU64Host, readS32Host, readS64Host, writeU64Host, writeS32Host, writeU32Host } from './bytes.js';
import { bytesToIPv4, bytesToIPv6, ipv4ToBytes, ipv6ToBytes } from './ip.js';

const ALIGN = 8;
const HEADER = 16;
const align = (n: number): number => (n + ALIGN - 1) & ~(ALIGN - 1);

export interface ControlMessage {
  level: number;
  type: number;
  data: Buffer;
}

/** Room a control buffer needs for messages with these data lengths (CMSG_SPACE summed). */
export function controlSpace(...dataLengths: number[]): number {
  return dataLengths.reduce((sum, length) => sum + HEADER + align(length), 0);
}

export function encodeControlMessages(messages: ControlMessage[]): Buffer {
  const buffer = Buffer.alloc(controlSpace(...messages.map((m) => m.data.length)));
  let offset = 0;
  for (const message of messages) {
    writeU64Host(buffer, BigInt(HEADER + message.data.length), offset);
    writeS32Host(buffer, message.level, offset + 8);
    writeS32Host(buffer, message.type, offset + 12);
    message.data.copy(buffer, offset + HEADER);
    offset += HEADER + align(message.data.length);
  }
  return buffer;
}

/** Splits a received control buffer into messages. A malformed tail is ignored, never thrown. */
export function decodeControlMessages(buffer: Buffer): ControlMessage[] {
  const messages: ControlMessage[] = [];
  let offset = 0;
  while (offset + HEADER <= buffer.length) {
    const length = Number(readU64Host(buffer, offset));
    if (length < HEADER || offset + length > buffer.length) break;
    messages.push({
      level: readS32Host(buffer, offset + 8),
      type: readS32Host(buffer, offset + 12),
      data: buffer.subarray(offset + HEADER, offset + length),
    });
    offset += align(length);
  }
  return messages;
}

/** struct in_pktinfo: ifindex, local (spec_dst) address, header destination address. */
export function decodeInPktinfo(data: Buffer): { ifindex: number; local: string; destination: string } | undefined {
  if (data.length < 12) return undefined;
  return { ifindex: readS32Host(data, 0), local: bytesToIPv4(data, 4), destination: bytesToIPv4(data, 8) };
}

export function encodeInPktinfo(ifindex: number, source: string): Buffer {
  const data = Buffer.alloc(12);
  writeS32Host(data, ifindex, 0);
  ipv4ToBytes(source).copy(data, 4);
  return data;
}

/** struct in6_pktinfo: address, ifindex. */
export function decodeIn6Pktinfo(data: Buffer): { ifindex: number; destination: string } | undefined {
  if (data.length < 20) return undefined;
  return { destination: bytesToIPv6(data, 0), ifindex: readS32Host(data, 16) };
}

export function encodeIn6Pktinfo(ifindex: number, source: string): Buffer {
  const data = Buffer.alloc(20);
  ipv6ToBytes(source).copy(data, 0);
  writeU32Host(data, ifindex >>> 0, 16);
  return data;
}

/** An int-valued control message (IP_TTL, IPV6_HOPLIMIT, IP_TOS as int). */
export function decodeInt(data: Buffer): number | undefined {
  if (data.length >= 4) return readS32Host(data, 0);
  if (data.length >= 1) return data.readUInt8(0);
  return undefined;
}

export function encodeInt(value: number): Buffer {
  const data = Buffer.alloc(4);
  writeS32Host(data, value, 0);
  return data;
}

/** struct timespec (SO_TIMESTAMPNS) as nanoseconds since the epoch. */
export function decodeTimespec(data: Buffer): bigint | undefined {
  if (data.length < 16) return undefined;
  return readS64Host(data, 0) * 1_000_000_000n + readS64Host(data, 8);
}
