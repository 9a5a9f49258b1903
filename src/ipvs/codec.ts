// Generic-netlink encoding and decoding of IPVS objects (linux/ip_vs.h): services,
// destinations, counters, sync daemons and timeouts. Encoders build the attribute trees
// the kernel's NEW/SET/DEL commands expect; decoders read GET dumps and never throw:
// a malformed attribute becomes a default value and a line in `problems`.
import { AttributeDecoder, AttributeWriter } from '../netlink/attributes.js';
import { readU16Host, readU32Host, u16HostAt, writeU32Host } from '../native/bytes.js';
import { addressBytesScratch, addressToBytes, bytesToAddress } from './address.js';
import {
  AF_INET,
  IPVS_CMD_ATTR_DAEMON,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_ATTR_TIMEOUT_TCP,
  IPVS_CMD_ATTR_TIMEOUT_TCP_FIN,
  IPVS_CMD_ATTR_TIMEOUT_UDP,
  IPVS_DAEMON_ATTR_MCAST_GROUP,
  IPVS_DAEMON_ATTR_MCAST_GROUP6,
  IPVS_DAEMON_ATTR_MCAST_IFN,
  IPVS_DAEMON_ATTR_MCAST_PORT,
  IPVS_DAEMON_ATTR_MCAST_TTL,
  IPVS_DAEMON_ATTR_STATE,
  IPVS_DAEMON_ATTR_SYNC_ID,
  IPVS_DAEMON_ATTR_SYNC_MAXLEN,
  IPVS_DEST_ATTR_ACTIVE_CONNS,
  IPVS_DEST_ATTR_ADDR,
  IPVS_DEST_ATTR_ADDR_FAMILY,
  IPVS_DEST_ATTR_FWD_METHOD,
  IPVS_DEST_ATTR_INACT_CONNS,
  IPVS_DEST_ATTR_L_THRESH,
  IPVS_DEST_ATTR_PERSIST_CONNS,
  IPVS_DEST_ATTR_PORT,
  IPVS_DEST_ATTR_STATS,
  IPVS_DEST_ATTR_STATS64,
  IPVS_DEST_ATTR_TUN_FLAGS,
  IPVS_DEST_ATTR_TUN_PORT,
  IPVS_DEST_ATTR_TUN_TYPE,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
  IPVS_STATS_ATTR_CONNS,
  IPVS_STATS_ATTR_CPS,
  IPVS_STATS_ATTR_INBPS,
  IPVS_STATS_ATTR_INBYTES,
  IPVS_STATS_ATTR_INPKTS,
  IPVS_STATS_ATTR_INPPS,
  IPVS_STATS_ATTR_OUTBPS,
  IPVS_STATS_ATTR_OUTBYTES,
  IPVS_STATS_ATTR_OUTPKTS,
  IPVS_STATS_ATTR_OUTPPS,
  IPVS_SVC_ATTR_ADDR,
  IPVS_SVC_ATTR_AF,
  IPVS_SVC_ATTR_FLAGS,
  IPVS_SVC_ATTR_FWMARK,
  IPVS_SVC_ATTR_NETMASK,
  IPVS_SVC_ATTR_PE_NAME,
  IPVS_SVC_ATTR_PORT,
  IPVS_SVC_ATTR_PROTOCOL,
  IPVS_SVC_ATTR_SCHED_NAME,
  IPVS_SVC_ATTR_STATS,
  IPVS_SVC_ATTR_STATS64,
  IPVS_SVC_ATTR_TIMEOUT,
  IP_VS_SVC_F_HASHED,
} from './constants.js';
import { STATS_FIELDS, zeroStats, type Daemon, type Destination, type Service, type ServiceKey, type Stats, type Timeouts } from './model.js';

// Counter attribute types in STATS_FIELDS order.
const STATS_TYPES = [
  IPVS_STATS_ATTR_CONNS,
  IPVS_STATS_ATTR_INPKTS,
  IPVS_STATS_ATTR_OUTPKTS,
  IPVS_STATS_ATTR_INBYTES,
  IPVS_STATS_ATTR_OUTBYTES,
  IPVS_STATS_ATTR_CPS,
  IPVS_STATS_ATTR_INPPS,
  IPVS_STATS_ATTR_OUTPPS,
  IPVS_STATS_ATTR_INBPS,
  IPVS_STATS_ATTR_OUTBPS,
] as const;

// ---------------------------------------------------------------------------------------
// Encoding

