// VRRPv2 authentication type 2 (RFC 2338 5.3.6.2): the advert travels inside an IP
// Authentication Header (RFC 2402) whose ICV is HMAC-MD5-96 over the IP packet. What the
// peers on the wire expect is what keepalived 2.2.7 sends and checks, measured on captures
// (see test/fixtures/vrrp/keepalived-ah-*.pcap):
// - IP protocol 51 carrying a 24-byte AH: next header 112, payload length 4, SPI = the
//   sender's IPv4 address, a sequence number, a 12-byte ICV; then the VRRP message with
//   auth type 2 and 8 zero bytes of authentication data. TOS 0xc0, TTL 255, no DF, and an
//   IP identification the sender numbers itself (1, 2, ... per instance; 0 is skipped).
// - The ICV key is auth_pass's first 8 bytes (HMAC pads keys with zeros, so shorter ones need
//   nothing more). The ICV covers the IP header with TOS, flags/fragment offset and checksum
//   zeroed, but NOT the TTL (the RFC says zero it) unless the instance has unicast peers:
//   then the TTL is zeroed as well. Each side decides that from its own configuration.
// - One counter per instance holds both directions: a send adds one and sends it; a received
//   advert whose ICV and SPI are right is taken only when its number is above the counter,
//   which then becomes that number (so a backup hearing its master counts on from it, and a
//   restarted router, which starts at 0, is taken again once it sends above what the others
//   last saw: it learns that while it listens as backup).
import { createHmac } from 'node:crypto';
import { ipv4ToBytes } from '../native/ip.js';
import { internetChecksum } from './checksum.js';
import { IPPROTO_AH, IPPROTO_VRRP, VRRP_TTL } from './constants.js';
import { decodeIpPacket, encodeAuthenticationHeader, encodeIpv4Packet } from './ip-packet.js';

/** The AH keepalived uses: 12 fixed bytes and a 96-bit ICV. */
export const AH_LENGTH = 24;
export const AH_ICV_LENGTH = 12;
/** How many bytes of auth_pass keepalived keeps (as for PASS). */
const KEY_LENGTH = 8;
/** keepalived stops counting here (it then stops sending as master); never reached at 1 advert/s. */
const SEQUENCE_LIMIT = 0xfffffffd;
const IPV4_HEADER = 20;
const PRECEDENCE_NETWORK_CONTROL = 0xc0;

/** The HMAC key of an auth_pass: its first 8 bytes. */
export function ahKey(password: string): Buffer {
  return Buffer.from(password, 'utf8').subarray(0, KEY_LENGTH);
}

/**
 * The ICV of the IPv4 + AH packet at packet[start, end): HMAC-MD5 truncated to 96 bits over
 * the packet with the mutable IP fields and the ICV zeroed (see the top of this file for
 * which fields). The packet is not changed.
 */
export function ahIcv(packet: Buffer, start: number, end: number, key: Buffer, zeroTtl: boolean): Buffer {
  const headerLength = ((packet[start] as number) & 0x0f) * 4;
  const header = Buffer.from(packet.subarray(start, start + headerLength));
  header[1] = 0;
  header.writeUInt16BE(0, 6);
  if (zeroTtl) header[8] = 0;
  header.writeUInt16BE(0, 10);
  const ahStart = start + headerLength;
  const fixed = packet.subarray(ahStart, ahStart + 12);
  const afterIcv = packet.subarray(ahStart + AH_LENGTH, end);
  return createHmac('md5', key).update(header).update(fixed).update(Buffer.alloc(AH_ICV_LENGTH)).update(afterIcv).digest().subarray(0, AH_ICV_LENGTH);
}

export interface AhPacketInput {
  source: string;
  destination: string;
  /** The VRRP message (auth type 2, zero authentication data). */
  message: Buffer;
  key: Buffer;
  id: number;
  sequence: number;
  /** TTL in the header (255; unicast_ttl for unicast peers). */
  ttl?: number;
  /** The sender has unicast peers: the TTL is left out of the ICV. */
  unicast: boolean;
}

