// /proc/net/ip_vs: the kernel's own text listing of every service and real server, read
// in one pass. It lacks thresholds, tunnel details, counters and the family of mark
// services, so it only serves the plain listing (ipvsadm -L without --stats, --rate,
// --thresholds, --persistent-conn, --tun-info); there it replaces one netlink dump per
// service, whose service lookup dominates the time of large tables.
//
// The kernel writes (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_info_seq_show), after three
// header lines, per service:
//   "TCP  0A000001:0050 rr " [ops ] [persistent 300 FFFFFFFF]   (IPv4, hex address and port)
//   "UDP  [2001:0db8:...:0001]:0035 sh ..."                      (IPv6)
//   "FWM  00000001 wlc ..."                                      (firewall mark, in hex)
// and per real server "  -> 0A000101:1F90      Masq    1      0          0".
import { closeSync, openSync, readSync } from 'node:fs';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import { canonicalAddress } from './address.js';
import type { Destination } from './model.js';

export const IPVS_PROC_FILE = '/proc/net/ip_vs';

/** The kernel's names of the forwarding methods; the index is the method's code. */
export const FORWARD_NAMES: readonly string[] = ['Masq', 'Local', 'Tunnel', 'Route', 'Bypass'];
const FORWARD_BY_NAME: Record<string, number> = Object.fromEntries(FORWARD_NAMES.map((name, code) => [name, code]));
export const PROTOCOL_BY_NAME: Record<string, number> = { TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, SCTP: IPPROTO_SCTP };

export interface ProcService {
  /** serviceId-compatible key: "proto/af/address/port", or "fwm/MARK" (the family is not shown). */
  key: string;
  destinations: Destination[];
}

/**
 * A cursor over the file's text; readers return undefined or -1 when the text is not as
 * expected. The quick listing (plain-listing.ts) extends it with readers of its own.
 */
export class ProcReader {
  pos = 0;

  constructor(readonly text: string) {}