/** The key of a service (what DEL_SERVICE, the dest commands and GET_DEST need). */
export function writeServiceKey(writer: AttributeWriter, key: ServiceKey): void {
  writer.u16(IPVS_SVC_ATTR_AF, key.af);
  if (key.fwmark) {
    writer.u32(IPVS_SVC_ATTR_FWMARK, key.fwmark);
  } else {
    writer.u16(IPVS_SVC_ATTR_PROTOCOL, key.protocol);
    writer.bytes(IPVS_SVC_ATTR_ADDR, addressBytesScratch(key.af, key.address));
    writer.be16(IPVS_SVC_ATTR_PORT, key.port);
  }
}

/** A whole service (NEW_SERVICE, SET_SERVICE): key, scheduler, flags with a full mask, timeout, netmask. */
export function writeServiceFull(writer: AttributeWriter, service: Service): void {
  writeServiceKey(writer, service);
  writer.string(IPVS_SVC_ATTR_SCHED_NAME, service.scheduler);
  if (service.peName) writer.string(IPVS_SVC_ATTR_PE_NAME, service.peName);
  writer.bytes(IPVS_SVC_ATTR_FLAGS, flagsBytes(service.flags & ~IP_VS_SVC_F_HASHED, 0xffffffff));
  writer.u32(IPVS_SVC_ATTR_TIMEOUT, service.timeout);
  writeNetmask(writer, service.af, service.netmask);
}

/** IPv4 masks travel in network order (__be32); IPv6 "masks" are a prefix length in host order. */
function writeNetmask(writer: AttributeWriter, af: number, netmask: number): void {
  if (af === AF_INET) writer.be32(IPVS_SVC_ATTR_NETMASK, netmask);
  else writer.u32(IPVS_SVC_ATTR_NETMASK, netmask);
}

const flagsScratch = Buffer.alloc(8);

/** struct ip_vs_flags: two u32 in host order (in a buffer shared by every call: the writer copies it). */
function flagsBytes(flags: number, mask: number): Buffer {
  writeU32Host(flagsScratch, flags >>> 0, 0);
  writeU32Host(flagsScratch, mask >>> 0, 4);
  return flagsScratch;
}

/** The key of a destination (DEL_DEST): address, port, and its family. */
export function writeDestinationKey(writer: AttributeWriter, dest: Pick<Destination, 'af' | 'address' | 'port'>): void {
  writer.u16(IPVS_DEST_ATTR_ADDR_FAMILY, dest.af);
  writer.bytes(IPVS_DEST_ATTR_ADDR, addressBytesScratch(dest.af, dest.address));
  writer.be16(IPVS_DEST_ATTR_PORT, dest.port);
}

/** A whole destination (NEW_DEST, SET_DEST). */
export function writeDestinationFull(writer: AttributeWriter, dest: Destination): void {
  writeDestinationKey(writer, dest);
  writer.u32(IPVS_DEST_ATTR_FWD_METHOD, dest.forward);
  writer.u32(IPVS_DEST_ATTR_WEIGHT, dest.weight);
  writer.u8(IPVS_DEST_ATTR_TUN_TYPE, dest.tunnelType);
  writer.be16(IPVS_DEST_ATTR_TUN_PORT, dest.tunnelPort);
  writer.u16(IPVS_DEST_ATTR_TUN_FLAGS, dest.tunnelFlags);
  writer.u32(IPVS_DEST_ATTR_U_THRESH, dest.upperThreshold);
  writer.u32(IPVS_DEST_ATTR_L_THRESH, dest.lowerThreshold);
}

/** Attributes (after the genl header) of a service command, added to `writer` when given. */
export function serviceAttributes(service: Service | ServiceKey, full: boolean, writer = new AttributeWriter(128)): AttributeWriter {
  writer.nested(IPVS_CMD_ATTR_SERVICE, (w) => (full ? writeServiceFull(w, service as Service) : writeServiceKey(w, service)));
  return writer;
}

/** Attributes of a destination command: the service's key and the destination (added to `writer` when given). */
export function destinationAttributes(service: ServiceKey, dest: Destination, full: boolean, writer = new AttributeWriter(192)): AttributeWriter {
  writer.nested(IPVS_CMD_ATTR_SERVICE, (w) => writeServiceKey(w, service));
  writer.nested(IPVS_CMD_ATTR_DEST, (w) => (full ? writeDestinationFull(w, dest) : writeDestinationKey(w, dest)));
  return writer;
}

