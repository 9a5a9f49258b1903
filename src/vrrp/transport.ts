// VRRP on the wire for the engine: one raw IP protocol-112 socket per interface and family,
// sending adverts with TTL 255 / multicast hop limit 255 and precedence 0xc0 (as keepalived
// does; IPv6 unicast adverts get the kernel's hop limit unless unicast_ttl is set, as
// keepalived 2.2.7's do), and
// receiving them with what validation needs: the IP source and destination and the TTL or
// hop limit. Multicast (224.0.0.18 / ff02::12, or the group mcast_dst_ip / vrrp_mcast_group4/6
// name) and unicast peers use the same socket; unicast adverts may carry their own TTL
// (unicast_ttl) in a control message. Instances with VRRPv2 auth type AH (IPv4) use a raw IP
// protocol-51 socket of their own instead: their adverts are whole IP packets built here
// (IP_HDRINCL), since the AH's ICV covers the IP header and its identification (ah.ts).
import { ReceiveArea, Socket } from '../native/socket.js';
import { constant } from '../native/addon.js';
import { AF_INET6, inetAddress, multicastMembership } from '../native/sockaddr.js';
import { controlSpace, encodeControlMessages, encodeIn6Pktinfo, encodeInPktinfo, encodeInt, type ControlMessage } from '../native/cmsg.js';
import { readS32Host, readU16Host, readU32Host } from '../native/bytes.js';
import { ipv6ToBytes } from '../native/ip.js';
import { ipv4Text, ipv6Text } from './address-text.js';
import { encodeProgram, BPF_ABS, BPF_B, BPF_IND, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_LDX, BPF_MSH, BPF_RET, type Instruction } from '../capture/bpf.js';
import { IPPROTO_AH, IPPROTO_VRRP, VRRP_GROUP_IPV4, VRRP_GROUP_IPV6, VRRP_TTL } from './constants.js';

export interface TransportOptions {
  family: 4 | 6;
  ifname: string;
  ifindex: number;
  /** Source address to send from (unicast_src_ip / mcast_src_ip, or IPv6 link-local). */
  source?: string;
  /** Join the VRRP multicast group (false for unicast-only instances). */
  multicast: boolean;
  /** The group joined and sent to when none is named (default 224.0.0.18 / ff02::12). */
  group?: string;
  /**
   * TTL / hop limit of this user's unicast adverts (unicast_ttl; pool attachments only). IPv4
   * sends 255 when absent; IPv6 the kernel's unicast hop limit (the interface's hop_limit).
   */
  unicastTtl?: number;
  /** Receive buffer to ask for, bytes (SO_RCVBUFFORCE as root, else SO_RCVBUF); the kernel's default if absent. */
  receiveBuffer?: number;
  /**
   * VRRPv2 auth type AH (IPv4 only): an IP protocol-51 socket; sends take whole IP packets
   * (sendPacket) and views hold the VRRP message after the AH, with ipStart set.
   */
  ah?: boolean;
}

export interface ReceivedVrrp {
  /** The VRRP message (after the IPv4 header for IPv4). */
  message: Buffer;
  source: string;
  destination: string;
  /** TTL (IPv4) or hop limit (IPv6) the packet arrived with. */
  ttl: number | undefined;
  /** Bytes holding source and destination, for the v3 pseudo-header. */
  family: 4 | 6;
  /** When the kernel received it (SO_TIMESTAMPNS), ms since the epoch; undefined if not given. */
  arrivedAtMs?: number;
}

/**
 * A received advert where it lies in the receive area, with no copy and no text: valid only
 * during the callback that gets it (the next datagram reuses the object and the memory).
 * toReceived() makes a lasting copy; sameDatagram() compares one with a kept key.
 */
export interface AdvertView {
  /** Holds the VRRP message at [start, end). */
  bytes: Buffer;
  start: number;
  end: number;
  family: 4 | 6;
  /** Holds the IP source and destination (4 or 16 bytes each) at the two offsets. */
  addressBytes: Buffer;
  sourceOffset: number;
  destinationOffset: number;
  /** TTL (IPv4) or hop limit (IPv6); undefined when the kernel did not say. */
  ttl: number | undefined;
  /** Kernel receive time (SO_TIMESTAMPNS), ms since the epoch; undefined if not given. */
  arrivedAtMs: number | undefined;
  /**
   * When the socket was last read before this datagram's read, on the pool's clock: the
   * datagram cannot have arrived much earlier (it would have been read then). undefined
   * outside a TransportPool.
   */
  receivedAfter: number | undefined;
  /**
   * IPv4: where the datagram's IP header starts in `bytes` (an AH-wrapped advert is verified
   * over the whole packet). Absent for IPv6.
   */
  ipStart?: number;
}

