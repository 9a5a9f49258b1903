// ipvsadm's command line (ipvsadm 1.31, see `man ipvsadm`), read the way ipvsadm reads
// it: popt-style options (clustered short options, attached or separate values, an
// optional value for -p), the first option names the command, the legal combinations of
// commands and options, and the same messages and exit statuses (2 for a bad option,
// 255 for an unknown one). Used by `vipctl ipvsadm` and by restore for each rule line.
import { promises as dns } from 'node:dns';
import {
  AF_INET,
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
  IP_VS_STATE_BACKUP,
  IP_VS_STATE_MASTER,
  IP_VS_SVC_F_ONEPACKET,
  IP_VS_SVC_F_PERSISTENT,
  IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
} from './constants.js';
import { canonicalAddress, inetAton } from './address.js';
import { SCHED_FLAG_BITS, parseSchedFlags, type Daemon, type Destination, type Service, type Timeouts } from './model.js';
import { portByName } from './names.js';
import type { ListFormat } from './text.js';

export const COMMANDS = [
  'add-service',
  'edit-service',
  'delete-service',
  'flush',
  'list',
  'add-server',
  'delete-server',
  'edit-server',
  'set',
  'start-daemon',
  'stop-daemon',
  'restore',
  'save',
  'zero',
] as const;
export type IpvsadmCommandName = (typeof COMMANDS)[number];

// Option names in ipvsadm's order; the table below has one column per name.
export const OPTIONS = [
  'numeric', 'connection', 'service-address', 'scheduler', 'persistent', 'netmask', 'real-server',
  'forwarding-method', 'weight', 'u-threshold', 'l-threshold', 'mcast-interface', 'timeout', 'daemon',
  'stats', 'rate', 'thresholds', 'persistent-conn', 'nosort', 'syncid', 'exact', 'ops', 'pe',
  'sched-flags', 'mcast-group', 'mcast-port', 'mcast-ttl', 'sync-maxlen', 'tun-info', 'tun-type',
  'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum',
] as const;
export type OptionName = (typeof OPTIONS)[number];

// Legal combinations (ipvsadm's table): '+' required, 'x' illegal, '1' at most one of these, ' ' optional.
const COMBINATIONS: Record<IpvsadmCommandName, string> = {
  'add-service': 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  'edit-service': 'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx',
  'delete-service': 'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  flush: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  list: ' 11xxxxxxxxx11       xxxxxxx xxxxx',
  'add-server': 'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  'delete-server': 'xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'edit-server': 'xx+xxx+    xxxxxxxxxxxxxxxxxx     ',
  set: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'start-daemon': 'xxxxxxxxxxx xxxxxxx xxxx    xxxxxx',
  'stop-daemon': 'xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx',
  restore: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  save: ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  zero: 'xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
};

// Tunnel types against tun-port, tun-nocsum, tun-csum, tun-remcsum.
const TUNNEL_OPTIONS: OptionName[] = ['tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum'];
const TUNNEL_COMBINATIONS: Record<number, string> = {
  [IP_VS_CONN_F_TUNNEL_TYPE_IPIP]: 'xxxx',
  [IP_VS_CONN_F_TUNNEL_TYPE_GUE]: '+111',
  [IP_VS_CONN_F_TUNNEL_TYPE_GRE]: 'x11x',
};
const TUNNEL_NAMES: Record<number, string> = { 0: 'ipip', 1: 'gue', 2: 'gre' };

const MAX_TIMEOUT = 86400 * 31;
const DEFAULT_PERSISTENT_TIMEOUT = 360;
export const DEFAULT_SCHEDULER = 'wlc';
const DEFAULT_MCAST_INTERFACE = 'eth0';

/** A command line ipvsadm would refuse: its message and its exit status. */
export class IpvsadmUsageError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'IpvsadmUsageError';
  }
}

export interface IpvsadmCommand {
  command: IpvsadmCommandName | 'help' | 'version';
  options: Set<OptionName>;
  service: Service;
  destination: Destination;
  timeouts: Timeouts;
  daemon: Daemon;
  format: ListFormat;
}