export function timeoutAttributes(timeouts: Timeouts): AttributeWriter {
  return new AttributeWriter(32)
    .u32(IPVS_CMD_ATTR_TIMEOUT_TCP, timeouts.tcp)
    .u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, timeouts.tcpFin)
    .u32(IPVS_CMD_ATTR_TIMEOUT_UDP, timeouts.udp);
}

/** NEW_DAEMON / DEL_DAEMON. Optional fields (0 or "") are left out, as the kernel then uses its defaults. */
export function daemonAttributes(daemon: Daemon, stop = false): AttributeWriter {
  const writer = new AttributeWriter(96);
  writer.nested(IPVS_CMD_ATTR_DAEMON, (w) => {
    w.u32(IPVS_DAEMON_ATTR_STATE, daemon.state);
    if (stop) return;
    w.string(IPVS_DAEMON_ATTR_MCAST_IFN, daemon.interface);
    w.u32(IPVS_DAEMON_ATTR_SYNC_ID, daemon.syncId);
    if (daemon.syncMaxLen) w.u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, daemon.syncMaxLen);
    if (daemon.port) w.u16(IPVS_DAEMON_ATTR_MCAST_PORT, daemon.port);
    if (daemon.ttl) w.u8(IPVS_DAEMON_ATTR_MCAST_TTL, daemon.ttl);
    if (daemon.group.includes(':')) w.bytes(IPVS_DAEMON_ATTR_MCAST_GROUP6, addressToBytes(10, daemon.group));
    else if (daemon.group) w.bytes(IPVS_DAEMON_ATTR_MCAST_GROUP, addressToBytes(AF_INET, daemon.group).subarray(0, 4));
  });
  return writer;
}

/** Test and fixture helper: the counters as a nested STATS (mixed widths) or STATS64 attribute body. */
export function writeStats(writer: AttributeWriter, stats: Stats, wide: boolean): void {
  STATS_FIELDS.forEach((field, index) => {
    const type = STATS_TYPES[index] as number;
    const value = stats[field];
    if (wide || field === 'inbytes' || field === 'outbytes') writer.u64(type, value);
    else writer.u32(type, Number(value & 0xffffffffn));
  });
}

// ---------------------------------------------------------------------------------------
// Decoding

export interface Decoded<T> {
  value: T;
  problems: string[];
}

/** Reads a nested stats attribute; each counter may be u32 or u64 (the kernel mixes them in STATS). */
export function decodeStats(attributes: AttributeDecoder | undefined): Stats {
  const stats = zeroStats();
  if (!attributes) return stats;
  STATS_FIELDS.forEach((field, index) => {
    const data = attributes.raw(STATS_TYPES[index] as number);
    if (!data) return;
    if (data.length >= 8) stats[field] = attributes.u64(STATS_TYPES[index] as number) ?? 0n;
    else if (data.length >= 4) stats[field] = BigInt(attributes.u32(STATS_TYPES[index] as number) ?? 0);
    else attributes.note(`stats attribute ${STATS_TYPES[index]} has ${data.length} bytes`);
  });
  return stats;
}

function decodeFlags(data: Buffer | undefined): number {
  if (!data || data.length < 4) return 0;
  return readU32Host(data, 0);
}

/** A service from the IPVS_CMD_ATTR_SERVICE nest of a GET_SERVICE reply. */
export function decodeService(attributes: AttributeDecoder): Decoded<Service> {
  const problems: string[] = [];
  const af = attributes.u16(IPVS_SVC_ATTR_AF) ?? 0;
  if (!attributes.has(IPVS_SVC_ATTR_AF)) problems.push('service without an address family');
  const fwmark = attributes.u32(IPVS_SVC_ATTR_FWMARK) ?? 0;
  const rawAddress = attributes.raw(IPVS_SVC_ATTR_ADDR);
  const netmaskData = attributes.raw(IPVS_SVC_ATTR_NETMASK);
  let netmask = af === AF_INET ? 0xffffffff : 128;
  if (netmaskData && netmaskData.length >= 4) {
    netmask = af === AF_INET ? netmaskData.readUInt32BE(0) : readU32Host(netmaskData, 0);
  }
  const wide = attributes.nested(IPVS_SVC_ATTR_STATS64);
  const narrow = wide ? undefined : attributes.nested(IPVS_SVC_ATTR_STATS);
  const service: Service = {
    af,
    protocol: attributes.u16(IPVS_SVC_ATTR_PROTOCOL) ?? 0,
    address: fwmark && !rawAddress ? '' : bytesToAddress(af, rawAddress ?? Buffer.alloc(16)),
    port: attributes.be16(IPVS_SVC_ATTR_PORT) ?? 0,
    fwmark,
    scheduler: attributes.string(IPVS_SVC_ATTR_SCHED_NAME) ?? '',
    flags: decodeFlags(attributes.raw(IPVS_SVC_ATTR_FLAGS)),
    timeout: attributes.u32(IPVS_SVC_ATTR_TIMEOUT) ?? 0,
    netmask,
    peName: attributes.string(IPVS_SVC_ATTR_PE_NAME) ?? '',
  };
  if (wide || narrow) {
    service.stats = decodeStats(wide ?? narrow);
    service.stats64 = wide !== undefined;
  }
  if (attributes.problem) problems.push(attributes.problem);
  return { value: service, problems };
}

