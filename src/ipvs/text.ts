// ipvsadm-compatible text: `ipvsadm -L` listings (every listing option) and `ipvsadm -S`
// rules, byte for byte as ipvsadm 1.31 prints them for the same kernel state, except
// for the documented fixes: counters are 64-bit everywhere, the sort cannot overflow,
// firewall marks are unsigned, and saved rules keep thresholds.
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IP_VS_CONN_F_TUNNEL } from './constants.js';
import { addressToBytes, maskText } from './address.js';
import {
  FORWARD_NAMES,
  SCHED_FLAG_BITS,
  TUNNEL_TYPE_NAMES,
  isOnePacket,
  isPersistent,
  protocolName,
  schedFlagNames,
  tunnelChecksumName,
  zeroStats,
  type Destination,
  type Service,
  type ServiceEntry,
  type Stats,
} from './model.js';
import type { IpvsInfo } from './info.js';
import { IP_VS_CONN_F_TUNNEL_TYPE_GRE, IP_VS_CONN_F_TUNNEL_TYPE_GUE, IP_VS_CONN_F_TUNNEL_TYPE_IPIP } from './constants.js';
import { ipv4Value } from './bulk-text.js';

export interface ListFormat {
  numeric?: boolean;
  stats?: boolean;
  rate?: boolean;
  thresholds?: boolean;
  persistentConn?: boolean;
  tunInfo?: boolean;
  exact?: boolean;
  /** Keep the kernel's order (ipvsadm --nosort). */
  nosort?: boolean;
}

/** Names for addresses and ports when -n is not given; numeric text when absent. */
export interface NameTable {
  host(af: number, address: string): string | undefined;
  port(port: number, protocol: number): string | undefined;
}

export const NUMERIC_NAMES: NameTable = { host: () => undefined, port: () => undefined };

// ---------------------------------------------------------------------------------------
// Sorting: the order ipvsadm intends (mark, family, protocol, address, port), computed on
// bytes so that it cannot overflow as ipvsadm's subtraction of unsigned values does.

const ZERO_KEY = Buffer.alloc(16);

/** Bytes to sort an address by; IPv4 goes through a number (no parsing allocations on big tables). */
function addressKey(af: number, address: string): Buffer | number {
  if (!address) return af === AF_INET ? 0 : ZERO_KEY;
  if (af === AF_INET) return ipv4Value(address);
  try {
    return addressToBytes(af, address);
  } catch {
    return ZERO_KEY;
  }
}

function compareKeys(a: Buffer | number, b: Buffer | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' || typeof b === 'number') return typeof a === 'number' ? -1 : 1;
  return Buffer.compare(a, b);
}

export function sortEntries(entries: ServiceEntry[]): ServiceEntry[] {
  const keyed = entries.map((entry) => ({ entry, address: addressKey(entry.service.af, entry.service.address) }));
  keyed.sort((a, b) => {
    const x = a.entry.service;
    const y = b.entry.service;
    return (
      x.fwmark - y.fwmark || x.af - y.af || x.protocol - y.protocol || compareKeys(a.address, b.address) || x.port - y.port
    );
  });
  return keyed.map(({ entry }) => {
    const destinations = sortDestinations(entry.destinations);
    return destinations === entry.destinations ? entry : { service: entry.service, destinations };
  });
}

const compareDestinations = (a: Destination, b: Destination): number =>
  a.af - b.af || compareKeys(addressKey(a.af, a.address), addressKey(b.af, b.address)) || a.port - b.port;

/** The destinations in order; the same array when they already are (services mostly have a few). */
export function sortDestinations(destinations: Destination[]): Destination[] {
  if (destinations.length < 2) return destinations;
  let sorted = true;
  for (let i = 1; i < destinations.length && sorted; i++) sorted = compareDestinations(destinations[i - 1] as Destination, destinations[i] as Destination) <= 0;
  if (sorted) return destinations;
  if (destinations.length === 2) return [destinations[1] as Destination, destinations[0] as Destination];
  const keyed = destinations.map((dest) => ({ dest, address: addressKey(dest.af, dest.address) }));
  keyed.sort((a, b) => a.dest.af - b.dest.af || compareKeys(a.address, b.address) || a.dest.port - b.dest.port);
  return keyed.map(({ dest }) => dest);
}

// ---------------------------------------------------------------------------------------
// Small printf equivalents.

// Blank runs by length, made once: listings pad tens of thousands of fields.
const BLANKS = Array.from({ length: 65 }, (_, n) => ' '.repeat(n));
const blanks = (n: number): string => BLANKS[n] ?? ' '.repeat(n);
const padRight = (text: string, width: number): string => (text.length >= width ? text : text + blanks(width - text.length));
const padLeft = (text: string, width: number): string => (text.length >= width ? text : blanks(width - text.length) + text);

