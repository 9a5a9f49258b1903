// A fast reader for the rule lines that `ipvsadm -S -n` and `vipctl lb save -n` write, which
// is what large restore files hold:
//
//   -A -t|-u|--sctp-service a.b.c.d:port -s sched[ -p timeout[ -M a.b.c.d]]
//   -a -t|-u|--sctp-service a.b.c.d:port -r a.b.c.d:port -g|-m -w weight[ -x n][ -y n]
//
// It reads a line in one pass without building tokens, and gives exactly the change the
// general parser (ipvsadm-args.ts + changeOf) gives for the same line. Anything else (other
// options or order, names, IPv6, tunnels, values the general parser would refuse or word
// differently) returns undefined, and the caller uses the general parser: this reader only
// has to be right about what it accepts, never about what it refuses.
import { AF_INET, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IP_VS_CONN_F_DROUTE, IP_VS_CONN_F_MASQ, IP_VS_CONN_F_TUNNEL_TYPE_IPIP, IP_VS_SVC_F_PERSISTENT } from './constants.js';
import type { Change } from './client.js';

const SPACE = 32;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

// ipvsadm's longest persistence timeout (31 days) and threshold (INT_MAX).
const MAX_TIMEOUT = 86400 * 31;
const MAX_THRESHOLD = 2147483647;

/** A cursor over one line; every reader returns false (or -1) as soon as the text leaves the accepted shape. */
class Cursor {
  pos = 0;

  constructor(
    readonly text: string,
    readonly end: number,
  ) {}

  atEnd(): boolean {
    return this.pos === this.end;
  }

  /** Exactly `word` followed by one space. */
  expect(word: string): boolean {
    if (!this.text.startsWith(word, this.pos) || this.text.charCodeAt(this.pos + word.length) !== SPACE) return false;
    this.pos += word.length + 1;
    return true;
  }

  /** A space-separated option at the cursor: " -x " style, consumed when it matches. */
  option(word: string): boolean {
    if (this.pos === this.end || !this.text.startsWith(word, this.pos)) return false;
    if (this.pos + word.length !== this.end && this.text.charCodeAt(this.pos + word.length) !== SPACE) return false;
    this.pos += word.length;
    if (this.pos !== this.end) this.pos++;
    return true;
  }

  /** Decimal digits (at most `maxDigits`), then a space, ':' or the end; -1 when there are none. */
  number(maxDigits: number): number {
    let value = 0;
    const start = this.pos;
    while (this.pos < this.end) {
      const code = this.text.charCodeAt(this.pos);
      if (code < ZERO || code > NINE) break;
      value = value * 10 + (code - ZERO);
      this.pos++;
    }
    const digits = this.pos - start;
    if (digits === 0 || digits > maxDigits) return -1;
    return value;
  }

  /** A separator space, or the end of the line. */
  space(): boolean {
    if (this.pos === this.end) return true;
    if (this.text.charCodeAt(this.pos) !== SPACE) return false;
    this.pos++;
    return this.pos !== this.end;
  }

  /**
   * A dotted quad as Node's isIPv4 accepts it (0-255, no leading zeros), which the general
   * parser keeps as it is written; returns its value, or -1.
   */
  ipv4(): number {
    let value = 0;
    for (let part = 0; part < 4; part++) {
      if (part > 0) {
        if (this.text.charCodeAt(this.pos) !== DOT) return -1;
        this.pos++;
      }
      const start = this.pos;
      const octet = this.number(3);
      if (octet < 0 || octet > 255) return -1;
      if (this.pos - start > 1 && this.text.charCodeAt(start) === ZERO) return -1;
      value = value * 256 + octet;
    }
    return value;
  }

  /** a.b.c.d:port; the address text is the slice as written. */
  hostPort(): { address: string; port: number } | undefined {
    const start = this.pos;
    if (this.ipv4() < 0) return undefined;
    const address = this.text.slice(start, this.pos);
    if (this.text.charCodeAt(this.pos) !== COLON) return undefined;
    this.pos++;
    const port = this.number(5);
    if (port < 0 || port > 65535) return undefined;
    return { address, port };
  }
}

function protocolOption(cursor: Cursor): number {
  if (cursor.expect('-t')) return IPPROTO_TCP;
  if (cursor.expect('-u')) return IPPROTO_UDP;
  if (cursor.expect('--sctp-service')) return IPPROTO_SCTP;
  return 0;
}