/** A lasting copy of a view, with the addresses as text. */
export function toReceived(view: AdvertView): ReceivedVrrp {
  const v6 = view.family === 6;
  return {
    message: Buffer.from(view.bytes.subarray(view.start, view.end)),
    source: v6 ? ipv6Text(view.addressBytes, view.sourceOffset) : ipv4Text(view.addressBytes, view.sourceOffset),
    destination: v6 ? ipv6Text(view.addressBytes, view.destinationOffset) : ipv4Text(view.addressBytes, view.destinationOffset),
    ttl: view.ttl,
    family: view.family,
    ...(view.arrivedAtMs !== undefined ? { arrivedAtMs: view.arrivedAtMs } : {}),
  };
}

/** A view of its own memory, for a datagram that must outlive the receive area's next use. */
function copyView(view: AdvertView): AdvertView {
  const from = view.ipStart ?? view.start;
  const bytes = Buffer.from(view.bytes.subarray(from, view.end));
  const size = view.family === 6 ? 16 : 4;
  const addressBytes = Buffer.alloc(2 * size);
  view.addressBytes.copy(addressBytes, 0, view.sourceOffset, view.sourceOffset + size);
  view.addressBytes.copy(addressBytes, size, view.destinationOffset, view.destinationOffset + size);
  const copy: AdvertView = { ...view, bytes, start: view.start - from, end: bytes.length, addressBytes, sourceOffset: 0, destinationOffset: size };
  if (view.ipStart !== undefined) copy.ipStart = 0;
  return copy;
}

/**
 * The bytes that make a datagram what it is for acceptance: source, destination and message
 * (the TTL is kept beside it). A steady master repeats them ten times a second.
 */
export function datagramKey(view: AdvertView): Buffer {
  const size = view.family === 6 ? 16 : 4;
  const key = Buffer.allocUnsafe(2 * size + view.end - view.start);
  view.addressBytes.copy(key, 0, view.sourceOffset, view.sourceOffset + size);
  view.addressBytes.copy(key, size, view.destinationOffset, view.destinationOffset + size);
  view.bytes.copy(key, 2 * size, view.start, view.end);
  return key;
}

/** Whether a view holds exactly the datagram a key was made from (no allocation). */
export function sameDatagram(view: AdvertView, key: Buffer): boolean {
  const size = view.family === 6 ? 16 : 4;
  const length = view.end - view.start;
  if (key.length !== 2 * size + length) return false;
  const { bytes, addressBytes, sourceOffset, destinationOffset, start } = view;
  // The message first: a changed advert differs there, and it is where most bytes are.
  for (let i = 0; i < length; i++) if (bytes[start + i] !== key[2 * size + i]) return false;
  for (let i = 0; i < size; i++) {
    if (addressBytes[sourceOffset + i] !== key[i] || addressBytes[destinationOffset + i] !== key[size + i]) return false;
  }
  return true;
}

const PRECEDENCE_NETWORK_CONTROL = 0xc0;
/** Datagrams read per system call, and the room each gets. */
const BATCH = 32;
const DATAGRAM_ROOM = 2048;
/** sockaddr_in6 (28 bytes), rounded up. */
const NAME_ROOM = 32;
/** in6_pktinfo, a timespec and an int, with room to spare for anything else the kernel adds. */
const CONTROL_ROOM = controlSpace(20) + controlSpace(16) + controlSpace(4) + 64;
const CMSG_HEADER = 16;
const GROUP_IPV6_BYTES = ipv6ToBytes(VRRP_GROUP_IPV6);

/** The constants the receive path compares against, read from the addon once. */
interface ReceiveConstants {
  solSocket: number;
  timestampNs: number;
  /** SO_RXQ_OVFL, or -1 with an addon built before it was exported. */
  queueOverflow: number;
  ipv6Level: number;
  ipv6HopLimit: number;
  ipv6PacketInfo: number;
}
let receiveConstants: ReceiveConstants | undefined;
function constants(): ReceiveConstants {
  receiveConstants ??= {
    solSocket: constant('SOL_SOCKET'),
    timestampNs: constant('SO_TIMESTAMPNS'),
    queueOverflow: optionalConstant('SO_RXQ_OVFL'),
    ipv6Level: constant('IPPROTO_IPV6'),
    ipv6HopLimit: constant('IPV6_HOPLIMIT'),
    ipv6PacketInfo: constant('IPV6_PKTINFO'),
  };
  return receiveConstants;
}

function optionalConstant(name: string): number {
  try {
    return constant(name);
  } catch {
    return -1;
  }
}