/** A destination from the IPVS_CMD_ATTR_DEST nest of a GET_DEST reply; `serviceAf` when it has no family. */
export function decodeDestination(attributes: AttributeDecoder, serviceAf: number): Decoded<Destination> {
  const problems: string[] = [];
  const af = attributes.u16(IPVS_DEST_ATTR_ADDR_FAMILY) ?? serviceAf;
  if (!attributes.has(IPVS_DEST_ATTR_ADDR)) problems.push('destination without an address');
  const wide = attributes.nested(IPVS_DEST_ATTR_STATS64);
  const narrow = wide ? undefined : attributes.nested(IPVS_DEST_ATTR_STATS);
  const tunFlags = attributes.raw(IPVS_DEST_ATTR_TUN_FLAGS);
  const dest: Destination = {
    af,
    address: bytesToAddress(af, attributes.raw(IPVS_DEST_ATTR_ADDR) ?? Buffer.alloc(16)),
    port: attributes.be16(IPVS_DEST_ATTR_PORT) ?? 0,
    forward: (attributes.u32(IPVS_DEST_ATTR_FWD_METHOD) ?? 0) & 0x7,
    weight: attributes.u32(IPVS_DEST_ATTR_WEIGHT) ?? 0,
    upperThreshold: attributes.u32(IPVS_DEST_ATTR_U_THRESH) ?? 0,
    lowerThreshold: attributes.u32(IPVS_DEST_ATTR_L_THRESH) ?? 0,
    activeConns: attributes.u32(IPVS_DEST_ATTR_ACTIVE_CONNS) ?? 0,
    inactiveConns: attributes.u32(IPVS_DEST_ATTR_INACT_CONNS) ?? 0,
    persistConns: attributes.u32(IPVS_DEST_ATTR_PERSIST_CONNS) ?? 0,
    tunnelType: attributes.u8(IPVS_DEST_ATTR_TUN_TYPE) ?? 0,
    tunnelPort: attributes.be16(IPVS_DEST_ATTR_TUN_PORT) ?? 0,
    // The kernel sends TUN_FLAGS as u16; accept a u8 too (early patches used one).
    tunnelFlags: tunFlags && tunFlags.length >= 2 ? readU16Host(tunFlags, 0) : tunFlags?.[0] ?? 0,
  };
  if (wide || narrow) {
    dest.stats = decodeStats(wide ?? narrow);
    dest.stats64 = wide !== undefined;
  }
  if (attributes.problem) problems.push(attributes.problem);
  return { value: dest, problems };
}

export function decodeDaemon(attributes: AttributeDecoder): Decoded<Daemon> {
  const problems: string[] = [];
  const group4 = attributes.raw(IPVS_DAEMON_ATTR_MCAST_GROUP);
  const group6 = attributes.raw(IPVS_DAEMON_ATTR_MCAST_GROUP6);
  let group = '';
  if (group4 && group4.length >= 4) group = bytesToAddress(AF_INET, group4);
  else if (group6 && group6.length >= 16) group = bytesToAddress(10, group6);
  const daemon: Daemon = {
    state: attributes.u32(IPVS_DAEMON_ATTR_STATE) ?? 0,
    interface: attributes.string(IPVS_DAEMON_ATTR_MCAST_IFN) ?? '',
    syncId: attributes.u32(IPVS_DAEMON_ATTR_SYNC_ID) ?? 0,
    syncMaxLen: attributes.u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN) ?? 0,
    group,
    port: attributes.u16(IPVS_DAEMON_ATTR_MCAST_PORT) ?? 0,
    ttl: attributes.u8(IPVS_DAEMON_ATTR_MCAST_TTL) ?? 0,
  };
  if (attributes.problem) problems.push(attributes.problem);
  return { value: daemon, problems };
}

