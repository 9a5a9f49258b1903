// Live capture on an AF_PACKET socket with the VRRP BPF filter in the kernel. One interface is
// read as whole Ethernet frames (SOCK_RAW, link type 1); `any` is read cooked (SOCK_DGRAM) and
// given a Linux SLL header from the kernel's sockaddr_ll, link type 113, as libpcap does.
// Timestamps come from SO_TIMESTAMPNS; drops from PACKET_STATISTICS.
import { addon, constant } from '../native/addon.js';
import { readU32Host, writeS32Host, writeU16Host } from '../native/bytes.js';
import { controlSpace, decodeControlMessages, decodeTimespec } from '../native/cmsg.js';
import { AF_PACKET, packetAddress, parseSocketAddress } from '../native/sockaddr.js';
import { Socket, type ReceivedMessage } from '../native/socket.js';
import { ExitCode, VipctlError, adviceFor, isSystemError } from '../errors.js';
import { encodeProgram, vrrpFilter, SNAP_LENGTH } from './bpf.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, SLL_HEADER_LENGTH } from './link.js';

const ETH_P_ALL = 0x0003;
const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const PACKET_OUTGOING = 4;

export interface LiveCaptureOptions {
  /** An interface name, or "any" for all of them. */
  interfaceName: string;
  /** Promiscuous mode (the default); false joins all-multicast only, which VRRP's group needs. */
  promiscuous?: boolean;
}

export interface LivePacket {
  seconds: number;
  nanoseconds: number;
  linkType: number;
  data: Buffer;
  originalLength: number;
  interfaceIndex: number;
}

export interface CaptureStatistics {
  /** Packets that passed the filter (including those dropped). */
  received: number;
  /** Packets the kernel dropped because the socket buffer was full. */
  dropped: number;
}

/** Index of an interface, or a VipctlError (exit status 3) that says it does not exist. */
export function interfaceIndex(name: string): number {
  if (name === 'any') return 0;
  const index = addon().ifNameToIndex(name);
  if (index === 0) {
    throw new VipctlError(`no such interface: ${name}`, {
      hint: 'list interfaces with `ip link`; use `-i any` for all of them',
      exitCode: ExitCode.NotFound,
      where: '-i',
    });
  }
  return index;
}

/** struct packet_mreq (linux/if_packet.h): ifindex, type, address length, 8 address bytes. */
export function packetMembership(ifindex: number, type: number): Buffer {
  const request = Buffer.alloc(16);
  writeS32Host(request, ifindex, 0);
  writeU16Host(request, type, 4);
  writeU16Host(request, 0, 6);
  return request;
}

/** A Linux cooked (SLL v1) header for a packet read from a SOCK_DGRAM packet socket. */
export function sllHeader(packetType: number, hatype: number, address: Buffer, protocol: number): Buffer {
  const header = Buffer.alloc(SLL_HEADER_LENGTH);
  header.writeUInt16BE(packetType, 0);
  header.writeUInt16BE(hatype, 2);
  header.writeUInt16BE(Math.min(address.length, 8), 4);
  address.copy(header, 6, 0, 8);
  header.writeUInt16BE(protocol, 14);
  return header;
}

export class LiveCapture {
  readonly linkType: number;
  private readonly socket: Socket;
  private readonly controlLength = controlSpace(16);
  private totals: CaptureStatistics = { received: 0, dropped: 0 };
  private readonly loopback: boolean;

  private constructor(
    readonly interfaceName: string,
    readonly ifindex: number,
    socket: Socket,
    loopback: boolean,
    linkType: number,
  ) {
    this.socket = socket;
    this.linkType = linkType;
    this.loopback = loopback;
  }

  /** Opens the capture. Errors: no such interface (3), not permitted (5). */
  static open(options: LiveCaptureOptions): LiveCapture {
    const ifindex = interfaceIndex(options.interfaceName);
    const cooked = ifindex === 0;
    let socket: Socket;
    try {
      // Protocol 0 receives nothing until bind: the filter is in place before the first packet.
      socket = Socket.open(AF_PACKET, cooked ? constant('SOCK_DGRAM') : constant('SOCK_RAW'), 0);
    } catch (error) {
      throw captureError(error, 'open a packet socket');
    }
    try {
      socket.attachFilter(encodeProgram(vrrpFilter(cooked ? 0 : 14)));
      socket.setOption(constant('SOL_SOCKET'), constant('SO_TIMESTAMPNS'), 1);
      // A deep receive queue rides out bursts while the event loop is busy printing.
      socket.setOption(constant('SOL_SOCKET'), constant('SO_RCVBUF'), 4 << 20);
      socket.bind(packetAddress(ETH_P_ALL, ifindex));
      let loopback = false;
      if (!cooked) {
        const local = parseSocketAddress(socket.localAddress());
        if (local.family === 'packet') {
          loopback = local.hatype === ARPHRD_LOOPBACK;
          if (local.hatype !== ARPHRD_ETHER && !loopback) {
            socket.close();
            return LiveCapture.openCookedOn(options, ifindex);
          }
        }
        const type = options.promiscuous === false ? constant('PACKET_MR_ALLMULTI') : constant('PACKET_MR_PROMISC');
        socket.setOption(constant('SOL_PACKET'), constant('PACKET_ADD_MEMBERSHIP'), packetMembership(ifindex, type));
      }
      return new LiveCapture(options.interfaceName, ifindex, socket, loopback, cooked ? LINKTYPE_LINUX_SLL : LINKTYPE_ETHERNET);
    } catch (error) {
      socket.close();
      throw captureError(error, 'set up the capture');
    }
  }