interface OptionSpec {
  long: string;
  short?: string;
  /** 'none', 'required' or 'optional' value. */
  value: 'none' | 'required' | 'optional';
  tag: string;
}

const SPECS: OptionSpec[] = [
  { long: 'add-service', short: 'A', value: 'none', tag: 'A' },
  { long: 'edit-service', short: 'E', value: 'none', tag: 'E' },
  { long: 'delete-service', short: 'D', value: 'none', tag: 'D' },
  { long: 'clear', short: 'C', value: 'none', tag: 'C' },
  { long: 'list', short: 'L', value: 'none', tag: 'L' },
  { long: 'list', short: 'l', value: 'none', tag: 'L' },
  { long: 'zero', short: 'Z', value: 'none', tag: 'Z' },
  { long: 'add-server', short: 'a', value: 'none', tag: 'a' },
  { long: 'edit-server', short: 'e', value: 'none', tag: 'e' },
  { long: 'delete-server', short: 'd', value: 'none', tag: 'd' },
  { long: 'set', value: 'none', tag: 'set' },
  { long: 'help', short: 'h', value: 'none', tag: 'h' },
  { long: 'version', short: 'v', value: 'none', tag: 'v' },
  { long: 'restore', short: 'R', value: 'none', tag: 'R' },
  { long: 'save', short: 'S', value: 'none', tag: 'S' },
  { long: 'start-daemon', value: 'required', tag: 'start-daemon' },
  { long: 'stop-daemon', value: 'required', tag: 'stop-daemon' },
  { long: 'tcp-service', short: 't', value: 'required', tag: 't' },
  { long: 'udp-service', short: 'u', value: 'required', tag: 'u' },
  { long: 'sctp-service', value: 'required', tag: 'sctp' },
  { long: 'fwmark-service', short: 'f', value: 'required', tag: 'f' },
  { long: 'scheduler', short: 's', value: 'required', tag: 's' },
  { long: 'persistent', short: 'p', value: 'optional', tag: 'p' },
  { long: 'netmask', short: 'M', value: 'required', tag: 'M' },
  { long: 'real-server', short: 'r', value: 'required', tag: 'r' },
  { long: 'masquerading', short: 'm', value: 'none', tag: 'm' },
  { long: 'ipip', short: 'i', value: 'none', tag: 'i' },
  { long: 'gatewaying', short: 'g', value: 'none', tag: 'g' },
  { long: 'weight', short: 'w', value: 'required', tag: 'w' },
  { long: 'u-threshold', short: 'x', value: 'required', tag: 'x' },
  { long: 'l-threshold', short: 'y', value: 'required', tag: 'y' },
  { long: 'numeric', short: 'n', value: 'none', tag: 'n' },
  { long: 'connection', short: 'c', value: 'none', tag: 'c' },
  { long: 'mcast-interface', value: 'required', tag: 'mcast-interface' },
  { long: 'syncid', value: 'required', tag: 'syncid' },
  { long: 'timeout', value: 'none', tag: 'timeout' },
  { long: 'daemon', value: 'none', tag: 'daemon' },
  { long: 'stats', value: 'none', tag: 'stats' },
  { long: 'rate', value: 'none', tag: 'rate' },
  { long: 'thresholds', value: 'none', tag: 'thresholds' },
  { long: 'persistent-conn', value: 'none', tag: 'persistent-conn' },
  { long: 'nosort', value: 'none', tag: 'nosort' },
  { long: 'sort', value: 'none', tag: 'sort' },
  { long: 'exact', short: 'X', value: 'none', tag: 'X' },
  { long: 'ipv6', short: '6', value: 'none', tag: '6' },
  { long: 'ops', short: 'o', value: 'none', tag: 'o' },
  { long: 'pe', value: 'required', tag: 'pe' },
  { long: 'sched-flags', short: 'b', value: 'required', tag: 'b' },
  { long: 'mcast-group', value: 'required', tag: 'mcast-group' },
  { long: 'mcast-port', value: 'required', tag: 'mcast-port' },
  { long: 'mcast-ttl', value: 'required', tag: 'mcast-ttl' },
  { long: 'sync-maxlen', value: 'required', tag: 'sync-maxlen' },
  { long: 'tun-info', value: 'none', tag: 'tun-info' },
  { long: 'tun-type', value: 'required', tag: 'tun-type' },
  { long: 'tun-port', value: 'required', tag: 'tun-port' },
  { long: 'tun-nocsum', value: 'none', tag: 'tun-nocsum' },
  { long: 'tun-csum', value: 'none', tag: 'tun-csum' },
  { long: 'tun-remcsum', value: 'none', tag: 'tun-remcsum' },
];

