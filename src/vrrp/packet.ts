// The VRRP advertisement codec: VRRPv2 (RFC 3768) and VRRPv3 (RFC 5798), IPv4 and IPv6.
// encodeAdvertisement builds the bytes with the right checksum; decodeAdvertisement never
// throws: short or hostile bytes give a value filled as far as the bytes go, and a list of
// problems. The same codec serves the sniffer and the `vrrp run` engine.
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4ToBytes, ipv6ToBytes } from '../native/ip.js';
import { ipv4Text, ipv6Text } from './address-text.js';
import { finish, ipv4PseudoHeaderSum, ipv6PseudoHeaderSum, sum16 } from './checksum.js';
import {
  IPPROTO_VRRP,
  V2_AUTH_LENGTH,
  V2_HEADER_LENGTH,
  V3_HEADER_LENGTH,
  V3_MAX_INTERVAL,
  VRRP_AUTH_AH,
  VRRP_AUTH_NONE,
  VRRP_TTL,
  VRRP_TYPE_ADVERTISEMENT,
} from './constants.js';

export type AddressFamily = 'ipv4' | 'ipv6';

export interface Advertisement {
  /** 2 or 3 on a good packet; a decoded packet keeps whatever the wire says. */
  version: number;
  /** 1 (advertisement) is the only type VRRP defines. */
  type: number;
  vrid: number;
  /** 0 = the master is leaving, 255 = the address owner. */
  priority: number;
  family: AddressFamily;
  /** The count field as sent (may disagree with the addresses actually present). */
  count: number;
  addresses: string[];
  /** Advertisement interval in centiseconds for both versions (v2's whole seconds x 100). */
  interval: number;
  /** v2 authentication type: 0 none, 1 simple text, 2 IP AH. Always 0 for v3. */
  authType: number;
  /** v2's 8 authentication bytes (a simple-text password, NUL padded); empty for v3. */
  authData: Buffer;
  /** v3's 4 reserved bits in front of the interval (must be 0); 0 for v2. */
  reserved: number;
  /** The checksum field as sent. */
  checksum: number;
}

/**
 * Which sum verified the packet: `message` is the message alone (v2, and the v3/IPv4 form of
 * some vendors and RFC 9568's text); `pseudo-header` is the message plus the IP pseudo-header
 * (v3/IPv6, and v3/IPv4 as keepalived, FRR, tcpdump and Wireshark compute it).
 */
export type ChecksumForm = 'message' | 'pseudo-header';

export interface ChecksumVerdict {
  /** False when the bytes were too short or the pseudo-header addresses were not given. */
  checked: boolean;
  valid: boolean;
  form?: ChecksumForm;
}

export type ProblemCode =
  | 'truncated'
  | 'bad-version'
  | 'bad-type'
  | 'count-mismatch'
  | 'bad-checksum'
  | 'ttl'
  | 'reserved-bits'
  | 'zero-interval'
  | 'bad-auth-type'
  | 'zero-vrid';

export interface DecodedAdvertisement {
  advert: Advertisement;
  /** Problem codes in the order found; empty for a good packet. See describeProblem. */
  problems: ProblemCode[];
  checksum: ChecksumVerdict;
  /** The VRRP message length used (the IP payload length, not what was captured). */
  length: number;
}

/** Where the v3 pseudo-header's addresses and the TTL come from: the IP header around the message. */
export interface DecodeContext {
  family?: AddressFamily;
  /** Bytes holding the IP source and destination (usually the captured packet itself). */
  addressBytes?: Uint8Array;
  sourceOffset?: number;
  destinationOffset?: number;
  /** IPv4 TTL or IPv6 hop limit; anything but 255 is a problem when sent to a multicast group. */
  ttl?: number;
  /** The message length the IP header declares; defaults to the bytes given. */
  length?: number;
}

/**
 * Whether the advert went to a unicast address (keepalived's unicast_peer). The TTL rule is
 * the multicast one (RFC 5798 5.1.1.3): keepalived checks no TTL on unicast adverts unless
 * unicast_peer sets min_ttl / max_ttl, and sends IPv6 ones with the kernel's hop limit (64).
 */