export function decodeTimeouts(attributes: AttributeDecoder): Decoded<Timeouts> {
  const value = {
    tcp: attributes.u32(IPVS_CMD_ATTR_TIMEOUT_TCP) ?? 0,
    tcpFin: attributes.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN) ?? 0,
    udp: attributes.u32(IPVS_CMD_ATTR_TIMEOUT_UDP) ?? 0,
  };
  return { value, problems: attributes.problem ? [attributes.problem] : [] };
}

/** Reads the first-level attributes of a GET reply and its service nest, if any. */
export function serviceNest(attributes: AttributeDecoder): AttributeDecoder | undefined {
  return attributes.nested(IPVS_CMD_ATTR_SERVICE);
}

export function destinationNest(attributes: AttributeDecoder): AttributeDecoder | undefined {
  return attributes.nested(IPVS_CMD_ATTR_DEST);
}

export function daemonNest(attributes: AttributeDecoder): AttributeDecoder | undefined {
  return attributes.nested(IPVS_CMD_ATTR_DAEMON);
}

// ---------------------------------------------------------------------------------------
// Lean reading for big dumps: one pass over the bytes, no per-attribute objects. Listing
// 10,000 services reads 20,000 destinations; the general decoder's maps dominate there.

/** Calls visit(type, data) for each attribute; returns a problem instead of throwing. */
export function walkAttributes(bytes: Buffer, visit: (type: number, data: Buffer) => void): string | undefined {
  let offset = 0;
  while (offset + 4 <= bytes.length) {
    const length = readU16Host(bytes, offset);
    const type = readU16Host(bytes, offset + 2) & 0x3fff;
    if (length < 4 || offset + length > bytes.length) return `attribute ${type} at byte ${offset} has bad length ${length}`;
    visit(type, bytes.subarray(offset + 4, offset + length));
    offset += (length + 3) & ~3;
  }
  return undefined;
}

/**
 * topLevelAttribute over bytes[start, end) (a genl payload, its 4-byte header first), without
 * a view: the offset of the attribute's header (its data follow, up to its length), or -1.
 */
export function topLevelAttributeAt(bytes: Buffer, start: number, end: number, wanted: number): number {
  for (let offset = start + 4; offset + 4 <= end; ) {
    const length = u16HostAt(bytes, offset);
    if (length < 4 || offset + length > end) return -1;
    if ((u16HostAt(bytes, offset + 2) & 0x3fff) === wanted) return offset;
    offset += (length + 3) & ~3;
  }
  return -1;
}

/** The data of the first attribute of a type at the top level of a genl payload (after its 4-byte header). */
export function topLevelAttribute(genlPayload: Buffer, wanted: number): Buffer | undefined {
  let found: Buffer | undefined;
  walkAttributes(genlPayload.subarray(4), (type, data) => {
    if (type === wanted && !found) found = data;
  });
  return found;
}

// The two decoders below read a nest by offsets, without a view or a closure per attribute:
// listings and saves decode tens of thousands of entries, and those allocations were most
// of their cost. They give what decodeService / decodeDestination give.

// Scheduler and engine names repeat across a table: the last few are kept, to give the same
// string again without decoding (tens of thousands of services, a handful of names).
const recentNames: string[] = [];

/** Text of a NUL-terminated string attribute (cut at its first NUL). */
function stringAt(bytes: Buffer, at: number, end: number): string {
  let stop = at;
  while (stop < end && bytes[stop] !== 0) stop++;
  const length = stop - at;
  for (const name of recentNames) {
    if (name.length !== length) continue;
    let same = true;
    // Only ASCII names compare equal here (a byte equals its character code).
    for (let i = 0; i < length && same; i++) same = name.charCodeAt(i) === bytes[at + i];
    if (same) return name;
  }
  const text = bytes.toString('utf8', at, stop);
  if (recentNames.length >= 8) recentNames.pop();
  recentNames.unshift(text);
  return text;
}

/** An address attribute's text: IPv4 straight from the bytes, anything else through bytesToAddress. */
function addressAt(bytes: Buffer, af: number, at: number, size: number): string {
  if (af === AF_INET && size >= 4) return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
  return bytesToAddress(af, size >= 0 ? bytes.subarray(at, at + size) : Buffer.alloc(16));
}

