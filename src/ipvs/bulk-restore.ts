// The quick way through large restores. Saved rule files (ipvsadm -S -n, vipctl lb save -n)
// are mostly lines that add IPv4 services and real servers. For a file made only of such
// lines (and blanks and comments) this checks every line against the table as it will be
// at that line, as planRestore does, but keeps no object per line: services are found by
// numeric keys, and each request is encoded at once, as a whole netlink message, into one
// buffer that NetlinkConnection.sendPrepared sends. What it leaves out, it leaves to the
// general planner, which then does the whole file: any other line, and any line that would
// be refused (so that the general planner words every error, and --dry-run lists the plan).
import { AttributeWriter } from '../netlink/attributes.js';
import { GENL_HDRLEN, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN, align4 } from '../netlink/constants.js';
import { encodeGenlHeader, type GenlFamily } from '../netlink/genl.js';
import { readU16Host, readU32Host, writeU16Host, writeU32Host } from '../native/bytes.js';
import type { Change, IpvsClient } from './client.js';
import { destinationAttributes, serviceAttributes } from './codec.js';
import {
  AF_INET,
  IPPROTO_SCTP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPVS_CMD_ATTR_DEST,
  IPVS_CMD_ATTR_SERVICE,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_DEST_ATTR_ADDR,
  IPVS_DEST_ATTR_FWD_METHOD,
  IPVS_DEST_ATTR_L_THRESH,
  IPVS_DEST_ATTR_PORT,
  IPVS_DEST_ATTR_U_THRESH,
  IPVS_DEST_ATTR_WEIGHT,
  IPVS_SVC_ATTR_ADDR,
  IPVS_SVC_ATTR_FLAGS,
  IPVS_SVC_ATTR_NETMASK,
  IPVS_SVC_ATTR_PORT,
  IPVS_SVC_ATTR_PROTOCOL,
  IPVS_SVC_ATTR_TIMEOUT,
  IP_VS_SVC_F_HASHED,
} from './constants.js';
import type { ServiceEntry } from './model.js';
import { finishRefusal, undoOfAdd, type ApplyOptions, type RestoreResult } from './restore.js';
import type { NetlinkError } from '../netlink/message.js';
import { SavedRule, parseSavedRule, scanSavedRule } from './saved-rules.js';
import { ipv4Value } from './bulk-text.js';

export interface BulkRestore {
  /** The input line (1-based) of each request, in order. */
  lines: number[];
  /** Where each request's line starts and ends in `text`, to read it again when it is reported or undone. */
  starts: Int32Array;
  ends: Int32Array;
  /**
   * Each request's values as its line read, RECORD numbers a request (see recordRule), so
   * that writing the requests does not read every line a second time: a big restore's
   * lines mostly run once, in V8's interpreter, and reading them was half the work.
   */
  records: Uint32Array;
  /** The input, to read a line again when it is reported or undone. */
  text: string;
  writer: RequestWriter;
}

// A request's record: the service's address; its port, protocol and command ('A' or 'a');
// then for a service the scheduler's name (start and end in the text), flags, timeout and
// netmask, for a real server its address, port and method, weight and thresholds.
const RECORD = 7;

function storeRule(records: Uint32Array, index: number, rule: SavedRule): void {
  const at = index * RECORD;
  records[at] = rule.service.value;
  records[at + 1] = rule.port | (rule.protocol << 16) | (rule.command << 24);
  if (rule.command === 65) {
    records[at + 2] = rule.schedulerStart;
    records[at + 3] = rule.schedulerEnd;
    records[at + 4] = rule.flags;
    records[at + 5] = rule.timeout;
    records[at + 6] = rule.netmask;
  } else {
    records[at + 2] = rule.real.value;
    records[at + 3] = rule.realPort | (rule.forward << 16);
    records[at + 4] = rule.weight;
    records[at + 5] = rule.upperThreshold;
    records[at + 6] = rule.lowerThreshold;
  }
}