  /** Interfaces without Ethernet headers (tunnels, ppp) are read cooked, like `any`. */
  private static openCookedOn(options: LiveCaptureOptions, ifindex: number): LiveCapture {
    const socket = Socket.open(AF_PACKET, constant('SOCK_DGRAM'), 0);
    try {
      socket.attachFilter(encodeProgram(vrrpFilter(0)));
      socket.setOption(constant('SOL_SOCKET'), constant('SO_TIMESTAMPNS'), 1);
      socket.bind(packetAddress(ETH_P_ALL, ifindex));
      return new LiveCapture(options.interfaceName, ifindex, socket, false, LINKTYPE_LINUX_SLL);
    } catch (error) {
      socket.close();
      throw captureError(error, 'set up the capture');
    }
  }

  /** Calls onPackets with every batch read, until close(). */
  start(onPackets: (packets: LivePacket[]) => void, onError: (error: Error) => void): void {
    this.socket.listen((error) => {
      if (error) {
        onError(error);
        return;
      }
      try {
        for (;;) {
          const messages = this.socket.receiveNow({ bufferLength: SNAP_LENGTH, controlLength: this.controlLength, maxMessages: 64 });
          if (messages.length === 0) break;
          const packets: LivePacket[] = [];
          for (const message of messages) {
            const packet = this.toPacket(message);
            if (packet) packets.push(packet);
          }
          if (packets.length > 0) onPackets(packets);
        }
      } catch (caught) {
        onError(caught as Error);
      }
    });
  }

  private toPacket(message: ReceivedMessage): LivePacket | undefined {
    const address = parseSocketAddress(message.name);
    const packetType = address.family === 'packet' ? address.packetType : 0;
    // On loopback every packet is seen leaving and arriving; keep one copy, as libpcap does.
    if (this.loopback && packetType === PACKET_OUTGOING) return undefined;
    let seconds = 0;
    let nanoseconds = 0;
    for (const control of decodeControlMessages(message.control)) {
      if (control.level === constant('SOL_SOCKET') && control.type === constant('SO_TIMESTAMPNS')) {
        const stamp = decodeTimespec(control.data);
        if (stamp !== undefined) {
          seconds = Number(stamp / 1_000_000_000n);
          nanoseconds = Number(stamp % 1_000_000_000n);
        }
      }
    }
    if (seconds === 0) {
      const now = Date.now();
      seconds = Math.floor(now / 1000);
      nanoseconds = (now % 1000) * 1_000_000;
    }
    let data = message.data;
    let originalLength = message.length;
    if (this.linkType === LINKTYPE_LINUX_SLL && address.family === 'packet') {
      data = Buffer.concat([sllHeader(address.packetType, address.hatype, address.hardwareAddress, address.protocol), data]);
      originalLength += SLL_HEADER_LENGTH;
    }
    return {
      seconds,
      nanoseconds,
      linkType: this.linkType,
      data,
      originalLength,
      interfaceIndex: address.family === 'packet' ? address.ifindex : this.ifindex,
    };
  }

  /** Kernel counters since open (the kernel resets them on each read, so they are summed here). */
  statistics(): CaptureStatistics {
    try {
      const raw = this.socket.getOption(constant('SOL_PACKET'), constant('PACKET_STATISTICS'), 8);
      if (raw.length >= 8) {
        this.totals.received += readU32Host(raw, 0);
        this.totals.dropped += readU32Host(raw, 4);
      }
    } catch {
      // A closed or odd socket has no statistics; report what was summed so far.
    }
    return { ...this.totals };
  }

  close(): void {
    this.socket.close();
  }
}

function captureError(error: unknown, what: string): Error {
  if (error instanceof VipctlError) return error;
  if (isSystemError(error)) {
    const advice = adviceFor(error);
    if (advice.exitCode === ExitCode.Permission) {
      return new VipctlError(`cannot ${what}: permission denied`, {
        hint: 'live capture needs root or CAP_NET_RAW; or read a file with -r',
        exitCode: ExitCode.Permission,
        cause: error,
      });
    }
    return new VipctlError(`cannot ${what}: ${advice.message}`, { exitCode: advice.exitCode, cause: error });
  }
  return error as Error;
}

/** ifindex -> name for every interface of this namespace (for labelling `-i any` packets). */
export async function interfaceNames(): Promise<Map<number, string>> {
  const { NetlinkConnection } = await import('../netlink/connection.js');
  const { listLinks } = await import('../rtnl/links.js');
  const connection = NetlinkConnection.open(constant('NETLINK_ROUTE'), { timeoutMs: 5000 });
  try {
    const links = await listLinks(connection);
    return new Map(links.map((link) => [link.index, link.name]));
  } finally {
    connection.close();
  }
}