const u32Of = (bytes: Buffer, at: number, size: number): number => (size >= 4 ? readU32Host(bytes, at) : 0);

/** decodeDestination over raw nest bytes; counters only when asked for. */
export function decodeDestinationBytes(nest: Buffer, serviceAf: number, withStats: boolean): Decoded<Destination> {
  let af = serviceAf;
  let addressAtOffset = -1;
  let addressSize = -1;
  let stats = -1;
  let statsEnd = -1;
  let statsWide = false;
  let problem: string | undefined;
  const dest: Destination = {
    af,
    address: '',
    port: 0,
    forward: 0,
    weight: 0,
    upperThreshold: 0,
    lowerThreshold: 0,
    activeConns: 0,
    inactiveConns: 0,
    persistConns: 0,
    tunnelType: 0,
    tunnelPort: 0,
    tunnelFlags: 0,
  };
  for (let offset = 0; offset + 4 <= nest.length; ) {
    const length = readU16Host(nest, offset);
    const type = readU16Host(nest, offset + 2) & 0x3fff;
    if (length < 4 || offset + length > nest.length) {
      problem = `attribute ${type} at byte ${offset} has bad length ${length}`;
      break;
    }
    const at = offset + 4;
    const size = length - 4;
    switch (type) {
      case IPVS_DEST_ATTR_ADDR:
        addressAtOffset = at;
        addressSize = size;
        break;
      case IPVS_DEST_ATTR_PORT:
        if (size >= 2) dest.port = nest.readUInt16BE(at);
        break;
      case IPVS_DEST_ATTR_FWD_METHOD:
        dest.forward = u32Of(nest, at, size) & 0x7;
        break;
      case IPVS_DEST_ATTR_WEIGHT:
        dest.weight = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_U_THRESH:
        dest.upperThreshold = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_L_THRESH:
        dest.lowerThreshold = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_ACTIVE_CONNS:
        dest.activeConns = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_INACT_CONNS:
        dest.inactiveConns = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_PERSIST_CONNS:
        dest.persistConns = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_ADDR_FAMILY:
        if (size >= 2) af = readU16Host(nest, at);
        break;
      case IPVS_DEST_ATTR_TUN_TYPE:
        dest.tunnelType = size >= 1 ? (nest[at] as number) : 0;
        break;
      case IPVS_DEST_ATTR_TUN_PORT:
        if (size >= 2) dest.tunnelPort = nest.readUInt16BE(at);
        break;
      case IPVS_DEST_ATTR_TUN_FLAGS:
        dest.tunnelFlags = size >= 2 ? readU16Host(nest, at) : size >= 1 ? (nest[at] as number) : 0;
        break;
      case IPVS_DEST_ATTR_STATS64:
        stats = at;
        statsEnd = at + size;
        statsWide = true;
        break;
      case IPVS_DEST_ATTR_STATS:
        if (!statsWide) {
          stats = at;
          statsEnd = at + size;
        }
        break;
      default:
        break;
    }
    offset += (length + 3) & ~3;
  }
  const problems: string[] = [];
  if (problem) problems.push(problem);
  if (addressAtOffset < 0) problems.push('destination without an address');
  dest.af = af;
  dest.address = addressAtOffset < 0 ? bytesToAddress(af, Buffer.alloc(16)) : addressAt(nest, af, addressAtOffset, addressSize);
  if (withStats && stats >= 0) {
    dest.stats = decodeStats(new AttributeDecoder(nest.subarray(stats, statsEnd), 'stats'));
    dest.stats64 = statsWide;
  }
  return { value: dest, problems };
}