/** ipvsadm's print_largenum: 9 columns, scaled K/M/G/T unless exact. */
export function largeNumber(value: bigint, exact = false): string {
  if (exact) {
    const text = value.toString();
    return padLeft(text, text.length <= 8 ? 9 : text.length + 1);
  }
  if (value < 100000000n) return padLeft(value.toString(), 9);
  if (value < 1000000000n) return `${padLeft((value / 1000n).toString(), 8)}K`;
  if (value < 100000000000n) return `${padLeft((value / 1000000n).toString(), 8)}M`;
  if (value < 100000000000000n) return `${padLeft((value / 1000000000n).toString(), 8)}G`;
  return `${padLeft((value / 1000000000000n).toString(), 8)}T`;
}

/** C's %d of a value held as unsigned 32 bits (weights are ints in the kernel). */
const int32 = (value: number): string => String(value | 0);

export function nameOf(names: NameTable, af: number, address: string, port: number, protocol: number, numeric: boolean): string {
  const open = af === AF_INET ? '' : '[';
  const close = af === AF_INET ? '' : ']';
  if (numeric) return `${open}${address}${close}:${port}`;
  const host = names.host(af, address) ?? address;
  const service = names.port(port, protocol) ?? String(port);
  // ipvsadm formats into a 60-byte buffer.
  return `${open}${host}${close}:${service}`.slice(0, 59);
}

// ---------------------------------------------------------------------------------------
// Listing (ipvsadm -L).

export function listTitle(format: ListFormat): string {
  if (format.stats) {
    return `${padRight('Prot LocalAddress:Port', 33)} ${['Conns', 'InPkts', 'OutPkts', 'InBytes', 'OutBytes'].map((h) => padLeft(h, 8)).join(' ')}\n  -> RemoteAddress:Port\n`;
  }
  if (format.rate) {
    return `${padRight('Prot LocalAddress:Port', 33)} ${['CPS', 'InPPS', 'OutPPS', 'InBPS', 'OutBPS'].map((h) => padLeft(h, 8)).join(' ')}\n  -> RemoteAddress:Port\n`;
  }
  if (format.thresholds) {
    return `${padRight('Prot LocalAddress:Port', 33)} ${['Uthreshold', 'Lthreshold', 'ActiveConn', 'InActConn'].map((h) => padRight(h, 10)).join(' ')}\n  -> RemoteAddress:Port\n`;
  }
  if (format.persistentConn) {
    return `${padRight('Prot LocalAddress:Port', 33)} ${padRight('Weight', 9)} ${padRight('PersistConn', 11)} ${padRight('ActiveConn', 10)} ${padRight('InActConn', 10)}\n  -> RemoteAddress:Port\n`;
  }
  if (format.tunInfo) {
    return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n';
  }
  return 'Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n';
}

export function serviceLabel(service: Service, names: NameTable, numeric: boolean): string {
  if (service.fwmark) return `FWM  ${service.fwmark >>> 0}${service.af === AF_INET6 ? ' IPv6' : ''}`;
  const label = `${padRight(protocolName(service.protocol), 4)} ${nameOf(names, service.af, service.address, service.port, service.protocol, numeric)}`;
  return service.af !== AF_INET6 ? label.slice(0, 33) : label;
}

function statsOf(stats: Stats | undefined): Stats {
  return stats ?? zeroStats();
}

function tunnelInfo(dest: Destination): string {
  if (dest.forward !== IP_VS_CONN_F_TUNNEL) return 'n/a';
  switch (dest.tunnelType) {
    case IP_VS_CONN_F_TUNNEL_TYPE_IPIP:
      return 'ipip';
    case IP_VS_CONN_F_TUNNEL_TYPE_GUE:
      return `gue:${dest.tunnelPort}:${checksumShort(dest.tunnelFlags)}`;
    case IP_VS_CONN_F_TUNNEL_TYPE_GRE:
      return `gre:${checksumShort(dest.tunnelFlags)}`;
    default:
      return 'n/a';
  }
}

function checksumShort(flags: number): string {
  return { nocsum: '-c', csum: '+c', remcsum: 'r+c' }[tunnelChecksumName(flags)];
}

