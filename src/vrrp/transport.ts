// VRRP on the wire for the engine: one raw IP protocol-112 socket per interface and family,
// sending adverts with TTL / hop limit 255 and precedence 0xc0 (as keepalived does), and
// receiving them with what validation needs: the IP source and destination and the TTL or
// hop limit. Multicast (224.0.0.18 / ff02::12) and unicast peers use the same socket.
import { Socket } from '../native/socket.js';
import { constant } from '../native/addon.js';
import { inetAddress, multicastMembership, parseSocketAddress } from '../native/sockaddr.js';
import {
  controlSpace,
  decodeControlMessages,
  decodeIn6Pktinfo,
  decodeInPktinfo,
  decodeInt,
  decodeTimespec,
  encodeControlMessages,
  encodeIn6Pktinfo,
  encodeInPktinfo,
} from '../native/cmsg.js';
import { decodeIpPacket } from './ip-packet.js';
import { IPPROTO_VRRP, VRRP_GROUP_IPV4, VRRP_GROUP_IPV6, VRRP_TTL } from './constants.js';

export interface TransportOptions {
  family: 4 | 6;
  ifname: string;
  ifindex: number;
  /** Source address to send from (unicast_src_ip / mcast_src_ip, or IPv6 link-local). */
  source?: string;
  /** Join the VRRP multicast group (false for unicast-only instances). */
  multicast: boolean;
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

const PRECEDENCE_NETWORK_CONTROL = 0xc0;

function timespecMs(data: Buffer): number | undefined {
  const nanoseconds = decodeTimespec(data);
  return nanoseconds === undefined ? undefined : Number(nanoseconds / 1000n) / 1000;
}

export class VrrpTransport {
  /** Control messages (the pinned source) per source address, built once. */
  private readonly controls = new Map<string, Buffer>();
  /** Socket addresses per destination, built once (a master sends ten adverts a second). */
  private readonly destinations = new Map<string, Buffer>();
  private joined: boolean;

  private constructor(
    private readonly socket: Socket,
    readonly options: TransportOptions,
  ) {
    this.joined = options.multicast;
  }

