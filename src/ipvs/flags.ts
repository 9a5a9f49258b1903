// The ipvsadm-style options the `vipctl lb` commands share (oclif flag definitions), and
// turning their values into model objects with one-line, exit-status-carrying errors.
// Lives beside the domain rather than under src/commands/, where every file is a command.
import { Flags } from '@oclif/core';
import { ExitCode, VipctlError } from '../errors.js';
import {
  AF_INET6,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_VS_CONN_F_DROUTE,
  IP_VS_CONN_F_MASQ,
  IP_VS_CONN_F_TUNNEL,
  IP_VS_CONN_F_TUNNEL_TYPE_GRE,
  IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
} from './constants.js';
import { inetAton } from './address.js';
import { parseHostPort, resolveHostV4 } from './ipvsadm-args.js';
import { DEFAULT_SCHEDULER } from './ipvsadm-args.js';
import { SCHED_FLAG_BITS, defaultNetmask, parseSchedFlags, tunnelTypeByName, type Destination, type Service, type ServiceKey } from './model.js';

export const serviceFlags = {
  'tcp-service': Flags.string({ char: 't', summary: 'TCP virtual service ADDR:PORT (IPv6 in brackets).', helpValue: 'ADDR:PORT', helpGroup: 'SERVICE' }),
  'udp-service': Flags.string({ char: 'u', summary: 'UDP virtual service ADDR:PORT.', helpValue: 'ADDR:PORT', helpGroup: 'SERVICE' }),
  'sctp-service': Flags.string({ summary: 'SCTP virtual service ADDR:PORT.', helpValue: 'ADDR:PORT', helpGroup: 'SERVICE' }),
  'fwmark-service': Flags.string({ char: 'f', summary: 'Firewall-mark virtual service (1..4294967295).', helpValue: 'MARK', helpGroup: 'SERVICE' }),
  ipv6: Flags.boolean({ summary: 'The firewall-mark service is IPv6 (-6 works too).', helpGroup: 'SERVICE' }),
};

export const serviceOptionFlags = {
  scheduler: Flags.string({ char: 's', summary: 'Scheduler (rr, wrr, lc, wlc, lblc, lblcr, dh, sh, sed, nq, fo, ovf, mh, twos; default wlc).', helpValue: 'NAME' }),
  persistent: Flags.string({ char: 'p', summary: 'Persistent service, with a timeout in seconds (default 360).', helpValue: '[TIMEOUT]' }),
  netmask: Flags.string({ char: 'M', summary: 'Persistence granularity: an IPv4 mask or an IPv6 prefix length.', helpValue: 'MASK' }),
  'sched-flags': Flags.string({ char: 'b', summary: 'Scheduler flags, comma-separated: sh-fallback, sh-port, mh-fallback, mh-port, flag-1, flag-2, flag-3.', helpValue: 'FLAGS' }),
  pe: Flags.string({ summary: 'Persistence engine (sip).', helpValue: 'ENGINE' }),
  ops: Flags.boolean({ char: 'o', summary: 'One-packet scheduling (UDP services).' }),
};

export const realFlags = {
  'real-server': Flags.string({ char: 'r', summary: 'Real server ADDR[:PORT]; the port defaults to the service\'s.', helpValue: 'ADDR[:PORT]', required: true }),
  gatewaying: Flags.boolean({ char: 'g', summary: 'Direct routing (the default when adding).', exclusive: ['ipip', 'masquerading'] }),
  ipip: Flags.boolean({ char: 'i', summary: 'Tunnelling.', exclusive: ['gatewaying', 'masquerading'] }),
  masquerading: Flags.boolean({ char: 'm', summary: 'Masquerading (NAT).', exclusive: ['gatewaying', 'ipip'] }),
  weight: Flags.integer({ char: 'w', summary: 'Weight, 0..2147483647 (default 1).', min: 0, max: 2147483647 }),
  'u-threshold': Flags.integer({ char: 'x', summary: 'Upper connection threshold (0 = none).', min: 0, max: 2147483647 }),
  'l-threshold': Flags.integer({ char: 'y', summary: 'Lower connection threshold (0 = none).', min: 0, max: 2147483647 }),
  'tun-type': Flags.string({ summary: 'Tunnel type.', options: ['ipip', 'gue', 'gre'] }),
  'tun-port': Flags.integer({ summary: 'Tunnel destination port (gue).', min: 1, max: 65535 }),
  'tun-nocsum': Flags.boolean({ summary: 'Tunnel without checksum.', exclusive: ['tun-csum', 'tun-remcsum'] }),
  'tun-csum': Flags.boolean({ summary: 'Tunnel with checksum.', exclusive: ['tun-nocsum', 'tun-remcsum'] }),
  'tun-remcsum': Flags.boolean({ summary: 'Tunnel with remote checksum.', exclusive: ['tun-nocsum', 'tun-csum'] }),
};

export interface ServiceFlagValues {
  'tcp-service'?: string | undefined;
  'udp-service'?: string | undefined;
  'sctp-service'?: string | undefined;
  'fwmark-service'?: string | undefined;
  ipv6?: boolean | undefined;
}

