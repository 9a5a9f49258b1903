// The IP layer around VRRP: IPv4 and IPv6 headers and the IP Authentication Header (RFC 4302)
// that VRRPv2 auth type AH wraps the message in. decodeIpPacket reads a raw IP packet (as a
// capture holds it) down to the VRRP message; encode* build such packets for tests, fixtures
// and the benchmark. Decoding never throws.
import { isIPv6 } from 'node:net';
import { ipv4ToBytes, ipv6ToBytes } from '../native/ip.js';
import { ipv4Text, ipv6Text } from './address-text.js';
import { internetChecksum } from './checksum.js';
import { IPPROTO_AH, IPPROTO_VRRP, VRRP_TTL } from './constants.js';
import { decodeAdvertisement, type AddressFamily, type DecodedAdvertisement } from './packet.js';

export interface IpHeader {
  family: AddressFamily;
  source: string;
  destination: string;
  /** Where the addresses sit in the buffer (for the VRRPv3 pseudo-header). */
  sourceOffset: number;
  destinationOffset: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** IPv4 TOS or IPv6 traffic class. */
  tos: number;
  /** IPv4 only (0 for IPv6). */
  id: number;
  /** IPv4 flags (bit 2 reserved, bit 1 DF, bit 0 MF), 0 for IPv6. */
  flags: number;
  /** IPv4 fragment offset in bytes. */
  fragmentOffset: number;
  /** IPv6 only. */
  flowLabel: number;
  /** IPv4 total length, or 40 + IPv6 payload length. */
  totalLength: number;
  /** The upper-layer protocol after any IPv6 extension headers (before AH is unwrapped). */
  protocol: number;
  /** IPv6 payload length field (0 for IPv4). */
  payloadLength: number;
}

export interface AuthenticationHeader {
  nextHeader: number;
  /** Length of the whole AH in bytes: (payload length field + 2) x 4. */
  length: number;
  spi: number;
  sequence: number;
  icv: Buffer;
}

export type IpProblemCode = 'not-ip' | 'ip-truncated' | 'ip-bad-header' | 'fragment' | 'not-vrrp' | 'ah-truncated';

export interface DecodedPacket {
  ip?: IpHeader;
  ah?: AuthenticationHeader;
  vrrp?: DecodedAdvertisement;
  /** Problems below VRRP; VRRP's own are in vrrp.problems. */
  problems: IpProblemCode[];
}

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_DESTINATION_OPTIONS = 60;

/** Decodes the IP packet at bytes[offset, end) down to VRRP. Never throws. */
export function decodeIpPacket(bytes: Buffer, offset = 0, end = bytes.length): DecodedPacket {
  const result: DecodedPacket = { problems: [] };
  if (end - offset < 1) {
    result.problems.push('ip-truncated');
    return result;
  }
  const version = (bytes[offset] as number) >> 4;
  if (version === 4) decodeIpv4(bytes, offset, end, result);
  else if (version === 6) decodeIpv6(bytes, offset, end, result);
  else result.problems.push('not-ip');
  return result;
}

/** A header with every field zero (filled in place by the decoders). */
export function emptyIpHeader(family: AddressFamily): IpHeader {
  return {
    family,
    source: '',
    destination: '',
    sourceOffset: 0,
    destinationOffset: 0,
    ttl: 0,
    tos: 0,
    id: 0,
    flags: 0,
    fragmentOffset: 0,
    flowLabel: 0,
    totalLength: 0,
    protocol: 0,
    payloadLength: 0,
  };
}

