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
  text = '';
  end = 0;

  /** Points the cursor at text[pos, end) (one cursor serves every line). */
  reset(text: string, pos: number, end: number): this {
    this.text = text;
    this.pos = pos;
    this.end = end;
    return this;
  }

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

  /** a.b.c.d:port: the port, or -1; the address's value and where it is written go to `address`. */
  hostPort(address: { value: number; start: number; end: number }): number {
    const start = this.pos;
    const value = this.ipv4();
    if (value < 0) return -1;
    address.value = value;
    address.start = start;
    address.end = this.pos;
    if (this.text.charCodeAt(this.pos) !== COLON) return -1;
    this.pos++;
    const port = this.number(5);
    return port > 65535 ? -1 : port;
  }
}

function protocolOption(cursor: Cursor): number {
  if (cursor.expect('-t')) return IPPROTO_TCP;
  if (cursor.expect('-u')) return IPPROTO_UDP;
  if (cursor.expect('--sctp-service')) return IPPROTO_SCTP;
  return 0;
}

/** The scheduler's name, [a-z0-9]{1,15}: its end, or -1. */
function schedulerEnd(cursor: Cursor): number {
  const start = cursor.pos;
  while (cursor.pos < cursor.end) {
    const code = cursor.text.charCodeAt(cursor.pos);
    // Scheduler module names: lower-case letters and digits (rr, wlc, lblcr, mh, twos).
    if (!((code >= 97 && code <= 122) || (code >= ZERO && code <= NINE))) break;
    cursor.pos++;
  }
  const length = cursor.pos - start;
  // Longer names are cut by the general parser (as ipvsadm does): leave them to it.
  return length === 0 || length > 15 ? -1 : cursor.pos;
}

/**
 * A saved rule line as numbers and places in the text, filled in by scanSavedRule. One is
 * reused for every line of a big restore: no object or string per line.
 */
export class SavedRule {
  /** 65 ('A', add a service) or 97 ('a', add a real server). */
  command = 0;
  protocol = 0;
  /** The service's address (value, and where its text is), and port. */
  readonly service = { value: 0, start: 0, end: 0 };
  port = 0;
  // -A: scheduler (where its name is), flags, persistence timeout, netmask.
  schedulerStart = 0;
  schedulerEnd = 0;
  flags = 0;
  timeout = 0;
  netmask = 0;
  // -a: the real server's address and port (the service's port under direct routing), method, weight, thresholds.
  readonly real = { value: 0, start: 0, end: 0 };
  realPort = 0;
  forward = 0;
  weight = 0;
  upperThreshold = 0;
  lowerThreshold = 0;
}

function scanService(cursor: Cursor, rule: SavedRule): boolean {
  const protocol = protocolOption(cursor);
  if (!protocol) return false;
  const port = cursor.hostPort(rule.service);
  if (port < 0 || !cursor.space() || !cursor.expect('-s')) return false;
  rule.schedulerStart = cursor.pos;
  rule.schedulerEnd = schedulerEnd(cursor);
  if (rule.schedulerEnd < 0 || !cursor.space()) return false;
  let flags = 0;
  let timeout = 0;
  let netmask = 0xffffffff;
  if (cursor.option('-p')) {
    timeout = cursor.number(7);
    if (timeout < 1 || timeout > MAX_TIMEOUT || !cursor.space()) return false;
    flags |= IP_VS_SVC_F_PERSISTENT;
    if (cursor.option('-M')) {
      const mask = cursor.ipv4();
      if (mask < 0 || !cursor.space()) return false;
      netmask = mask >>> 0;
    }
  }
  // A zero port needs persistence; the general parser says so in ipvsadm's words.
  if (!cursor.atEnd() || (port === 0 && !(flags & IP_VS_SVC_F_PERSISTENT))) return false;
  rule.protocol = protocol;
  rule.port = port;
  rule.flags = flags;
  rule.timeout = timeout;
  rule.netmask = netmask;
  return true;
}