/** The values of request `index` back into `rule`, as scanSavedRule read them. */
function recordRule(records: Uint32Array, index: number, rule: SavedRule): void {
  const at = index * RECORD;
  const head = records[at + 1] as number;
  rule.service.value = records[at] as number;
  rule.port = head & 0xffff;
  rule.protocol = (head >>> 16) & 0xff;
  rule.command = head >>> 24;
  if (rule.command === 65) {
    rule.schedulerStart = records[at + 2] as number;
    rule.schedulerEnd = records[at + 3] as number;
    rule.flags = records[at + 4] as number;
    rule.timeout = records[at + 5] as number;
    rule.netmask = records[at + 6] as number;
  } else {
    const real = records[at + 3] as number;
    rule.real.value = records[at + 2] as number;
    rule.realPort = real & 0xffff;
    rule.forward = real >>> 16;
    rule.weight = records[at + 4] as number;
    rule.upperThreshold = records[at + 5] as number;
    rule.lowerThreshold = records[at + 6] as number;
  }
}

/** Services by numeric key (IPv4 only), each with the numeric keys of its IPv4 real servers. */
type Model = Map<number, number[] | Set<number>>;

// Past this many real servers a service's keys go into a Set (a list is quicker below it).
const LIST_LIMIT = 32;

const PROTOCOL_CODES: Record<number, number> = { [IPPROTO_TCP]: 1, [IPPROTO_UDP]: 2, [IPPROTO_SCTP]: 3 };

// Exact in a double: protocol code (2 bits) above a 32-bit address above a 16-bit port.
const serviceKey = (protocol: number, address: number, port: number): number => ((PROTOCOL_CODES[protocol] ?? 0) * 2 ** 32 + address) * 65536 + port;
const destinationKey = (address: number, port: number): number => address * 65536 + port;

function seedModel(table: ServiceEntry[]): Model {
  const model: Model = new Map();
  for (const { service, destinations } of table) {
    // Only IPv4 services named by protocol, address and port can meet the lines read here.
    if (service.af !== AF_INET || service.fwmark || !PROTOCOL_CODES[service.protocol]) continue;
    const keys = new Set<number>();
    for (const dest of destinations) if (dest.af === AF_INET) keys.add(destinationKey(ipv4Value(dest.address), dest.port));
    model.set(serviceKey(service.protocol, ipv4Value(service.address), service.port), keys);
  }
  return model;
}

/** Adds a real server's key to its service's keys; false when it is there already. */
function addKey(model: Model, service: number, keys: number[] | Set<number>, key: number): boolean {
  if (Array.isArray(keys)) {
    if (keys.includes(key)) return false;
    keys.push(key);
    if (keys.length > LIST_LIMIT) model.set(service, new Set(keys));
    return true;
  }
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}

/**
 * One request as the general encoder (codec.ts) writes it, with the places of the values
 * that change from line to line. The places are found in the encoded bytes, so the
 * template follows the codec; each line then costs a copy and a few writes.
 */
interface Template {
  bytes: Buffer;
  /** Value offsets by attribute: (nest type << 16) | attribute type. */
  at: Map<number, number>;
}

/** The value offsets of the attributes nested one level under the top-level attributes. */
function valueOffsets(message: Buffer): Map<number, number> {
  const at = new Map<number, number>();
  for (let outer = NLMSG_HDRLEN + GENL_HDRLEN; outer + NLA_HDRLEN <= message.length; ) {
    const outerLength = readU16Host(message, outer);
    const outerType = readU16Host(message, outer + 2) & NLA_TYPE_MASK;
    for (let inner = outer + NLA_HDRLEN; inner + NLA_HDRLEN <= outer + outerLength; ) {
      const innerLength = readU16Host(message, inner);
      at.set((outerType << 16) | (readU16Host(message, inner + 2) & NLA_TYPE_MASK), inner + NLA_HDRLEN);
      inner += align4(Math.max(innerLength, NLA_HDRLEN));
    }
    outer += align4(Math.max(outerLength, NLA_HDRLEN));
  }
  return at;
}