const BY_LONG = new Map(SPECS.map((spec) => [spec.long, spec]));
const BY_SHORT = new Map(SPECS.filter((spec) => spec.short).map((spec) => [spec.short as string, spec]));

interface Token {
  spec: OptionSpec;
  value?: string;
}

/** Splits argv into options (with values) and plain arguments, as popt does; throws on unknown options. */
export function tokenize(argv: string[], program = 'ipvsadm'): { tokens: Token[]; args: string[] } {
  const tokens: Token[] = [];
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = BY_LONG.get(name);
      if (!spec) throw unknownOption(tokens, arg.slice(0, eq >= 0 ? eq : undefined), program, 'unknown option');
      if (spec.value === 'none') {
        tokens.push({ spec });
      } else if (eq >= 0) {
        tokens.push({ spec, value: arg.slice(eq + 1) });
      } else if (spec.value === 'optional') {
        const next = argv[i + 1];
        if (next !== undefined && !next.startsWith('-')) {
          tokens.push({ spec, value: next });
          i++;
        } else tokens.push({ spec });
      } else {
        const next = argv[i + 1];
        if (next === undefined) throw unknownOption(tokens, arg, program, 'missing argument');
        tokens.push({ spec, value: next });
        i++;
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        const spec = BY_SHORT.get(letter);
        if (!spec) throw unknownOption(tokens, `-${letter}`, program, 'unknown option');
        if (spec.value === 'none') {
          tokens.push({ spec });
          continue;
        }
        const rest = arg.slice(j + 1);
        if (rest) {
          tokens.push({ spec, value: rest.startsWith('=') ? rest.slice(1) : rest });
        } else if (spec.value === 'optional') {
          const next = argv[i + 1];
          if (next !== undefined && !next.startsWith('-')) {
            tokens.push({ spec, value: next });
            i++;
          } else tokens.push({ spec });
        } else {
          const next = argv[i + 1];
          if (next === undefined) throw unknownOption(tokens, `-${letter}`, program, 'missing argument');
          tokens.push({ spec, value: next });
          i++;
        }
        break;
      }
      continue;
    }
    args.push(arg);
  }
  return { tokens, args };
}

// Before a command is known, ipvsadm answers any problem with its "try -h" line (status 255);
// after, popt's own message. Both exit 255.
function unknownOption(tokens: Token[], option: string, program: string, what: string): IpvsadmUsageError {
  if (tokens.length === 0) return new IpvsadmUsageError(`Try \`${program} -h' or '${program} --help' for more information.`, 255);
  return new IpvsadmUsageError(`${option}: ${what}`, 255);
}

function fail(message: string): IpvsadmUsageError {
  return new IpvsadmUsageError(message, 2);
}

/** strtol base 10 over the whole text, within [min, max]; undefined otherwise. */
export function stringToNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\s*[+-]?\d+$/.test(text)) return undefined;
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < min || value > max) return undefined;
  return value;
}

export type HostResolver = (name: string) => Promise<string | undefined>;

/** gethostbyname: IPv4 only. */
export const resolveHostV4: HostResolver = async (name) => {
  try {
    const { address } = await dns.lookup(name, { family: 4 });
    return address;
  } catch {
    return undefined;
  }
};

