// Host-byte-order helpers. Netlink and socket structures use the host's order; protocol
// headers use network order (big-endian), for which Buffer's *BE methods are used directly.
import { endianness } from 'node:os';

export const hostIsLittleEndian = endianness() === 'LE';

export function readU16Host(buffer: Buffer, offset: number): number {
  return hostIsLittleEndian ? buffer.readUInt16LE(offset) : buffer.readUInt16BE(offset);
}
export function readU32Host(buffer: Buffer, offset: number): number {
  return hostIsLittleEndian ? buffer.readUInt32LE(offset) : buffer.readUInt32BE(offset);
}
export function readS32Host(buffer: Buffer, offset: number): number {
  return hostIsLittleEndian ? buffer.readInt32LE(offset) : buffer.readInt32BE(offset);
}
export function readU64Host(buffer: Buffer, offset: number): bigint {
  return hostIsLittleEndian ? buffer.readBigUInt64LE(offset) : buffer.readBigUInt64BE(offset);
}
export function readS64Host(buffer: Buffer, offset: number): bigint {
  return hostIsLittleEndian ? buffer.readBigInt64LE(offset) : buffer.readBigInt64BE(offset);
}
export function writeU16Host(buffer: Buffer, value: number, offset: number): void {
  if (hostIsLittleEndian) buffer.writeUInt16LE(value, offset);
  else buffer.writeUInt16BE(value, offset);
}
export function writeU32Host(buffer: Buffer, value: number, offset: number): void {
  if (hostIsLittleEndian) buffer.writeUInt32LE(value, offset);
  else buffer.writeUInt32BE(value, offset);
}
export function writeS32Host(buffer: Buffer, value: number, offset: number): void {
  if (hostIsLittleEndian) buffer.writeInt32LE(value, offset);
  else buffer.writeInt32BE(value, offset);
}
export function writeU64Host(buffer: Buffer, value: bigint, offset: number): void {
  if (hostIsLittleEndian) buffer.writeBigUInt64LE(value, offset);
  else buffer.writeBigUInt64BE(value, offset);
}

// Reads and writes by plain indexing, for loops over tens of thousands of records whose
// bounds the loop has checked already: Buffer's read/write methods validate their offset
// through several calls each, which V8 must compile and which fall back to slower code
// when they meet more than one kind of buffer (inside user-mode Linux the optimising
// compiler's work is a visible part of a big listing). Out-of-range reads give 0 here.

/** u16 in the host's order at `at`. */
export const u16HostAt: (bytes: Uint8Array, at: number) => number = hostIsLittleEndian
  ? (bytes, at) => ((bytes[at] as number) | ((bytes[at + 1] as number) << 8)) & 0xffff
  : (bytes, at) => (((bytes[at] as number) << 8) | (bytes[at + 1] as number)) & 0xffff;

/** u32 in the host's order at `at`. */
export const u32HostAt: (bytes: Uint8Array, at: number) => number = hostIsLittleEndian
  ? (bytes, at) => ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24)) >>> 0
  : (bytes, at) => u32BeAt(bytes, at);

/** u16 in network order (big-endian) at `at`. */
export function u16BeAt(bytes: Uint8Array, at: number): number {
  return (((bytes[at] as number) << 8) | (bytes[at + 1] as number)) & 0xffff;
}

/** u32 in network order (big-endian) at `at`. */
export function u32BeAt(bytes: Uint8Array, at: number): number {
  return (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) >>> 0;
}

/** Writes u32 `value` in the host's order at `at`. */
export const setU32HostAt: (bytes: Uint8Array, at: number, value: number) => void = hostIsLittleEndian
  ? (bytes, at, value) => {
      bytes[at] = value;
      bytes[at + 1] = value >>> 8;
      bytes[at + 2] = value >>> 16;
      bytes[at + 3] = value >>> 24;
    }
  : (bytes, at, value) => {
      bytes[at] = value >>> 24;
      bytes[at + 1] = value >>> 16;
      bytes[at + 2] = value >>> 8;
      bytes[at + 3] = value;
    };
