// The IPVS table as the kernel holds it: virtual services, their destinations (real
// servers), counters, the sync daemons and the connection timeouts. Fields keep the
// kernel's own numbers (address family, protocol, flags) so that encode(decode(x)) is
// exact; names for people live in the helpers below and in text.ts.
import {
  AF_INET,
  AF_INET6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_LOCALNODE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_BYPASS,
  IP_VS_CONN_F_TUNNEL_TYPE_GRE,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_SVC_F_SCHED1,
  IP_VS_SVC_F_SCHED2,
  IP_VS_SVC_F_SCHED3,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
} from './constants.js';

/** Counters of a service or destination. The kernel's 64-bit view (STATS64) when it gives one. */
export interface Stats {
  conns: bigint;
  inpkts: bigint;
  outpkts: bigint;
  inbytes: bigint;
  outbytes: bigint;
  cps: bigint;
  inpps: bigint;
  outpps: bigint;
  inbps: bigint;
  outbps: bigint;
}

export const STATS_FIELDS = ['conns', 'inpkts', 'outpkts', 'inbytes', 'outbytes', 'cps', 'inpps', 'outpps', 'inbps', 'outbps'] as const;

/** What names a virtual service: a firewall mark (with a family), or protocol + address + port. */
export interface ServiceKey {
  /** AF_INET (2) or AF_INET6 (10). */
  af: number;
  /** IPPROTO_TCP/UDP/SCTP; 0 for a firewall-mark service. */
  protocol: number;
  /** Address text (IPv4 dotted or IPv6); "" for a firewall-mark service. */
  address: string;
  port: number;
  /** Firewall mark, unsigned 32-bit; 0 when the service is addressed by protocol/address/port. */
  fwmark: number;
}

export interface Service extends ServiceKey {
  scheduler: string;
  /** IP_VS_SVC_F_* bits (persistent, one-packet, scheduler flags 1-3; HASHED is kernel-internal). */
  flags: number;
  /** Persistence timeout in seconds. */
  timeout: number;
  /** IPv4: the mask as an unsigned 32-bit number (0xffffffff = /32). IPv6: the prefix length. */
  netmask: number;
  /** Persistence engine ("sip") or "". */
  peName: string;
  stats?: Stats;
  /** True when the counters came from STATS64 (false: 32-bit STATS only). */
  stats64?: boolean;
}

export interface Destination {
  /** The destination's own family (may differ from the service's under tunnelling). */
  af: number;
  address: string;
  port: number;
  /** Forwarding method: IP_VS_CONN_F_MASQ/LOCALNODE/TUNNEL/DROUTE/BYPASS. */
  forward: number;
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  activeConns: number;
  inactiveConns: number;
  persistConns: number;
  tunnelType: number;
  tunnelPort: number;
  tunnelFlags: number;
  stats?: Stats;
  stats64?: boolean;
}

export interface Timeouts {
  tcp: number;
  tcpFin: number;
  udp: number;
}

export interface Daemon {
  /** IP_VS_STATE_MASTER (1) or IP_VS_STATE_BACKUP (2). */
  state: number;
  interface: string;
  syncId: number;
  /** 0 when the kernel did not say. */
  syncMaxLen: number;
  /** Multicast group text, "" when the kernel did not say. */
  group: string;
  port: number;
  ttl: number;
}

/** A service with its destinations: one entry of a table snapshot. */
export interface ServiceEntry {
  service: Service;
  destinations: Destination[];
}

export function zeroStats(): Stats {
  return { conns: 0n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n };
}

export const PROTOCOL_NAMES: Record<number, string> = { [IPPROTO_TCP]: 'TCP', [IPPROTO_UDP]: 'UDP', [IPPROTO_SCTP]: 'SCTP' };

export function protocolName(protocol: number): string {
  return PROTOCOL_NAMES[protocol] ?? '?';
}

export function familyName(af: number): 'ipv4' | 'ipv6' | 'unknown' {
  return af === AF_INET ? 'ipv4' : af === AF_INET6 ? 'ipv6' : 'unknown';
}

export const FORWARD_NAMES: Record<number, string> = {
  [IP_VS_CONN_F_MASQ]: 'Masq',
  [IP_VS_CONN_F_LOCALNODE]: 'Local',
  [IP_VS_CONN_F_TUNNEL]: 'Tunnel',
  [IP_VS_CONN_F_DROUTE]: 'Route',
  [IP_VS_CONN_F_BYPASS]: 'Bypass',
};

