// The services of a dump as columns of numbers, for listings and saves of big tables: a
// table of tens of thousands of services makes no object and no string per service. Inside
// user-mode Linux every page a process touches for the first time costs a trip through the
// host, and the objects of the general decoder (a service, its address text, its decoding
// result, views into the datagram), kept to the end, were copied through the young
// generation into the old: about a third of the page faults of `lb list -n` of 10,000
// services.
//
// Columns hold the IPv4 services the kernel describes in the usual way (by protocol,
// address and port with an address attribute, or by mark without one); any other service
// (IPv6, an attribute of a length the decoder would complain of, an unusual name) is kept
// as the object decodeServiceBytes makes of it, in `other`. service(i) gives either as that
// decoder would, so the general text functions see the same services (the unit tests hold
// the two together).
import { u16BeAt, u16HostAt, u32BeAt, u32HostAt } from '../native/bytes.js';
import { decodeServiceBytes } from './codec.js';
import {
  AF_INET,
  IPVS_SVC_ATTR_ADDR,
  IPVS_SVC_ATTR_AF,
  IPVS_SVC_ATTR_FLAGS,
  IPVS_SVC_ATTR_FWMARK,
  IPVS_SVC_ATTR_NETMASK,
  IPVS_SVC_ATTR_PE_NAME,
  IPVS_SVC_ATTR_PORT,
  IPVS_SVC_ATTR_PROTOCOL,
  IPVS_SVC_ATTR_SCHED_NAME,
  IPVS_SVC_ATTR_TIMEOUT,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
} from './constants.js';
import { SCHED_FLAG_BITS, type Service } from './model.js';
import { PROTOCOL_RANK, ipv4Value, markOrderKey, serviceOrderKey } from './bulk-text.js';

/** Flags that put words after the scheduler in a listing or a rule. */
const WORDY_FLAGS = SCHED_FLAG_BITS | IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_ONEPACKET;

// Names (scheduler, persistence engine) a table may hold in columns; more go to `other`.
const MAX_NAMES = 255;

export class ServiceColumns {
  length = 0;
  /** 0: named by protocol, address and port; 1: by mark (no address attribute). */
  kind: Uint8Array;
  protocol: Uint16Array;
  address: Uint32Array;
  port: Uint16Array;
  fwmark: Uint32Array;
  flags: Uint32Array;
  timeout: Uint32Array;
  netmask: Uint32Array;
  /** Indices into `names`. */
  scheduler: Uint8Array;
  peName: Uint8Array;
  /** Names met so far; 0 is "". */
  readonly names: string[] = [''];
  /** Services that are not in the columns, as decodeServiceBytes gives them, by index. */
  readonly other = new Map<number, Service>();
  /** Problems the general decoder found in services of `other`. */
  readonly problems: string[] = [];

  constructor(capacity = 1024) {
    this.kind = new Uint8Array(capacity);
    this.protocol = new Uint16Array(capacity);
    this.address = new Uint32Array(capacity);
    this.port = new Uint16Array(capacity);
    this.fwmark = new Uint32Array(capacity);
    this.flags = new Uint32Array(capacity);
    this.timeout = new Uint32Array(capacity);
    this.netmask = new Uint32Array(capacity);
    this.scheduler = new Uint8Array(capacity);
    this.peName = new Uint8Array(capacity);
  }

  /** Columns of these services (tests, and callers that hold objects already). */
  static of(services: readonly Service[]): ServiceColumns {
    const columns = new ServiceColumns(Math.max(1, services.length));
    for (const service of services) columns.other.set(columns.length++, service);
    return columns;
  }

  /** Forgets every service (a dump read again). */
  clear(): void {
    this.length = 0;
    this.other.clear();
    this.problems.length = 0;
  }

  private grow(): void {
    const capacity = this.kind.length * 2;
    const bigger = <T extends Uint8Array | Uint16Array | Uint32Array>(column: T): T => {
      const next = new (column.constructor as new (length: number) => T)(capacity);
      next.set(column);
      return next;
    };
    this.kind = bigger(this.kind);
    this.protocol = bigger(this.protocol);
    this.address = bigger(this.address);
    this.port = bigger(this.port);
    this.fwmark = bigger(this.fwmark);
    this.flags = bigger(this.flags);
    this.timeout = bigger(this.timeout);
    this.netmask = bigger(this.netmask);
    this.scheduler = bigger(this.scheduler);
    this.peName = bigger(this.peName);
  }

  /** The index of an ASCII name in `names` (added when new); -1 when it cannot be held. */
  private nameIndex(bytes: Buffer, at: number, end: number): number {
    let stop = at;
    while (stop < end && bytes[stop] !== 0) stop++;
    const length = stop - at;
    const { names } = this;
    for (let n = 0; n < names.length; n++) {
      const name = names[n] as string;
      if (name.length !== length) continue;
      let same = true;
      for (let i = 0; i < length && same; i++) same = name.charCodeAt(i) === bytes[at + i];
      if (same) return n;
    }
    if (names.length >= MAX_NAMES) return -1;
    for (let i = at; i < stop; i++) if ((bytes[i] as number) > 127) return -1;
    names.push(bytes.toString('latin1', at, stop));
    return names.length - 1;
  }

