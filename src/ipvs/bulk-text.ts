// Shared by the quick listing (plain-listing.ts) and the quick save (bulk-save.ts): a byte
// writer for ASCII text, and the order of services as numbers. Big tables are written
// straight into one buffer, without an object or a string per real server: inside
// user-mode Linux, where every page a process touches for the first time costs a trip
// through the host, those were most of the time of big listings and saves.
import { AF_INET, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import type { Service } from './model.js';

// The order of protocols (by number), as a small rank for numeric keys.
const PROTOCOL_RANK: Record<number, number> = { [IPPROTO_TCP]: 0, [IPPROTO_UDP]: 1, [IPPROTO_SCTP]: 2 };
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

/**
 * Numbers that order IPv4 services as sortEntries does (mark, family, protocol, address,
 * port), or undefined when a service is not IPv4, has another protocol, or shares its
 * mark with another (then the general way does it).
 */
export function orderKeys(services: Service[]): Float64Array | undefined {
  const keys = new Float64Array(services.length);
  const marks = new Set<number>();
  for (let i = 0; i < services.length; i++) {
    const service = services[i] as Service;
    if (service.af !== AF_INET) return undefined;
    if (service.fwmark) {
      const mark = service.fwmark >>> 0;
      if (marks.has(mark)) return undefined;
      marks.add(mark);
      keys[i] = markOrderKey(mark);
    } else {
      if (PROTOCOL_RANK[service.protocol] === undefined || !service.address) return undefined;
      keys[i] = serviceOrderKey(service.protocol, ipv4Value(service.address), service.port);
    }
  }
  return keys;
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
   * `capacity`: the expected size. Not zero-filled, so a generous guess costs nothing:
   * only the pages written are touched, while each doubling copies what is there.
   */
  constructor(capacity = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  private room(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }

  /** Text as UTF-8 (byte by byte while it is ASCII, which it nearly always is). */
  text(value: string): void {
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

  result(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

