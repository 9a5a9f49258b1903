// The plain numeric listing (ipvsadm -Ln) of big tables, straight from the services dump
// and the text of /proc/net/ip_vs to the bytes of the listing: real servers are kept as
// numbers in a few arrays and each line is written into one buffer, so a table of tens
// of thousands of real servers makes no object or string per real server. Inside
// user-mode Linux, where every page a process touches for the first time costs a trip
// through the host, the objects and strings of the general way (listText over entries)
// were most of the time of a big listing.
//
// It takes IPv4 tables (services by address or by firewall mark) whose every service the
// file lists once; for anything else (IPv6, a mark used by both families, a service the
// file leaves out, names instead of numbers) it returns undefined and the caller takes
// the general way, which gives the same bytes (the unit tests hold the two together).
import { Output, orderKeys, serviceOrderKey, sortByAddressAndPort, sortedOrder } from './bulk-text.js';
import type { IpvsInfo } from './info.js';
import { FORWARD_NAMES, PROTOCOL_BY_NAME, ProcReader } from './procfs.js';
import type { Service } from './model.js';
import { NUMERIC_NAMES, listTitle, plainServiceLine, serviceLabel } from './text.js';

const BLANK = 32;
const DOT = 46;
const COLON = 58;
const NEWLINE = 10;

/** Real servers as columns, in the order the file gives them. */
interface Reals {
  address: number[];
  port: number[];
  forward: number[];
  weight: number[];
  active: number[];
  inactive: number[];
}

/**
 * The file's cursor (procfs.ts) with the readers of the quick listing (methods, not
 * closures: each is called tens of thousands of times and must get optimised on its own).
 */
class Scanner extends ProcReader {
  skipBlanks(): void {
    while (this.text.charCodeAt(this.pos) === BLANK) this.pos++;
  }

  /** The forwarding method's name as a code, without making a string of it; undefined when it is none. */
  forward(): number | undefined {
    this.skipBlanks();
    const { text } = this;
    for (let code = 0; code < FORWARD_NAMES.length; code++) {
      const name = FORWARD_NAMES[code] as string;
      const after = text.charCodeAt(this.pos + name.length);
      if (text.startsWith(name, this.pos) && (after === BLANK || after === NEWLINE || this.pos + name.length >= text.length)) {
        this.pos += name.length;
        return code;
      }
    }
    return undefined;
  }

  /** %d, as the kernel prints an int; NaN when it is not one. */
  decimal(): number {
    this.skipBlanks();
    const { text } = this;
    const negative = text.charCodeAt(this.pos) === 45;
    if (negative) this.pos++;
    const start = this.pos;
    let value = 0;
    for (; this.pos < text.length; this.pos++) {
      const code = text.charCodeAt(this.pos);
      if (code < 48 || code > 57) break;
      value = value * 10 + (code - 48);
    }
    if (this.pos === start || this.pos - start > 10) return NaN;
    return negative ? -value : value;
  }

  endOfField(): boolean {
    const code = this.text.charCodeAt(this.pos);
    return this.pos >= this.text.length || code === BLANK || code === NEWLINE;
  }

  /** "hex:hex" after "  -> ", then forward, weight and connections; false when the line is not one. */
  real(reals: Reals, keep: boolean): boolean {
    const address = this.hex(8);
    if (address < 0 || this.text.charCodeAt(this.pos) !== COLON) return false;
    this.pos++;
    const port = this.hex(4);
    if (port < 0 || !this.endOfField()) return false;
    const forward = this.forward();
    const weight = this.decimal();
    const active = this.decimal();
    const inactive = this.decimal();
    if (forward === undefined || Number.isNaN(weight) || Number.isNaN(active) || Number.isNaN(inactive) || !this.endOfField()) return false;
    if (keep) {
      reals.address.push(address);
      reals.port.push(port);
      reals.forward.push(forward);
      reals.weight.push(weight | 0);
      reals.active.push(active >>> 0);
      reals.inactive.push(inactive >>> 0);
    }
    return true;
  }

  /** A service line: its index in the dump, -1 when the dump does not have it, undefined when the line is not one. */
  service(byAddress: Map<number, number>, byMark: Map<number, number>): number | undefined {
    const kind = this.word();
    let service: number | undefined;
    if (kind === 'FWM') {
      this.skipBlanks();
      const mark = this.hex(8);
      if (mark < 0 || !this.endOfField()) return undefined;
      service = byMark.get(mark);
    } else {
      const protocol = PROTOCOL_BY_NAME[kind];
      this.skipBlanks();
      // IPv6 ("[...]") is the general way's.
      const address = this.hex(8);
      if (protocol === undefined || address < 0 || this.text.charCodeAt(this.pos) !== COLON) return undefined;
      this.pos++;
      const port = this.hex(4);
      if (port < 0 || !this.endOfField()) return undefined;
      service = byAddress.get(serviceOrderKey(protocol, address, port));
    }
    return service ?? -1;
  }
}