interface ParsedAddress {
  af: number;
  address: string;
  port?: number;
}

/** ipvsadm's parse_service: [v6]:port, a bare IPv6 address, or host[:port] with IPv4 / a name. */
export async function parseHostPort(text: string, protocol: number, resolve: HostResolver): Promise<ParsedAddress | undefined> {
  if (text === '' || /^\d+$/.test(text)) return undefined;
  let host = text;
  let portText: string | undefined;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    if (close < 0 || host[close + 1] !== ':') return undefined;
    portText = host.slice(close + 2);
    host = host.slice(1, close);
  }
  const v6 = canonicalAddress(host);
  let parsed: ParsedAddress;
  if (v6 && v6.af === AF_INET6) {
    parsed = { af: AF_INET6, address: v6.address };
  } else {
    if (portText === undefined) {
      const colon = host.lastIndexOf(':');
      if (colon >= 0) {
        portText = host.slice(colon + 1);
        host = host.slice(0, colon);
      }
    }
    const v4 = inetAton(host) ?? (await resolve(host));
    if (!v4) return undefined;
    parsed = { af: AF_INET, address: v4 };
  }
  if (portText !== undefined) {
    const port = stringToNumber(portText, 0, 65535) ?? portByName(portText, protocol);
    if (port === undefined) return undefined;
    parsed.port = port;
  }
  return parsed;
}

