// The kernel's older interface to IPVS: socket options on any IPv4 socket
// (linux/ip_vs.h IP_VS_SO_GET_*), used here to read the real servers of big tables
// quickly: a service's real servers come in ONE system call, where netlink dumps them as a
// send and two receives with a dump set up in the kernel each time (inside user-mode Linux,
// ~20 us a service instead of ~100 us). The services come from netlink all the same: this
// interface leaves out IPv6 services without saying so (its count of services counts IPv4
// only) and does not carry persistence engines. What it has of each IPv4 service here is
// the key and the number of real servers, from one more call for all of them.
//
// It knows less than netlink about real servers too, so readReals says when it cannot give
// the whole truth and the caller asks netlink for that service: no tunnel settings, real
// servers of another family than their service hidden, counters of 32 bits.
//
// Layouts (64-bit Linux; the addon reports the sizes of its ABI and anything else is
// not read): struct ip_vs_getinfo {u32 version, size, num_services};
// struct ip_vs_get_services {u32 num_services; (pad) struct ip_vs_service_entry [104]};
// struct ip_vs_get_dests {u16 protocol; be32 addr @4; be16 port @8; u32 fwmark @12;
// u32 num_dests @16; (pad) struct ip_vs_dest_entry [96] @24}. The kernel checks that
// optlen is exactly the size the request's count names, fills up to that many entries and
// does not say how many: entries it did not fill keep what was there. It fills them in
// order from the first, so two slots are marked beforehand with a value the kernel never
// writes: the last one expected (filled: none are missing) and one more (filled: the table
// grew meanwhile). Only those two: every page a process touches first costs a trip through
// the host inside user-mode Linux, and the kernel's own writes are cheaper.
import { constant } from '../native/addon.js';
import { readU16Host, readU32Host, setU32HostAt, u16BeAt, u16HostAt, u32BeAt, u32HostAt, writeU16Host, writeU32Host } from '../native/bytes.js';
import { Socket } from '../native/socket.js';
import { AF_INET, IP_VS_CONN_F_FWD_MASK, IP_VS_CONN_F_TUNNEL } from './constants.js';
import type { RealColumns } from './codec.js';
import type { Service } from './model.js';
import { ipv4Value, markOrderKey, serviceOrderKey } from './bulk-text.js';

const IP_VS_BASE_CTL = 64 + 1024 + 64;
export const IP_VS_SO_GET_INFO = IP_VS_BASE_CTL + 1;
export const IP_VS_SO_GET_SERVICES = IP_VS_BASE_CTL + 2;
export const IP_VS_SO_GET_DESTS = IP_VS_BASE_CTL + 4;

const INFO_SIZE = 12;
export const GET_SERVICES_HEAD = 8;
export const SERVICE_ENTRY = 104;
export const GET_DESTS_HEAD = 24;
export const DEST_ENTRY = 96;

// struct ip_vs_service_entry
const S_PROTOCOL = 0;
const S_ADDR = 4;
const S_PORT = 8;
const S_FWMARK = 12;
const S_NUM_DESTS = 44;
// struct ip_vs_dest_entry
const D_ADDR = 0;
const D_PORT = 4;
const D_CONN_FLAGS = 8;
const D_WEIGHT = 12;
const D_U_THRESHOLD = 16;
const D_L_THRESHOLD = 20;

// Marks of slots the kernel did not fill: a u16 protocol of 0xffff (it writes 0, TCP, UDP or
// SCTP) and connection flags of all ones (it writes a few low bits).
const UNFILLED_PROTOCOL = 0xffff;
const UNFILLED_FLAGS = 0xffffffff;

/** The IPv4 services as the kernel gave them: each entry in its bytes, found by its key. */
export interface ServiceTable {
  /** Entries, SERVICE_ENTRY bytes each. */
  bytes: Buffer;
  /** Entry index by service key (entryKey). */
  byKey: Map<number, number>;
}

/** The number of real servers the kernel counted for entry `index` of the table (every family). */
export const destinationCount = (table: ServiceTable, index: number): number => readU32Host(table.bytes, index * SERVICE_ENTRY + S_NUM_DESTS);

function entryKey(bytes: Buffer, at: number): number {
  const fwmark = u32HostAt(bytes, at + S_FWMARK);
  return fwmark ? markOrderKey(fwmark) : serviceOrderKey(u16HostAt(bytes, at + S_PROTOCOL), u32BeAt(bytes, at + S_ADDR), u16BeAt(bytes, at + S_PORT));
}

/** The table entry of an IPv4 service, if the table has it. */
export function entryOf(table: ServiceTable, service: Service): number | undefined {
  if (service.af !== AF_INET) return undefined;
  return table.byKey.get(service.fwmark ? markOrderKey(service.fwmark) : serviceOrderKey(service.protocol, ipv4Value(service.address), service.port));
}

/** What readReals found: 'ok' (appended), or why netlink must read this service. */
export type RealsOutcome = 'ok' | 'tunnel' | 'other';

export class IpvsSockopt {
  private destArea = Buffer.alloc(GET_DESTS_HEAD + 64 * DEST_ENTRY);
  private readonly level: number;

  private constructor(private readonly socket: Socket) {
    this.level = constant('IPPROTO_IP');
  }