/** A service's line in the plain listing (scheduler, flags, persistence), from its label. */
export function plainServiceLine(service: Service, label: string): string {
  let out = `${label} ${service.scheduler}`;
  if (service.flags & SCHED_FLAG_BITS) out += ` (${schedFlagNames(service.scheduler, service.flags).join(',')})`;
  if (isPersistent(service)) {
    out += ` persistent ${service.timeout}`;
    if (service.af === AF_INET && service.netmask >>> 0 !== 0xffffffff) out += ` mask ${maskText(service.netmask)}`;
    if (service.af === AF_INET6 && service.netmask !== 128) out += ` mask ${service.netmask | 0}`;
    if (service.peName) out += ` pe ${service.peName}`;
  }
  if (isOnePacket(service)) out += ' ops';
  return `${out}\n`;
}

/** One service and its destinations as ipvsadm -L prints them. */
export function listServiceText(entry: ServiceEntry, format: ListFormat, names: NameTable = NUMERIC_NAMES, sorted = false): string {
  const { service } = entry;
  const numeric = format.numeric ?? false;
  const exact = format.exact ?? false;
  const label = serviceLabel(service, names, numeric);
  let out = '';
  if (format.stats || format.rate) {
    const s = statsOf(service.stats);
    const values = format.stats ? [s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes] : [s.cps, s.inpps, s.outpps, s.inbps, s.outbps];
    out += `${padRight(label, 33)}${values.map((v) => largeNumber(v, exact)).join('')}\n`;
  } else {
    out += plainServiceLine(service, label);
  }
  const destinations = format.nosort || sorted ? entry.destinations : sortDestinations(entry.destinations);
  for (const dest of destinations) {
    let name = nameOf(names, dest.af, dest.address, dest.port, service.protocol, numeric);
    if (dest.af !== AF_INET6) name = name.slice(0, 28);
    const forward = FORWARD_NAMES[dest.forward] ?? '';
    if (format.stats) {
      const s = statsOf(dest.stats);
      out += `  -> ${padRight(name, 28)}${[s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes].map((v) => largeNumber(v, exact)).join('')}\n`;
    } else if (format.rate) {
      const s = statsOf(dest.stats);
      out += `  -> ${padRight(name, 28)} ${padLeft(s.cps.toString(), 8)} ${padLeft(s.inpps.toString(), 8)} ${padLeft(s.outpps.toString(), 8)}`;
      out += `${largeNumber(s.inbps, exact)}${largeNumber(s.outbps, exact)}\n`;
    } else if (format.thresholds) {
      out += `  -> ${padRight(name, 28)} ${[dest.upperThreshold, dest.lowerThreshold, dest.activeConns, dest.inactiveConns].map((v) => padRight(String(v >>> 0), 10)).join(' ')}\n`;
    } else if (format.persistentConn) {
      out += `  -> ${padRight(name, 28)} ${padRight(String(dest.weight >>> 0), 9)} ${padRight(String(dest.persistConns >>> 0), 11)} ${padRight(String(dest.activeConns >>> 0), 10)} ${padRight(String(dest.inactiveConns >>> 0), 10)}\n`;
    } else if (format.tunInfo) {
      out += `  -> ${padRight(name, 28)} ${padRight(forward, 7)} ${padRight(tunnelInfo(dest), 13)} ${padRight(int32(dest.weight), 6)} ${padRight(String(dest.activeConns >>> 0), 10)} ${padRight(String(dest.inactiveConns >>> 0), 10)}\n`;
    } else {
      out += `  -> ${padRight(name, 28)} ${padRight(forward, 7)} ${padRight(int32(dest.weight), 6)} ${padRight(String(dest.activeConns >>> 0), 10)} ${padRight(String(dest.inactiveConns >>> 0), 10)}\n`;
    }
  }
  return out;
}

/** The whole table as ipvsadm -L prints it (with the version line). */
export function listText(info: IpvsInfo, entries: ServiceEntry[], format: ListFormat, names: NameTable = NUMERIC_NAMES): string {
  const ordered = format.nosort ? entries : sortEntries(entries);
  const parts = [`IP Virtual Server version ${info.version} (size=${info.connectionTableSize})\n`, listTitle(format)];
  for (const entry of ordered) parts.push(listServiceText(entry, format, names, true));
  return parts.join('');
}

// ---------------------------------------------------------------------------------------
// Rules (ipvsadm -S).

/** The option that names a service's protocol in a rule (-t, -u, --sctp-service). */
export function serviceOption(protocol: number): string {
  if (protocol === IPPROTO_TCP) return '-t';
  if (protocol === IPPROTO_UDP) return '-u';
  if (protocol === IPPROTO_SCTP) return '--sctp-service';
  return '--xxx-service';
}

