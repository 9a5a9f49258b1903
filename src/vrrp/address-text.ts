// Address bytes -> text with a small cache. A capture repeats the same few routers and VIPs
// millions of times, so formatting each address once keeps the decoder's hot path cheap.
import { bytesToIPv4, bytesToIPv6 } from '../native/ip.js';

const LIMIT = 4096;
const ipv4Cache = new Map<number, string>();
const ipv6Cache = new Map<string, string>();

/** Dotted-quad text of the 4 bytes at offset (the caller has checked they are there). */
export function ipv4Text(bytes: Uint8Array, offset: number): string {
  const key =
    (((bytes[offset] as number) << 24) | ((bytes[offset + 1] as number) << 16) | ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number)) >>> 0;
  let text = ipv4Cache.get(key);
  if (text === undefined) {
    text = bytesToIPv4(bytes, offset);
    if (ipv4Cache.size >= LIMIT) ipv4Cache.clear();
    ipv4Cache.set(key, text);
  }
  return text;
}

/** RFC 5952 text of the 16 bytes at offset. */
export function ipv6Text(bytes: Buffer, offset: number): string {
  const key = bytes.toString('latin1', offset, offset + 16);
  let text = ipv6Cache.get(key);
  if (text === undefined) {
    text = bytesToIPv6(bytes, offset);
    if (ipv6Cache.size >= LIMIT) ipv6Cache.clear();
    ipv6Cache.set(key, text);
  }
  return text;
}