function sentToUnicast(context: DecodeContext): boolean {
  const bytes = context.addressBytes;
  const at = context.destinationOffset;
  if (bytes === undefined || at === undefined || at >= bytes.length) return false;
  const first = bytes[at] as number;
  return context.family === 'ipv6' ? first !== 0xff : first < 224 || first > 239;
}

/** A context with the pseudo-header addresses given as text (handy outside the hot path). */
export function contextFor(source: string, destination: string, extra: Omit<DecodeContext, 'addressBytes' | 'sourceOffset' | 'destinationOffset' | 'family'> = {}): DecodeContext {
  const family: AddressFamily = isIPv6(source) ? 'ipv6' : 'ipv4';
  const src = family === 'ipv6' ? ipv6ToBytes(source) : ipv4ToBytes(source);
  const dst = family === 'ipv6' ? ipv6ToBytes(destination) : ipv4ToBytes(destination);
  return { ...extra, family, addressBytes: Buffer.concat([src, dst]), sourceOffset: 0, destinationOffset: src.length };
}

const EMPTY = Buffer.alloc(0);

/** Human text for a problem code, with the packet's values where they help. */
export function describeProblem(code: ProblemCode, decoded?: DecodedAdvertisement, ttl?: number): string {
  const advert = decoded?.advert;
  switch (code) {
    case 'truncated':
      return 'truncated';
    case 'bad-version':
      return `bad version ${advert?.version ?? '?'}`;
    case 'bad-type':
      return `bad type ${advert?.type ?? '?'}`;
    case 'count-mismatch':
      return `address count ${advert?.count ?? '?'} does not match length ${decoded?.length ?? '?'}`;
    case 'bad-checksum':
      return `bad checksum 0x${(advert?.checksum ?? 0).toString(16).padStart(4, '0')}`;
    case 'ttl':
      return `ttl ${ttl ?? '?'} != 255`;
    case 'reserved-bits':
      return `reserved bits set (0x${(advert?.reserved ?? 0).toString(16)})`;
    case 'zero-interval':
      return 'advert interval 0';
    case 'bad-auth-type':
      return `unknown auth type ${advert?.authType ?? '?'}`;
    case 'zero-vrid':
      return 'vrid 0';
  }
}

/** Expected message length for a version, family and address count. */
export function advertisementLength(version: number, family: AddressFamily, count: number): number {
  const size = family === 'ipv6' ? 16 : 4;
  return version === 3 || family === 'ipv6' ? V3_HEADER_LENGTH + size * count : V2_HEADER_LENGTH + 4 * count + V2_AUTH_LENGTH;
}

/**
 * Decodes the VRRP message in bytes[offset, end). Never throws. Fields the bytes do not reach
 * stay 0 / empty and `truncated` is reported.
 */