function decodeIpv4(bytes: Buffer, offset: number, end: number, result: DecodedPacket): void {
  if (end - offset < 20) {
    result.problems.push('ip-truncated');
    return;
  }
  const headerLength = ((bytes[offset] as number) & 0x0f) * 4;
  const ip = emptyIpHeader('ipv4');
  ip.tos = bytes[offset + 1] as number;
  ip.totalLength = bytes.readUInt16BE(offset + 2);
  ip.id = bytes.readUInt16BE(offset + 4);
  const fragment = bytes.readUInt16BE(offset + 6);
  ip.flags = fragment >> 13;
  ip.fragmentOffset = (fragment & 0x1fff) * 8;
  ip.ttl = bytes[offset + 8] as number;
  ip.protocol = bytes[offset + 9] as number;
  ip.sourceOffset = offset + 12;
  ip.destinationOffset = offset + 16;
  ip.source = ipv4Text(bytes, offset + 12);
  ip.destination = ipv4Text(bytes, offset + 16);
  result.ip = ip;
  if (headerLength < 20 || ip.totalLength < headerLength) {
    result.problems.push('ip-bad-header');
    return;
  }
  if (ip.fragmentOffset !== 0 || (ip.flags & 1) !== 0) {
    result.problems.push('fragment');
    return;
  }
  // Ethernet pads short frames: the IP total length, not the captured length, ends the packet.
  const declaredEnd = offset + ip.totalLength;
  upperLayer(bytes, offset + headerLength, declaredEnd, Math.min(end, declaredEnd), ip.protocol, ip, result);
}

function decodeIpv6(bytes: Buffer, offset: number, end: number, result: DecodedPacket): void {
  if (end - offset < 40) {
    result.problems.push('ip-truncated');
    return;
  }
  const ip = emptyIpHeader('ipv6');
  const word = bytes.readUInt32BE(offset);
  ip.tos = (word >>> 20) & 0xff;
  ip.flowLabel = word & 0xfffff;
  ip.payloadLength = bytes.readUInt16BE(offset + 4);
  ip.totalLength = 40 + ip.payloadLength;
  ip.ttl = bytes[offset + 7] as number;
  ip.sourceOffset = offset + 8;
  ip.destinationOffset = offset + 24;
  ip.source = ipv6Text(bytes, offset + 8);
  ip.destination = ipv6Text(bytes, offset + 24);
  result.ip = ip;
  const declaredEnd = offset + ip.totalLength;
  const available = Math.min(end, declaredEnd);
  let next = bytes[offset + 6] as number;
  let cursor = offset + 40;
  // Walk the extension headers that may sit in front of VRRP or AH.
  for (let hops = 0; hops < 8; hops++) {
    if (next === IPV6_HOP_BY_HOP || next === IPV6_ROUTING || next === IPV6_DESTINATION_OPTIONS) {
      if (cursor + 2 > available) {
        result.problems.push('ip-truncated');
        ip.protocol = next;
        return;
      }
      const following = bytes[cursor] as number;
      cursor += ((bytes[cursor + 1] as number) + 1) * 8;
      next = following;
    } else if (next === IPV6_FRAGMENT) {
      if (cursor + 8 > available) {
        result.problems.push('ip-truncated');
        ip.protocol = next;
        return;
      }
      const fragment = bytes.readUInt16BE(cursor + 2);
      if ((fragment & 0xfff8) !== 0 || (fragment & 1) !== 0) {
        ip.protocol = next;
        result.problems.push('fragment');
        return;
      }
      next = bytes[cursor] as number;
      cursor += 8;
    } else break;
  }
  ip.protocol = next;
  upperLayer(bytes, cursor, declaredEnd, available, next, ip, result);
}

function upperLayer(bytes: Buffer, start: number, declaredEnd: number, available: number, protocol: number, ip: IpHeader, result: DecodedPacket): void {
  let cursor = start;
  let next = protocol;
  if (next === IPPROTO_AH) {
    if (cursor + 12 > available) {
      result.problems.push('ah-truncated');
      return;
    }
    const length = ((bytes[cursor + 1] as number) + 2) * 4;
    const ah: AuthenticationHeader = {
      nextHeader: bytes[cursor] as number,
      length,
      spi: bytes.readUInt32BE(cursor + 4),
      sequence: bytes.readUInt32BE(cursor + 8),
      icv: bytes.subarray(cursor + 12, Math.min(cursor + length, available)),
    };
    result.ah = ah;
    if (length < 12 || cursor + length > available) {
      result.problems.push('ah-truncated');
      return;
    }
    cursor += length;
    next = ah.nextHeader;
  }
  if (next !== IPPROTO_VRRP) {
    result.problems.push('not-vrrp');
    return;
  }
  result.vrrp = decodeAdvertisement(
    bytes,
    {
      family: ip.family,
      addressBytes: bytes,
      sourceOffset: ip.sourceOffset,
      destinationOffset: ip.destinationOffset,
      ttl: ip.ttl,
      length: Math.max(0, declaredEnd - cursor),
    },
    cursor,
    Math.max(cursor, available),
  );
}