  static open(options: TransportOptions): VrrpTransport {
    const c = constant;
    const v6 = options.family === 6;
    const socket = Socket.open(c(v6 ? 'AF_INET6' : 'AF_INET'), c('SOCK_RAW'), IPPROTO_VRRP);
    try {
      socket.setOption(c('SOL_SOCKET'), c('SO_BINDTODEVICE'), Buffer.from(`${options.ifname}\0`));
      // Arrival times let the engine count a backup's down timer from when the advert came in,
      // not from when JavaScript got round to it.
      socket.setOption(c('SOL_SOCKET'), c('SO_TIMESTAMPNS'), 1);
      if (v6) {
        const level = c('IPPROTO_IPV6');
        socket.setOption(level, c('IPV6_MULTICAST_HOPS'), VRRP_TTL);
        socket.setOption(level, c('IPV6_UNICAST_HOPS'), VRRP_TTL);
        socket.setOption(level, c('IPV6_TCLASS'), PRECEDENCE_NETWORK_CONTROL);
        socket.setOption(level, c('IPV6_MULTICAST_IF'), options.ifindex);
        socket.setOption(level, c('IPV6_MULTICAST_LOOP'), 0);
        socket.setOption(level, c('IPV6_RECVHOPLIMIT'), 1);
        socket.setOption(level, c('IPV6_RECVPKTINFO'), 1);
        if (options.multicast) socket.setOption(level, c('IPV6_JOIN_GROUP'), multicastMembership(VRRP_GROUP_IPV6, options.ifindex));
      } else {
        const level = c('IPPROTO_IP');
        socket.setOption(level, c('IP_MULTICAST_TTL'), VRRP_TTL);
        socket.setOption(level, c('IP_TTL'), VRRP_TTL);
        socket.setOption(level, c('IP_TOS'), PRECEDENCE_NETWORK_CONTROL);
        socket.setOption(level, c('IP_MULTICAST_IF'), multicastMembership('0.0.0.0', options.ifindex));
        socket.setOption(level, c('IP_MULTICAST_LOOP'), 0);
        socket.setOption(level, c('IP_PKTINFO'), 1);
        if (options.multicast) socket.setOption(level, c('IP_ADD_MEMBERSHIP'), multicastMembership(VRRP_GROUP_IPV4, options.ifindex));
      }
      return new VrrpTransport(socket, options);
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  /** Joins the VRRP multicast group if not yet joined (a shared socket gains a multicast user). */
  joinGroup(): void {
    if (this.joined) return;
    const v6 = this.options.family === 6;
    if (v6) this.socket.setOption(constant('IPPROTO_IPV6'), constant('IPV6_JOIN_GROUP'), multicastMembership(VRRP_GROUP_IPV6, this.options.ifindex));
    else this.socket.setOption(constant('IPPROTO_IP'), constant('IP_ADD_MEMBERSHIP'), multicastMembership(VRRP_GROUP_IPV4, this.options.ifindex));
    this.joined = true;
  }

  /** Sends one VRRP message to the group or a unicast peer, from `source` (default: the configured one). */
  send(message: Buffer, destination?: string, source = this.options.source): void {
    const v6 = this.options.family === 6;
    const to = destination ?? (v6 ? VRRP_GROUP_IPV6 : VRRP_GROUP_IPV4);
    let control: Buffer | null = null;
    if (source) {
      control = this.controls.get(source) ?? null;
      if (!control) {
        control = encodeControlMessages([
          v6
            ? { level: constant('IPPROTO_IPV6'), type: constant('IPV6_PKTINFO'), data: encodeIn6Pktinfo(this.options.ifindex, source) }
            : { level: constant('IPPROTO_IP'), type: constant('IP_PKTINFO'), data: encodeInPktinfo(this.options.ifindex, source) },
        ]);
        this.controls.set(source, control);
      }
    }
    let address = this.destinations.get(to);
    if (!address) {
      address = inetAddress(to, 0, v6 ? this.options.ifindex : 0);
      this.destinations.set(to, address);
    }
    this.socket.send(message, address, control);
  }

  /** Calls onPacket for every datagram that arrives, until close(). */
  listen(onPacket: (packet: ReceivedVrrp) => void): void {
    const v6 = this.options.family === 6;
    const controlLength = controlSpace(20) + controlSpace(16) + controlSpace(4) + 64;
    const maxMessages = 32;
    this.socket.listen((error) => {
      if (error) return;
      for (;;) {
        const batch = this.socket.receiveNow({ bufferLength: 2048, controlLength, maxMessages });
        for (const datagram of batch) {
          const packet = v6 ? this.fromIpv6(datagram.data, datagram.name, datagram.control) : this.fromIpv4(datagram.data, datagram.control);
          if (packet) onPacket(packet);
        }
        // A short batch emptied the queue: no second system call to learn that (the poll
        // fires again when more arrives).
        if (batch.length < maxMessages) break;
      }
    });
  }

  close(): void {
    this.socket.close();
  }

  private fromIpv4(data: Buffer, control: Buffer): ReceivedVrrp | undefined {
    // Raw IPv4 sockets deliver the IP header: the TTL and addresses come from it.
    const ip = decodeIpPacket(data).ip;
    if (!ip || ip.family !== 'ipv4') return undefined;
    const headerLength = ((data[0] ?? 0) & 0x0f) * 4;
    let destination = ip.destination;
    let arrivedAtMs: number | undefined;
    for (const message of decodeControlMessages(control)) {
      if (message.level === constant('IPPROTO_IP') && message.type === constant('IP_PKTINFO')) destination = decodeInPktinfo(message.data)?.destination ?? destination;
      else if (message.level === constant('SOL_SOCKET') && message.type === constant('SO_TIMESTAMPNS')) arrivedAtMs = timespecMs(message.data);
    }
    return {
      message: data.subarray(headerLength, Math.min(data.length, ip.totalLength || data.length)),
      source: ip.source,
      destination,
      ttl: ip.ttl,
      family: 4,
      ...(arrivedAtMs !== undefined ? { arrivedAtMs } : {}),
    };
  }

  private fromIpv6(data: Buffer, name: Buffer, control: Buffer): ReceivedVrrp | undefined {
    const from = parseSocketAddress(name);
    if (from.family !== 'inet6') return undefined;
    let ttl: number | undefined;
    let destination = VRRP_GROUP_IPV6;
    let arrivedAtMs: number | undefined;
    for (const message of decodeControlMessages(control)) {
      if (message.level === constant('SOL_SOCKET')) {
        if (message.type === constant('SO_TIMESTAMPNS')) arrivedAtMs = timespecMs(message.data);
      } else if (message.type === constant('IPV6_HOPLIMIT')) ttl = decodeInt(message.data);
      else if (message.type === constant('IPV6_PKTINFO')) destination = decodeIn6Pktinfo(message.data)?.destination ?? destination;
    }
    return { message: data, source: from.address, destination, ttl, family: 6, ...(arrivedAtMs !== undefined ? { arrivedAtMs } : {}) };
  }
}

/** What an instance holds of a shared socket: its own VRID's adverts, and a way to send. */
export interface TransportAttachment {
  /** Starts delivering the adverts of this VRID (and those nobody's VRID can be read from). */
  listen(onPacket: (packet: ReceivedVrrp) => void): void;
  send(message: Buffer, destination?: string): void;
  /** Adverts of VRIDs no instance on this socket has: counted once per socket, not per instance. */
  foreignVrid(): number;
  close(): void;
}

interface Shared {
  transport: VrrpTransport;
  handlers: Map<number, Set<(packet: ReceivedVrrp) => void>>;
  users: number;
  foreign: number;
}

/**
 * One raw socket per interface and family for all instances, as keepalived has: with one socket
 * per instance every advert on the link was copied to every instance's socket and decoded by
 * each (100 instances, 100 copies). Adverts are handed to the instance of their VRID only.
 */
export class TransportPool {
  private readonly shared = new Map<string, Shared>();

  attach(options: TransportOptions & { vrid: number }): TransportAttachment {
    const key = `${options.family}/${options.ifindex}`;
    let entry = this.shared.get(key);
    if (!entry) {
      const created: Shared = { transport: VrrpTransport.open(options), handlers: new Map(), users: 0, foreign: 0 };
      created.transport.listen((packet) => this.deliver(created, packet));
      this.shared.set(key, created);
      entry = created;
    } else if (options.multicast) {
      entry.transport.joinGroup();
    }
    const shared = entry;
    shared.users += 1;
    let handler: ((packet: ReceivedVrrp) => void) | undefined;
    let closed = false;
    return {
      listen: (onPacket) => {
        handler = onPacket;
        const set = shared.handlers.get(options.vrid) ?? new Set();
        set.add(onPacket);
        shared.handlers.set(options.vrid, set);
      },
      send: (message, destination) => shared.transport.send(message, destination, options.source),
      foreignVrid: () => shared.foreign,
      close: () => {
        if (closed) return;
        closed = true;
        if (handler) shared.handlers.get(options.vrid)?.delete(handler);
        shared.users -= 1;
        if (shared.users === 0) {
          shared.transport.close();
          this.shared.delete(key);
        }
      },
    };
  }

  private deliver(shared: Shared, packet: ReceivedVrrp): void {
    // The VRID is the message's second byte; a message too short to hold one goes to every
    // instance, which counts it as malformed.
    if (packet.message.length < 2) {
      for (const set of shared.handlers.values()) for (const handler of set) handler(packet);
      return;
    }
    const handlers = shared.handlers.get(packet.message[1] as number);
    if (!handlers || handlers.size === 0) {
      shared.foreign += 1;
      return;
    }
    for (const handler of handlers) handler(packet);
  }
}