function schedulerName(cursor: Cursor): string | undefined {
  const start = cursor.pos;
  while (cursor.pos < cursor.end) {
    const code = cursor.text.charCodeAt(cursor.pos);
    // Scheduler module names: lower-case letters and digits (rr, wlc, lblcr, mh, twos).
    if (!((code >= 97 && code <= 122) || (code >= ZERO && code <= NINE))) break;
    cursor.pos++;
  }
  const length = cursor.pos - start;
  // Longer names are cut by the general parser (as ipvsadm does): leave them to it.
  return length === 0 || length > 15 ? undefined : cursor.text.slice(start, cursor.pos);
}

function addService(cursor: Cursor): Change | undefined {
  const protocol = protocolOption(cursor);
  if (!protocol) return undefined;
  const where = cursor.hostPort();
  if (!where || !cursor.space() || !cursor.expect('-s')) return undefined;
  const scheduler = schedulerName(cursor);
  if (scheduler === undefined || !cursor.space()) return undefined;
  let flags = 0;
  let timeout = 0;
  let netmask = 0xffffffff;
  if (cursor.option('-p')) {
    timeout = cursor.number(7);
    if (timeout < 1 || timeout > MAX_TIMEOUT || !cursor.space()) return undefined;
    flags |= IP_VS_SVC_F_PERSISTENT;
    if (cursor.option('-M')) {
      const mask = cursor.ipv4();
      if (mask < 0 || !cursor.space()) return undefined;
      netmask = mask >>> 0;
    }
  }
  // A zero port needs persistence; the general parser says so in ipvsadm's words.
  if (!cursor.atEnd() || (where.port === 0 && !(flags & IP_VS_SVC_F_PERSISTENT))) return undefined;
  return {
    op: 'add-service',
    service: { af: AF_INET, protocol, address: where.address, port: where.port, fwmark: 0, scheduler, flags, timeout, netmask, peName: '' },
  };
}

function addReal(cursor: Cursor): Change | undefined {
  const protocol = protocolOption(cursor);
  if (!protocol) return undefined;
  const service = cursor.hostPort();
  if (!service || !cursor.space() || !cursor.expect('-r')) return undefined;
  const real = cursor.hostPort();
  if (!real || !cursor.space()) return undefined;
  let forward: number;
  if (cursor.option('-m')) forward = IP_VS_CONN_F_MASQ;
  else if (cursor.option('-g')) forward = IP_VS_CONN_F_DROUTE;
  else return undefined;
  if (!cursor.option('-w')) return undefined;
  const weight = cursor.number(5);
  if (weight < 0 || weight > 65535 || !cursor.space()) return undefined;
  let upperThreshold = 0;
  let lowerThreshold = 0;
  if (cursor.option('-x')) {
    upperThreshold = cursor.number(10);
    if (upperThreshold < 0 || upperThreshold > MAX_THRESHOLD || !cursor.space()) return undefined;
  }
  if (cursor.option('-y')) {
    lowerThreshold = cursor.number(10);
    if (lowerThreshold < 0 || lowerThreshold > MAX_THRESHOLD || !cursor.space()) return undefined;
  }
  if (!cursor.atEnd()) return undefined;
  return {
    op: 'add-real',
    service: { af: AF_INET, protocol, address: service.address, port: service.port, fwmark: 0 },
    destination: {
      af: AF_INET,
      address: real.address,
      // Direct routing sends to the service's own port, whatever the rule says.
      port: forward === IP_VS_CONN_F_DROUTE ? service.port : real.port,
      forward,
      weight,
      upperThreshold,
      lowerThreshold,
      activeConns: 0,
      inactiveConns: 0,
      persistConns: 0,
      tunnelType: IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
      tunnelPort: 0,
      tunnelFlags: 0,
    },
  };
}

/**
 * The change a saved rule line makes, when the line has one of the shapes above (the line
 * without its end-of-line; surrounding blanks are allowed). undefined: use the general parser.
 */
export function parseSavedRule(line: string): Change | undefined {
  let start = 0;
  let end = line.length;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  if (end - start < 4 || line.charCodeAt(start) !== DASH || line.charCodeAt(start + 2) !== SPACE) return undefined;
  const command = line.charCodeAt(start + 1);
  const cursor = new Cursor(line, end);
  cursor.pos = start + 3;
  if (command === 65 /* A */) return addService(cursor);
  if (command === 97 /* a */) return addReal(cursor);
  return undefined;
}

function isBlank(code: number): boolean {
  return code === SPACE || code === 9 || code === 13 || code === 11 || code === 12;
}