  /** The next run of non-blank characters on this line ('' at the end of the line). */
  word(): string {
    const { text } = this;
    while (this.pos < text.length && text.charCodeAt(this.pos) === 32) this.pos++;
    const start = this.pos;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 32 || code === 10) break;
      this.pos++;
    }
    return text.slice(start, this.pos);
  }

  /** Skips to the start of the next line. */
  nextLine(): void {
    const end = this.text.indexOf('\n', this.pos);
    this.pos = end < 0 ? this.text.length : end + 1;
  }

  /** `digits` upper-case hex digits. */
  hex(digits: number): number {
    let value = 0;
    for (let i = 0; i < digits; i++) {
      const code = this.text.charCodeAt(this.pos + i);
      const digit = code >= 48 && code <= 57 ? code - 48 : code >= 65 && code <= 70 ? code - 55 : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    this.pos += digits;
    return value;
  }

  /** "XXXXXXXX:PPPP" or "[v6]:PPPP", then a blank or the end of the line. */
  hostPort(): { af: number; address: string; port: number } | undefined {
    const { text } = this;
    let af: number;
    let address: string;
    if (text.charCodeAt(this.pos) === 91 /* [ */) {
      const close = text.indexOf(']', this.pos);
      const newline = text.indexOf('\n', this.pos);
      if (close < 0 || (newline >= 0 && close > newline)) return undefined;
      const parsed = canonicalAddress(text.slice(this.pos + 1, close));
      if (!parsed || parsed.af !== AF_INET6) return undefined;
      af = AF_INET6;
      address = parsed.address;
      this.pos = close + 1;
    } else {
      const value = this.hex(8);
      if (value < 0) return undefined;
      af = AF_INET;
      address = `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
    }
    if (text.charCodeAt(this.pos) !== 58 /* : */) return undefined;
    this.pos++;
    const port = this.hex(4);
    if (port < 0) return undefined;
    const next = text.charCodeAt(this.pos);
    if (this.pos < text.length && next !== 32 && next !== 10) return undefined;
    return { af, address, port };
  }

  /** A decimal field as the kernel prints an int (%d), as an unsigned 32-bit value; -1 when it is not one. */
  count(): number {
    const { text } = this;
    while (this.pos < text.length && text.charCodeAt(this.pos) === 32) this.pos++;
    const negative = text.charCodeAt(this.pos) === 45;
    if (negative) this.pos++;
    let value = 0;
    let digits = 0;
    for (; this.pos < text.length; this.pos++) {
      const code = text.charCodeAt(this.pos);
      if (code < 48 || code > 57) break;
      value = value * 10 + (code - 48);
      digits++;
    }
    const next = text.charCodeAt(this.pos);
    if (digits === 0 || digits > 10 || (this.pos < text.length && next !== 32 && next !== 10)) return -1;
    return (negative ? -value : value) >>> 0;
  }
}

/** Parses the file; undefined when a line is not understood (the caller then uses netlink). */
export function parseProcServices(text: string): ProcService[] | undefined {
  const services: ProcService[] = [];
  let current: ProcService | undefined;
  const reader = new ProcReader(text);
  for (let header = 0; header < 3; header++) reader.nextLine();
  while (reader.pos < text.length) {
    if (text.charCodeAt(reader.pos) === 10) {
      reader.pos++;
      continue;
    }
    if (text.startsWith('  -> ', reader.pos)) {
      reader.pos += 5;
      const where = reader.hostPort();
      const forward = where ? FORWARD_BY_NAME[reader.word()] : undefined;
      if (!current || !where || forward === undefined) return undefined;
      const weight = reader.count();
      const activeConns = reader.count();
      const inactiveConns = reader.count();
      if (weight < 0 || activeConns < 0 || inactiveConns < 0) return undefined;
      current.destinations.push({
        af: where.af,
        address: where.address,
        port: where.port,
        forward,
        weight,
        upperThreshold: 0,
        lowerThreshold: 0,
        activeConns,
        inactiveConns,
        persistConns: 0,
        tunnelType: 0,
        tunnelPort: 0,
        tunnelFlags: 0,
      });
      reader.nextLine();
      continue;
    }
    const kind = reader.word();
    if (kind === 'FWM') {
      const mark = reader.word();
      if (!/^[0-9A-F]{1,8}$/.test(mark)) return undefined;
      current = { key: `fwm/${parseInt(mark, 16) >>> 0}`, destinations: [] };
    } else {
      const protocol = PROTOCOL_BY_NAME[kind];
      if (protocol === undefined) return undefined;
      while (text.charCodeAt(reader.pos) === 32) reader.pos++;
      const where = reader.hostPort();
      if (!where) return undefined;
      current = { key: `${protocol}/${where.af}/${where.address}/${where.port}`, destinations: [] };
    }
    services.push(current);
    reader.nextLine();
  }
  return services;
}

/**
 * The file's bytes (read synchronously: it is one pass over kernel memory); undefined when
 * it cannot be read. The kernel hands out a page per read() whatever the buffer, so the
 * reads go one after another into one big buffer: readFileSync would take a fresh 64 KiB
 * buffer per page and join them, several times the file's size in fresh memory (every
 * fresh page costs a trip through the host inside user-mode Linux).
 */
export function readProcBytes(path = IPVS_PROC_FILE): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    // Not zero-filled: only the pages the reads fill are touched.
    let buffer = Buffer.allocUnsafe(PROC_BUFFER_BYTES);
    let length = 0;
    for (;;) {
      if (buffer.length - length < PROC_READ_ROOM) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const count = readSync(fd, buffer, length, buffer.length - length, null);
      if (count === 0) break;
      length += count;
    }
    return buffer.subarray(0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The file's text (see readProcBytes); undefined when it cannot be read. */
export function readProcText(path = IPVS_PROC_FILE): string | undefined {
  return readProcBytes(path)?.toString('latin1');
}

// A table of 10,000 services with two real servers each is about 1.5 MB of text.
const PROC_BUFFER_BYTES = 4 << 20;
const PROC_READ_ROOM = 1 << 16;

/** Reads and parses the file; undefined when it cannot. */
export function readProcServices(path = IPVS_PROC_FILE): ProcService[] | undefined {
  const text = readProcText(path);
  return text === undefined ? undefined : parseProcServices(text);
}
