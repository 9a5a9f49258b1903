// Netlink attributes (struct nlattr: u16 len, u16 type, then data padded to 4 bytes).
// The writer builds nested attribute trees; the decoder reads them without throwing and
// keeps the first problem it meets, so a malformed reply is reported once, clearly.
import {
  hostIsLittleEndian,
  readU16Host,
  readU32Host,
  readS32Host,
  readU64Host,
  writeU16Host,
  writeU32Host,
  writeS32Host,
  writeU64Host,
} from '../native/bytes.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, align4 } from './constants.js';

export class AttributeWriter {
  private buffer: Buffer;
  private length = 0;
  private readonly openNests: number[] = [];

  constructor(initialCapacity = 256) {
    // Not zero-filled: every byte up to `length` is written (padding included), and a big
    // restore's writer holds megabytes that filling would touch for nothing.
    this.buffer = Buffer.allocUnsafe(initialCapacity);
  }

  /** Bytes written so far (where the next header or attribute starts). */
  get size(): number {
    return this.length;
  }

  /** Raw bytes before the attributes, e.g. a family header (genlmsghdr, ifinfomsg). */
  header(bytes: Buffer): this {
    this.reserve(align4(bytes.length));
    bytes.copy(this.buffer, this.length);
    this.buffer.fill(0, this.length + bytes.length, this.length + align4(bytes.length));
    this.length += align4(bytes.length);
    return this;
  }

  bytes(type: number, data: Buffer | Uint8Array): this {
    const at = this.slot(type, data.length);
    this.buffer.set(data, at);
    return this.done(data.length);
  }

  flag(type: number): this {
    this.slot(type, 0);
    return this.done(0);
  }

  // Values go straight into the buffer (after slot(), which may grow it): big restores
  // encode tens of thousands of attributes, and a temporary Buffer per value was most of
  // their cost.
  u8(type: number, value: number): this {
    const at = this.slot(type, 1);
    this.buffer[at] = value & 0xff;
    return this.done(1);
  }

  u16(type: number, value: number): this {
    const at = this.slot(type, 2);
    writeU16Host(this.buffer, value, at);
    return this.done(2);
  }

  u32(type: number, value: number): this {
    const at = this.slot(type, 4);
    writeU32Host(this.buffer, value >>> 0, at);
    return this.done(4);
  }

  s32(type: number, value: number): this {
    const at = this.slot(type, 4);
    writeS32Host(this.buffer, value, at);
    return this.done(4);
  }

  u64(type: number, value: bigint): this {
    const at = this.slot(type, 8);
    writeU64Host(this.buffer, value, at);
    return this.done(8);
  }

  /** A 16-bit value in network order (ports). Like the kernel's nla_put_be16, no flag is set. */
  be16(type: number, value: number): this {
    const at = this.slot(type, 2);
    this.buffer.writeUInt16BE(value, at);
    return this.done(2);
  }

  be32(type: number, value: number): this {
    const at = this.slot(type, 4);
    this.buffer.writeUInt32BE(value >>> 0, at);
    return this.done(4);
  }

  /** A NUL-terminated string. */
  string(type: number, value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    const at = this.slot(type, length + 1);
    this.buffer.write(value, at, length, 'utf8');
    this.buffer[at + length] = 0;
    return this.done(length + 1);
  }

  /** A nested attribute; the callback writes its children. */
  nested(type: number, write: (writer: this) => void, flagNested = true): this {
    this.beginNested(type, flagNested);
    write(this);
    return this.endNested();
  }

  beginNested(type: number, flagNested = true): this {
    this.reserve(NLA_HDRLEN);
    this.openNests.push(this.length);
    writeU16Host(this.buffer, 0, this.length);
    writeU16Host(this.buffer, flagNested ? type | NLA_F_NESTED : type, this.length + 2);
    this.length += NLA_HDRLEN;
    return this;
  }

  endNested(): this {
    const start = this.openNests.pop();
    if (start === undefined) throw new Error('endNested without beginNested');
    writeU16Host(this.buffer, this.length - start, start);
    return this;
  }