/** decodeService over raw nest bytes; counters only when asked for. */
export function decodeServiceBytes(nest: Buffer, withStats: boolean): Decoded<Service> {
  let af = 0;
  let sawAf = false;
  let addressAtOffset = -1;
  let addressSize = -1;
  let netmaskAt = -1;
  let netmaskSize = 0;
  let stats = -1;
  let statsEnd = -1;
  let statsWide = false;
  let problem: string | undefined;
  const service: Service = { af: 0, protocol: 0, address: '', port: 0, fwmark: 0, scheduler: '', flags: 0, timeout: 0, netmask: 0, peName: '' };
  for (let offset = 0; offset + 4 <= nest.length; ) {
    const length = readU16Host(nest, offset);
    const type = readU16Host(nest, offset + 2) & 0x3fff;
    if (length < 4 || offset + length > nest.length) {
      problem = `attribute ${type} at byte ${offset} has bad length ${length}`;
      break;
    }
    const at = offset + 4;
    const size = length - 4;
    switch (type) {
      case IPVS_SVC_ATTR_AF:
        if (size >= 2) {
          af = readU16Host(nest, at);
          sawAf = true;
        }
        break;
      case IPVS_SVC_ATTR_PROTOCOL:
        if (size >= 2) service.protocol = readU16Host(nest, at);
        break;
      case IPVS_SVC_ATTR_ADDR:
        addressAtOffset = at;
        addressSize = size;
        break;
      case IPVS_SVC_ATTR_PORT:
        if (size >= 2) service.port = nest.readUInt16BE(at);
        break;
      case IPVS_SVC_ATTR_FWMARK:
        service.fwmark = u32Of(nest, at, size);
        break;
      case IPVS_SVC_ATTR_SCHED_NAME:
        service.scheduler = stringAt(nest, at, at + size);
        break;
      case IPVS_SVC_ATTR_PE_NAME:
        service.peName = stringAt(nest, at, at + size);
        break;
      case IPVS_SVC_ATTR_FLAGS:
        // struct ip_vs_flags: the flags, then the mask.
        service.flags = size >= 4 ? readU32Host(nest, at) : 0;
        break;
      case IPVS_SVC_ATTR_TIMEOUT:
        service.timeout = u32Of(nest, at, size);
        break;
      case IPVS_SVC_ATTR_NETMASK:
        netmaskAt = at;
        netmaskSize = size;
        break;
      case IPVS_SVC_ATTR_STATS64:
        stats = at;
        statsEnd = at + size;
        statsWide = true;
        break;
      case IPVS_SVC_ATTR_STATS:
        if (!statsWide) {
          stats = at;
          statsEnd = at + size;
        }
        break;
      default:
        break;
    }
    offset += (length + 3) & ~3;
  }
  const problems: string[] = [];
  if (problem) problems.push(problem);
  if (!sawAf) problems.push('service without an address family');
  service.af = af;
  service.address = service.fwmark && addressAtOffset < 0 ? '' : addressAtOffset < 0 ? bytesToAddress(af, Buffer.alloc(16)) : addressAt(nest, af, addressAtOffset, addressSize);
  service.netmask = af === AF_INET ? 0xffffffff : 128;
  if (netmaskAt >= 0 && netmaskSize >= 4) service.netmask = af === AF_INET ? nest.readUInt32BE(netmaskAt) : readU32Host(nest, netmaskAt);
  if (withStats && stats >= 0) {
    service.stats = decodeStats(new AttributeDecoder(nest.subarray(stats, statsEnd), 'stats'));
    service.stats64 = statsWide;
  }
  return { value: service, problems };
}

/**
 * Real servers as columns, for saving big tables without an object per real server
 * (bulk-save.ts): what lb save shows of each, with IPv4 addresses as numbers and other
 * addresses as text on the side. Typed arrays, made the size the caller expects: arrays of
 * numbers grown by push were most of the fresh memory of a big save (eleven columns,
 * copied at each growth), and every fresh page costs a trip through the host inside
 * user-mode Linux.
 */
export class RealColumns {
  length = 0;
  /** The index of each real server's service. */
  service: Int32Array;
  af: Uint16Array;
  address: Uint32Array;
  port: Uint16Array;
  forward: Uint8Array;
  weight: Uint32Array;
  upper: Uint32Array;
  lower: Uint32Array;
  tunnelType: Uint8Array;
  tunnelPort: Uint16Array;
  tunnelFlags: Uint16Array;
  /** Addresses that are not IPv4, by real server index. */
  readonly otherAddress = new Map<number, string>();

  constructor(capacity = 256) {
    const size = Math.max(1, capacity);
    this.service = new Int32Array(size);
    this.af = new Uint16Array(size);
    this.address = new Uint32Array(size);
    this.port = new Uint16Array(size);
    this.forward = new Uint8Array(size);
    this.weight = new Uint32Array(size);
    this.upper = new Uint32Array(size);
    this.lower = new Uint32Array(size);
    this.tunnelType = new Uint8Array(size);
    this.tunnelPort = new Uint16Array(size);
    this.tunnelFlags = new Uint16Array(size);
  }

