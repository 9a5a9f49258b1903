// The quick way through large restores. Saved rule files (ipvsadm -S -n, vipctl lb save -n)
// are mostly lines that add IPv4 services and real servers. For a file made only of such
// lines (and blanks and comments) this checks every line against the table as it will be
// at that line, as planRestore does, but keeps no object per line: services are found by
// numeric keys, and each request is encoded at once, as a whole netlink message, into one
// buffer that NetlinkConnection.sendPrepared sends. What it leaves out, it leaves to the
// general planner, which then does the whole file: any other line, and any line that would
// be refused (so that the general planner words every error, and --dry-run lists the plan).
import { AttributeWriter } from '../netlink/attributes.js';
import { NLMSG_HDRLEN } from '../netlink/constants.js';
import { encodeGenlHeader, type GenlFamily } from '../netlink/genl.js';
import { readU32Host, writeU16Host, writeU32Host } from '../native/bytes.js';
import type { Change, IpvsClient } from './client.js';
import { destinationAttributes, serviceAttributes } from './codec.js';
import { AF_INET, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, IPVS_CMD_NEW_DEST, IPVS_CMD_NEW_SERVICE } from './constants.js';
import type { ServiceEntry } from './model.js';
import { finishRefusal, undoOfAdd, type ApplyOptions, type RestoreResult } from './restore.js';
import { parseSavedRule } from './saved-rules.js';
import { ipv4Value } from './bulk-text.js';

export interface BulkRestore {
  /** Every request as a netlink message (nlmsghdr, genl header, attributes), back to back. */
  messages: Buffer;
  /** The input line (1-based) of each request, in order. */
  lines: number[];
  /** The input, to read a line again when it has to be reported or undone. */
  text: string;
}

/** Services by numeric key (IPv4 only), each with the numeric keys of its IPv4 real servers. */
type Model = Map<number, number[] | Set<number>>;

// Past this many real servers a service's keys go into a Set (a list is quicker below it).
const LIST_LIMIT = 32;

const PROTOCOL_CODES: Record<number, number> = { [IPPROTO_TCP]: 1, [IPPROTO_UDP]: 2, [IPPROTO_SCTP]: 3 };


// Exact in a double: protocol code (2 bits) above a 32-bit address above a 16-bit port.
const serviceKey = (protocol: number, address: string, port: number): number => ((PROTOCOL_CODES[protocol] ?? 0) * 2 ** 32 + ipv4Value(address)) * 65536 + port;
const destinationKey = (address: string, port: number): number => ipv4Value(address) * 65536 + port;

function seedModel(table: ServiceEntry[]): Model {
  const model: Model = new Map();
  for (const { service, destinations } of table) {
    // Only IPv4 services named by protocol, address and port can meet the lines read here.
    if (service.af !== AF_INET || service.fwmark || !PROTOCOL_CODES[service.protocol]) continue;
    const keys = new Set<number>();
    for (const dest of destinations) if (dest.af === AF_INET) keys.add(destinationKey(dest.address, dest.port));
    model.set(serviceKey(service.protocol, service.address, service.port), keys);
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

/** nlmsghdr (flags, sequence and port are filled in when sent) and genlmsghdr of one request. */
function messageHead(family: Pick<GenlFamily, 'id' | 'version'>, command: number): Buffer {
  const head = Buffer.alloc(NLMSG_HDRLEN);
  writeU16Host(head, family.id, 4);
  return Buffer.concat([head, encodeGenlHeader(command, family.version)]);
}

/**
 * The file as requests, or undefined when the general planner must do it (a line of
 * another shape, or one that will be refused: an existing service, a missing one, a real
 * server already there).
 */
export function compileBulkRestore(text: string, table: ServiceEntry[], family: Pick<GenlFamily, 'id' | 'version'>): BulkRestore | undefined {
  const model = seedModel(table);
  const newService = messageHead(family, IPVS_CMD_NEW_SERVICE);
  const newDest = messageHead(family, IPVS_CMD_NEW_DEST);
  // About four bytes of request per byte of rule text.
  const writer = new AttributeWriter(Math.max(4096, text.length * 4));
  const starts: number[] = [];
  const lines: number[] = [];
  const input = text.split('\n');
  if (input.length > 0 && input[input.length - 1] === '') input.pop();
  for (let index = 0; index < input.length; index++) {
    const raw = input[index] as string;
    const change = parseSavedRule(raw);
    if (!change) {
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      return undefined;
    }
    if (change.op === 'add-service') {
      const { service } = change;
      const key = serviceKey(service.protocol, service.address, service.port);
      if (model.has(key)) return undefined;
      model.set(key, []);
      starts.push(writer.size);
      writer.header(newService);
      serviceAttributes(service, true, writer);
    } else if (change.op === 'add-real') {
      const { service, destination } = change;
      const key = serviceKey(service.protocol, service.address, service.port);
      const keys = model.get(key);
      if (!keys || !addKey(model, key, keys, destinationKey(destination.address, destination.port))) return undefined;
      starts.push(writer.size);
      writer.header(newDest);
      destinationAttributes(service, destination, true, writer);
    } else {
      return undefined;
    }
    lines.push(index + 1);
  }
  const messages = writer.view();
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    writeU32Host(messages, (starts[i + 1] ?? messages.length) - start, start);
  }
  return { messages, lines, text };
}

/** Sends the requests; on a refusal, undoes every one that took effect, as applyRestore does. */
export async function applyBulkRestore(client: IpvsClient, bulk: BulkRestore, options: ApplyOptions = {}): Promise<RestoreResult> {
  const { answered, refusals } = await client.genl.connection.sendPrepared(bulk.messages, {
    chunkSize: options.chunkSize ?? 512,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const first = refusals[0];
  if (!first) return { applied: bulk.lines.length, undoFailures: [] };
  // Rare: read the lines again for what to report and what to undo.
  const input = bulk.text.split('\n');
  const lineOf = (index: number): string => (input[(bulk.lines[index] as number) - 1] ?? '').replace(/\r$/, '');
  const changeOf = (index: number): Change => {
    const change = parseSavedRule(lineOf(index));
    if (!change) throw new Error(`bulk restore: line ${bulk.lines[index]} no longer reads as it did`);
    return change;
  };
  const refused = new Set(refusals.map((refusal) => refusal.index));
  const undo: Change[] = [];
  for (let i = answered - 1; i >= 0; i--) if (!refused.has(i)) undo.push(...undoOfAdd(changeOf(i)));
  return finishRefusal(client, { line: bulk.lines[first.index] as number, text: lineOf(first.index).trim(), change: changeOf(first.index) }, first.error, undo);
}

/** Test helper: the payloads (after the nlmsghdr) of the requests, in order. */
export function bulkPayloads(bulk: BulkRestore): Buffer[] {
  const payloads: Buffer[] = [];
  for (let offset = 0; offset < bulk.messages.length; ) {
    const length = readU32Host(bulk.messages, offset);
    payloads.push(bulk.messages.subarray(offset + NLMSG_HDRLEN, offset + length));
    offset += length;
  }
  return payloads;
}