export const TUNNEL_TYPE_NAMES: Record<number, string> = {
  [IP_VS_CONN_F_TUNNEL_TYPE_IPIP]: 'ipip',
  [IP_VS_CONN_F_TUNNEL_TYPE_GUE]: 'gue',
  [IP_VS_CONN_F_TUNNEL_TYPE_GRE]: 'gre',
};

export function tunnelTypeByName(name: string): number | undefined {
  for (const [value, text] of Object.entries(TUNNEL_TYPE_NAMES)) if (text === name) return Number(value);
  return undefined;
}

/** The tunnel checksum mode as ipvsadm's option name (the flags are exclusive in practice). */
export function tunnelChecksumName(flags: number): 'nocsum' | 'csum' | 'remcsum' {
  if (flags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM) return 'remcsum';
  if (flags & IP_VS_TUNNEL_ENCAP_FLAG_CSUM) return 'csum';
  return 'nocsum';
}

export const SCHED_FLAG_BITS = IP_VS_SVC_F_SCHED1 | IP_VS_SVC_F_SCHED2 | IP_VS_SVC_F_SCHED3;

/**
 * Scheduler flag names, as ipvsadm spells them: sh and mh give the first two flags their
 * own names (fallback, port); every other scheduler uses flag-1, flag-2, flag-3.
 */
export function schedFlagNames(scheduler: string, flags: number): string[] {
  const names: string[] = [];
  if (scheduler === 'sh' || scheduler === 'mh') {
    if (flags & IP_VS_SVC_F_SCHED1) names.push(`${scheduler}-fallback`);
    if (flags & IP_VS_SVC_F_SCHED2) names.push(`${scheduler}-port`);
  } else {
    if (flags & IP_VS_SVC_F_SCHED1) names.push('flag-1');
    if (flags & IP_VS_SVC_F_SCHED2) names.push('flag-2');
    if (flags & IP_VS_SVC_F_SCHED3) names.push('flag-3');
  }
  return names;
}

/** Parses a comma-separated flag list for a scheduler; returns the bits or the first bad name. */
export function parseSchedFlags(scheduler: string, text: string): { flags: number } | { error: string; incompatible: boolean } {
  let flags = 0;
  for (const name of text.split(',').filter((part) => part !== '')) {
    switch (name) {
      case 'flag-1':
        flags |= IP_VS_SVC_F_SCHED1;
        break;
      case 'flag-2':
        flags |= IP_VS_SVC_F_SCHED2;
        break;
      case 'flag-3':
        flags |= IP_VS_SVC_F_SCHED3;
        break;
      case 'sh-fallback':
      case 'mh-fallback':
      case 'sh-port':
      case 'mh-port': {
        if (!name.startsWith(`${scheduler}-`)) return { error: name, incompatible: true };
        flags |= name.endsWith('fallback') ? IP_VS_SVC_F_SCHED1 : IP_VS_SVC_F_SCHED2;
        break;
      }
      default:
        return { error: name, incompatible: false };
    }
  }
  return { flags };
}

export function isPersistent(service: Service): boolean {
  return (service.flags & IP_VS_SVC_F_PERSISTENT) !== 0;
}

export function isOnePacket(service: Service): boolean {
  return (service.flags & IP_VS_SVC_F_ONEPACKET) !== 0;
}

/** The default persistent granularity: /32 for IPv4, /128 for IPv6. */
export function defaultNetmask(af: number): number {
  return af === AF_INET6 ? 128 : 0xffffffff;
}

/** Two keys name the same service. */
export function sameService(a: ServiceKey, b: ServiceKey): boolean {
  if (a.fwmark || b.fwmark) return a.fwmark === b.fwmark && a.af === b.af;
  return a.af === b.af && a.protocol === b.protocol && a.address === b.address && a.port === b.port;
}

export function serviceKeyOf(service: ServiceKey): ServiceKey {
  return { af: service.af, protocol: service.protocol, address: service.address, port: service.port, fwmark: service.fwmark };
}

/** A string that identifies a service (for maps). */
export function serviceId(key: ServiceKey): string {
  return key.fwmark ? `fwm/${key.af}/${key.fwmark}` : `${key.protocol}/${key.af}/${key.address}/${key.port}`;
}

export function destinationId(dest: Pick<Destination, 'af' | 'address' | 'port'>): string {
  return `${dest.af}/${dest.address}/${dest.port}`;
}
