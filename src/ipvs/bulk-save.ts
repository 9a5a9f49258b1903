// lb save -n of big tables, straight from the dumps to the bytes of the rules: services
// and real servers come as columns of numbers (service-columns.ts, codec.ts RealColumns)
// and the rules of plain IPv4 services and real servers are written into the output
// buffer without an object or a string (see bulk-text.ts for why that matters). Services with other real servers (IPv6, tunnels) get their rules
// from the general functions of text.ts, and tables that are not IPv4 throughout are
// ordered by sortEntries: the output is the bytes saveText gives (the unit tests hold
// the two together).
import type { RealColumns } from './codec.js';
import { AF_INET, IP_VS_CONN_F_TUNNEL } from './constants.js';
import { sortByAddressAndPort, sortedOrder, type Output } from './bulk-text.js';
import type { Destination } from './model.js';
import type { ServiceColumns } from './service-columns.js';
import { NUMERIC_NAMES, saveRealLine, saveServiceLine, serviceOption, serviceRuleKey, sortDestinations, sortEntries } from './text.js';

const BLANK = 32;
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
function serviceOrder(services: ServiceColumns): number[] {
  const keys = services.orderKeys();
  if (keys) return sortedOrder(keys);
  const all = services.services();
  const position = new Map(all.map((service, i) => [service, i]));
  return sortEntries(all.map((service) => ({ service, destinations: [] }))).map((entry) => position.get(entry.service) as number);
}

/** The rule key of service i when it is plain (ServiceColumns.isPlain): "-f mark" or "-t a.b.c.d:port". */
function writeKey(out: Output, services: ServiceColumns, i: number): void {
  if (services.kind[i] === 1) {
    out.text('-f ');
    out.digits(services.fwmark[i] as number);
    return;
  }
  out.text(serviceOption(services.protocol[i] as number));
  out.byte(BLANK);
  out.ipv4(services.address[i] as number);
  out.byte(COLON);
  out.digits(services.port[i] as number);
}

/** "-a KEY -r a.b.c.d:port -m|-g -w weight[ -x n][ -y n]" of an IPv4 real server that is not a tunnel; KEY as a string, or written from the columns when undefined. */
function writeReal(out: Output, key: string | undefined, services: ServiceColumns, index: number, columns: RealColumns, r: number): void {
  out.text('-a ');
  if (key === undefined) writeKey(out, services, index);
  else out.text(key);
  out.text(' -r ');
  out.ipv4(columns.address[r] as number);
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

/** Writes the numeric rules of the table into `out` (services in the kernel's order, their real servers as columns). */
export function renderSavedRules(services: ServiceColumns, columns: RealColumns, out: Output): void {
  // Each service's real servers, in the order the dumps gave them: byService[starts[i]..starts[i + 1]).
  const starts = new Int32Array(services.length + 1);
  for (let r = 0; r < columns.length; r++) {
    const next = (columns.service[r] as number) + 1;
    starts[next] = (starts[next] as number) + 1;
  }
  for (let i = 0; i < services.length; i++) starts[i + 1] = (starts[i + 1] as number) + (starts[i] as number);
  const byService = new Int32Array(columns.length);
  const filled = starts.slice(0, services.length);
  for (let r = 0; r < columns.length; r++) {
    const service = columns.service[r] as number;
    byService[filled[service] as number] = r;
    filled[service] = (filled[service] as number) + 1;
  }
  // Service rules are under 100 bytes and real server rules about 70.
  out.expect(256 + 100 * services.length + 80 * columns.length);
  const line: number[] = [];
  for (const index of serviceOrder(services)) {
    // Plain services (no options after the scheduler) are written from the columns, the rest by the general functions.
    let key: string | undefined;
    let protocol: number;
    if (services.isPlain(index)) {
      out.text('-A ');
      writeKey(out, services, index);
      out.text(' -s ');
      out.text(services.names[services.scheduler[index] as number] as string);
      out.byte(NEWLINE);
      protocol = services.protocol[index] as number;
    } else {
      const service = services.service(index);
      key = serviceRuleKey(service, NUMERIC_NAMES, true);
      out.text(saveServiceLine(service, key));
      protocol = service.protocol;
    }
    line.length = 0;
    for (let at = starts[index] as number; at < (starts[index + 1] as number); at++) line.push(byService[at] as number);
    let plain = true;
    for (const r of line) if (columns.af[r] !== AF_INET || columns.forward[r] === IP_VS_CONN_F_TUNNEL) plain = false;
    if (plain) {
      sortByAddressAndPort(line, columns);
      for (const r of line) writeReal(out, key, services, index, columns, r);
    } else {
      key ??= serviceRuleKey(services.service(index), NUMERIC_NAMES, true);
      for (const dest of sortDestinations(line.map((r) => realOf(columns, r)))) out.text(saveRealLine(key, dest, protocol, NUMERIC_NAMES, true));
    }
  }
}