  private grow(): void {
    const bigger = <T extends Int32Array | Uint8Array | Uint16Array | Uint32Array>(column: T): T => {
      const next = new (column.constructor as new (length: number) => T)(column.length * 2);
      next.set(column);
      return next;
    };
    this.service = bigger(this.service);
    this.af = bigger(this.af);
    this.address = bigger(this.address);
    this.port = bigger(this.port);
    this.forward = bigger(this.forward);
    this.weight = bigger(this.weight);
    this.upper = bigger(this.upper);
    this.lower = bigger(this.lower);
    this.tunnelType = bigger(this.tunnelType);
    this.tunnelPort = bigger(this.tunnelPort);
    this.tunnelFlags = bigger(this.tunnelFlags);
  }

  /** Appends a real server of service `service`; returns its index. */
  push(service: number, af: number, address: number, port: number, forward: number, weight: number, upper: number, lower: number, tunnelType: number, tunnelPort: number, tunnelFlags: number): number {
    const r = this.length;
    if (r === this.service.length) this.grow();
    this.service[r] = service;
    this.af[r] = af;
    this.address[r] = address;
    this.port[r] = port;
    this.forward[r] = forward;
    this.weight[r] = weight;
    this.upper[r] = upper;
    this.lower[r] = lower;
    this.tunnelType[r] = tunnelType;
    this.tunnelPort[r] = tunnelPort;
    this.tunnelFlags[r] = tunnelFlags;
    this.length = r + 1;
    return r;
  }
}

/** Columns with room for about `capacity` real servers (more make them grow). */
export function newRealColumns(capacity?: number): RealColumns {
  return new RealColumns(capacity);
}

/** Drops the real servers from index `length` on (a dump read again). */
export function truncateRealColumns(columns: RealColumns, length: number): void {
  columns.length = Math.min(columns.length, length);
  for (const index of [...columns.otherAddress.keys()]) if (index >= length) columns.otherAddress.delete(index);
}

/**
 * Appends a real server's nest, with the values decodeDestinationBytes gives; false (and
 * nothing appended) when the nest has a problem, which the general decoder then words.
 */
export function decodeRealColumns(nest: Buffer, service: number, serviceAf: number, columns: RealColumns): boolean {
  let af = serviceAf;
  let addressAtOffset = -1;
  let addressSize = 0;
  let port = 0;
  let forward = 0;
  let weight = 0;
  let upper = 0;
  let lower = 0;
  let tunnelType = 0;
  let tunnelPort = 0;
  let tunnelFlags = 0;
  for (let offset = 0; offset + 4 <= nest.length; ) {
    const length = readU16Host(nest, offset);
    const type = readU16Host(nest, offset + 2) & 0x3fff;
    if (length < 4 || offset + length > nest.length) return false;
    const at = offset + 4;
    const size = length - 4;
    switch (type) {
      case IPVS_DEST_ATTR_ADDR:
        addressAtOffset = at;
        addressSize = size;
        break;
      case IPVS_DEST_ATTR_PORT:
        if (size >= 2) port = nest.readUInt16BE(at);
        break;
      case IPVS_DEST_ATTR_FWD_METHOD:
        forward = u32Of(nest, at, size) & 0x7;
        break;
      case IPVS_DEST_ATTR_WEIGHT:
        weight = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_U_THRESH:
        upper = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_L_THRESH:
        lower = u32Of(nest, at, size);
        break;
      case IPVS_DEST_ATTR_ADDR_FAMILY:
        if (size >= 2) af = readU16Host(nest, at);
        break;
      case IPVS_DEST_ATTR_TUN_TYPE:
        tunnelType = size >= 1 ? (nest[at] as number) : 0;
        break;
      case IPVS_DEST_ATTR_TUN_PORT:
        if (size >= 2) tunnelPort = nest.readUInt16BE(at);
        break;
      case IPVS_DEST_ATTR_TUN_FLAGS:
        tunnelFlags = size >= 2 ? readU16Host(nest, at) : size >= 1 ? (nest[at] as number) : 0;
        break;
      default:
        break;
    }
    offset += (length + 3) & ~3;
  }
  if (addressAtOffset < 0) return false;
  const ipv4 = af === AF_INET && addressSize >= 4;
  const index = columns.push(service, af, ipv4 ? nest.readUInt32BE(addressAtOffset) : 0, port, forward, weight, upper, lower, tunnelType, tunnelPort, tunnelFlags);
  if (!ipv4) columns.otherAddress.set(index, addressAt(nest, af, addressAtOffset, addressSize));
  return true;
}
