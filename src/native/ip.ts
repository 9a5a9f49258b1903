// IP address bytes <-> text. Parsing and validation of user input uses ipaddr.js (see
// src/net/address.ts); these helpers are the hot-path conversions of bytes the kernel or
// the wire hands us, where the input is already known to be 4 or 16 bytes.
import ipaddr from 'ipaddr.js';

export function ipv4ToBytes(address: string): Buffer {
  return Buffer.from(ipaddr.IPv4.parse(address).toByteArray());
}

export function ipv6ToBytes(address: string): Buffer {
  return Buffer.from(ipaddr.IPv6.parse(address).toByteArray());
}

export function ipToBytes(address: string): Buffer {
  return Buffer.from(ipaddr.parse(address).toByteArray());
}

export function bytesToIPv4(bytes: Buffer | Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text (lower case, longest zero run compressed), as ip(8), ipvsadm and tcpdump print. */
export function bytesToIPv6(bytes: Buffer | Uint8Array, offset = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((bytes[offset + 2 * i] ?? 0) << 8) | (bytes[offset + 2 * i + 1] ?? 0));
  // IPv4-mapped addresses keep their dotted tail, as inet_ntop prints them.
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${bytesToIPv4(bytes, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const tail = hex.slice(bestStart + bestLength).join(':');
  return `${head}::${tail}`;
}
