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
