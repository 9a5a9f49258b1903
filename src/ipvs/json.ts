// The stable JSON schema of `vipctl lb list --json` (schema version 1): names instead of
// kernel numbers, counters as numbers (exact up to 2^53), every field always present.
import { AF_INET6 } from './constants.js';
import {
  FORWARD_NAMES,
  STATS_FIELDS,
  TUNNEL_TYPE_NAMES,
  isOnePacket,
  isPersistent,
  schedFlagNames,
  tunnelChecksumName,
  type Destination,
  type Service,
  type ServiceEntry,
  type Stats,
} from './model.js';
import { maskText } from './address.js';

export const LIST_SCHEMA_VERSION = 1;

export type StatsJson = Record<(typeof STATS_FIELDS)[number], number>;

export interface DestinationJson {
  family: 'ipv4' | 'ipv6';
  address: string;
  port: number;
  forward: 'masq' | 'local' | 'tunnel' | 'route' | 'bypass';
  weight: number;
  upperThreshold: number;
  lowerThreshold: number;
  activeConns: number;
  inactiveConns: number;
  persistConns: number;
  tunnel: { type: string; port: number; checksum: 'nocsum' | 'csum' | 'remcsum' } | null;
  stats: StatsJson;
}

export interface ServiceJson {
  protocol: 'tcp' | 'udp' | 'sctp' | null;
  family: 'ipv4' | 'ipv6';
  address: string | null;
  port: number | null;
  fwmark: number | null;
  scheduler: string;
  schedFlags: string[];
  persistent: { timeout: number; netmask: string } | null;
  persistenceEngine: string | null;
  onePacket: boolean;
  stats: StatsJson;
  destinations: DestinationJson[];
}

function statsJson(stats: Stats | undefined): StatsJson {
  const out = {} as StatsJson;
  for (const field of STATS_FIELDS) out[field] = Number(stats?.[field] ?? 0n);
  return out;
}

function family(af: number): 'ipv4' | 'ipv6' {
  return af === AF_INET6 ? 'ipv6' : 'ipv4';
}

export function destinationJson(dest: Destination): DestinationJson {
  const forward = (FORWARD_NAMES[dest.forward] ?? 'Masq').toLowerCase() as DestinationJson['forward'];
  return {
    family: family(dest.af),
    address: dest.address,
    port: dest.port,
    forward,
    weight: dest.weight,
    upperThreshold: dest.upperThreshold,
    lowerThreshold: dest.lowerThreshold,
    activeConns: dest.activeConns,
    inactiveConns: dest.inactiveConns,
    persistConns: dest.persistConns,
    tunnel:
      forward === 'tunnel'
        ? { type: TUNNEL_TYPE_NAMES[dest.tunnelType] ?? String(dest.tunnelType), port: dest.tunnelPort, checksum: tunnelChecksumName(dest.tunnelFlags) }
        : null,
    stats: statsJson(dest.stats),
  };
}

export function serviceJson(service: Service, destinations: Destination[]): ServiceJson {
  const protocol = ({ 6: 'tcp', 17: 'udp', 132: 'sctp' } as const)[service.protocol as 6 | 17 | 132] ?? null;
  return {
    protocol: service.fwmark ? null : protocol,
    family: family(service.af),
    address: service.fwmark ? null : service.address,
    port: service.fwmark ? null : service.port,
    fwmark: service.fwmark ? service.fwmark >>> 0 : null,
    scheduler: service.scheduler,
    schedFlags: schedFlagNames(service.scheduler, service.flags),
    persistent: isPersistent(service)
      ? { timeout: service.timeout, netmask: service.af === AF_INET6 ? String(service.netmask) : maskText(service.netmask) }
      : null,
    persistenceEngine: service.peName || null,
    onePacket: isOnePacket(service),
    stats: statsJson(service.stats),
    destinations: destinations.map(destinationJson),
  };
}

export function tableJson(entries: ServiceEntry[]): { schema: number; services: ServiceJson[] } {
  return { schema: LIST_SCHEMA_VERSION, services: entries.map((e) => serviceJson(e.service, e.destinations)) };
}