export function decodeAdvertisement(bytes: Buffer, context: DecodeContext = {}, offset = 0, end = bytes.length): DecodedAdvertisement {
  const family: AddressFamily = context.family ?? 'ipv4';
  const captured = Math.max(0, end - offset);
  const length = context.length ?? captured;
  const problems: ProblemCode[] = [];
  const advert: Advertisement = {
    version: 0,
    type: 0,
    vrid: 0,
    priority: 0,
    family,
    count: 0,
    addresses: [],
    interval: 0,
    authType: 0,
    authData: EMPTY,
    reserved: 0,
    checksum: 0,
  };
  const checksum: ChecksumVerdict = { checked: false, valid: false };
  const result: DecodedAdvertisement = { advert, problems, checksum, length };
  if (context.ttl !== undefined && context.ttl !== VRRP_TTL && !sentToUnicast(context)) problems.push('ttl');
  if (captured < 8 || length < 8) {
    if (captured >= 1) {
      advert.version = (bytes[offset] as number) >> 4;
      advert.type = (bytes[offset] as number) & 0x0f;
    }
    if (captured >= 2) advert.vrid = bytes[offset + 1] as number;
    if (captured >= 3) advert.priority = bytes[offset + 2] as number;
    if (captured >= 4) advert.count = bytes[offset + 3] as number;
    problems.push('truncated');
    return result;
  }
  const first = bytes[offset] as number;
  advert.version = first >> 4;
  advert.type = first & 0x0f;
  advert.vrid = bytes[offset + 1] as number;
  advert.priority = bytes[offset + 2] as number;
  advert.count = bytes[offset + 3] as number;
  advert.checksum = ((bytes[offset + 6] as number) << 8) | (bytes[offset + 7] as number);
  // v2 is defined for IPv4 only; anything else that is not v2 is read with v3's layout.
  const v2Layout = advert.version === 2 && family === 'ipv4';
  if (advert.version !== 2 && advert.version !== 3) problems.push('bad-version');
  else if (advert.version === 2 && family === 'ipv6') problems.push('bad-version');
  if (advert.type !== VRRP_TYPE_ADVERTISEMENT) problems.push('bad-type');
  if (advert.vrid === 0) problems.push('zero-vrid');
  if (v2Layout) {
    advert.authType = bytes[offset + 4] as number;
    advert.interval = (bytes[offset + 5] as number) * 100;
    if (advert.authType > VRRP_AUTH_AH) problems.push('bad-auth-type');
  } else {
    advert.reserved = (bytes[offset + 4] as number) >> 4;
    advert.interval = (((bytes[offset + 4] as number) & 0x0f) << 8) | (bytes[offset + 5] as number);
    if (advert.reserved !== 0) problems.push('reserved-bits');
  }
  if (advert.interval === 0) problems.push('zero-interval');

  const size = family === 'ipv6' ? 16 : 4;
  const expected = advertisementLength(v2Layout ? 2 : 3, family, advert.count);
  if (expected !== length) problems.push('count-mismatch');
  const available = Math.min(captured, length);
  let cursor = offset + 8;
  const addressEnd = offset + Math.min(available, 8 + size * advert.count);
  const addresses = advert.addresses;
  if (size === 4) {
    for (; cursor + 4 <= addressEnd; cursor += 4) addresses.push(ipv4Text(bytes, cursor));
  } else {
    for (; cursor + 16 <= addressEnd; cursor += 16) addresses.push(ipv6Text(bytes, cursor));
  }
  if (v2Layout) {
    const authStart = offset + 8 + 4 * advert.count;
    if (authStart + V2_AUTH_LENGTH <= offset + available) advert.authData = bytes.subarray(authStart, authStart + V2_AUTH_LENGTH);
  }
  // Bytes missing against what the IP header declares; a count that disagrees with the
  // declared length is reported as count-mismatch instead.
  if (captured < length) problems.push('truncated');
  if (captured >= length) verifyChecksum(bytes, offset, length, advert.version === 3 || family === 'ipv6', context, checksum);
  if (checksum.checked && !checksum.valid) problems.push('bad-checksum');
  return result;
}

function verifyChecksum(bytes: Buffer, offset: number, length: number, v3: boolean, context: DecodeContext, verdict: ChecksumVerdict): void {
  const message = sum16(bytes, offset, offset + length);
  const family = context.family ?? 'ipv4';
  const header = context.addressBytes;
  const haveAddresses = header !== undefined && context.sourceOffset !== undefined && context.destinationOffset !== undefined;
  if (!v3) {
    verdict.checked = true;
    verdict.valid = finish(message) === 0;
    if (verdict.valid) verdict.form = 'message';
    return;
  }
  if (haveAddresses) {
    const pseudo =
      family === 'ipv6'
        ? ipv6PseudoHeaderSum(header, context.sourceOffset as number, context.destinationOffset as number, IPPROTO_VRRP, length)
        : ipv4PseudoHeaderSum(header, context.sourceOffset as number, context.destinationOffset as number, IPPROTO_VRRP, length);
    verdict.checked = true;
    if (finish(message + pseudo) === 0) {
      verdict.valid = true;
      verdict.form = 'pseudo-header';
      return;
    }
  }
  // v3 over IPv4 without a pseudo-header is what some vendors send; IPv6 has no such variant.
  if (family === 'ipv4') {
    verdict.checked = true;
    if (finish(message) === 0) {
      verdict.valid = true;
      verdict.form = 'message';
    }
  }
}

export interface AdvertisementInput {
  version: 2 | 3;
  vrid: number;
  priority: number;
  /** Defaults to the family of the first address (IPv4 if none). */
  family?: AddressFamily;
  addresses: string[];
  /** Centiseconds; v2 sends whole seconds (rounded, at least 1). */
  interval: number;
  /** v2 only: 0 none, 1 simple text, 2 AH. */
  authType?: number;
  /** v2 only: the password (first 8 bytes are sent) or raw auth bytes. */
  authData?: string | Buffer;
  /** Overrides for tests and fuzzing: type, count, reserved bits. */
  type?: number;
  count?: number;
  reserved?: number;
}

