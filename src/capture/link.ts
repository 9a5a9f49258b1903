// Link-layer headers of the captures vipctl reads and writes (tcpdump.org link-type numbers):
// Ethernet, Linux cooked v1 and v2, and raw IP. decodeLink finds the network header and the
// sender's hardware address without allocating, so the sniffer's hot path stays cheap.

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;

export const SLL_HEADER_LENGTH = 16;
export const SLL2_HEADER_LENGTH = 20;

export const LINK_TYPE_NAMES: Record<number, string> = {
  [LINKTYPE_ETHERNET]: 'EN10MB (Ethernet)',
  [LINKTYPE_RAW]: 'RAW (Raw IP)',
  [LINKTYPE_LINUX_SLL]: 'LINUX_SLL (Linux cooked v1)',
  [LINKTYPE_LINUX_SLL2]: 'LINUX_SLL2 (Linux cooked v2)',
  [LINKTYPE_IPV4]: 'IPV4 (Raw IPv4)',
  [LINKTYPE_IPV6]: 'IPV6 (Raw IPv6)',
};

export function isSupportedLinkType(linkType: number): boolean {
  return linkType in LINK_TYPE_NAMES;
}

/** Where the network layer is, filled in place by decodeLink. */
export interface LinkFrame {
  /** Offset of the IP header. */
  networkOffset: number;
  /** EtherType of the payload (0x0800 IPv4, 0x86dd IPv6), 0 when unknown. */
  protocol: number;
  /** Offset and length of the sender's hardware address; length 0 when the link has none. */
  sourceOffset: number;
  sourceLength: number;
  /** Offset of the destination MAC (Ethernet only), -1 otherwise. */
  destinationOffset: number;
  /** Linux packet type (0 host, 1 broadcast, 2 multicast, 3 other host, 4 outgoing), -1 if unknown. */
  packetType: number;
}

export function newLinkFrame(): LinkFrame {
  return { networkOffset: 0, protocol: 0, sourceOffset: 0, sourceLength: 0, destinationOffset: -1, packetType: -1 };
}

/**
 * Reads the link header of the frame at bytes[offset, end). Returns false (and leaves the
 * frame half-filled) when the bytes are too short or the link type is unknown.
 */
export function decodeLink(linkType: number, bytes: Uint8Array, offset: number, end: number, frame: LinkFrame): boolean {
  frame.sourceLength = 0;
  frame.destinationOffset = -1;
  frame.packetType = -1;
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (end - offset < 14) return false;
      frame.destinationOffset = offset;
      frame.sourceOffset = offset + 6;
      frame.sourceLength = 6;
      let cursor = offset + 12;
      let type = ((bytes[cursor] as number) << 8) | (bytes[cursor + 1] as number);
      // 802.1Q / 802.1ad tags that were not stripped into metadata.
      while ((type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ) && cursor + 6 <= end) {
        cursor += 4;
        type = ((bytes[cursor] as number) << 8) | (bytes[cursor + 1] as number);
      }
      frame.protocol = type;
      frame.networkOffset = cursor + 2;
      return frame.networkOffset <= end;
    }
    case LINKTYPE_LINUX_SLL: {
      if (end - offset < SLL_HEADER_LENGTH) return false;
      frame.packetType = ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number);
      frame.sourceOffset = offset + 6;
      frame.sourceLength = Math.min(8, ((bytes[offset + 4] as number) << 8) | (bytes[offset + 5] as number));
      frame.protocol = ((bytes[offset + 14] as number) << 8) | (bytes[offset + 15] as number);
      frame.networkOffset = offset + SLL_HEADER_LENGTH;
      return true;
    }
    case LINKTYPE_LINUX_SLL2: {
      if (end - offset < SLL2_HEADER_LENGTH) return false;
      frame.protocol = ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number);
      frame.packetType = bytes[offset + 10] as number;
      frame.sourceOffset = offset + 12;
      frame.sourceLength = Math.min(8, bytes[offset + 11] as number);
      frame.networkOffset = offset + SLL2_HEADER_LENGTH;
      return true;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6: {
      if (end - offset < 1) return false;
      const version = (bytes[offset] as number) >> 4;
      frame.protocol = version === 4 ? ETHERTYPE_IPV4 : version === 6 ? ETHERTYPE_IPV6 : 0;
      frame.networkOffset = offset;
      return true;
    }
    default:
      return false;
  }
}

const macCache = new Map<string, string>();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** aa:bb:cc:dd:ee:ff text of length bytes at offset. */
export function macText(bytes: Buffer, offset: number, length = 6): string {
  const key = bytes.toString('latin1', offset, offset + length);
  let text = macCache.get(key);
  if (text === undefined) {
    const parts: string[] = [];
    for (let i = 0; i < length; i++) parts.push(HEX[bytes[offset + i] as number] as string);
    text = parts.join(':');
    if (macCache.size >= 1024) macCache.clear();
    macCache.set(key, text);
  }
  return text;
}

/** The VRID whose virtual MAC (00-00-5E-00-01-xx IPv4, 00-00-5E-00-02-xx IPv6) this is, or -1. */
export function virtualMacVrid(bytes: Uint8Array, offset: number, length: number, family: 'ipv4' | 'ipv6'): number {
  if (length !== 6) return -1;
  if (bytes[offset] !== 0x00 || bytes[offset + 1] !== 0x00 || bytes[offset + 2] !== 0x5e || bytes[offset + 3] !== 0x00) return -1;
  if (bytes[offset + 4] !== (family === 'ipv6' ? 0x02 : 0x01)) return -1;
  return bytes[offset + 5] as number;
}

/** An Ethernet frame around an IP packet (for tests, fixtures and the benchmark). */
export function encodeEthernetFrame(source: Buffer, destination: Buffer, etherType: number, payload: Buffer): Buffer {
  const frame = Buffer.alloc(14 + payload.length);
  destination.copy(frame, 0, 0, 6);
  source.copy(frame, 6, 0, 6);
  frame.writeUInt16BE(etherType, 12);
  payload.copy(frame, 14);
  return frame;
}

/** The multicast MAC an IP multicast group maps to (RFC 1112 for IPv4, RFC 2464 for IPv6). */
export function multicastMac(group: Buffer): Buffer {
  if (group.length === 4) return Buffer.from([0x01, 0x00, 0x5e, (group[1] as number) & 0x7f, group[2] as number, group[3] as number]);
  return Buffer.from([0x33, 0x33, group[12] as number, group[13] as number, group[14] as number, group[15] as number]);
}

/** Parses aa:bb:cc:dd:ee:ff. */
export function parseMac(text: string): Buffer {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new RangeError(`not a MAC address: ${text}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}