function template(family: Pick<GenlFamily, 'id' | 'version'>, command: number, write: (writer: AttributeWriter) => void): Template {
  const head = Buffer.alloc(NLMSG_HDRLEN);
  writeU16Host(head, family.id, 4);
  const writer = new AttributeWriter(256).header(head).header(encodeGenlHeader(command, family.version));
  write(writer);
  const bytes = writer.toBuffer();
  writeU32Host(bytes, bytes.length, 0);
  return { bytes, at: valueOffsets(bytes) };
}

const SAMPLE_KEY = { af: AF_INET, protocol: IPPROTO_TCP, address: '0.0.0.0', port: 0, fwmark: 0 };

/** NEW_DEST of an IPv4 real server (saved rules carry no tunnel settings). */
function realTemplate(family: Pick<GenlFamily, 'id' | 'version'>): Template {
  const rule = parseSavedRule('-a -t 0.0.0.0:0 -r 0.0.0.0:0 -m -w 0');
  if (rule?.op !== 'add-real') throw new Error('bulk restore: the sample real server does not read');
  return template(family, IPVS_CMD_NEW_DEST, (w) => destinationAttributes(SAMPLE_KEY, rule.destination, true, w));
}

/** NEW_SERVICE of an IPv4 service with this scheduler. */
function serviceTemplate(family: Pick<GenlFamily, 'id' | 'version'>, scheduler: string): Template {
  const service = { ...SAMPLE_KEY, scheduler, flags: 0, timeout: 0, netmask: 0, peName: '' };
  return template(family, IPVS_CMD_NEW_SERVICE, (w) => serviceAttributes(service, true, w));
}

function offset(template: Template, nest: number, type: number): number {
  const at = template.at.get((nest << 16) | type);
  if (at === undefined) throw new Error(`bulk restore: the encoder wrote no attribute ${nest}/${type}`);
  return at;
}

/** Writes `rule`'s values into its request, just copied from the template to `at`. */
export class RequestWriter {
  private readonly real: Template;
  private readonly realAt: Int32Array;
  private services: { name: string; template: Template; at: Int32Array } | undefined;

  constructor(private readonly family: Pick<GenlFamily, 'id' | 'version'>) {
    this.real = realTemplate(family);
    const S = IPVS_CMD_ATTR_SERVICE;
    const D = IPVS_CMD_ATTR_DEST;
    this.realAt = Int32Array.of(
      offset(this.real, S, IPVS_SVC_ATTR_PROTOCOL),
      offset(this.real, S, IPVS_SVC_ATTR_ADDR),
      offset(this.real, S, IPVS_SVC_ATTR_PORT),
      offset(this.real, D, IPVS_DEST_ATTR_ADDR),
      offset(this.real, D, IPVS_DEST_ATTR_PORT),
      offset(this.real, D, IPVS_DEST_ATTR_FWD_METHOD),
      offset(this.real, D, IPVS_DEST_ATTR_WEIGHT),
      offset(this.real, D, IPVS_DEST_ATTR_U_THRESH),
      offset(this.real, D, IPVS_DEST_ATTR_L_THRESH),
    );
  }

  /** Writes the NEW_DEST of `rule` at `to`; returns where the next request goes. */
  writeReal(out: Buffer, to: number, rule: SavedRule): number {
    const { bytes } = this.real;
    const at = this.realAt;
    writeServiceKey(out, to, bytes, at, rule);
    out.writeUInt32BE(rule.real.value, to + (at[3] as number));
    out.writeUInt16BE(rule.realPort, to + (at[4] as number));
    writeU32Host(out, rule.forward, to + (at[5] as number));
    writeU32Host(out, rule.weight, to + (at[6] as number));
    writeU32Host(out, rule.upperThreshold, to + (at[7] as number));
    writeU32Host(out, rule.lowerThreshold, to + (at[8] as number));
    return to + bytes.length;
  }

