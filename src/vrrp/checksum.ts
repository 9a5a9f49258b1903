// The Internet checksum (RFC 1071) and the VRRP checksum forms built on it. VRRPv2 sums the
// message alone; VRRPv3 adds a pseudo-header (RFC 5798 5.2.8). For v3 over IPv4 the wild is
// split: keepalived, FRR, tcpdump and Wireshark use an IPv4 pseudo-header, some vendors (and
// the text of RFC 9568) the message alone, so a receiver checks both and says which matched.

/** One's-complement sum of bytes [start, end) as 16-bit big-endian words, not folded. */
export function sum16(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  // Unfolded sums stay exact well past any packet size (2^53 / 0xffff words).
  for (; i + 1 < end; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < end) sum += (bytes[i] as number) << 8;
  return sum;
}

/** Folds a sum to 16 bits and complements it: the value that goes in the checksum field. */
export function finish(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}

/** The checksum of bytes [start, end) with an optional partial sum (a pseudo-header) added. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return finish(sum16(bytes, start, end, initial));
}

/**
 * The partial sum of the IPv4 pseudo-header: source, destination, zero, protocol, length.
 * The addresses are read from `bytes` at the given offsets (usually the IP header itself).
 */
export function ipv4PseudoHeaderSum(bytes: Uint8Array, sourceOffset: number, destinationOffset: number, protocol: number, length: number): number {
  return sum16(bytes, sourceOffset, sourceOffset + 4) + sum16(bytes, destinationOffset, destinationOffset + 4) + protocol + length;
}

/** The partial sum of the IPv6 pseudo-header (RFC 8200 8.1): addresses, 32-bit length, next header. */
export function ipv6PseudoHeaderSum(bytes: Uint8Array, sourceOffset: number, destinationOffset: number, nextHeader: number, length: number): number {
  return (
    sum16(bytes, sourceOffset, sourceOffset + 16) +
    sum16(bytes, destinationOffset, destinationOffset + 16) +
    Math.floor(length / 0x10000) +
    (length & 0xffff) +
    nextHeader
  );
}