export function emptyService(): Service {
  return { af: AF_INET, protocol: 0, address: '', port: 0, fwmark: 0, scheduler: '', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' };
}

export function defaultDestination(): Destination {
  return {
    af: AF_INET,
    address: '',
    port: 0,
    forward: IP_VS_CONN_F_DROUTE,
    weight: 1,
    upperThreshold: 0,
    lowerThreshold: 0,
    activeConns: 0,
    inactiveConns: 0,
    persistConns: 0,
    tunnelType: IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
    tunnelPort: 0,
    tunnelFlags: 0,
  };
}

const COMMAND_TAGS: Record<string, IpvsadmCommandName | 'help' | 'version'> = {
  A: 'add-service',
  E: 'edit-service',
  D: 'delete-service',
  C: 'flush',
  L: 'list',
  Z: 'zero',
  a: 'add-server',
  e: 'edit-server',
  d: 'delete-server',
  set: 'set',
  R: 'restore',
  S: 'save',
  'start-daemon': 'start-daemon',
  'stop-daemon': 'stop-daemon',
  h: 'help',
  v: 'version',
};

/** Parses one ipvsadm command line (without the program name) and checks it as ipvsadm does. */
export async function parseIpvsadm(argv: string[], resolve: HostResolver = resolveHostV4, program = 'ipvsadm'): Promise<IpvsadmCommand> {
  const { tokens, args } = tokenize(argv, program);
  const first = tokens[0];
  const command = first ? COMMAND_TAGS[first.spec.tag] : undefined;
  if (!first || !command) throw new IpvsadmUsageError(`Try \`${program} -h' or '${program} --help' for more information.`, 255);
  const result: IpvsadmCommand = {
    command,
    options: new Set(),
    service: emptyService(),
    destination: defaultDestination(),
    timeouts: { tcp: 0, tcpFin: 0, udp: 0 },
    daemon: { state: 0, interface: '', syncId: 0, syncMaxLen: 0, group: '', port: 0, ttl: 0 },
    format: {},
  };
  if (command === 'help' || command === 'version') return result;
  if (command === 'start-daemon' || command === 'stop-daemon') {
    if (first.value === 'master') result.daemon.state = IP_VS_STATE_MASTER;
    else if (first.value === 'backup') result.daemon.state = IP_VS_STATE_BACKUP;
    else throw fail(command === 'start-daemon' ? 'illegal start-daemon parameter specified' : 'illegal start_daemon specified');
  }
  const svc = result.service;
  const dest = result.destination;
  const set = (option: OptionName): void => {
    if (result.options.has(option)) throw fail(`multiple '${option}' options specified`);
    result.options.add(option);
  };
  let schedFlagsText = '';
  for (const token of tokens.slice(1)) {
    const spec = token.spec;
    const value = token.value ?? '';
    switch (spec.tag) {
      case 't':
      case 'u':
      case 'sctp': {
        set('service-address');
        svc.protocol = spec.tag === 't' ? IPPROTO_TCP : spec.tag === 'u' ? IPPROTO_UDP : IPPROTO_SCTP;
        const parsed = await parseHostPort(value, svc.protocol, resolve);
        if (!parsed) throw fail('illegal virtual server address[:port] specified');
        svc.af = parsed.af;
        svc.address = parsed.address;
        svc.port = parsed.port ?? 0;
        if (parsed.af === AF_INET6) svc.netmask = 128;
        break;
      }
      case 'f': {
        set('service-address');
        svc.af = AF_INET;
        svc.protocol = IPPROTO_TCP;
        const mark = /^[+-]?\d+$/.test(value) ? Number(value) : NaN;
        if (!(mark > 0 && mark <= 0xffffffff)) throw fail(`invalid fwmark value \`${value}' specified`);
        svc.fwmark = mark;
        break;
      }
      case 's':
        set('scheduler');
        svc.scheduler = value.slice(0, 15);
        break;
      case 'p': {
        set('persistent');
        svc.flags |= IP_VS_SVC_F_PERSISTENT;
        if (token.value === undefined) svc.timeout = DEFAULT_PERSISTENT_TIMEOUT;
        else {
          const timeout = stringToNumber(value, 1, MAX_TIMEOUT);
          if (timeout === undefined) throw fail(`invalid timeout value \`${value}' specified`);
          svc.timeout = timeout;
        }
        break;
      }
      case 'M': {
        set('netmask');
        if (svc.af !== AF_INET6) {
          const mask = inetAton(value) ?? (await resolve(value));
          if (!mask) throw fail('illegal virtual server persistent mask specified');
          svc.netmask = mask.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) >>> 0;
        } else {
          const plen = Number.parseInt(value, 10);
          if (!(plen >= 1 && plen <= 128)) throw fail('illegal ipv6 netmask specified');
          svc.netmask = plen;
        }
        break;
      }
      case 'r': {
        set('real-server');
        const parsed = await parseHostPort(value, svc.protocol, resolve);
        if (!parsed) throw fail('illegal real server address[:port] specified');
        dest.af = parsed.af;
        dest.address = parsed.address;
        dest.port = parsed.port ?? svc.port;
        break;
      }
      case 'i':
        set('forwarding-method');
        dest.forward = IP_VS_CONN_F_TUNNEL;
        break;
      case 'g':
        set('forwarding-method');
        dest.forward = IP_VS_CONN_F_DROUTE;
        break;
      case 'm':
        set('forwarding-method');
        dest.forward = IP_VS_CONN_F_MASQ;
        break;
      case 'w': {
        set('weight');
        const weight = stringToNumber(value, 0, 65535);
        if (weight === undefined) throw fail('illegal weight specified');
        dest.weight = weight;
        break;
      }
      case 'x': {
        set('u-threshold');
        const threshold = stringToNumber(value, 0, 2147483647);
        if (threshold === undefined) throw fail('illegal u_threshold specified');
        dest.upperThreshold = threshold;
        break;
      }
      case 'y': {
        set('l-threshold');
        const threshold = stringToNumber(value, 0, 2147483647);
        if (threshold === undefined) throw fail('illegal l_threshold specified');
        dest.lowerThreshold = threshold;
        break;
      }
      case 'c':
        set('connection');
        break;
      case 'n':
        set('numeric');
        result.format.numeric = true;
        break;
      case 'mcast-interface':
        set('mcast-interface');
        result.daemon.interface = value.slice(0, 15);
        break;
      case 'syncid': {
        set('syncid');
        const id = stringToNumber(value, 0, 255);
        if (id === undefined) throw fail('illegal syncid specified');
        result.daemon.syncId = id;
        break;
      }
      case 'timeout':
        set('timeout');
        break;
      case 'daemon':
        set('daemon');
        break;
      case 'stats':
        set('stats');
        result.format.stats = true;
        break;
      case 'rate':
        set('rate');
        result.format.rate = true;
        break;
      case 'thresholds':
        set('thresholds');
        result.format.thresholds = true;
        break;
      case 'persistent-conn':
        set('persistent-conn');
        result.format.persistentConn = true;
        break;
      case 'nosort':
        set('nosort');
        result.format.nosort = true;
        break;
      case 'sort':
        break;
      case 'X':
        set('exact');
        result.format.exact = true;
        break;
      case '6':
        if (!svc.fwmark) throw fail('-6 used before -f\n');
        svc.af = AF_INET6;
        svc.netmask = 128;
        break;
      case 'o':
        set('ops');
        svc.flags |= IP_VS_SVC_F_ONEPACKET;
        break;
      case 'pe':
        set('pe');
        svc.peName = value.slice(0, 16);
        break;
      case 'b':
        set('sched-flags');
        schedFlagsText = value;
        break;
      case 'mcast-group': {
        set('mcast-group');
        const parsed = canonicalAddress(value);
        if (value.includes(':')) {
          if (!parsed || parsed.af !== AF_INET6 || !parsed.address.toLowerCase().startsWith('ff')) throw fail(`invalid IPv6 mcast-group \`${value}'`);
        } else if (!parsed || parsed.af !== AF_INET || !isMulticast4(parsed.address)) {
          throw fail(`invalid IPv4 mcast-group \`${value}'`);
        }
        result.daemon.group = parsed.address;
        break;
      }
      case 'mcast-port': {
        set('mcast-port');
        const port = stringToNumber(value, 1, 65535);
        if (port === undefined) throw fail('illegal mcast-port specified');
        result.daemon.port = port;
        break;
      }
      case 'mcast-ttl': {
        set('mcast-ttl');
        const ttl = stringToNumber(value, 1, 255);
        if (ttl === undefined) throw fail('illegal mcast-ttl specified');
        result.daemon.ttl = ttl;
        break;
      }
      case 'sync-maxlen': {
        set('sync-maxlen');
        const length = stringToNumber(value, 1, 65535 - 20 - 8);
        if (length === undefined) throw fail('illegal sync-maxlen specified');
        result.daemon.syncMaxLen = length;
        break;
      }
      case 'tun-info':
        set('tun-info');
        result.format.tunInfo = true;
        break;
      case 'tun-type': {
        set('tun-type');
        const type = { ipip: IP_VS_CONN_F_TUNNEL_TYPE_IPIP, gue: IP_VS_CONN_F_TUNNEL_TYPE_GUE, gre: IP_VS_CONN_F_TUNNEL_TYPE_GRE }[value];
        if (type === undefined) throw fail('illegal tunnel type specified');
        dest.tunnelType = type;
        break;
      }
      case 'tun-port': {
        set('tun-port');
        const port = stringToNumber(value, 1, 65535);
        if (port === undefined) throw fail('illegal tunnel port specified');
        dest.tunnelPort = port;
        break;
      }
      case 'tun-nocsum':
        set('tun-nocsum');
        break;
      case 'tun-csum':
        set('tun-csum');
        dest.tunnelFlags |= IP_VS_TUNNEL_ENCAP_FLAG_CSUM;
        break;
      case 'tun-remcsum':
        set('tun-remcsum');
        dest.tunnelFlags |= IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM;
        break;
      default:
        // A second command option: popt hands it over as an option ipvsadm does not expect here.
        throw fail(`invalid option \`--${spec.long}'`);
    }
  }
  if (command === 'set') {
    if (args.length < 3) throw fail('--set option requires 3 timeout values');
    const values = args.slice(0, 3).map((text) => {
      const value = stringToNumber(text, 0, MAX_TIMEOUT);
      if (value === undefined) throw fail(`invalid timeout value \`${text}' specified`);
      return value;
    });
    result.timeouts = { tcp: values[0] as number, tcpFin: values[1] as number, udp: values[2] as number };
    args.splice(0, 3);
  }
  if (args.length > 0) throw fail(`unexpected argument ${args[0]}`);
  if (schedFlagsText) {
    svc.flags &= ~SCHED_FLAG_BITS;
    const parsed = parseSchedFlags(svc.scheduler || DEFAULT_SCHEDULER, schedFlagsText);
    if ('error' in parsed) throw fail(`${parsed.incompatible ? 'incompatible' : 'invalid'} scheduler flag \`${parsed.error}'`);
    svc.flags |= parsed.flags;
  }
  checkCombinations(command, result.options);
  if (command === 'add-service' || command === 'edit-service') {
    if (!svc.fwmark && !svc.port && !(svc.flags & IP_VS_SVC_F_PERSISTENT)) throw fail('Zero port specified for non-persistent service');
    if (svc.flags & IP_VS_SVC_F_ONEPACKET && !svc.fwmark && svc.protocol !== IPPROTO_UDP) {
      throw fail('One-Packet Scheduling is only for UDP virtual services');
    }
    if (!svc.scheduler) svc.scheduler = DEFAULT_SCHEDULER;
  }
  if (command === 'start-daemon' && !result.daemon.interface) result.daemon.interface = DEFAULT_MCAST_INTERFACE;
  if (command === 'add-server' || command === 'edit-server') {
    if (!svc.fwmark && (dest.forward === IP_VS_CONN_F_TUNNEL || dest.forward === IP_VS_CONN_F_DROUTE)) dest.port = svc.port;
    if (dest.af !== svc.af && dest.forward !== IP_VS_CONN_F_TUNNEL) throw fail('Different address family is allowed only for tunneling servers');
    const tunnelOptions = (['tun-type', ...TUNNEL_OPTIONS] as OptionName[]).some((o) => result.options.has(o));
    if (tunnelOptions && dest.forward !== IP_VS_CONN_F_TUNNEL) throw fail('Tunnel options conflict with forward method');
    checkTunnel(dest.tunnelType, result.options);
  }
  return result;
}