/** A whole IPv4 packet (header with checksum, AH with its ICV, VRRP message), as keepalived sends it. */
export function encodeAhPacket(input: AhPacketInput): Buffer {
  const packet = encodeIpv4Packet({
    source: input.source,
    destination: input.destination,
    protocol: IPPROTO_AH,
    ttl: input.ttl ?? VRRP_TTL,
    tos: PRECEDENCE_NETWORK_CONTROL,
    id: input.id,
    payload: encodeAuthenticationHeader({ spi: ipv4ToBytes(input.source).readUInt32BE(0), sequence: input.sequence, nextHeader: IPPROTO_VRRP, payload: input.message }),
  });
  ahIcv(packet, 0, packet.length, input.key, input.unicast).copy(packet, IPV4_HEADER + 12);
  return packet;
}

/** Why an AH-wrapped advert was not taken; 'sequence' is a replay or an old number. */
export type AhFailure = 'malformed' | 'icv' | 'spi' | 'sequence';

export type AhVerdict = { ok: true; sequence: number } | { ok: false; kind: AhFailure; detail: string };

/**
 * One instance's AH: its key, its counter (both directions, as keepalived's) and the IP
 * identification of its adverts.
 */
export class AhAuthenticator {
  /** The last sequence number sent or taken. */
  sequence = 0;
  private ipId = 0;

  constructor(
    private readonly key: Buffer,
    /** The instance has unicast peers (the TTL is then outside the ICV, both ways). */
    private readonly unicast: boolean,
  ) {}

  /**
   * The packets of one advert, one per destination: one sequence number and one IP
   * identification for all of them (keepalived numbers an advert, not each copy).
   */
  wrap(message: Buffer | Buffer[], source: string, destinations: string[], ttl = VRRP_TTL): Buffer[] {
    this.ipId = this.ipId >= 0xffff ? 1 : this.ipId + 1;
    if (this.sequence <= SEQUENCE_LIMIT) this.sequence += 1;
    return destinations.map((destination, i) =>
      encodeAhPacket({
        source,
        destination,
        message: Array.isArray(message) ? (message[i] as Buffer) : message,
        key: this.key,
        id: this.ipId,
        sequence: this.sequence,
        ttl,
        unicast: this.unicast,
      }),
    );
  }

  /**
   * Checks the IPv4 + AH packet at bytes[start, end) in keepalived's order: the ICV, then
   * the SPI against the source address, then the sequence number against the counter (which
   * a good one moves on). Never throws.
   */
  check(bytes: Buffer, start: number, end: number): AhVerdict {
    const decoded = decodeIpPacket(bytes, start, end);
    const { ip, ah } = decoded;
    if (!ip || !ah || ip.family !== 'ipv4' || ip.protocol !== IPPROTO_AH || decoded.problems.includes('ah-truncated')) {
      return { ok: false, kind: 'malformed', detail: decoded.problems.join(', ') || 'not an AH packet' };
    }
    if (ah.length !== AH_LENGTH || ah.nextHeader !== IPPROTO_VRRP) {
      return { ok: false, kind: 'malformed', detail: `AH of ${ah.length} bytes, next header ${ah.nextHeader}` };
    }
    const packetEnd = Math.min(end, start + ip.totalLength);
    const expected = ahIcv(bytes, start, packetEnd, this.key, this.unicast);
    if (!expected.equals(ah.icv)) return { ok: false, kind: 'icv', detail: 'AH ICV does not match (wrong auth_pass, or fields changed on the way)' };
    const spi = bytes.readUInt32BE(ip.sourceOffset);
    if (ah.spi !== spi) return { ok: false, kind: 'spi', detail: `AH SPI 0x${ah.spi.toString(16).padStart(8, '0')} is not the source address ${ip.source}` };
    if (ah.sequence <= this.sequence) {
      return { ok: false, kind: 'sequence', detail: `AH sequence number ${ah.sequence} already seen (ours ${this.sequence})` };
    }
    this.sequence = ah.sequence;
    return { ok: true, sequence: ah.sequence };
  }
}

/** Recomputes the IPv4 header checksum of a packet in place (tests that alter a header). */
export function refreshIpv4Checksum(packet: Buffer, start = 0): void {
  const headerLength = ((packet[start] as number) & 0x0f) * 4;
  packet.writeUInt16BE(0, start + 10);
  packet.writeUInt16BE(internetChecksum(packet, start, start + headerLength), start + 10);
}