  /** A socket for the options; undefined when this addon or ABI cannot read them (the caller uses netlink). */
  static open(): IpvsSockopt | undefined {
    try {
      const sizes = [constant('SIZEOF_IP_VS_GET_SERVICES'), constant('SIZEOF_IP_VS_SERVICE_ENTRY'), constant('SIZEOF_IP_VS_GET_DESTS'), constant('SIZEOF_IP_VS_DEST_ENTRY')];
      if (sizes.join() !== [GET_SERVICES_HEAD, SERVICE_ENTRY, GET_DESTS_HEAD, DEST_ENTRY].join()) return undefined;
      return new IpvsSockopt(Socket.open(AF_INET, constant('SOCK_DGRAM'), 0));
    } catch {
      // An addon without the sizes, or no IPv4 socket: netlink it is.
      return undefined;
    }
  }

  close(): void {
    this.socket.close();
  }

  /** getsockopt with `buffer` both ways; undefined on any refusal (netlink then reads, and words the error). */
  private get(name: number, buffer: Buffer, length = buffer.length): number | undefined {
    try {
      return this.socket.getOptionInto(this.level, name, buffer, length);
    } catch {
      return undefined;
    }
  }

  /** The number of IPv4 services of this namespace (IP_VS_SO_GET_INFO: the kernel counts no others there). */
  serviceCount(): number | undefined {
    const info = Buffer.alloc(INFO_SIZE);
    return this.get(IP_VS_SO_GET_INFO, info) === undefined ? undefined : readU32Host(info, 8);
  }

  /** The IPv4 services' entries; undefined when the table kept changing while it was read. */
  serviceTable(): ServiceTable | undefined {
    for (let attempt = 0; attempt < 3; attempt++) {
      const count = this.serviceCount();
      if (count === undefined) return undefined;
      // One slot more than counted: a filled last slot means services were added meanwhile.
      const slots = count + 1;
      const bytes = Buffer.allocUnsafe(GET_SERVICES_HEAD + slots * SERVICE_ENTRY);
      writeU32Host(bytes, slots, 0);
      const protocolAt = (slot: number): number => GET_SERVICES_HEAD + slot * SERVICE_ENTRY + S_PROTOCOL;
      writeU16Host(bytes, UNFILLED_PROTOCOL, protocolAt(count));
      if (count > 0) writeU16Host(bytes, UNFILLED_PROTOCOL, protocolAt(count - 1));
      if (this.get(IP_VS_SO_GET_SERVICES, bytes) === undefined) return undefined;
      // Grown, or shrunk, meanwhile: read again.
      if (readU16Host(bytes, protocolAt(count)) !== UNFILLED_PROTOCOL) continue;
      if (count > 0 && readU16Host(bytes, protocolAt(count - 1)) === UNFILLED_PROTOCOL) continue;
      const byKey = new Map<number, number>();
      for (let i = 0; i < count; i++) byKey.set(entryKey(bytes, GET_SERVICES_HEAD + i * SERVICE_ENTRY), i);
      return { bytes: bytes.subarray(GET_SERVICES_HEAD), byKey };
    }
    return undefined;
  }

  /**
   * Appends the real servers of table entry `index` to `columns` (as service `service`)
   * and says 'ok'; or appends nothing and says why netlink must read them: 'tunnel' (a
   * tunnel's settings are not here) or 'other' (real servers of another family, which
   * this interface hides, or the service changed since the table was read).
   */
  readReals(table: ServiceTable, index: number, service: number, columns: RealColumns): RealsOutcome {
    // Plain byte reads and writes (see bytes.ts): this runs once per service of the table.
    const expected = u32HostAt(table.bytes, index * SERVICE_ENTRY + S_NUM_DESTS);
    // One slot more than counted, as for the services.
    const slots = expected + 1;
    const length = GET_DESTS_HEAD + slots * DEST_ENTRY;
    if (this.destArea.length < length) this.destArea = Buffer.alloc(Math.max(length, this.destArea.length * 2));
    const area = this.destArea;
    // The request: the service key as the entry has it (protocol, address, port, mark), then the count.
    const from = table.bytes;
    const entry = index * SERVICE_ENTRY;
    for (let i = 0; i < 16; i++) area[i] = from[entry + i] as number;
    setU32HostAt(area, 16, slots);
    const flagsAt = (slot: number): number => GET_DESTS_HEAD + slot * DEST_ENTRY + D_CONN_FLAGS;
    setU32HostAt(area, flagsAt(expected), UNFILLED_FLAGS);
    if (expected > 0) setU32HostAt(area, flagsAt(expected - 1), UNFILLED_FLAGS);
    if (this.get(IP_VS_SO_GET_DESTS, area, length) === undefined) return 'other';
    if (u32HostAt(area, flagsAt(expected)) !== UNFILLED_FLAGS || (expected > 0 && u32HostAt(area, flagsAt(expected - 1)) === UNFILLED_FLAGS)) return 'other';
    for (let i = 0; i < expected; i++) if ((u32HostAt(area, flagsAt(i)) & IP_VS_CONN_F_FWD_MASK) === IP_VS_CONN_F_TUNNEL) return 'tunnel';
    for (let i = 0; i < expected; i++) {
      const at = GET_DESTS_HEAD + i * DEST_ENTRY;
      columns.push(
        service,
        AF_INET,
        u32BeAt(area, at + D_ADDR),
        u16BeAt(area, at + D_PORT),
        u32HostAt(area, at + D_CONN_FLAGS) & IP_VS_CONN_F_FWD_MASK,
        u32HostAt(area, at + D_WEIGHT),
        u32HostAt(area, at + D_U_THRESHOLD),
        u32HostAt(area, at + D_L_THRESHOLD),
        0,
        0,
        0,
      );
    }
    return 'ok';
  }
}
