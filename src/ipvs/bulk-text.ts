// Shared by the quick listing (plain-listing.ts) and the quick save (bulk-save.ts): a byte
// writer for ASCII text, and the order of services as numbers. Big tables are written
// straight into one buffer, without an object or a string per real server: inside
// user-mode Linux, where every page a process touches for the first time costs a trip
// through the host, those were most of the time of big listings and saves.
import { IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';

// The order of protocols (by number), as a small rank for numeric keys.
export const PROTOCOL_RANK: Record<number, number> = { [IPPROTO_TCP]: 0, [IPPROTO_UDP]: 1, [IPPROTO_SCTP]: 2 };
// Mark services sort after every other (their mark is not 0), by mark.
const MARK_BASE = 2 ** 50;

/** The order key of a mark service (of either family): above every address key. */
export const markOrderKey = (mark: number): number => MARK_BASE + (mark >>> 0);

/** The order key of an IPv4 service named by protocol, address (a number) and port; exact in a double. */
export const serviceOrderKey = (protocol: number, address: number, port: number): number => ((PROTOCOL_RANK[protocol] ?? 3) * 2 ** 32 + address) * 65536 + port;

/** The value of a dotted quad (IPv4 text as the kernel's addresses decode to). */
export function ipv4Value(text: string): number {
  let value = 0;
  let part = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      value = value * 256 + part;
      part = 0;
    } else part = part * 10 + (code - 48);
  }
  return value * 256 + part;
}

/** Indices in the order of their keys (keys are distinct). */
export function sortedOrder(keys: Float64Array): number[] {
  const order = Array.from({ length: keys.length }, (_, i) => i);
  return order.sort((a, b) => (keys[a] as number) - (keys[b] as number));
}

/** A growing byte buffer for ASCII text, written byte by byte (calls into Buffer's C++ per short piece cost more than the bytes). */
/**
 * Sorts real servers (indices into the columns) by IPv4 address, then port, as the listings
 * and saves order them: an insertion sort, since a service has a few.
 */
export function sortByAddressAndPort(line: number[], columns: { address: ArrayLike<number>; port: ArrayLike<number> }): void {
  for (let i = 1; i < line.length; i++) {
    const r = line[i] as number;
    const key = (columns.address[r] as number) * 65536 + (columns.port[r] as number);
    let j = i - 1;
    for (; j >= 0; j--) {
      const s = line[j] as number;
      if ((columns.address[s] as number) * 65536 + (columns.port[s] as number) <= key) break;
      line[j + 1] = s;
    }
    line[j + 1] = r;
  }
}

export class Output {
  buffer: Buffer;
  length = 0;

  /**
   * `capacity`: the expected size, or with a `sink` the size of the one buffer that is
   * handed to the sink each time it is full (then big outputs touch no more memory than
   * that: every fresh page costs a trip through the host inside user-mode Linux). Not
   * zero-filled, so a generous guess costs nothing: only the pages written are touched,
   * while each doubling copies what is there.
   */
  constructor(
    capacity = 1 << 16,
    private readonly sink?: (bytes: Buffer) => void,
  ) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  /** Says that about `bytes` will be written: without a sink, the buffer is made that big at once. */
  expect(bytes: number): void {
    if (!this.sink && this.length === 0 && bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  private room(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    if (this.sink) {
      this.flush();
      if (extra <= this.buffer.length) return;
    }
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  /** Hands what is written to the sink (nothing without one). */
  flush(): void {
    if (!this.sink || this.length === 0) return;
    this.sink(this.buffer.subarray(0, this.length));
    this.length = 0;
  }

  /** Text as UTF-8 (byte by byte while it is ASCII, which it nearly always is). */
  text(value: string): void {
    if (this.sink && value.length > this.buffer.length >> 1) {
      // Long text (the general way's whole listing) in pieces, so that the buffer stays its size.
      for (let start = 0; start < value.length; ) {
        let end = Math.min(value.length, start + (this.buffer.length >> 2));
        // Not between the two halves of a surrogate pair.
        const last = value.charCodeAt(end - 1);
        if (last >= 0xd800 && last <= 0xdbff && end < value.length) end++;
        this.text(value.slice(start, end));
        start = end;
      }
      return;
    }
    this.room(value.length);
    const { buffer } = this;
    let at = this.length;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code > 127) {
        this.length = at;
        const rest = value.slice(i);
        this.room(Buffer.byteLength(rest, 'utf8'));
        this.length += this.buffer.write(rest, this.length, 'utf8');
        return;
      }
      buffer[at++] = code;
    }
    this.length = at;
  }

  byte(code: number): void {
    this.room(1);
    this.buffer[this.length++] = code;
  }

  /** A non-negative integer below 2^32, in decimal; returns how many digits. */
  digits(value: number): number {
    this.room(10);
    let count = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) count++;
    const { buffer } = this;
    let rest = value;
    for (let i = this.length + count - 1; i >= this.length; i--) {
      const next = Math.floor(rest / 10);
      buffer[i] = 48 + (rest - next * 10);
      rest = next;
    }
    this.length += count;
    return count;
  }

  /** An IPv4 address (a number) as a dotted quad; returns how many characters. */
  ipv4(address: number): number {
    let width = this.digits(address >>> 24);
    this.byte(46);
    width += 1 + this.digits((address >>> 16) & 255);
    this.byte(46);
    width += 1 + this.digits((address >>> 8) & 255);
    this.byte(46);
    return width + 1 + this.digits(address & 255);
  }

  /** A signed 32-bit integer as C's %d; returns how many characters. */
  int(value: number): number {
    if (value >= 0) return this.digits(value);
    this.byte(45);
    return 1 + this.digits(-value);
  }

  /** Blanks up to `width` after a field of `written` characters (a printf %-Ns). */
  padTo(written: number, width: number): void {
    const count = width - written;
    if (count <= 0) return;
    this.room(count);
    const { buffer } = this;
    for (let i = 0; i < count; i++) buffer[this.length++] = 32;
  }

  /** What is written (without a sink: everything). */
  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