export interface EncodeOptions {
  /** v3 only: the IP source and destination the pseudo-header covers. */
  source?: string;
  destination?: string;
  /** v3/IPv4 only: keepalived's pseudo-header (default) or the message alone. */
  checksumForm?: ChecksumForm;
  /** Puts this value in the checksum field instead of computing it (for building bad packets). */
  checksum?: number;
}

/** Builds a VRRP advertisement with its checksum. Throws RangeError on values the format cannot carry. */
export function encodeAdvertisement(input: AdvertisementInput, options: EncodeOptions = {}): Buffer {
  const family: AddressFamily = input.family ?? (input.addresses[0] !== undefined && isIPv6(input.addresses[0]) ? 'ipv6' : 'ipv4');
  const v2 = input.version === 2;
  if (v2 && family === 'ipv6') throw new RangeError('VRRPv2 is defined for IPv4 only');
  const size = family === 'ipv6' ? 16 : 4;
  const length = advertisementLength(input.version, family, input.addresses.length);
  const buffer = Buffer.alloc(length);
  buffer[0] = ((input.version & 0x0f) << 4) | ((input.type ?? VRRP_TYPE_ADVERTISEMENT) & 0x0f);
  buffer[1] = checkByte(input.vrid, 'vrid');
  buffer[2] = checkByte(input.priority, 'priority');
  buffer[3] = checkByte(input.count ?? input.addresses.length, 'address count');
  if (v2) {
    buffer[4] = checkByte(input.authType ?? VRRP_AUTH_NONE, 'auth type');
    buffer[5] = checkByte(Math.max(1, Math.round(input.interval / 100)), 'v2 interval (seconds)');
  } else {
    const interval = Math.round(input.interval);
    if (interval < 0 || interval > V3_MAX_INTERVAL) throw new RangeError(`v3 interval ${interval} cs is outside 0..4095`);
    buffer[4] = (((input.reserved ?? 0) & 0x0f) << 4) | (interval >> 8);
    buffer[5] = interval & 0xff;
  }
  let cursor = 8;
  for (const address of input.addresses) {
    const ok = size === 4 ? isIPv4(address) : isIPv6(address);
    if (!ok) throw new RangeError(`not an ${family === 'ipv6' ? 'IPv6' : 'IPv4'} address: ${address}`);
    (size === 4 ? ipv4ToBytes(address) : ipv6ToBytes(address)).copy(buffer, cursor);
    cursor += size;
  }
  if (v2 && input.authData !== undefined) {
    const auth = typeof input.authData === 'string' ? Buffer.from(input.authData, 'utf8') : input.authData;
    auth.copy(buffer, cursor, 0, Math.min(auth.length, V2_AUTH_LENGTH));
  }
  let value = options.checksum;
  if (value === undefined) {
    let sum = sum16(buffer, 0, length);
    const pseudo = !v2 && (family === 'ipv6' || (options.checksumForm ?? 'pseudo-header') === 'pseudo-header');
    if (pseudo) {
      if (options.source === undefined || options.destination === undefined) {
        throw new RangeError('a VRRPv3 checksum needs the IP source and destination');
      }
      const context = contextFor(options.source, options.destination);
      const bytes = context.addressBytes as Uint8Array;
      sum +=
        family === 'ipv6'
          ? ipv6PseudoHeaderSum(bytes, 0, 16, IPPROTO_VRRP, length)
          : ipv4PseudoHeaderSum(bytes, 0, 4, IPPROTO_VRRP, length);
    }
    value = finish(sum);
  }
  buffer.writeUInt16BE(value & 0xffff, 6);
  return buffer;
}

function checkByte(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`${what} ${value} is outside 0..255`);
  return value;
}

/** The simple-text password of a v2 advert, as tcpdump shows it (up to the first NUL). */
export function simplePassword(authData: Buffer): string {
  const nul = authData.indexOf(0);
  return authData.toString('latin1', 0, nul < 0 ? authData.length : nul);
}