  /** Writes the NEW_SERVICE of `rule` (its scheduler's name is in `text`) at `to`; returns where the next request goes. */
  writeService(out: Buffer, to: number, rule: SavedRule, text: string): number {
    const length = rule.schedulerEnd - rule.schedulerStart;
    // Files name one scheduler throughout, as a rule: the last template is checked first, without a string.
    let services = this.services;
    if (!services || services.name.length !== length || !text.startsWith(services.name, rule.schedulerStart)) {
      const name = text.slice(rule.schedulerStart, rule.schedulerEnd);
      const made = serviceTemplate(this.family, name);
      const S = IPVS_CMD_ATTR_SERVICE;
      services = this.services = {
        name,
        template: made,
        at: Int32Array.of(
          offset(made, S, IPVS_SVC_ATTR_PROTOCOL),
          offset(made, S, IPVS_SVC_ATTR_ADDR),
          offset(made, S, IPVS_SVC_ATTR_PORT),
          offset(made, S, IPVS_SVC_ATTR_FLAGS),
          offset(made, S, IPVS_SVC_ATTR_TIMEOUT),
          offset(made, S, IPVS_SVC_ATTR_NETMASK),
        ),
      };
    }
    const { bytes } = services.template;
    const at = services.at;
    writeServiceKey(out, to, bytes, at, rule);
    // struct ip_vs_flags: the flags (the template holds the full mask after them).
    writeU32Host(out, rule.flags & ~IP_VS_SVC_F_HASHED, to + (at[3] as number));
    writeU32Host(out, rule.timeout, to + (at[4] as number));
    out.writeUInt32BE(rule.netmask >>> 0, to + (at[5] as number));
    return to + bytes.length;
  }
}

/**
 * Copies a request template to `to` and writes the service it is about (protocol, address,
 * port), at the first three places of `at`: both templates, NEW_SERVICE and NEW_DEST, start so.
 */
function writeServiceKey(out: Buffer, to: number, template: Buffer, at: Int32Array, rule: SavedRule): void {
  out.set(template, to);
  writeU16Host(out, rule.protocol, to + (at[0] as number));
  out.writeUInt32BE(rule.service.value, to + (at[1] as number));
  out.writeUInt16BE(rule.port, to + (at[2] as number));
}

/** A typed array twice as long, with the first `used` values. */
function grown<T extends Int32Array<ArrayBuffer> | Uint32Array<ArrayBuffer>>(array: T, used: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array.subarray(0, used));
  return bigger;
}

/**
 * The file checked, or undefined when the general planner must do it (a line of another
 * shape, or one that will be refused: an existing service, a missing one, a real server
 * already there). Lines are read in place (no string or object per line) into records of
 * a few numbers; the requests are written later from those, a send's worth at a time
 * (encodeRequests), so that a big restore never holds all of them at once: inside
 * user-mode Linux every fresh page costs a trip through the host, and the requests of
 * 30,000 lines fill a thousand pages (their records, a quarter of that).
 */
export function compileBulkRestore(text: string, table: ServiceEntry[], family: Pick<GenlFamily, 'id' | 'version'>): BulkRestore | undefined {
  const model = seedModel(table);
  const rule = new SavedRule();
  const lines: number[] = [];
  // Saved rule lines are 25 to 70 bytes: room for all of them at once, as a rule (pages are
  // touched only as they are written).
  const room = Math.max(1024, Math.ceil(text.length / 24));
  let starts: Int32Array<ArrayBuffer> = new Int32Array(room);
  let ends: Int32Array<ArrayBuffer> = new Int32Array(room);
  let records: Uint32Array<ArrayBuffer> = new Uint32Array(room * RECORD);
  let line = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const next = end + 1;
    if (!scanSavedRule(text, start, end, rule)) {
      const trimmed = text.slice(start, end).trim();
      if (trimmed === '' || trimmed.startsWith('#')) {
        start = next;
        continue;
      }
      return undefined;
    }
    const key = serviceKey(rule.protocol, rule.service.value, rule.port);
    if (rule.command === 65) {
      if (model.has(key)) return undefined;
      model.set(key, []);
    } else {
      const keys = model.get(key);
      if (!keys || !addKey(model, key, keys, destinationKey(rule.real.value, rule.realPort))) return undefined;
    }
    const index = lines.length;
    if (index === starts.length) {
      starts = grown(starts, index);
      ends = grown(ends, index);
      records = grown(records, index * RECORD);
    }
    starts[index] = start;
    ends[index] = end;
    storeRule(records, index, rule);
    lines.push(line);
    start = next;
  }
  return { lines, starts, ends, records, text, writer: new RequestWriter(family) };
}

