// The plain numeric listing (ipvsadm -Ln) of big tables, straight from the services dump
// (as columns, service-columns.ts) and the bytes of /proc/net/ip_vs to the bytes of the
// listing: real servers are kept as numbers in typed arrays and each line is written into
// the output buffer, so a table of tens of thousands of real servers makes no object or
// string per service or real server. Inside user-mode Linux, where every page a process
// touches for the first time costs a trip through the host, the objects and strings of
// the general way (listText over entries) were most of the time of a big listing.
//
// It takes IPv4 tables (services by address or by firewall mark) whose every service the
// file lists once; for anything else (IPv6, a mark used by both families, a service the
// file leaves out, names instead of numbers) it writes nothing and says so, and the caller
// takes the general way, which gives the same bytes (the unit tests hold the two together).
import { serviceOrderKey, sortByAddressAndPort, sortedOrder, type Output } from './bulk-text.js';
import type { IpvsInfo } from './info.js';
import { protocolName } from './model.js';
import { FORWARD_NAMES, PROTOCOL_BY_NAME } from './procfs.js';
import type { ServiceColumns } from './service-columns.js';
import { NUMERIC_NAMES, listTitle, plainServiceLine, serviceLabel } from './text.js';

const BLANK = 32;
const COLON = 58;
const NEWLINE = 10;

/** Real servers as columns, in the order the file gives them. */
interface Reals {
  length: number;
  address: Uint32Array;
  port: Uint16Array;
  forward: Uint8Array;
  weight: Int32Array;
  active: Uint32Array;
  inactive: Uint32Array;
}

function newReals(capacity: number): Reals {
  return {
    length: 0,
    address: new Uint32Array(capacity),
    port: new Uint16Array(capacity),
    forward: new Uint8Array(capacity),
    weight: new Int32Array(capacity),
    active: new Uint32Array(capacity),
    inactive: new Uint32Array(capacity),
  };
}

// The file's words as bytes: its text is read as bytes and never made a string.
const ARROW = Buffer.from('  -> ', 'latin1');
const FORWARD_BYTES = FORWARD_NAMES.map((name) => Buffer.from(name, 'latin1'));
const PROTOCOL_WORDS = Object.entries(PROTOCOL_BY_NAME).map(([name, protocol]) => ({ word: Buffer.from(name, 'latin1'), protocol }));
const FWM = Buffer.from('FWM', 'latin1');
// A real server's line is at least 61 bytes ("  -> %08X:%04X      %-7s %-6d %-10d %-10d\n").
const SHORTEST_REAL_LINE = 61;

/**
 * A cursor over the file's bytes with the readers of the quick listing, which read what
 * procfs.ts's ProcReader reads (methods, not closures: each is called tens of thousands of
 * times and must get optimised on its own).
 */
class Scanner {
  pos = 0;

  constructor(readonly bytes: Buffer) {}

  skipBlanks(): void {
    while (this.bytes[this.pos] === BLANK) this.pos++;
  }

  /** Skips to the start of the next line. */
  nextLine(): void {
    const { bytes } = this;
    let at = this.pos;
    while (at < bytes.length && bytes[at] !== NEWLINE) at++;
    this.pos = at < bytes.length ? at + 1 : bytes.length;
  }

  /** Whether `word` is at the cursor. */
  at(word: Buffer): boolean {
    const { bytes, pos } = this;
    if (pos + word.length > bytes.length) return false;
    for (let i = 0; i < word.length; i++) if (bytes[pos + i] !== word[i]) return false;
    return true;
  }

  endOfField(): boolean {
    const code = this.bytes[this.pos];
    return this.pos >= this.bytes.length || code === BLANK || code === NEWLINE;
  }