const usage = (message: string, where?: string): VipctlError =>
  new VipctlError(message, { exitCode: ExitCode.Usage, ...(where ? { where } : {}), hint: 'see --help' });

/** Optional-value options (-p [TIMEOUT]) and clustered short flags (-Ln) in ipvsadm's style, made oclif-readable. */
export function normalizeArgv(argv: string[], booleanShorts: string, optional: Record<string, string> = {}): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-6') {
      out.push('--ipv6');
      continue;
    }
    if (/^-[A-Za-z0-9]{2,}$/.test(arg) && [...arg.slice(1)].every((c) => booleanShorts.includes(c))) {
      for (const c of arg.slice(1)) out.push(`-${c}`);
      continue;
    }
    out.push(arg);
    const fill = optional[arg];
    if (fill !== undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) out.push(fill);
    }
  }
  return out;
}

/** The service named by the flags; exactly one of -t, -u, --sctp-service, -f. */
export async function serviceKeyFromFlags(flags: ServiceFlagValues, required = true): Promise<ServiceKey | undefined> {
  const given = (['tcp-service', 'udp-service', 'sctp-service', 'fwmark-service'] as const).filter((name) => flags[name] !== undefined);
  if (given.length === 0) {
    if (required) throw usage('name the virtual service with -t, -u, --sctp-service or -f');
    return undefined;
  }
  if (given.length > 1) throw usage(`give one virtual service, not ${given.map((g) => `--${g}`).join(' and ')}`);
  const which = given[0] as (typeof given)[number];
  const text = flags[which] as string;
  if (which === 'fwmark-service') {
    const mark = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(mark > 0 && mark <= 0xffffffff)) throw usage(`bad firewall mark "${text}": give a number from 1 to 4294967295`, '--fwmark-service');
    return { af: flags.ipv6 ? AF_INET6 : 2, protocol: 0, address: '', port: 0, fwmark: mark };
  }
  if (flags.ipv6) throw usage('-6 applies to firewall-mark services only (-f)', '-6');
  const protocol = which === 'tcp-service' ? IPPROTO_TCP : which === 'udp-service' ? IPPROTO_UDP : IPPROTO_SCTP;
  const parsed = await parseHostPort(text, protocol, resolveHostV4);
  if (!parsed) throw usage(`bad address or port "${text}": give ADDR:PORT, with IPv6 in brackets ([2001:db8::1]:80)`, `--${which}`);
  return { af: parsed.af, protocol, address: parsed.address, port: parsed.port ?? 0, fwmark: 0 };
}

export interface RealFlagValues {
  'real-server': string;
  gatewaying?: boolean | undefined;
  ipip?: boolean | undefined;
  masquerading?: boolean | undefined;
  weight?: number | undefined;
  'u-threshold'?: number | undefined;
  'l-threshold'?: number | undefined;
  'tun-type'?: string | undefined;
  'tun-port'?: number | undefined;
  'tun-nocsum'?: boolean | undefined;
  'tun-csum'?: boolean | undefined;
  'tun-remcsum'?: boolean | undefined;
}

/** The real server's address and port (the port defaults to the service's). */
export async function realAddressFromFlags(flags: RealFlagValues, service: ServiceKey): Promise<{ af: number; address: string; port: number; portGiven: boolean }> {
  const parsed = await parseHostPort(flags['real-server'], service.protocol, resolveHostV4);
  if (!parsed) throw usage(`bad address or port "${flags['real-server']}": give ADDR or ADDR:PORT, with IPv6 in brackets`, '--real-server');
  return { af: parsed.af, address: parsed.address, port: parsed.port ?? service.port, portGiven: parsed.port !== undefined };
}