// The longest request (a service with a 15-letter scheduler) is well under this.
const REQUEST_ROOM = 256;

/**
 * Writes the requests from `first` on into `out`, back to back, as far as they fit;
 * returns how many it wrote and their size.
 */
export function encodeRequests(bulk: BulkRestore, first: number, out: Buffer): { count: number; size: number } {
  const rule = new SavedRule();
  let size = 0;
  let index = first;
  for (; index < bulk.lines.length && size + REQUEST_ROOM <= out.length; index++) {
    recordRule(bulk.records, index, rule);
    size = rule.command === 65 ? bulk.writer.writeService(out, size, rule, bulk.text) : bulk.writer.writeReal(out, size, rule);
  }
  return { count: index - first, size };
}

// Bytes per send (the kernel takes a datagram up to its send buffer, 208 KiB by default).
const SEND_BYTES = 1 << 16;

/** Sends the requests; on a refusal, undoes every one that took effect, as applyRestore does. */
export async function applyBulkRestore(client: IpvsClient, bulk: BulkRestore, options: ApplyOptions = {}): Promise<RestoreResult> {
  const total = bulk.lines.length;
  // One area for every send: the requests are written into it a send's worth at a time.
  const out = Buffer.allocUnsafe(options.chunkSize ? Math.min(SEND_BYTES, options.chunkSize * REQUEST_ROOM) : SEND_BYTES);
  let answered = 0;
  let first: { index: number; error: NetlinkError } | undefined;
  const refused = new Set<number>();
  while (answered < total) {
    const { count, size } = encodeRequests(bulk, answered, out);
    const sent = await client.genl.connection.sendPrepared(out.subarray(0, size), { chunkSize: count, chunkBytes: size });
    for (const refusal of sent.refusals) {
      first ??= { index: answered + refusal.index, error: refusal.error };
      refused.add(answered + refusal.index);
    }
    answered += sent.answered;
    options.onProgress?.(answered, total);
    if (first) break;
  }
  if (!first) return { applied: total, undoFailures: [] };
  // Rare: read the lines again for what to report and what to undo.
  const lineOf = (index: number): string => bulk.text.slice(bulk.starts[index], bulk.ends[index]).replace(/\r$/, '');
  const changeOf = (index: number): Change => {
    const change = parseSavedRule(lineOf(index));
    if (!change) throw new Error(`bulk restore: line ${bulk.lines[index]} no longer reads as it did`);
    return change;
  };
  const undo: Change[] = [];
  for (let i = answered - 1; i >= 0; i--) if (!refused.has(i)) undo.push(...undoOfAdd(changeOf(i)));
  return finishRefusal(client, { line: bulk.lines[first.index] as number, text: lineOf(first.index).trim(), change: changeOf(first.index) }, first.error, undo);
}

/** Test helper: every request, back to back, in one buffer. */
export function bulkMessages(bulk: BulkRestore): Buffer {
  const out = Buffer.alloc(REQUEST_ROOM * bulk.lines.length + REQUEST_ROOM);
  const { size } = encodeRequests(bulk, 0, out);
  return out.subarray(0, size);
}

/** Test helper: the payloads (after the nlmsghdr) of the requests, in order. */
export function bulkPayloads(bulk: BulkRestore): Buffer[] {
  const payloads: Buffer[] = [];
  const messages = bulkMessages(bulk);
  for (let offset = 0; offset < messages.length; ) {
    const length = readU32Host(messages, offset);
    payloads.push(messages.subarray(offset + NLMSG_HDRLEN, offset + length));
    offset += length;
  }
  return payloads;
}