  /** `digits` upper-case hex digits; -1 when they are not. */
  hex(digits: number): number {
    const { bytes } = this;
    let value = 0;
    for (let i = 0; i < digits; i++) {
      const code = bytes[this.pos + i] ?? 0;
      const digit = code >= 48 && code <= 57 ? code - 48 : code >= 65 && code <= 70 ? code - 55 : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    this.pos += digits;
    return value;
  }

  /** The forwarding method's name as a code; -1 when it is none. */
  forward(): number {
    this.skipBlanks();
    for (let code = 0; code < FORWARD_BYTES.length; code++) {
      const name = FORWARD_BYTES[code] as Buffer;
      if (!this.at(name)) continue;
      this.pos += name.length;
      if (this.endOfField()) return code;
      this.pos -= name.length;
    }
    return -1;
  }

  /** %d, as the kernel prints an int; NaN when it is not one. */
  decimal(): number {
    this.skipBlanks();
    const { bytes } = this;
    const negative = bytes[this.pos] === 45;
    if (negative) this.pos++;
    const start = this.pos;
    let value = 0;
    for (; this.pos < bytes.length; this.pos++) {
      const code = bytes[this.pos] as number;
      if (code < 48 || code > 57) break;
      value = value * 10 + (code - 48);
    }
    // Digits up to a blank or the end of the line, as the general parser (procfs.ts count) wants them.
    if (this.pos === start || this.pos - start > 10 || !this.endOfField()) return NaN;
    return negative ? -value : value;
  }

  /** "hex:hex" after "  -> ", then forward, weight and connections; false when the line is not one. */
  real(reals: Reals, keep: boolean): boolean {
    const address = this.hex(8);
    if (address < 0 || this.bytes[this.pos] !== COLON) return false;
    this.pos++;
    const port = this.hex(4);
    if (port < 0 || !this.endOfField()) return false;
    const forward = this.forward();
    const weight = this.decimal();
    const active = this.decimal();
    const inactive = this.decimal();
    if (forward < 0 || Number.isNaN(weight) || Number.isNaN(active) || Number.isNaN(inactive) || !this.endOfField()) return false;
    if (keep) {
      const r = reals.length;
      // More real servers than the file's size allows: not the file we know.
      if (r >= reals.address.length) return false;
      reals.address[r] = address;
      reals.port[r] = port;
      reals.forward[r] = forward;
      reals.weight[r] = weight | 0;
      reals.active[r] = active >>> 0;
      reals.inactive[r] = inactive >>> 0;
      reals.length = r + 1;
    }
    return true;
  }

  /** The service of a service line: its index in the dump, -1 when the dump does not have it, undefined when the line is not one. */
  service(byAddress: Map<number, number>, byMark: Map<number, number>): number | undefined {
    this.skipBlanks();
    let service: number | undefined;
    if (this.at(FWM)) {
      this.pos += FWM.length;
      if (!this.endOfField()) return undefined;
      this.skipBlanks();
      const mark = this.hex(8);
      if (mark < 0 || !this.endOfField()) return undefined;
      service = byMark.get(mark);
    } else {
      let protocol = -1;
      for (const { word, protocol: number } of PROTOCOL_WORDS) {
        if (!this.at(word)) continue;
        this.pos += word.length;
        if (this.endOfField()) protocol = number;
        else this.pos -= word.length;
        break;
      }
      if (protocol < 0) return undefined;
      this.skipBlanks();
      // IPv6 ("[...]") is the general way's.
      const address = this.hex(8);
      if (address < 0 || this.bytes[this.pos] !== COLON) return undefined;
      this.pos++;
      const port = this.hex(4);
      if (port < 0 || !this.endOfField()) return undefined;
      service = byAddress.get(serviceOrderKey(protocol, address, port));
    }
    return service ?? -1;
  }
}

/** Reads the real servers of each service from the file's bytes; undefined when the file is not as expected. */
function readReals(bytes: Buffer, byAddress: Map<number, number>, byMark: Map<number, number>, count: number): { reals: Reals; first: Int32Array; total: Int32Array } | undefined {
  const reals = newReals(Math.ceil(bytes.length / SHORTEST_REAL_LINE));
  const first = new Int32Array(count).fill(-1);
  const total = new Int32Array(count);
  const scanner = new Scanner(bytes);
  for (let header = 0; header < 3; header++) scanner.nextLine();
  // -1: reals of a service the dump does not have (added meanwhile): skipped, as the general way does.
  let current = -2;
  while (scanner.pos < bytes.length) {
    if (bytes[scanner.pos] === NEWLINE) {
      scanner.pos++;
      continue;
    }
    if (scanner.at(ARROW)) {
      scanner.pos += ARROW.length;
      if (current === -2 || !scanner.real(reals, current >= 0)) return undefined;
      if (current >= 0) total[current] = (total[current] as number) + 1;
    } else {
      const service = scanner.service(byAddress, byMark);
      if (service === undefined) return undefined;
      if (service >= 0) {
        // A service listed twice: the file is not what it seems.
        if (first[service] !== -1) return undefined;
        first[service] = reals.length;
      }
      current = service;
    }
    scanner.nextLine();
  }
  return { reals, first, total };
}

/** A service's line: written here when it has nothing after its scheduler, else by the general function. */
function writeService(out: Output, services: ServiceColumns, i: number): void {
  if (!services.isPlain(i)) {
    const service = services.service(i);
    out.text(plainServiceLine(service, serviceLabel(service, NUMERIC_NAMES, true)));
    return;
  }
  // "FWM  mark" or "TCP  a.b.c.d:port" (IPv4 labels are shorter than ipvsadm's 33 columns).
  if (services.kind[i] === 1) {
    out.text('FWM  ');
    out.digits(services.fwmark[i] as number);
  } else {
    const name = protocolName(services.protocol[i] as number);
    out.text(name);
    out.padTo(name.length, 4);
    out.byte(BLANK);
    out.ipv4(services.address[i] as number);
    out.byte(COLON);
    out.digits(services.port[i] as number);
  }
  out.byte(BLANK);
  out.text(services.names[services.scheduler[i] as number] as string);
  out.byte(NEWLINE);
}

/** "  -> a.b.c.d:port" padded to 28, forward (7), weight (6), active and inactive connections (10 each). */
function writeReal(out: Output, reals: Reals, r: number): void {
  out.text('  -> ');
  let width = out.ipv4(reals.address[r] as number);
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
 * Writes the listing into `out` and says true, or writes nothing and says false (the
 * general way's turn). `services` in the kernel's order (the dump's), `procBytes` the
 * file's bytes, read after the dump.
 */
export function renderPlainListing(info: IpvsInfo, services: ServiceColumns, procBytes: Buffer, out: Output, nosort = false): boolean {
  // IPv4 services (by address or mark), each once: /proc names mark services by mark alone.
  const keys = services.orderKeys();
  if (!keys) return false;
  const count = services.length;
  const byAddress = new Map<number, number>();
  const byMark = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const mark = services.mark(i);
    if (mark) byMark.set(mark, i);
    else byAddress.set(keys[i] as number, i);
  }
  const read = readReals(procBytes, byAddress, byMark, count);
  if (!read) return false;
  const { reals, first, total } = read;
  for (let i = 0; i < count; i++) if (first[i] === -1) return false;

  const order = nosort ? Array.from({ length: count }, (_, i) => i) : sortedOrder(keys);
  // Service lines are under 100 bytes and real server lines 70.
  out.expect(256 + 100 * count + 72 * reals.length);
  out.text(`IP Virtual Server version ${info.version} (size=${info.connectionTableSize})\n`);
  out.text(listTitle({}));
  const line: number[] = [];
  for (const index of order) {
    writeService(out, services, index);
    const start = first[index] as number;
    const end = start + (total[index] as number);
    line.length = 0;
    for (let r = start; r < end; r++) line.push(r);
    if (!nosort) sortByAddressAndPort(line, reals);
    for (const r of line) writeReal(out, reals, r);
  }
  return true;
}