  /** Appends the service whose nest (IPVS_CMD_ATTR_SERVICE's value) is bytes[start, end). */
  add(bytes: Buffer, start: number, end: number): void {
    const index = this.length;
    if (index === this.kind.length) this.grow();
    let af = -1;
    let protocol = 0;
    let address = -1;
    let port = 0;
    let fwmark = 0;
    let flags = 0;
    let timeout = 0;
    let netmask = 0xffffffff;
    let scheduler = 0;
    let peName = 0;
    let plain = true;
    for (let offset = start; offset + 4 <= end; ) {
      const length = u16HostAt(bytes, offset);
      const type = u16HostAt(bytes, offset + 2) & 0x3fff;
      if (length < 4 || offset + length > end) {
        plain = false;
        break;
      }
      const at = offset + 4;
      const size = length - 4;
      switch (type) {
        case IPVS_SVC_ATTR_AF:
          af = size >= 2 ? u16HostAt(bytes, at) : -1;
          break;
        case IPVS_SVC_ATTR_PROTOCOL:
          if (size >= 2) protocol = u16HostAt(bytes, at);
          break;
        case IPVS_SVC_ATTR_ADDR:
          if (size >= 4) address = u32BeAt(bytes, at);
          else plain = false;
          break;
        case IPVS_SVC_ATTR_PORT:
          if (size >= 2) port = u16BeAt(bytes, at);
          break;
        case IPVS_SVC_ATTR_FWMARK:
          fwmark = size >= 4 ? u32HostAt(bytes, at) : 0;
          break;
        case IPVS_SVC_ATTR_SCHED_NAME:
          scheduler = this.nameIndex(bytes, at, at + size);
          break;
        case IPVS_SVC_ATTR_PE_NAME:
          peName = this.nameIndex(bytes, at, at + size);
          break;
        case IPVS_SVC_ATTR_FLAGS:
          flags = size >= 4 ? u32HostAt(bytes, at) : 0;
          break;
        case IPVS_SVC_ATTR_TIMEOUT:
          timeout = size >= 4 ? u32HostAt(bytes, at) : 0;
          break;
        case IPVS_SVC_ATTR_NETMASK:
          netmask = size >= 4 ? u32BeAt(bytes, at) : 0xffffffff;
          break;
        default:
          break;
      }
      offset += (length + 3) & ~3;
    }
    // By address with its address, or by mark without one; anything else as the general decoder has it.
    const kind = fwmark === 0 && address >= 0 ? 0 : fwmark !== 0 && address < 0 ? 1 : -1;
    if (!plain || af !== AF_INET || kind < 0 || scheduler < 0 || peName < 0) {
      const { value, problems } = decodeServiceBytes(bytes.subarray(start, end), false);
      if (problems.length > 0) this.problems.push(...problems);
      this.other.set(index, value);
      this.length++;
      return;
    }
    this.kind[index] = kind;
    this.protocol[index] = protocol;
    this.address[index] = kind === 0 ? address : 0;
    this.port[index] = port;
    this.fwmark[index] = fwmark;
    this.flags[index] = flags;
    this.timeout[index] = timeout;
    this.netmask[index] = netmask;
    this.scheduler[index] = scheduler;
    this.peName[index] = peName;
    this.length++;
  }

  /** The address family of service i. */
  af(i: number): number {
    return this.other.get(i)?.af ?? AF_INET;
  }

  /**
   * Whether service i is in the columns with nothing after its scheduler in a listing or
   * a rule (no flags, persistence or engine): the quick writers write those themselves.
   */
  isPlain(i: number): boolean {
    return !this.other.has(i) && ((this.flags[i] as number) & WORDY_FLAGS) === 0 && this.peName[i] === 0;
  }

  /** Service i as decodeServiceBytes gives it (without counters). */
  service(i: number): Service {
    const other = this.other.get(i);
    if (other) return other;
    const address = this.address[i] as number;
    return {
      af: AF_INET,
      protocol: this.protocol[i] as number,
      address: this.kind[i] === 1 ? '' : `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`,
      port: this.port[i] as number,
      fwmark: this.fwmark[i] as number,
      scheduler: this.names[this.scheduler[i] as number] as string,
      flags: this.flags[i] as number,
      timeout: this.timeout[i] as number,
      netmask: this.netmask[i] as number,
      peName: this.names[this.peName[i] as number] as string,
    };
  }

  /** Every service as an object (the general way's input). */
  services(): Service[] {
    const services: Service[] = [];
    for (let i = 0; i < this.length; i++) services.push(this.service(i));
    return services;
  }

  /** The firewall mark of service i (0: named by address). */
  mark(i: number): number {
    const other = this.other.get(i);
    return (other ? other.fwmark : (this.fwmark[i] as number)) >>> 0;
  }

  /** The order key of IPv4 service i (markOrderKey or serviceOrderKey); undefined for another family. */
  key(i: number): number | undefined {
    const other = this.other.get(i);
    if (!other) {
      const mark = this.fwmark[i] as number;
      return mark ? markOrderKey(mark) : serviceOrderKey(this.protocol[i] as number, this.address[i] as number, this.port[i] as number);
    }
    if (other.af !== AF_INET) return undefined;
    return other.fwmark ? markOrderKey(other.fwmark) : serviceOrderKey(other.protocol, ipv4Value(other.address), other.port);
  }

  /**
   * Numbers that order IPv4 services as sortEntries does (mark, family, protocol, address,
   * port), or undefined when a service is not IPv4, has another protocol or no address, or
   * shares its mark with another (then the general way does it).
   */
  orderKeys(): Float64Array | undefined {
    const keys = new Float64Array(this.length);
    const marks = new Set<number>();
    for (let i = 0; i < this.length; i++) {
      const other = this.other.get(i);
      if (other && other.af !== AF_INET) return undefined;
      const mark = this.mark(i);
      if (mark) {
        if (marks.has(mark)) return undefined;
        marks.add(mark);
      } else if (other ? PROTOCOL_RANK[other.protocol] === undefined || !other.address : PROTOCOL_RANK[this.protocol[i] as number] === undefined) return undefined;
      keys[i] = this.key(i) as number;
    }
    return keys;
  }
}
