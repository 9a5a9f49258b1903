// Socket addresses as the kernel lays them out (linux/netlink.h, netinet/in.h,
// linux/if_packet.h), built and parsed here so the addon only passes bytes.
import { isIPv4, isIPv6 } from 'node:net';
import { readU16Host, readU32Host, readS32Host, writeU16Host, writeU32Host, writeS32Host } from './bytes.js';
import { ipv4ToBytes, ipv6ToBytes, bytesToIPv4, bytesToIPv6 } from './ip.js';

export const AF_UNSPEC = 0;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;

/** struct sockaddr_nl: family, pad, port id, multicast group bitmask (12 bytes). */
export function netlinkAddress(portId = 0, groups = 0): Buffer {
  const buffer = Buffer.alloc(12);
  writeU16Host(buffer, AF_NETLINK, 0);
  writeU32Host(buffer, portId >>> 0, 4);
  writeU32Host(buffer, groups >>> 0, 8);
  return buffer;
}

/** struct sockaddr_in (16 bytes) or sockaddr_in6 (28 bytes) for an address string. */
export function inetAddress(address: string, port = 0, scopeId = 0): Buffer {
  if (isIPv4(address)) {
    const buffer = Buffer.alloc(16);
    writeU16Host(buffer, AF_INET, 0);
    buffer.writeUInt16BE(port, 2);
    ipv4ToBytes(address).copy(buffer, 4);
    return buffer;
  }
  if (isIPv6(address)) {
    const buffer = Buffer.alloc(28);
    writeU16Host(buffer, AF_INET6, 0);
    buffer.writeUInt16BE(port, 2);
    ipv6ToBytes(address).copy(buffer, 8);
    writeU32Host(buffer, scopeId >>> 0, 24);
    return buffer;
  }
  throw new RangeError(`not an IP address: ${address}`);
}

/** struct sockaddr_ll (20 bytes): a packet socket bound to one interface and EtherType. */
export function packetAddress(etherType: number, ifindex: number, hardwareAddress?: Buffer): Buffer {
  const buffer = Buffer.alloc(20);
  writeU16Host(buffer, AF_PACKET, 0);
  buffer.writeUInt16BE(etherType, 2);
  writeS32Host(buffer, ifindex, 4);
  if (hardwareAddress) {
    buffer.writeUInt8(Math.min(hardwareAddress.length, 8), 11);
    hardwareAddress.copy(buffer, 12, 0, 8);
  }
  return buffer;
}

/**
 * struct ip_mreqn (group, any local address, ifindex: 12 bytes) or struct ipv6_mreq (group,
 * ifindex: 20 bytes), by the group's family: the value of IP_ADD_MEMBERSHIP,
 * IPV6_JOIN_GROUP and (with group 0.0.0.0) IP_MULTICAST_IF.
 */
export function multicastMembership(group: string, ifindex: number): Buffer {
  const v6 = isIPv6(group);
  const bytes = Buffer.alloc(v6 ? 20 : 12);
  (v6 ? ipv6ToBytes(group) : ipv4ToBytes(group)).copy(bytes, 0);
  writeS32Host(bytes, ifindex, v6 ? 16 : 8);
  return bytes;
}

export type SocketAddress =
  | { family: 'netlink'; portId: number; groups: number }
  | { family: 'inet'; address: string; port: number }
  | { family: 'inet6'; address: string; port: number; scopeId: number }
  | { family: 'packet'; protocol: number; ifindex: number; hatype: number; packetType: number; hardwareAddress: Buffer }
  | { family: 'unknown'; raw: Buffer };

/** Parses a socket address returned by recvmsg or getsockname. Never throws. */
export function parseSocketAddress(bytes: Buffer): SocketAddress {
  if (bytes.length < 2) return { family: 'unknown', raw: bytes };
  const family = readU16Host(bytes, 0);
  if (family === AF_NETLINK && bytes.length >= 12) {
    return { family: 'netlink', portId: readU32Host(bytes, 4), groups: readU32Host(bytes, 8) };
  }
  if (family === AF_INET && bytes.length >= 8) {
    return { family: 'inet', address: bytesToIPv4(bytes.subarray(4, 8)), port: bytes.readUInt16BE(2) };
  }
  if (family === AF_INET6 && bytes.length >= 28) {
    return {
      family: 'inet6',
      address: bytesToIPv6(bytes.subarray(8, 24)),
      port: bytes.readUInt16BE(2),
      scopeId: readU32Host(bytes, 24),
    };
  }
  if (family === AF_PACKET && bytes.length >= 12) {
    const length = Math.min(bytes.readUInt8(11), 8, Math.max(0, bytes.length - 12));
    return {
      family: 'packet',
      protocol: bytes.readUInt16BE(2),
      ifindex: readS32Host(bytes, 4),
      hatype: readU16Host(bytes, 8),
      packetType: bytes.readUInt8(10),
      hardwareAddress: Buffer.from(bytes.subarray(12, 12 + length)),
    };
  }
  return { family: 'unknown', raw: bytes };
}