/** struct timespec at offset as ms since the epoch (64-bit fields read as two halves). */
function timespecMsAt(bytes: Buffer, offset: number): number {
  const seconds = readS32Host(bytes, offset + 4) * 0x1_0000_0000 + readU32Host(bytes, offset);
  const nanoseconds = readU32Host(bytes, offset + 8);
  return seconds * 1000 + nanoseconds / 1e6;
}

export class VrrpTransport {
  /** Control messages (the pinned source, and a TTL) per source address and TTL, built once. */
  private readonly controls = new Map<string, Buffer>();
  /** Socket addresses per destination, built once (a master sends ten adverts a second). */
  private readonly destinations = new Map<string, Buffer>();
  /** The multicast groups this socket has joined. */
  private readonly joined = new Set<string>();
  /** Where sends without a destination go. */
  private readonly group: string;
  /** The receive area and the view handed out, made on first read. */
  private receiving: { area: ReceiveArea; view: AdvertView; addresses: Buffer } | undefined;
  /** Datagrams the kernel dropped because the receive queue was full (SO_RXQ_OVFL), as last told. */
  dropped = 0;

  private constructor(
    private readonly socket: Socket,
    readonly options: TransportOptions,
  ) {
    this.group = options.group ?? (options.family === 6 ? VRRP_GROUP_IPV6 : VRRP_GROUP_IPV4);
    if (options.multicast) this.joined.add(this.group);
  }

