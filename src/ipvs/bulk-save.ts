// lb save -n of big tables, straight from the dumps to the bytes of the rules: real
// servers come as columns of numbers (codec.ts RealColumns) and each IPv4 real server's
// rule is written into one buffer without an object or a string (see bulk-text.ts for
// why that matters). Services with other real servers (IPv6, tunnels) get their rules
// from the general functions of text.ts, and tables that are not IPv4 throughout are
// ordered by sortEntries: the output is the bytes saveText gives (the unit tests hold
// the two together).
import type { RealColumns } from './codec.js';
import { AF_INET, IP_VS_CONN_F_TUNNEL } from './constants.js';
import { Output, orderKeys, sortByAddressAndPort, sortedOrder } from './bulk-text.js';
import type { Destination, Service } from './model.js';
import { NUMERIC_NAMES, saveRealLine, saveServiceLine, serviceRuleKey, sortDestinations, sortEntries } from './text.js';

const DOT = 46;
const COLON = 58;
const NEWLINE = 10;

/** The real server at `index` as the general decoder gives it (for the general rule writer). */
function realOf(columns: RealColumns, index: number): Destination {
  const address = columns.address[index] as number;
  return {
    af: columns.af[index] as number,
    address: columns.otherAddress.get(index) ?? `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`,
    port: columns.port[index] as number,
    forward: columns.forward[index] as number,
    weight: columns.weight[index] as number,
    upperThreshold: columns.upper[index] as number,
    lowerThreshold: columns.lower[index] as number,
    activeConns: 0,
    inactiveConns: 0,
    persistConns: 0,
    tunnelType: columns.tunnelType[index] as number,
    tunnelPort: columns.tunnelPort[index] as number,
    tunnelFlags: columns.tunnelFlags[index] as number,
  };
}

/** The order of services as saveText's sortEntries gives it. */
function serviceOrder(services: Service[]): number[] {
  const keys = orderKeys(services);
  if (keys) return sortedOrder(keys);
  const position = new Map(services.map((service, i) => [service, i]));
  return sortEntries(services.map((service) => ({ service, destinations: [] }))).map((entry) => position.get(entry.service) as number);
}


/** "-a KEY -r a.b.c.d:port -m|-g -w weight[ -x n][ -y n]" of an IPv4 real server that is not a tunnel. */
function writeReal(out: Output, rulePrefix: string, columns: RealColumns, r: number): void {
  const address = columns.address[r] as number;
  out.text(rulePrefix);
  out.digits(address >>> 24);
  out.byte(DOT);
  out.digits((address >>> 16) & 255);
  out.byte(DOT);
  out.digits((address >>> 8) & 255);
  out.byte(DOT);
  out.digits(address & 255);
  out.byte(COLON);
  out.digits(columns.port[r] as number);
  out.text(columns.forward[r] === 0 ? ' -m -w ' : ' -g -w ');
  out.int((columns.weight[r] as number) | 0);
  const upper = (columns.upper[r] as number) >>> 0;
  const lower = (columns.lower[r] as number) >>> 0;
  if (upper) {
    out.text(' -x ');
    out.digits(upper);
  }
  if (lower) {
    out.text(' -y ');
    out.digits(lower);
  }
  out.byte(NEWLINE);
}

/** The numeric rules of the table (services in the kernel's order, their real servers as columns). */
export function renderSavedRules(services: Service[], columns: RealColumns): Buffer {
  // Each service's real servers, in the order the dumps gave them.
  const reals: number[][] = services.map(() => []);
  for (let r = 0; r < columns.service.length; r++) (reals[columns.service[r] as number] as number[]).push(r);
  // Service rules are under 100 bytes and real server rules about 70 (longer ones make the buffer grow).
  const out = new Output(256 + 100 * services.length + 80 * columns.service.length);
  for (const index of serviceOrder(services)) {
    const service = services[index] as Service;
    const key = serviceRuleKey(service, NUMERIC_NAMES, true);
    out.text(saveServiceLine(service, key));
    const line = reals[index] as number[];
    let plain = true;
    for (const r of line) if (columns.af[r] !== AF_INET || columns.forward[r] === IP_VS_CONN_F_TUNNEL) plain = false;
    if (plain) {
      sortByAddressAndPort(line, columns);
      const rulePrefix = `-a ${key} -r `;
      for (const r of line) writeReal(out, rulePrefix, columns, r);
    } else {
      for (const dest of sortDestinations(line.map((r) => realOf(columns, r)))) out.text(saveRealLine(key, dest, service.protocol, NUMERIC_NAMES, true));
    }
  }
  return out.result();
}