/** Reads the real servers of each service from the file's text; undefined when the file is not as expected. */
function readReals(text: string, byAddress: Map<number, number>, byMark: Map<number, number>, count: number): { reals: Reals; first: Int32Array; total: Int32Array } | undefined {
  const reals: Reals = { address: [], port: [], forward: [], weight: [], active: [], inactive: [] };
  const first = new Int32Array(count).fill(-1);
  const total = new Int32Array(count);
  const scanner = new Scanner(text);
  for (let header = 0; header < 3; header++) scanner.nextLine();
  // -1: reals of a service the dump does not have (added meanwhile): skipped, as the general way does.
  let current = -2;
  while (scanner.pos < text.length) {
    if (text.charCodeAt(scanner.pos) === NEWLINE) {
      scanner.pos++;
      continue;
    }
    if (text.startsWith('  -> ', scanner.pos)) {
      scanner.pos += 5;
      if (current === -2 || !scanner.real(reals, current >= 0)) return undefined;
      if (current >= 0) total[current] = (total[current] as number) + 1;
    } else {
      const service = scanner.service(byAddress, byMark);
      if (service === undefined) return undefined;
      if (service >= 0) {
        // A service listed twice: the file is not what it seems.
        if (first[service] !== -1) return undefined;
        first[service] = reals.address.length;
      }
      current = service;
    }
    scanner.nextLine();
  }
  return { reals, first, total };
}


/** "  -> a.b.c.d:port" padded to 28, forward (7), weight (6), active and inactive connections (10 each). */
function writeReal(out: Output, reals: Reals, r: number): void {
  const address = reals.address[r] as number;
  out.text('  -> ');
  let width = out.digits(address >>> 24);
  out.byte(DOT);
  width += 1 + out.digits((address >>> 16) & 255);
  out.byte(DOT);
  width += 1 + out.digits((address >>> 8) & 255);
  out.byte(DOT);
  width += 1 + out.digits(address & 255);
  out.byte(COLON);
  width += 1 + out.digits(reals.port[r] as number);
  out.padTo(width, 28);
  out.byte(BLANK);
  const forward = FORWARD_NAMES[reals.forward[r] as number] ?? '';
  out.text(forward);
  out.padTo(forward.length, 7);
  out.byte(BLANK);
  out.padTo(out.int(reals.weight[r] as number), 6);
  out.byte(BLANK);
  out.padTo(out.digits(reals.active[r] as number), 10);
  out.byte(BLANK);
  out.padTo(out.digits(reals.inactive[r] as number), 10);
  out.byte(NEWLINE);
}


/**
 * The listing's bytes, or undefined for the general way. `services` in the kernel's order
 * (the dump's), `procText` the file's text, read after the dump.
 */
export function renderPlainListing(info: IpvsInfo, services: Service[], procText: string, nosort = false): Buffer | undefined {
  // IPv4 services (by address or mark), each once: /proc names mark services by mark alone.
  const keys = orderKeys(services);
  if (!keys) return undefined;
  const byAddress = new Map<number, number>();
  const byMark = new Map<number, number>();
  for (let i = 0; i < services.length; i++) {
    const service = services[i] as Service;
    if (service.fwmark) byMark.set(service.fwmark >>> 0, i);
    else byAddress.set(keys[i] as number, i);
  }
  const read = readReals(procText, byAddress, byMark, services.length);
  if (!read) return undefined;
  const { reals, first, total } = read;
  for (let i = 0; i < services.length; i++) if (first[i] === -1) return undefined;

  const order = nosort ? services.map((_, i) => i) : sortedOrder(keys);
  // Service lines are under 100 bytes and real server lines 70 (longer ones make the buffer grow).
  const out = new Output(256 + 100 * services.length + 72 * reals.address.length);
  out.text(`IP Virtual Server version ${info.version} (size=${info.connectionTableSize})\n`);
  out.text(listTitle({}));
  const line: number[] = [];
  for (const index of order) {
    const service = services[index] as Service;
    out.text(plainServiceLine(service, serviceLabel(service, NUMERIC_NAMES, true)));
    const start = first[index] as number;
    const count = total[index] as number;
    line.length = 0;
    for (let r = start; r < start + count; r++) line.push(r);
    if (!nosort) sortByAddressAndPort(line, reals);
    for (const r of line) writeReal(out, reals, r);
  }
  return out.result();
}