  static open(options: TransportOptions): VrrpTransport {
    const c = constant;
    const v6 = options.family === 6;
    const ah = options.ah === true && !v6;
    const socket = Socket.open(c(v6 ? 'AF_INET6' : 'AF_INET'), c('SOCK_RAW'), ah ? IPPROTO_AH : IPPROTO_VRRP);
    try {
      // The ICV covers the IP header, so the header is ours (the kernel fills in only the checksum).
      if (ah) socket.setOption(c('IPPROTO_IP'), c('IP_HDRINCL'), 1);
      socket.setOption(c('SOL_SOCKET'), c('SO_BINDTODEVICE'), Buffer.from(`${options.ifname}\0`));
      // Arrival times let the engine count a backup's down timer from when the advert came in,
      // not from when JavaScript got round to it.
      socket.setOption(c('SOL_SOCKET'), c('SO_TIMESTAMPNS'), 1);
      if (options.receiveBuffer !== undefined) {
        try {
          socket.setOption(c('SOL_SOCKET'), c('SO_RCVBUFFORCE'), options.receiveBuffer);
        } catch {
          socket.setOption(c('SOL_SOCKET'), c('SO_RCVBUF'), options.receiveBuffer);
        }
      }
      // The kernel then says how many datagrams it dropped for want of room (older addons lack it).
      if (constants().queueOverflow >= 0) socket.setOption(c('SOL_SOCKET'), constants().queueOverflow, 1);
      if (v6) {
        const level = c('IPPROTO_IPV6');
        socket.setOption(level, c('IPV6_MULTICAST_HOPS'), VRRP_TTL);
        socket.setOption(level, c('IPV6_TCLASS'), PRECEDENCE_NETWORK_CONTROL);
        socket.setOption(level, c('IPV6_MULTICAST_IF'), options.ifindex);
        socket.setOption(level, c('IPV6_MULTICAST_LOOP'), 0);
        socket.setOption(level, c('IPV6_RECVHOPLIMIT'), 1);
        socket.setOption(level, c('IPV6_RECVPKTINFO'), 1);
        if (options.multicast) socket.setOption(level, c('IPV6_JOIN_GROUP'), multicastMembership(options.group ?? VRRP_GROUP_IPV6, options.ifindex));
      } else {
        const level = c('IPPROTO_IP');
        socket.setOption(level, c('IP_MULTICAST_TTL'), VRRP_TTL);
        socket.setOption(level, c('IP_TTL'), VRRP_TTL);
        socket.setOption(level, c('IP_TOS'), PRECEDENCE_NETWORK_CONTROL);
        socket.setOption(level, c('IP_MULTICAST_IF'), multicastMembership('0.0.0.0', options.ifindex));
        socket.setOption(level, c('IP_MULTICAST_LOOP'), 0);
        socket.setOption(level, c('IP_PKTINFO'), 1);
        if (options.multicast) socket.setOption(level, c('IP_ADD_MEMBERSHIP'), multicastMembership(options.group ?? VRRP_GROUP_IPV4, options.ifindex));
      }
      return new VrrpTransport(socket, options);
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  /** Joins a multicast group (default: the socket's) if not yet joined (a shared socket gains a multicast user). */
  joinGroup(group = this.group): void {
    if (this.joined.has(group)) return;
    const v6 = this.options.family === 6;
    if (v6) this.socket.setOption(constant('IPPROTO_IPV6'), constant('IPV6_JOIN_GROUP'), multicastMembership(group, this.options.ifindex));
    else this.socket.setOption(constant('IPPROTO_IP'), constant('IP_ADD_MEMBERSHIP'), multicastMembership(group, this.options.ifindex));
    this.joined.add(group);
  }

  /**
   * Sends one VRRP message to the group or a unicast peer, from `source` (default: the
   * configured one), with `ttl` as its TTL / hop limit when given (else the socket's: 255,
   * or for IPv6 unicast the kernel's hop limit).
   */
  send(message: Buffer, destination?: string, source = this.options.source, ttl?: number): void {
    const { address, control } = this.prepareSend(destination, source, ttl);
    this.socket.send(message, address, control);
  }

  /**
   * The socket address and control message a send to `destination` from `source` uses, built
   * once and kept: called ahead of a takeover, its first advert then builds nothing (building
   * them on the first send cost ~0.5 ms of a first failover, most of it compiling code that
   * had never run).
   */
  prepareSend(destination?: string, source = this.options.source, ttl?: number): { address: Buffer; control: Buffer | null } {
    const v6 = this.options.family === 6;
    const to = destination ?? this.group;
    let control: Buffer | null = null;
    if (source || ttl !== undefined) {
      const key = ttl === undefined ? (source ?? '') : `${source ?? ''}/${ttl}`;
      control = this.controls.get(key) ?? null;
      if (!control) {
        const messages: ControlMessage[] = [];
        if (source) {
          messages.push(
            v6
              ? { level: constant('IPPROTO_IPV6'), type: constant('IPV6_PKTINFO'), data: encodeIn6Pktinfo(this.options.ifindex, source) }
              : { level: constant('IPPROTO_IP'), type: constant('IP_PKTINFO'), data: encodeInPktinfo(this.options.ifindex, source) },
          );
        }
        if (ttl !== undefined) messages.push({ level: constant(v6 ? 'IPPROTO_IPV6' : 'IPPROTO_IP'), type: constant(v6 ? 'IPV6_HOPLIMIT' : 'IP_TTL'), data: encodeInt(ttl) });
        control = encodeControlMessages(messages);
        this.controls.set(key, control);
      }
    }
    let address = this.destinations.get(to);
    if (!address) {
      address = inetAddress(to, 0, v6 ? this.options.ifindex : 0);
      this.destinations.set(to, address);
    }
    return { address, control };
  }

  /**
   * Sends a whole IP packet (an AH socket: IP_HDRINCL) to `destination`, which must be the
   * packet's own destination address.
   */
  sendPacket(packet: Buffer, destination: string): void {
    this.socket.send(packet, this.prepareSend(destination).address, null);
  }

  /** Calls onPacket for every datagram that arrives (a lasting copy each), until close(). */
  listen(onPacket: (packet: ReceivedVrrp) => void): void {
    this.listenViews((view) => onPacket(toReceived(view)));
  }

  /**
   * Calls onView for every datagram that arrives, until close(), with a view into memory the
   * next datagram reuses: whole bursts are read with one system call and nothing is allocated
   * per datagram.
   */
  listenViews(onView: (view: AdvertView) => void): void {
    this.socket.listen((error) => {
      if (!error) this.drain(onView);
    });
  }

  /** Calls onReadable whenever something waits to be read (the caller reads it with drain()). */
  onReadable(onReadable: () => void): void {
    this.socket.listen((error) => {
      if (!error) onReadable();
    });
  }

  /**
   * Reads every datagram waiting now, each handed to onView as a view valid during the call;
   * returns how many were read. `receivedAfter` is put in each view as it is.
   */
  drain(onView: (view: AdvertView) => void, receivedAfter?: number): number {
    this.receiving ??= this.makeReceiving();
    const { area, view, addresses } = this.receiving;
    const v6 = this.options.family === 6;
    view.receivedAfter = receivedAfter;
    let total = 0;
    for (;;) {
      const count = this.receive(area);
      total += count;
      for (let i = 0; i < count; i++) {
        const ok = v6 ? this.viewIpv6(area, i, view, addresses) : this.viewIpv4(area, i, view);
        if (ok) onView(view);
      }
      // A short batch emptied the queue: no second system call to learn that.
      if (count < BATCH) return total;
    }
  }

  /** Attaches a classic BPF program: only datagrams it accepts are queued to this socket. */
  setFilter(program: Buffer): void {
    this.socket.attachFilter(program);
  }

  private makeReceiving(): { area: ReceiveArea; view: AdvertView; addresses: Buffer } {
    const area = new ReceiveArea(BATCH, DATAGRAM_ROOM, NAME_ROOM, CONTROL_ROOM);
    return {
      area,
      view: {
        bytes: area.data, start: 0, end: 0, family: this.options.family, addressBytes: area.data, sourceOffset: 0, destinationOffset: 0, ttl: undefined, arrivedAtMs: undefined, receivedAfter: undefined,
        ...(this.options.ah === true ? { ipStart: 0 } : {}),
      },
      // IPv6 addresses come from the socket address and the packet info: gathered here.
      addresses: Buffer.alloc(32),
    };
  }

  close(): void {
    this.socket.close();
  }

  /** One batch into the area: recvmmsg, or with an older addon recvmsg copied into the slots. */
  private receive(area: ReceiveArea): number {
    const count = this.socket.receiveMessages(area);
    if (count !== undefined) return count;
    const batch = this.socket.receiveNow({ bufferLength: area.slotSize, controlLength: area.controlSlot, maxMessages: area.slots });
    batch.forEach((datagram, i) => {
      datagram.data.copy(area.data, area.offset(i), 0, area.slotSize);
      if (area.names) datagram.name.copy(area.names, i * area.nameSlot, 0, area.nameSlot);
      if (area.control) datagram.control.copy(area.control, i * area.controlSlot, 0, area.controlSlot);
      area.meta[4 * i] = datagram.length;
      area.meta[4 * i + 1] = datagram.flags;
      area.meta[4 * i + 2] = Math.min(datagram.name.length, area.nameSlot);
      area.meta[4 * i + 3] = Math.min(datagram.control.length, area.controlSlot);
    });
    return batch.length;
  }

  /** Walks datagram i's control messages: the arrival time, and for IPv6 hop limit and destination. */
  private readControl(area: ReceiveArea, i: number, view: AdvertView, addresses: Buffer | undefined): void {
    const control = area.control;
    view.arrivedAtMs = undefined;
    if (!control) return;
    const c = constants();
    let offset = i * area.controlSlot;
    const end = offset + Math.min(area.controlLength(i), area.controlSlot);
    while (offset + CMSG_HEADER <= end) {
      // cmsg_len is a size_t: a length that does not fit 32 bits is malformed anyway.
      const length = readU32Host(control, offset);
      if (length < CMSG_HEADER || offset + length > end) break;
      const level = readS32Host(control, offset + 8);
      const type = readS32Host(control, offset + 12);
      const data = offset + CMSG_HEADER;
      const dataLength = length - CMSG_HEADER;
      if (level === c.solSocket) {
        if (type === c.timestampNs && dataLength >= 16) view.arrivedAtMs = timespecMsAt(control, data);
        else if (type === c.queueOverflow && dataLength >= 4) this.dropped = readU32Host(control, data);
      } else if (addresses && level === c.ipv6Level) {
        if (type === c.ipv6HopLimit && dataLength >= 1) view.ttl = dataLength >= 4 ? readS32Host(control, data) : (control[data] as number);
        else if (type === c.ipv6PacketInfo && dataLength >= 20) for (let b = 0; b < 16; b++) addresses[16 + b] = control[data + b] as number;
      }
      offset += (length + 7) & ~7;
    }
  }

  private viewIpv4(area: ReceiveArea, i: number, view: AdvertView): boolean {
    // Raw IPv4 sockets deliver the IP header: the TTL and addresses come from it (the packet
    // info's header destination is the same address).
    const data = area.data;
    const offset = area.offset(i);
    const length = Math.min(area.length(i), area.slotSize);
    if (length < 20 || (data[offset] as number) >> 4 !== 4) return false;
    const headerLength = ((data[offset] as number) & 0x0f) * 4;
    const totalLength = data.readUInt16BE(offset + 2);
    const end = offset + Math.min(length, totalLength || length);
    view.start = Math.min(offset + headerLength, end);
    if (this.options.ah === true) {
      // The VRRP message follows the AH. An AH around anything else is not an advert (keepalived
      // drops it unseen); a truncated one leaves an empty message (malformed).
      const ah = view.start;
      if (ah + 2 <= end && data[ah] !== IPPROTO_VRRP) return false;
      view.start = ah + 2 <= end ? Math.min(ah + ((data[ah + 1] as number) + 2) * 4, end) : end;
      view.ipStart = offset;
    }
    view.end = end;
    view.addressBytes = data;
    view.sourceOffset = offset + 12;
    view.destinationOffset = offset + 16;
    view.ttl = data[offset + 8] as number;
    this.readControl(area, i, view, undefined);
    return true;
  }

  private viewIpv6(area: ReceiveArea, i: number, view: AdvertView, addresses: Buffer): boolean {
    const names = area.names;
    const nameOffset = i * area.nameSlot;
    if (!names || area.nameLength(i) < 24 || readU16Host(names, nameOffset) !== AF_INET6) return false;
    for (let b = 0; b < 16; b++) {
      addresses[b] = names[nameOffset + 8 + b] as number;
      addresses[16 + b] = GROUP_IPV6_BYTES[b] as number;
    }
    view.ttl = undefined;
    this.readControl(area, i, view, addresses);
    const offset = area.offset(i);
    view.start = offset;
    view.end = offset + Math.min(area.length(i), area.slotSize);
    view.addressBytes = addresses;
    view.sourceOffset = 0;
    view.destinationOffset = 16;
    return true;
  }
}

/** What an instance holds of a shared socket: its own VRID's adverts, and a way to send. */
export interface TransportAttachment {
  /**
   * Starts delivering the adverts of this VRID (and those nobody's VRID can be read from), as
   * views valid during the call only.
   */
  listen(onPacket: (view: AdvertView) => void): void;
  send(message: Buffer, destination?: string): void;
  /** Sends a whole IP packet to its destination (AH attachments: see VrrpTransport.sendPacket). */
  sendPacket(packet: Buffer, destination: string): void;
  /** Builds what a send to `destination` needs ahead of the first one (see VrrpTransport.prepareSend). */
  prepareSend(destination?: string): void;
  /**
   * Whether this instance's adverts must be read the moment they arrive (a master must step
   * down at once for a better one); otherwise they may wait for the next read, which the
   * pool's owner makes before any deadline that depends on them (see TransportPool).
   */
  setUrgent(urgent: boolean): void;
  /** Adverts of VRIDs no instance on this socket has: counted once per socket, not per instance. */
  foreignVrid(): number;
  close(): void;
}

export interface PoolOptions {
  /** The owner's clock (ms), for read schedules and receivedAfter. */
  now?: () => number;
  /**
   * Read every advert the moment it arrives, as a plain event-driven receiver does. Otherwise
   * (the default) adverts wait in the kernel for the next drain() but for those that cannot:
   * priority 0 (a master leaving) and adverts of VRIDs set urgent.
   */
  eager?: boolean;
  /** The kernel dropped adverts for want of room (a read came too late for the traffic). */
  onOverflow?: (ifname: string, dropped: number) => void;
}

interface Shared {
  key: string;
  transport: VrrpTransport;
  /**
   * A second socket on the same interface whose filter lets only urgent adverts through
   * (priority 0, or a VRID in `urgent`): it only wakes the pool, which then reads the
   * main socket. Absent in eager mode or when the kernel refused the filter.
   */
  alert: VrrpTransport | undefined;
  handlers: Map<number, Array<(view: AdvertView) => void>>;
  users: number;
  foreign: number;
  /** VRIDs with an urgent attachment, and how many. */
  urgent: Map<number, number>;
  /** The urgent VRIDs the alert filter was last built for. */
  filtered: string;
  /**
   * Every VRID some alert filter let through since the last read: the alert queue may hold
   * datagrams let in by a filter replaced since (an instance stops being urgent in the middle
   * of a read, when its master's advert is handed out), and their main-socket copies must be
   * recognised as urgent all the same, or they are handed out twice.
   */
  alertVrids: Set<number>;
  lastRead: number;
  /** Urgent adverts handed out by the previous read (see read()). */
  handedOut: AdvertView[];
  /** How long adverts may wait in the kernel before the queue could fill, ms. */
  readEvery: number;
  dropped: number;
}

/** Receive room for adverts waiting between reads: thousands of small datagrams. */
const LAZY_RECEIVE_BUFFER = 4 << 20;
/** What one queued advert may cost the receive buffer (skb truesize, generously). */
const QUEUED_ADVERT_COST = 2048;
/** Reads at least this often, and at most this often for the sake of room, ms. */
const LONGEST_WAIT_MS = 1000;
const SHORTEST_WAIT_MS = 5;
/** Datagrams the alert filter accepts are kept whole. */
const ACCEPT_ALL = 0xffff;

/**
 * The alert socket's filter (classic BPF): accept a VRRP message whose priority is 0 or whose
 * VRID is one of `vrids`, drop anything else. An IPv4 raw socket's filter sees the IP header
 * first (the VRRP message starts after IHL words); an IPv6 one sees the VRRP message itself.
 * A datagram too short for the loads is dropped by the kernel (it is read from the main
 * socket anyway).
 */
export function alertFilter(family: 4 | 6, vrids: number[]): Instruction[] {
  const op = (code: number, k = 0, jt = 0, jf = 0): Instruction => ({ code, jt, jf, k });
  const load = (offset: number): Instruction => (family === 4 ? op(BPF_LD | BPF_B | BPF_IND, offset) : op(BPF_LD | BPF_B | BPF_ABS, offset));
  // Each match is followed by its own accept: no jump is ever longer than one instruction.
  const acceptIf = (value: number): Instruction[] => [op(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1), op(BPF_RET | BPF_K, ACCEPT_ALL)];
  return [
    ...(family === 4 ? [op(BPF_LDX | BPF_B | BPF_MSH, 0)] : []),
    load(2),
    ...acceptIf(0),
    load(1),
    ...vrids.flatMap(acceptIf),
    op(BPF_RET | BPF_K, 0),
  ];
}

/**
 * One raw socket per interface and family for all instances, as keepalived has: with one socket
 * per instance every advert on the link was copied to every instance's socket and decoded by
 * each (100 instances, 100 copies). Adverts are handed to the instance of their VRID only.
 *
 * Reading is lazy by default. A backup needs its master's adverts only to know, when its down
 * timer is about to run out, whether one came in time; each carries its kernel arrival time,
 * so it may wait in the kernel until then. The owner calls drain() before acting on a
 * deadline and at least by readBy(); a burst of a hundred masters' adverts then costs one
 * wake-up instead of one per advert. What must not wait wakes the pool through the alert
 * socket: priority 0 (a master leaving: the backup takes over after Skew_Time) and every
 * advert of an instance that is master (a better master makes it step down).
 */
export class TransportPool {
  private readonly shared = new Map<string, Shared>();
  private readonly now: () => number;

  constructor(private readonly options: PoolOptions = {}) {
    this.now = options.now ?? (() => performance.now());
  }

  attach(options: TransportOptions & { vrid: number }): TransportAttachment {
    // AH instances have a protocol-51 socket of their own on the interface.
    const key = `${options.family}/${options.ifindex}${options.ah === true ? '/ah' : ''}`;
    let entry = this.shared.get(key);
    if (!entry) {
      entry = this.open(key, options);
      this.shared.set(key, entry);
    } else if (options.multicast) {
      entry.transport.joinGroup(options.group);
      entry.alert?.joinGroup(options.group);
    }
    const shared = entry;
    shared.users += 1;
    // unicast_ttl: the adverts of a unicast user only (multicast ones keep 255, as keepalived's
    // do). The IPv4 socket's own TTL is 255, so only another value needs a control message;
    // the IPv6 socket leaves unicast hops to the kernel, so any value set does.
    const ttl =
      !options.multicast && options.unicastTtl !== undefined && (options.family === 6 || options.unicastTtl !== VRRP_TTL) ? options.unicastTtl : undefined;
    let handler: ((view: AdvertView) => void) | undefined;
    let urgent = false;
    let closed = false;
    const setUrgent = (value: boolean): void => {
      if (closed || value === urgent) return;
      urgent = value;
      const count = (shared.urgent.get(options.vrid) ?? 0) + (value ? 1 : -1);
      if (count > 0) shared.urgent.set(options.vrid, count);
      else shared.urgent.delete(options.vrid);
      this.refilter(shared);
    };
    return {
      listen: (onPacket) => {
        handler = onPacket;
        shared.handlers.set(options.vrid, [...(shared.handlers.get(options.vrid) ?? []), onPacket]);
      },
      send: (message, destination) => shared.transport.send(message, destination, options.source, ttl),
      sendPacket: (packet, destination) => shared.transport.sendPacket(packet, destination),
      prepareSend: (destination) => void shared.transport.prepareSend(destination, options.source, ttl),
      setUrgent,
      foreignVrid: () => shared.foreign,
      close: () => {
        if (closed) return;
        setUrgent(false);
        closed = true;
        if (handler) {
          const rest = (shared.handlers.get(options.vrid) ?? []).filter((h) => h !== handler);
          if (rest.length > 0) shared.handlers.set(options.vrid, rest);
          else shared.handlers.delete(options.vrid);
        }
        shared.users -= 1;
        if (shared.users === 0) {
          shared.transport.close();
          shared.alert?.close();
          this.shared.delete(key);
        }
      },
    };
  }

  /** Reads every socket now and hands out what waited (in arrival order). */
  drain(): void {
    for (const shared of this.shared.values()) this.read(shared);
  }

  /** The latest time (owner's clock) by which drain() must run for no advert to be lost. */
  readBy(): number {
    let by = Infinity;
    for (const shared of this.shared.values()) if (shared.alert) by = Math.min(by, shared.lastRead + shared.readEvery);
    return by;
  }

  private open(key: string, options: TransportOptions): Shared {
    // AH sockets read as adverts come (VRRPv2, one a second at most per router: nothing to
    // save), which also keeps the alert filter, written for protocol 112, off them.
    const eager = this.options.eager === true || options.ah === true;
    const transport = VrrpTransport.open(eager ? options : { ...options, receiveBuffer: LAZY_RECEIVE_BUFFER });
    const shared: Shared = { key, transport, alert: undefined, handlers: new Map(), users: 0, foreign: 0, urgent: new Map(), filtered: '', alertVrids: new Set(), lastRead: this.now(), handedOut: [], readEvery: LONGEST_WAIT_MS, dropped: 0 };
    if (!eager) {
      try {
        const alert = VrrpTransport.open(options);
        try {
          alert.setFilter(encodeProgram(alertFilter(options.family, [])));
        } catch (error) {
          alert.close();
          throw error;
        }
        shared.alert = alert;
        alert.onReadable(() => this.read(shared));
      } catch {
        // No filter (an old kernel, a sandbox): read everything as it comes.
        shared.alert = undefined;
      }
    }
    if (!shared.alert) {
      transport.onReadable(() => this.read(shared));
    }
    return shared;
  }

  private refilter(shared: Shared): void {
    if (!shared.alert) return;
    const vrids = [...shared.urgent.keys()].sort((a, b) => a - b);
    const text = vrids.join(',');
    if (text === shared.filtered) return;
    shared.alert.setFilter(encodeProgram(alertFilter(shared.transport.options.family, vrids)));
    shared.filtered = text;
    for (const vrid of vrids) shared.alertVrids.add(vrid);
  }

  /**
   * Reads one socket and its alert socket. Every urgent advert arrives on both (clones queued
   * in one softirq pass), and a read may fall between the two queuings: the alert socket is
   * read first and its adverts kept; the main socket's adverts are handed out in order; then
   * the alert adverts that neither this read nor the previous one handed out (the main copy
   * is late, or came in the previous read). An urgent advert is thus handed out once.
   */
  private read(shared: Shared): void {
    const now = this.now();
    const since = shared.lastRead;
    const previous = shared.handedOut;
    const current: AdvertView[] = [];
    const alert = shared.alert;
    const seen = (view: AdvertView): boolean => previous.some((p) => sameArrival(p, view)) || current.some((c) => sameArrival(c, view));
    let alerts: AdvertView[] | undefined;
    alert?.drain((view) => (alerts ??= []).push(copyView(view)), since);
    const count = shared.transport.drain((view) => {
      if (alert && isUrgent(shared, view)) {
        if (seen(view)) return;
        current.push(copyView(view));
      }
      this.deliver(shared, view);
    }, since);
    for (const view of alerts ?? []) {
      if (seen(view)) continue;
      current.push(view);
      this.deliver(shared, view);
    }
    shared.handedOut = current;
    shared.lastRead = now;
    // From now on only what the filter in force lets through can be queued on the alert socket.
    shared.alertVrids = new Set(shared.urgent.keys());
    if (shared.transport.dropped !== shared.dropped) {
      this.options.onOverflow?.(shared.transport.options.ifname, shared.transport.dropped - shared.dropped);
      shared.dropped = shared.transport.dropped;
      shared.readEvery = Math.max(SHORTEST_WAIT_MS, shared.readEvery / 4);
    } else if (alert && now > since) {
      // Read often enough that a quarter of the receive buffer holds what comes meanwhile.
      const perMs = count / (now - since);
      const room = (0.25 * LAZY_RECEIVE_BUFFER) / QUEUED_ADVERT_COST;
      shared.readEvery = Math.max(SHORTEST_WAIT_MS, Math.min(LONGEST_WAIT_MS, perMs > 0 ? room / perMs : LONGEST_WAIT_MS));
    }
  }

  private deliver(shared: Shared, view: AdvertView): void {
    // The VRID is the message's second byte; a message too short to hold one goes to every
    // instance, which counts it as malformed.
    if (view.end - view.start < 2) {
      for (const list of shared.handlers.values()) for (const handler of list) handler(view);
      return;
    }
    const handlers = shared.handlers.get(view.bytes[view.start + 1] as number);
    if (!handlers) {
      shared.foreign += 1;
      return;
    }
    for (const handler of handlers) handler(view);
  }
}

/** Whether an alert filter in force since the last read could have let this advert through (see alertFilter). */
function isUrgent(shared: Shared, view: AdvertView): boolean {
  if (view.end - view.start < 3) return false;
  return view.bytes[view.start + 2] === 0 || shared.alertVrids.has(view.bytes[view.start + 1] as number);
}

/** The same datagram seen on two sockets: clones share the kernel's arrival time and bytes. */
function sameArrival(a: AdvertView, b: AdvertView): boolean {
  if (a.arrivedAtMs === undefined || a.arrivedAtMs !== b.arrivedAtMs || a.end - a.start !== b.end - b.start) return false;
  for (let i = 0; i < a.end - a.start; i++) if (a.bytes[a.start + i] !== b.bytes[b.start + i]) return false;
  return true;
}