export function serviceRuleKey(service: Service, names: NameTable, numeric: boolean): string {
  if (service.fwmark) return `-f ${service.fwmark >>> 0}${service.af === AF_INET6 ? ' -6' : ''}`;
  return `${serviceOption(service.protocol)} ${nameOf(names, service.af, service.address, service.port, service.protocol, numeric)}`;
}

/** A service's -A rule (with its end of line), from its key (see serviceRuleKey). */
export function saveServiceLine(service: Service, key: string): string {
  let out = `-A ${key} -s ${service.scheduler}`;
  if (isPersistent(service)) {
    out += ` -p ${service.timeout}`;
    if (service.af === AF_INET && service.netmask >>> 0 !== 0xffffffff) out += ` -M ${maskText(service.netmask)}`;
    if (service.af === AF_INET6 && service.netmask !== 128) out += ` -M ${service.netmask | 0}`;
  }
  if (service.peName) out += ` --pe ${service.peName}`;
  if (isOnePacket(service)) out += ' -o';
  if (service.flags & SCHED_FLAG_BITS) out += ` -b ${schedFlagNames(service.scheduler, service.flags).join(',')}`;
  return `${out}\n`;
}

/** A real server's -a rule (with its end of line), under the service's key. */
export function saveRealLine(key: string, dest: Destination, protocol: number, names: NameTable, numeric: boolean): string {
  const name = nameOf(names, dest.af, dest.address, dest.port, protocol, numeric);
  const flag = dest.forward === 0 ? '-m' : dest.forward === IP_VS_CONN_F_TUNNEL ? '-i' : '-g';
  let out = `-a ${key} -r ${name} ${flag} -w ${int32(dest.weight)}`;
  if (dest.forward === IP_VS_CONN_F_TUNNEL) out += tunnelRule(dest);
  // Not in ipvsadm's output: without these, save and restore would lose the thresholds.
  if (dest.upperThreshold) out += ` -x ${dest.upperThreshold >>> 0}`;
  if (dest.lowerThreshold) out += ` -y ${dest.lowerThreshold >>> 0}`;
  return `${out}\n`;
}

export function saveServiceText(entry: ServiceEntry, numeric: boolean, names: NameTable = NUMERIC_NAMES, sorted = false): string {
  const { service } = entry;
  const key = serviceRuleKey(service, names, numeric);
  let out = saveServiceLine(service, key);
  for (const dest of sorted ? entry.destinations : sortDestinations(entry.destinations)) out += saveRealLine(key, dest, service.protocol, names, numeric);
  return out;
}

function tunnelRule(dest: Destination): string {
  const type = TUNNEL_TYPE_NAMES[dest.tunnelType];
  if (!type) return '';
  const checksum = `--tun-${tunnelChecksumName(dest.tunnelFlags)}`;
  if (dest.tunnelType === IP_VS_CONN_F_TUNNEL_TYPE_GUE) return ` --tun-type gue --tun-port ${dest.tunnelPort} ${checksum}`;
  if (dest.tunnelType === IP_VS_CONN_F_TUNNEL_TYPE_GRE) return ` --tun-type gre ${checksum}`;
  return ` --tun-type ${type}`;
}

export function saveText(entries: ServiceEntry[], numeric: boolean, names: NameTable = NUMERIC_NAMES): string {
  return sortEntries(entries)
    .map((entry) => saveServiceText(entry, numeric, names, true))
    .join('');
}

// ---------------------------------------------------------------------------------------
// Timeouts and sync daemons (ipvsadm -L --timeout, --daemon).

export function timeoutText(timeouts: { tcp: number; tcpFin: number; udp: number }): string {
  return `Timeout (tcp tcpfin udp): ${timeouts.tcp | 0} ${timeouts.tcpFin | 0} ${timeouts.udp | 0}\n`;
}

export function daemonText(daemons: Array<{ state: number; interface: string; syncId: number; syncMaxLen: number; group: string; port: number; ttl: number }>): string {
  let out = '';
  for (const daemon of daemons.slice(0, 2)) {
    const type = daemon.state & 1 ? 'master' : daemon.state & 2 ? 'backup' : undefined;
    if (!type) continue;
    out += `${type} sync daemon (mcast=${daemon.interface}, syncid=${daemon.syncId | 0}`;
    if (daemon.syncMaxLen) out += `, maxlen=${daemon.syncMaxLen}`;
    if (daemon.group) out += `, group=${daemon.group}`;
    if (daemon.port) out += `, port=${daemon.port}`;
    if (daemon.ttl) out += `, ttl=${daemon.ttl}`;
    out += ')\n';
  }
  return out;
}