/** Applies the given real-server options onto a destination (defaults for add, the current one for edit). */
export function mergeRealFlags(base: Destination, flags: RealFlagValues, service: ServiceKey): Destination {
  const dest = { ...base };
  if (flags.masquerading) dest.forward = IP_VS_CONN_F_MASQ;
  if (flags.ipip) dest.forward = IP_VS_CONN_F_TUNNEL;
  if (flags.gatewaying) dest.forward = IP_VS_CONN_F_DROUTE;
  if (flags.weight !== undefined) dest.weight = flags.weight;
  if (flags['u-threshold'] !== undefined) dest.upperThreshold = flags['u-threshold'];
  if (flags['l-threshold'] !== undefined) dest.lowerThreshold = flags['l-threshold'];
  const tunnelGiven = flags['tun-type'] !== undefined || flags['tun-port'] !== undefined || flags['tun-nocsum'] || flags['tun-csum'] || flags['tun-remcsum'];
  if (tunnelGiven && dest.forward !== IP_VS_CONN_F_TUNNEL) throw usage('tunnel options (--tun-*) need the tunnelling method (-i)');
  if (flags['tun-type'] !== undefined) dest.tunnelType = tunnelTypeByName(flags['tun-type']) ?? IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
  if (flags['tun-port'] !== undefined) dest.tunnelPort = flags['tun-port'];
  if (flags['tun-nocsum']) dest.tunnelFlags = 0;
  if (flags['tun-csum']) dest.tunnelFlags = IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
  if (flags['tun-remcsum']) dest.tunnelFlags = IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
  if (dest.forward === IP_VS_CONN_F_TUNNEL) {
    if (dest.tunnelType === IP_VS_CONN_F_TUNNEL_TYPE_IPIP && (dest.tunnelPort || dest.tunnelFlags)) {
      throw usage('the ipip tunnel type takes no --tun-port or checksum option');
    }
    if (dest.tunnelType === IP_VS_CONN_F_TUNNEL_TYPE_GUE && !dest.tunnelPort) throw usage('the gue tunnel type needs --tun-port');
    if (dest.tunnelType === IP_VS_CONN_F_TUNNEL_TYPE_GRE && (dest.tunnelPort || dest.tunnelFlags & IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM)) {
      throw usage('the gre tunnel type takes no --tun-port or --tun-remcsum');
    }
  }
  if (dest.forward !== IP_VS_CONN_F_TUNNEL) {
    dest.tunnelType = IP_VS_CONN_F_TUNNEL_TYPE_IPIP;
    dest.tunnelPort = 0;
    dest.tunnelFlags = 0;
  }
  // Direct routing and tunnelling cannot change the port: the kernel forwards to the service's.
  if (!service.fwmark && (dest.forward === IP_VS_CONN_F_TUNNEL || dest.forward === IP_VS_CONN_F_DROUTE)) dest.port = service.port;
  if (dest.af !== service.af && dest.forward !== IP_VS_CONN_F_TUNNEL) {
    throw usage(`the real server is ${dest.af === AF_INET6 ? 'IPv6' : 'IPv4'} and the service is not: mixing families needs tunnelling (-i)`);
  }
  return dest;
}

/** ipvsadm -M: an IPv4 mask (dotted or inet_aton forms) or an IPv6 prefix length. */
export function parseNetmask(text: string, af: number): number {
  if (af === AF_INET6) {
    const plen = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(plen >= 1 && plen <= 128)) throw usage(`bad IPv6 netmask "${text}": give a prefix length 1..128`, '--netmask');
    return plen;
  }
  const mask = inetAton(text);
  if (!mask) throw usage(`bad netmask "${text}": give a dotted IPv4 mask such as 255.255.255.0`, '--netmask');
  return mask.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) >>> 0;
}

export interface ServiceOptionValues {
  scheduler?: string | undefined;
  persistent?: string | undefined;
  netmask?: string | undefined;
  'sched-flags'?: string | undefined;
  pe?: string | undefined;
  ops?: boolean | undefined;
}

/** A new service from the key and options (ipvsadm's defaults: wlc, not persistent). */
export function newService(key: ServiceKey): Service {
  return { ...key, scheduler: DEFAULT_SCHEDULER, flags: 0, timeout: 0, netmask: defaultNetmask(key.af), peName: '' };
}

/** Applies the given service options onto a service (new or current), checking them as ipvsadm does. */
export function mergeServiceFlags(base: Service, flags: ServiceOptionValues): Service {
  const service = { ...base };
  if (flags.scheduler !== undefined) {
    if (!/^[a-z0-9_]{1,15}$/.test(flags.scheduler)) throw usage(`bad scheduler name "${flags.scheduler}"`, '--scheduler');
    service.scheduler = flags.scheduler;
  }
  if (flags.persistent !== undefined) {
    const timeout = /^\d+$/.test(flags.persistent) ? Number(flags.persistent) : NaN;
    if (!(timeout >= 1 && timeout <= 86400 * 31)) throw usage(`bad persistence timeout "${flags.persistent}": give 1..2678400 seconds`, '--persistent');
    service.flags |= IP_VS_SVC_F_PERSISTENT;
    service.timeout = timeout;
  }
  if (flags.netmask !== undefined) service.netmask = parseNetmask(flags.netmask, service.af);
  if (flags.pe !== undefined) service.peName = flags.pe;
  if (flags.ops) service.flags |= IP_VS_SVC_F_ONEPACKET;
  if (flags['sched-flags'] !== undefined) {
    const parsed = parseSchedFlags(service.scheduler, flags['sched-flags']);
    if ('error' in parsed) {
      throw usage(
        parsed.incompatible ? `scheduler flag "${parsed.error}" does not fit the ${service.scheduler} scheduler` : `unknown scheduler flag "${parsed.error}"`,
        '--sched-flags',
      );
    }
    service.flags = (service.flags & ~SCHED_FLAG_BITS) | parsed.flags;
  }
  if (!service.fwmark && !service.port && !(service.flags & IP_VS_SVC_F_PERSISTENT)) {
    throw usage('port 0 is only allowed for persistent services (add -p)');
  }
  if (service.flags & IP_VS_SVC_F_ONEPACKET && !service.fwmark && service.protocol !== IPPROTO_UDP) {
    throw usage('one-packet scheduling (-o) is only for UDP services', '--ops');
  }
  return service;
}

/** serviceKeyFromFlags for commands where the service is required. */
export async function requireServiceKey(flags: ServiceFlagValues): Promise<ServiceKey> {
  return (await serviceKeyFromFlags(flags, true)) as ServiceKey;
}