export interface Ipv4PacketInput {
  source: string;
  destination: string;
  payload: Buffer;
  protocol?: number;
  ttl?: number;
  tos?: number;
  id?: number;
  /** Flags as the 3 high bits (2 = DF). */
  flags?: number;
}

/** An IPv4 packet (20-byte header with its checksum) around payload. */
export function encodeIpv4Packet(input: Ipv4PacketInput): Buffer {
  const packet = Buffer.alloc(20 + input.payload.length);
  packet[0] = 0x45;
  packet[1] = input.tos ?? 0xc0;
  packet.writeUInt16BE(packet.length, 2);
  packet.writeUInt16BE(input.id ?? 0, 4);
  packet.writeUInt16BE((input.flags ?? 0) << 13, 6);
  packet[8] = input.ttl ?? VRRP_TTL;
  packet[9] = input.protocol ?? IPPROTO_VRRP;
  ipv4ToBytes(input.source).copy(packet, 12);
  ipv4ToBytes(input.destination).copy(packet, 16);
  packet.writeUInt16BE(internetChecksum(packet, 0, 20), 10);
  input.payload.copy(packet, 20);
  return packet;
}

export interface Ipv6PacketInput {
  source: string;
  destination: string;
  payload: Buffer;
  nextHeader?: number;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
}

/** An IPv6 packet (40-byte header, no extension headers) around payload. */
export function encodeIpv6Packet(input: Ipv6PacketInput): Buffer {
  const packet = Buffer.alloc(40 + input.payload.length);
  packet.writeUInt32BE(((6 << 28) | ((input.trafficClass ?? 0xc0) << 20) | (input.flowLabel ?? 0)) >>> 0, 0);
  packet.writeUInt16BE(input.payload.length, 4);
  packet[6] = input.nextHeader ?? IPPROTO_VRRP;
  packet[7] = input.hopLimit ?? VRRP_TTL;
  ipv6ToBytes(input.source).copy(packet, 8);
  ipv6ToBytes(input.destination).copy(packet, 24);
  input.payload.copy(packet, 40);
  return packet;
}

/** An IP packet of the family of `source`. */
export function encodeIpPacket(input: { source: string; destination: string; payload: Buffer; protocol?: number; ttl?: number; tos?: number; id?: number }): Buffer {
  if (isIPv6(input.source)) {
    return encodeIpv6Packet({
      source: input.source,
      destination: input.destination,
      payload: input.payload,
      nextHeader: input.protocol ?? IPPROTO_VRRP,
      hopLimit: input.ttl ?? VRRP_TTL,
      trafficClass: input.tos ?? 0xc0,
    });
  }
  return encodeIpv4Packet(input);
}

/**
 * An Authentication Header around payload. keepalived's AH mode uses SPI = the sender's IPv4
 * address and a 12-byte HMAC-MD5-96 ICV; the ICV is carried as given (this codec does not
 * compute or verify it).
 */
export function encodeAuthenticationHeader(input: { spi: number; sequence: number; icv?: Buffer; nextHeader?: number; payload: Buffer }): Buffer {
  const icv = input.icv ?? Buffer.alloc(12);
  if (icv.length % 4 !== 0) throw new RangeError('the AH ICV must be a multiple of 4 bytes');
  const header = Buffer.alloc(12 + icv.length);
  header[0] = input.nextHeader ?? IPPROTO_VRRP;
  header[1] = (12 + icv.length) / 4 - 2;
  header.writeUInt32BE(input.spi >>> 0, 4);
  header.writeUInt32BE(input.sequence >>> 0, 8);
  icv.copy(header, 12);
  return Buffer.concat([header, input.payload]);
}