function isMulticast4(address: string): boolean {
  const first = Number(address.split('.')[0]);
  return first >= 224 && first <= 239;
}

function checkCombinations(command: IpvsadmCommandName, options: Set<OptionName>): void {
  const row = COMBINATIONS[command];
  let exclusive: OptionName | undefined;
  OPTIONS.forEach((option, index) => {
    const rule = row[index];
    if (!options.has(option)) {
      if (rule === '+') throw fail(`You need to supply the '${option}' option for the '${command}' command`);
      return;
    }
    if (rule === 'x') throw fail(`Illegal '${option}' option with the '${command}' command`);
    if (rule === '1') {
      if (exclusive) throw fail(`The option '${option}' conflicts with the '${exclusive}' option in the '${command}' command`);
      exclusive = option;
    }
  });
}

function checkTunnel(type: number, options: Set<OptionName>): void {
  const row = TUNNEL_COMBINATIONS[type] ?? 'xxxx';
  const name = TUNNEL_NAMES[type] ?? String(type);
  let exclusive: OptionName | undefined;
  TUNNEL_OPTIONS.forEach((option, index) => {
    const rule = row[index];
    if (!options.has(option)) {
      if (rule === '+') throw fail(`You need to supply the '${option}' option for the '${name}' tunnel type`);
      return;
    }
    if (rule === 'x') throw fail(`Illegal '${option}' option with the '${name}' tunnel type`);
    if (rule === '1') {
      if (exclusive) throw fail(`The option '${option}' conflicts with the '${exclusive}' option in the '${name}' tunnel type`);
      exclusive = option;
    }
  });
}
