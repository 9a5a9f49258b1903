// Sends takeover announcements on one interface: gratuitous ARP through a packet socket,
// unsolicited neighbour advertisements through a raw ICMPv6 socket with hop limit 255 (as
// RFC 4861 requires receivers to check).
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

  constructor(
    readonly ifindex: number,
    readonly mac: string,
  ) {}

  /** One gratuitous ARP for an IPv4 VIP. */
  arpFor(address: string): void {
    if (!this.arp) {
      this.arp = Socket.open(constant('AF_PACKET'), constant('SOCK_RAW'), 0);
    }
    const to = packetAddress(ETH_P_ARP, this.ifindex, Buffer.from('ffffffffffff', 'hex'));
    this.arp.send(gratuitousArpFrame(this.mac, address), to);
  }

  /** One unsolicited neighbour advertisement for an IPv6 VIP, sent from that address. */
  neighborAdvertFor(address: string): void {
    if (!this.nd) {
      this.nd = Socket.open(constant('AF_INET6'), constant('SOCK_RAW'), IPPROTO_ICMPV6);
      this.nd.setOption(constant('IPPROTO_IPV6'), constant('IPV6_MULTICAST_HOPS'), 255);
      this.nd.setOption(constant('IPPROTO_IPV6'), constant('IPV6_MULTICAST_IF'), this.ifindex);
    }
    const control = encodeControlMessages([
      { level: constant('IPPROTO_IPV6'), type: constant('IPV6_PKTINFO'), data: encodeIn6Pktinfo(this.ifindex, address) },
    ]);
    this.nd.send(unsolicitedNeighborAdvert(this.mac, address), inetAddress(ALL_NODES, 0, this.ifindex), control);
  }

  close(): void {
    this.arp?.close();
    this.nd?.close();
    this.arp = undefined;
    this.nd = undefined;
  }
}

export { macToBytes };
