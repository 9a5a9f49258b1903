// Sends takeover announcements on one interface: gratuitous ARP through a packet socket,
// unsolicited neighbour advertisements through a raw ICMPv6 socket with hop limit 255 (as
// RFC 4861 requires receivers to check). Frames and addresses are built once per VIP, and
// prepare() opens the sockets ahead of a takeover, so the first announcement leaves right
// after the VIP is added (keepalived's order, within a fraction of a millisecond).
import { isIPv6 } from 'node:net';
import { Socket } from '../native/socket.js';
import { constant } from '../native/addon.js';
import { inetAddress, packetAddress } from '../native/sockaddr.js';
import { encodeControlMessages, encodeIn6Pktinfo } from '../native/cmsg.js';
import { ETH_P_ARP, gratuitousArpFrame, macToBytes, unsolicitedNeighborAdvert } from './announce.js';

const IPPROTO_ICMPV6 = 58;
const ALL_NODES = 'ff02::1';

export class Announcer {
  private arp: Socket | undefined;
  private nd: Socket | undefined;
  private broadcast: Buffer | undefined;
  private allNodes: Buffer | undefined;
  /** Per VIP: the ARP frame, or the NA body and the control message pinning its source. */
  private readonly frames = new Map<string, { data: Buffer; control: Buffer | null }>();

  constructor(
    readonly ifindex: number,
    readonly mac: string,
  ) {}

  /** Opens what announcing these VIPs needs and builds their frames, ahead of a takeover. */
  prepare(addresses: string[]): void {
    for (const address of addresses) {
      if (isIPv6(address)) this.ndSocket();
      else this.arpSocket();
      this.frame(address);
    }
  }

  /** One gratuitous ARP for an IPv4 VIP. */
  arpFor(address: string): void {
    const socket = this.arpSocket();
    this.broadcast ??= packetAddress(ETH_P_ARP, this.ifindex, Buffer.from('ffffffffffff', 'hex'));
    socket.send(this.frame(address).data, this.broadcast);
  }

  /** One unsolicited neighbour advertisement for an IPv6 VIP, sent from that address. */
  neighborAdvertFor(address: string): void {
    const socket = this.ndSocket();
    this.allNodes ??= inetAddress(ALL_NODES, 0, this.ifindex);
    const { data, control } = this.frame(address);
    socket.send(data, this.allNodes, control);
  }

  close(): void {
    this.arp?.close();
    this.nd?.close();
    this.arp = undefined;
    this.nd = undefined;
  }

  private arpSocket(): Socket {
    this.arp ??= Socket.open(constant('AF_PACKET'), constant('SOCK_RAW'), 0);
    return this.arp;
  }

  private ndSocket(): Socket {
    if (!this.nd) {
      const socket = Socket.open(constant('AF_INET6'), constant('SOCK_RAW'), IPPROTO_ICMPV6);
      try {
        socket.setOption(constant('IPPROTO_IPV6'), constant('IPV6_MULTICAST_HOPS'), 255);
        socket.setOption(constant('IPPROTO_IPV6'), constant('IPV6_MULTICAST_IF'), this.ifindex);
      } catch (error) {
        socket.close();
        throw error;
      }
      this.nd = socket;
    }
    return this.nd;
  }

  private frame(address: string): { data: Buffer; control: Buffer | null } {
    let frame = this.frames.get(address);
    if (!frame) {
      frame = isIPv6(address)
        ? {
            data: unsolicitedNeighborAdvert(this.mac, address),
            control: encodeControlMessages([{ level: constant('IPPROTO_IPV6'), type: constant('IPV6_PKTINFO'), data: encodeIn6Pktinfo(this.ifindex, address) }]),
          }
        : { data: gratuitousArpFrame(this.mac, address), control: null };
      this.frames.set(address, frame);
    }
    return frame;
  }
}

export { macToBytes };