function scanReal(cursor: Cursor, rule: SavedRule): boolean {
  const protocol = protocolOption(cursor);
  if (!protocol) return false;
  const port = cursor.hostPort(rule.service);
  if (port < 0 || !cursor.space() || !cursor.expect('-r')) return false;
  const realPort = cursor.hostPort(rule.real);
  if (realPort < 0 || !cursor.space()) return false;
  let forward: number;
  if (cursor.option('-m')) forward = IP_VS_CONN_F_MASQ;
  else if (cursor.option('-g')) forward = IP_VS_CONN_F_DROUTE;
  else return false;
  if (!cursor.option('-w')) return false;
  const weight = cursor.number(5);
  if (weight < 0 || weight > 65535 || !cursor.space()) return false;
  let upperThreshold = 0;
  let lowerThreshold = 0;
  if (cursor.option('-x')) {
    upperThreshold = cursor.number(10);
    if (upperThreshold < 0 || upperThreshold > MAX_THRESHOLD || !cursor.space()) return false;
  }
  if (cursor.option('-y')) {
    lowerThreshold = cursor.number(10);
    if (lowerThreshold < 0 || lowerThreshold > MAX_THRESHOLD || !cursor.space()) return false;
  }
  if (!cursor.atEnd()) return false;
  rule.protocol = protocol;
  rule.port = port;
  // Direct routing sends to the service's own port, whatever the rule says.
  rule.realPort = forward === IP_VS_CONN_F_DROUTE ? port : realPort;
  rule.forward = forward;
  rule.weight = weight;
  rule.upperThreshold = upperThreshold;
  rule.lowerThreshold = lowerThreshold;
  return true;
}

const lineCursor = new Cursor();

/**
 * Reads the line text[start, end) (without its end-of-line; surrounding blanks are allowed)
 * into `rule`; false when it is not one of the shapes above (then use the general parser).
 */
export function scanSavedRule(text: string, start: number, end: number, rule: SavedRule): boolean {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  if (end - start < 4 || text.charCodeAt(start) !== DASH || text.charCodeAt(start + 2) !== SPACE) return false;
  const command = text.charCodeAt(start + 1);
  const cursor = lineCursor.reset(text, start + 3, end);
  rule.command = command;
  if (command === 65 /* A */) return scanService(cursor, rule);
  if (command === 97 /* a */) return scanReal(cursor, rule);
  return false;
}

/**
 * The change a saved rule line makes, when the line has one of the shapes above (the line
 * without its end-of-line; surrounding blanks are allowed). undefined: use the general parser.
 */
export function parseSavedRule(line: string): Change | undefined {
  const rule = new SavedRule();
  if (!scanSavedRule(line, 0, line.length, rule)) return undefined;
  const address = line.slice(rule.service.start, rule.service.end);
  if (rule.command === 65) {
    const scheduler = line.slice(rule.schedulerStart, rule.schedulerEnd);
    const { protocol, port, flags, timeout, netmask } = rule;
    return { op: 'add-service', service: { af: AF_INET, protocol, address, port, fwmark: 0, scheduler, flags, timeout, netmask, peName: '' } };
  }
  return {
    op: 'add-real',
    service: { af: AF_INET, protocol: rule.protocol, address, port: rule.port, fwmark: 0 },
    destination: {
      af: AF_INET,
      address: line.slice(rule.real.start, rule.real.end),
      port: rule.realPort,
      forward: rule.forward,
      weight: rule.weight,
      upperThreshold: rule.upperThreshold,
      lowerThreshold: rule.lowerThreshold,
      activeConns: 0,
      inactiveConns: 0,
      persistConns: 0,
      tunnelType: IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
      tunnelPort: 0,
      tunnelFlags: 0,
    },
  };
}

function isBlank(code: number): boolean {
  return code === SPACE || code === 9 || code === 13 || code === 11 || code === 12;
}