  toBuffer(): Buffer {
    if (this.openNests.length > 0) throw new Error('unclosed nested attribute');
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  /** The bytes written, without a copy (for big batches): write nothing more after taking it. */
  view(): Buffer {
    if (this.openNests.length > 0) throw new Error('unclosed nested attribute');
    return this.buffer.subarray(0, this.length);
  }

  /**
   * Room for an attribute of `size` data bytes after the last one: writes its header and
   * zeroes its padding; returns where the data goes. done() then keeps it, so a value
   * that fails to write (out of range) leaves the writer as it was.
   */
  private slot(type: number, size: number): number {
    const total = NLA_HDRLEN + size;
    const padded = align4(total);
    this.reserve(padded);
    const at = this.length;
    const { buffer } = this;
    if (total <= 0xffff && type >= 0 && type <= 0xffff) {
      // Byte by byte: the hot path of big restores (Buffer's checked writers cost more).
      buffer[at + (hostIsLittleEndian ? 0 : 1)] = total & 0xff;
      buffer[at + (hostIsLittleEndian ? 1 : 0)] = total >>> 8;
      buffer[at + (hostIsLittleEndian ? 2 : 3)] = type & 0xff;
      buffer[at + (hostIsLittleEndian ? 3 : 2)] = type >>> 8;
    } else {
      // Out of range: Buffer's writers throw, as they always did here.
      writeU16Host(buffer, total, at);
      writeU16Host(buffer, type, at + 2);
    }
    for (let i = at + total; i < at + padded; i++) buffer[i] = 0;
    return at + NLA_HDRLEN;
  }

  private done(size: number): this {
    this.length += align4(NLA_HDRLEN + size);
    return this;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}

export interface Attribute {
  type: number;
  nested: boolean;
  netByteOrder: boolean;
  data: Buffer;
}

/** Splits attribute bytes. Never throws; a bad length stops the walk with a problem. */
export function splitAttributes(bytes: Buffer): { attributes: Attribute[]; problem?: string } {
  const attributes: Attribute[] = [];
  let offset = 0;
  while (offset + NLA_HDRLEN <= bytes.length) {
    const length = readU16Host(bytes, offset);
    const rawType = readU16Host(bytes, offset + 2);
    if (length < NLA_HDRLEN || offset + length > bytes.length) {
      return { attributes, problem: `attribute ${rawType & NLA_TYPE_MASK} at byte ${offset} has bad length ${length}` };
    }
    attributes.push({
      type: rawType & NLA_TYPE_MASK,
      nested: (rawType & NLA_F_NESTED) !== 0,
      netByteOrder: (rawType & NLA_F_NET_BYTEORDER) !== 0,
      data: bytes.subarray(offset + NLA_HDRLEN, offset + length),
    });
    offset += align4(length);
  }
  return { attributes };
}

/**
 * Typed access to a set of attributes by type. Getters return undefined when an attribute
 * is absent; a present attribute of the wrong size also returns undefined and records the
 * first such problem in `problem`, which callers report once.
 */
export class AttributeDecoder {
  private readonly byType = new Map<number, Attribute>();
  private readonly all: Attribute[];
  problem: string | undefined;

  constructor(bytes: Buffer, private readonly context = 'attributes') {
    const { attributes, problem } = splitAttributes(bytes);
    this.all = attributes;
    for (const attribute of attributes) this.byType.set(attribute.type, attribute);
    if (problem) this.problem = `${context}: ${problem}`;
  }

  has(type: number): boolean {
    return this.byType.has(type);
  }

  raw(type: number): Buffer | undefined {
    return this.byType.get(type)?.data;
  }

  /** Every attribute of this type, in order (for repeated attributes such as lists). */
  list(type?: number): Attribute[] {
    return type === undefined ? this.all : this.all.filter((a) => a.type === type);
  }

  u8(type: number): number | undefined {
    return this.sized(type, 1, (d) => d.readUInt8(0));
  }

  u16(type: number): number | undefined {
    return this.sized(type, 2, (d) => readU16Host(d, 0));
  }

  u32(type: number): number | undefined {
    return this.sized(type, 4, (d) => readU32Host(d, 0));
  }

  s32(type: number): number | undefined {
    return this.sized(type, 4, (d) => readS32Host(d, 0));
  }

  u64(type: number): bigint | undefined {
    return this.sized(type, 8, (d) => readU64Host(d, 0));
  }

  be16(type: number): number | undefined {
    return this.sized(type, 2, (d) => d.readUInt16BE(0));
  }

  be32(type: number): number | undefined {
    return this.sized(type, 4, (d) => d.readUInt32BE(0));
  }

  /** A string, cut at its first NUL. */
  string(type: number): string | undefined {
    const data = this.byType.get(type)?.data;
    if (data === undefined) return undefined;
    const end = data.indexOf(0);
    return data.toString('utf8', 0, end < 0 ? data.length : end);
  }

  nested(type: number): AttributeDecoder | undefined {
    const data = this.byType.get(type)?.data;
    if (data === undefined) return undefined;
    const child = new AttributeDecoder(data, `${this.context}/${type}`);
    if (child.problem) this.problem ??= child.problem;
    return child;
  }

  /** Adopts a problem from a decoder derived from this one (first problem wins). */
  note(problem: string | undefined): void {
    if (problem) this.problem ??= problem;
  }

  private sized<T>(type: number, size: number, read: (data: Buffer) => T): T | undefined {
    const data = this.byType.get(type)?.data;
    if (data === undefined) return undefined;
    if (data.length < size) {
      this.problem ??= `${this.context}: attribute ${type} has ${data.length} bytes, expected ${size}`;
      return undefined;
    }
    return read(data);
  }
}
