// Announcing a VIP's new home on takeover: gratuitous ARP for IPv4 (RFC 5227 announcement
// form: an ARP request whose sender and target protocol addresses are both the VIP) and an
// unsolicited neighbour advertisement for IPv6 (RFC 4861 section 7.2.6: to all-nodes, Override
// set, with the target link-layer address option). Frames are built here; announce-socket.ts
// sends them.
import { ipv4ToBytes, ipv6ToBytes } from '../native/ip.js';

export const ETH_P_ARP = 0x0806;
export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
const ETHERNET_MINIMUM_FRAME = 60;

export function macToBytes(mac: string): Buffer {
  const parts = mac.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) throw new RangeError(`not a MAC address: ${mac}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

export function bytesToMac(bytes: Buffer | Uint8Array, offset = 0): string {
  return [...bytes.subarray(offset, offset + 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A whole Ethernet frame carrying a gratuitous ARP request for `address`, from `mac`. */
export function gratuitousArpFrame(mac: string, address: string): Buffer {
  const frame = Buffer.alloc(ETHERNET_MINIMUM_FRAME);
  const source = macToBytes(mac);
  frame.fill(0xff, 0, 6); // broadcast
  source.copy(frame, 6);
  frame.writeUInt16BE(ETH_P_ARP, 12);
  frame.writeUInt16BE(1, 14); // hardware type Ethernet
  frame.writeUInt16BE(ETH_P_IP, 16);
  frame.writeUInt8(6, 18);
  frame.writeUInt8(4, 19);
  frame.writeUInt16BE(1, 20); // request
  source.copy(frame, 22); // sender hardware address
  ipv4ToBytes(address).copy(frame, 28); // sender protocol address
  // Target hardware address stays zero (ignored in an announcement).
  ipv4ToBytes(address).copy(frame, 38); // target protocol address
  return frame;
}

export const ND_NEIGHBOR_ADVERT = 136;
const NA_FLAG_OVERRIDE = 0x20000000;
const ND_OPT_TARGET_LINKADDR = 2;

/**
 * The ICMPv6 body of an unsolicited neighbour advertisement. The checksum field is left zero:
 * the kernel fills it in for raw ICMPv6 sockets, where the pseudo-header is known.
 */
export function unsolicitedNeighborAdvert(mac: string, address: string, router = false): Buffer {
  const body = Buffer.alloc(32);
  body.writeUInt8(ND_NEIGHBOR_ADVERT, 0);
  body.writeUInt8(0, 1);
  body.writeUInt32BE((NA_FLAG_OVERRIDE | (router ? 0x80000000 : 0)) >>> 0, 4);
  ipv6ToBytes(address).copy(body, 8);
  body.writeUInt8(ND_OPT_TARGET_LINKADDR, 24);
  body.writeUInt8(1, 25); // length in units of 8 bytes
  macToBytes(mac).copy(body, 26);
  return body;
}
