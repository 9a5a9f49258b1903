// struct nlmsghdr framing: { u32 len; u16 type; u16 flags; u32 seq; u32 pid } in host order.
import { readU16Host, readU32Host, writeU16Host, writeU32Host } from '../native/bytes.js';
import { NLMSG_HDRLEN, align4 } from './constants.js';

export interface NetlinkHeader {
  length: number;
  type: number;
  flags: number;
  seq: number;
  portId: number;
}

export interface NetlinkMessage {
  header: NetlinkHeader;
  /** The bytes after the header, up to header.length. */
  payload: Buffer;
}

export function encodeHeader(header: NetlinkHeader, target: Buffer, offset = 0): void {
  writeU32Host(target, header.length, offset);
  writeU16Host(target, header.type, offset + 4);
  writeU16Host(target, header.flags, offset + 6);
  writeU32Host(target, header.seq >>> 0, offset + 8);
  writeU32Host(target, header.portId >>> 0, offset + 12);
}

export function decodeHeader(buffer: Buffer, offset = 0): NetlinkHeader {
  return {
    length: readU32Host(buffer, offset),
    type: readU16Host(buffer, offset + 4),
    flags: readU16Host(buffer, offset + 6),
    seq: readU32Host(buffer, offset + 8),
    portId: readU32Host(buffer, offset + 12),
  };
}

/** One complete message: header plus payload, the length filled in. */
export function encodeMessage(type: number, flags: number, seq: number, payload: Buffer, portId = 0): Buffer {
  const length = NLMSG_HDRLEN + payload.length;
  const buffer = Buffer.alloc(align4(length));
  encodeHeader({ length, type, flags, seq, portId }, buffer, 0);
  payload.copy(buffer, NLMSG_HDRLEN);
  return buffer;
}

/**
 * Splits a datagram into its messages. Never throws: a truncated or inconsistent message
 * ends the walk and is reported in `problem`.
 */
export function splitMessages(datagram: Buffer): { messages: NetlinkMessage[]; problem?: string } {
  const messages: NetlinkMessage[] = [];
  let offset = 0;
  while (offset + NLMSG_HDRLEN <= datagram.length) {
    const header = decodeHeader(datagram, offset);
    if (header.length < NLMSG_HDRLEN || offset + header.length > datagram.length) {
      return { messages, problem: `truncated netlink message at byte ${offset} (length ${header.length})` };
    }
    messages.push({ header, payload: datagram.subarray(offset + NLMSG_HDRLEN, offset + header.length) });
    offset += align4(header.length);
  }
  if (offset < datagram.length && datagram.length - offset >= 4) {
    return { messages, problem: `${datagram.length - offset} stray bytes after the last netlink message` };
  }
  return { messages };
}
