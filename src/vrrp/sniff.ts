// The sniffer's pipeline, shared by live capture and files: link header -> IP (and AH) -> VRRP,
// filters (--vrid, --src), one text line or NDJSON object per packet, and the diagnosis. Output
// is gathered into one string that the caller writes in large chunks.
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, decodeLink, macText, newLinkFrame, virtualMacVrid, type LinkFrame } from '../capture/link.js';
import { AUTH_TYPE_NAMES } from './constants.js';
import { Diagnosis, type Observation, type Anomaly, type DiagnosisEvent, type DiagnosisSummary, type GroupSummary, type RouterSummary } from './diagnosis.js';
import { decodeIpPacket } from './ip-packet.js';
import { isMulticastText } from '../keepalived/ip-text.js';
import { simplePassword } from './packet.js';
import { clockText, packetLine, printable, type LinkText } from './text.js';

export interface SniffOptions {
  vrid?: number;
  source?: string;
  /** Stop after this many matching packets. */
  count?: number;
  verbose?: boolean;
  /** -e: link-layer addresses. */
  link?: boolean;
  json?: boolean;
}

/** One NDJSON packet object: the keys the issue fixes come first, in that order. */
export interface PacketJson {
  type: 'packet';
  time: string;
  src: string;
  dst: string;
  ttl: number;
  version: number;
  vrid: number;
  priority: number;
  /** "none" | "simple" | "ah" (or the number) for v2; null for v3, which has no authentication. */
  authType: string | null;
  /** Centiseconds for both versions. */
  interval: number;
  addresses: string[];
  problems: string[];
  family: 'ipv4' | 'ipv6';
  length: number;
  checksum: 'valid' | 'bad' | 'unchecked';
  checksumForm: 'message' | 'pseudo-header' | null;
  auth?: string;
  ah?: { spi: number; sequence: number };
  sourceMac?: string;
  virtualMac?: boolean;
}

export interface AnomalyJson extends Omit<Anomaly, 'firstSeen' | 'lastSeen' | 'ended'> {
  firstSeen: string;
  lastSeen: string;
  ended?: string;
}

export interface RouterJson extends Omit<RouterSummary, 'firstSeen' | 'lastSeen'> {
  firstSeen: string;
  lastSeen: string;
}

export interface VridJson extends Omit<GroupSummary, 'anomalies' | 'routers'> {
  routers: RouterJson[];
  anomalies: AnomalyJson[];
}

export interface SniffSummary {
  type: 'summary';
  packets: number;
  /** Packets in the input that were not VRRP (files may hold other traffic). */
  skipped: number;
  /** Packets the kernel dropped (live capture only). */
  kernel?: { received: number; dropped: number };
  splitBrain: boolean;
  vrids: VridJson[];
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

let isoSecond = -1;
let isoPrefix = '';

/** 2026-11-21T12:51:01.434415Z: UTC with microseconds (the date part is cached per second). */
function isoMicro(seconds: number, nanoseconds: number): string {
  if (seconds !== isoSecond) {
    isoSecond = seconds;
    isoPrefix = new Date(seconds * 1000).toISOString().slice(0, 19);
  }
  return `${isoPrefix}.${String(Math.floor(nanoseconds / 1000) + 1000000).slice(1)}Z`;
}

const NO_PROBLEMS: string[] = [];
/** Distinct packets remembered (a segment has a few routers per VRID). */
const MEMO_ENTRIES = 4096;
/** Longer packets are decoded every time. */
const MEMO_MAX_BYTES = 512;

interface MemoSlot {
  key: Uint8Array;
  link: Uint8Array | undefined;
  destination: Uint8Array | undefined;
  entry: Entry | undefined;
}

function sameBytes(slot: MemoSlot, bytes: Buffer, frame: LinkFrame, start: number, length: number, skipId: boolean, withLink: boolean): boolean {
  const key = slot.key;
  if (key.length !== length) return false;
  for (let i = 0; i < length; i++) {
    if (key[i] !== bytes[start + i] && !(skipId && (i === 4 || i === 5 || i === 10 || i === 11))) return false;
  }
  if (!withLink) return true;
  const link = slot.link;
  if (!link || link.length !== frame.sourceLength) return false;
  for (let i = 0; i < link.length; i++) if (link[i] !== bytes[frame.sourceOffset + i]) return false;
  const destination = slot.destination;
  if ((destination !== undefined) !== (frame.destinationOffset >= 0)) return false;
  if (destination) for (let i = 0; i < 6; i++) if (destination[i] !== bytes[frame.destinationOffset + i]) return false;
  return true;
}

/** What the memo keeps per distinct packet. */
interface Entry {
  vrid: number | undefined;
  source: string;
  /** The output line after its time stamp (text) or after the time key (JSON); with -v on IPv4, up to the id. */
  rest: string;
  /** With -v on IPv4: the line after the id. */
  restAfterId: string | undefined;
  /** The diagnosis input (time and segment are set per copy); undefined when not an advert. */
  observation: Observation | undefined;
}

export class SniffSession {
  /** Text waiting to be written; the caller takes it with take(). */
  private pending = '';
  readonly diagnosis = new Diagnosis();
  matched = 0;
  skipped = 0;
  private readonly frame = newLinkFrame();
  private readonly memo = new Map<number, MemoSlot>();

  constructor(private readonly options: SniffOptions) {}

  get pendingLength(): number {
    return this.pending.length;
  }

  /**
   * Text output is pure ASCII (passwords and messages are escaped), so it can be written as
   * latin1, which skips UTF-8 encoding; JSON may carry other characters and needs utf8.
   */
  get encoding(): 'latin1' | 'utf8' {
    return this.options.json ? 'utf8' : 'latin1';
  }

  take(): string {
    const text = this.pending;
    this.pending = '';
    return text;
  }

  /** True once --count packets have been shown. */
  get done(): boolean {
    return this.options.count !== undefined && this.matched >= this.options.count;
  }

  /**
   * Decodes one captured frame. Returns true when it was a VRRP packet that passed the filters.
   * `segment` names the interface for per-segment diagnosis ('' for files).
   */
  packet(linkType: number, bytes: Buffer, offset: number, end: number, seconds: number, nanoseconds: number, segment = ''): boolean {
    if (this.done) return false;
    const frame = this.frame;
    if (!decodeLink(linkType, bytes, offset, end, frame) || (frame.protocol !== ETHERTYPE_IPV4 && frame.protocol !== ETHERTYPE_IPV6)) {
      this.skipped++;
      return false;
    }
    const entry = this.lookup(bytes, frame, end);
    if (entry === undefined) {
      this.skipped++;
      return false;
    }
    const options = this.options;
    if (options.vrid !== undefined && entry.vrid !== options.vrid) return false;
    if (options.source !== undefined && entry.source !== options.source) return false;
    this.matched++;
    if (options.json) this.pending += `{"type":"packet","time":"${isoMicro(seconds, nanoseconds)}"${entry.rest}\n`;
    else if (entry.restAfterId !== undefined) {
      const at = frame.networkOffset;
      this.pending += `${clockText(seconds, nanoseconds)} ${entry.rest}${((bytes[at + 4] as number) << 8) | (bytes[at + 5] as number)}${entry.restAfterId}\n`;
    } else this.pending += `${clockText(seconds, nanoseconds)} ${entry.rest}\n`;
    const observation = entry.observation;
    if (observation) {
      observation.time = seconds * 1000 + nanoseconds / 1e6;
      observation.segment = segment;
      const events = this.diagnosis.observe(observation);
      for (const event of events) this.event(event, seconds, nanoseconds);
    }
    return true;
  }

  /**
   * The decoded packet and its output text, from the memo when these bytes were seen before.
   * keepalived repeats the same advert every interval, differing (in what we print without -v)
   * only in the IPv4 id and header checksum, so the key leaves those two out unless -v shows them.
   */
  private lookup(bytes: Buffer, frame: LinkFrame, end: number): Entry | undefined {
    const start = frame.networkOffset;
    const length = end - start;
    if (length <= 0 || length > MEMO_MAX_BYTES) return this.decode(bytes, frame, end);
    const withLink = (this.options.link === true || this.options.json === true) && frame.sourceLength > 0;
    // The IPv4 id (bytes 4-5) changes with every advert and the header checksum (10-11) with it;
    // neither changes the decoding, and -v's id is spliced into the line per packet.
    const skipId = length >= 20 && (bytes[start] as number) >> 4 === 4;
    // FNV-1a over the bytes that decide the output; a byte-for-byte check confirms a hit.
    let hash = 0x811c9dc5 ^ length;
    for (let i = 0; i < length; i++) {
      if (skipId && (i === 4 || i === 5 || i === 10 || i === 11)) continue;
      hash = Math.imul(hash ^ (bytes[start + i] as number), 0x01000193);
    }
    if (withLink) {
      for (let i = 0; i < frame.sourceLength; i++) hash = Math.imul(hash ^ (bytes[frame.sourceOffset + i] as number), 0x01000193);
      if (frame.destinationOffset >= 0) for (let i = 0; i < 6; i++) hash = Math.imul(hash ^ (bytes[frame.destinationOffset + i] as number), 0x01000193);
    }
    const cached = this.memo.get(hash);
    if (cached !== undefined && sameBytes(cached, bytes, frame, start, length, skipId, withLink)) return cached.entry;
    const entry = this.decode(bytes, frame, end);
    const key = new Uint8Array(length);
    key.set(bytes.subarray(start, end));
    const link = withLink ? Uint8Array.from(bytes.subarray(frame.sourceOffset, frame.sourceOffset + frame.sourceLength)) : undefined;
    const destination = withLink && frame.destinationOffset >= 0 ? Uint8Array.from(bytes.subarray(frame.destinationOffset, frame.destinationOffset + 6)) : undefined;
    if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
    this.memo.set(hash, { key, link, destination, entry });
    return entry;
  }

  /** Decodes a frame into what every later copy of it needs: filters, text, diagnosis input. */
  private decode(bytes: Buffer, frame: LinkFrame, end: number): Entry | undefined {
    const decoded = decodeIpPacket(bytes, frame.networkOffset, end);
    const ip = decoded.ip;
    // Only VRRP (or what claims to be: AH, truncated VRRP) is shown; other traffic in a file is skipped.
    if (!ip || decoded.problems.includes('not-vrrp') || (decoded.vrrp === undefined && ip.protocol !== 112 && ip.protocol !== 51)) return undefined;
    const vrrp = decoded.vrrp;
    const options = this.options;
    let link: LinkText | undefined;
    let vmac = -1;
    if (frame.sourceLength > 0) {
      vmac = virtualMacVrid(bytes, frame.sourceOffset, frame.sourceLength, ip.family);
      if (options.link || options.json) {
        link = { source: macText(bytes, frame.sourceOffset, frame.sourceLength), virtualMacVrid: vmac };
        if (frame.destinationOffset >= 0) link.destination = macText(bytes, frame.destinationOffset, 6);
      }
    }
    const a = vrrp?.advert;
    let rest: string;
    if (options.json) {
      const v2 = a !== undefined && a.version === 2 && a.family === 'ipv4';
      const object: Omit<PacketJson, 'type' | 'time'> = {
        src: ip.source,
        dst: ip.destination,
        ttl: ip.ttl,
        version: a?.version ?? 0,
        vrid: a?.vrid ?? 0,
        priority: a?.priority ?? 0,
        authType: v2 ? (AUTH_TYPE_NAMES[a.authType] ?? String(a.authType)) : null,
        interval: a?.interval ?? 0,
        addresses: a?.addresses ?? [],
        problems: [...decoded.problems, ...(vrrp?.problems ?? NO_PROBLEMS)],
        family: ip.family,
        length: vrrp?.length ?? 0,
        checksum: vrrp?.checksum.checked ? (vrrp.checksum.valid ? 'valid' : 'bad') : 'unchecked',
        checksumForm: vrrp?.checksum.form ?? null,
      };
      if (v2 && a.authType === 1 && a.authData.length > 0) object.auth = simplePassword(a.authData);
      if (decoded.ah) object.ah = { spi: decoded.ah.spi, sequence: decoded.ah.sequence };
      if (link?.source !== undefined) {
        object.sourceMac = link.source;
        object.virtualMac = vmac >= 0;
      }
      // Everything after the time key, so that each copy only adds its own time.
      rest = `,${JSON.stringify(object).slice(1)}`;
    } else {
      const line = packetLine({ seconds: 0, nanoseconds: 0, ip, ipProblems: decoded.problems, ah: decoded.ah, vrrp, link }, options.verbose === true);
      rest = line.slice(line.indexOf(' ') + 1);
    }
    const entry: Entry = { vrid: a?.vrid, source: ip.source, rest, restAfterId: undefined, observation: undefined };
    if (options.verbose && !options.json && ip.family === 'ipv4') {
      // The line is kept in two parts around the IPv4 id, which each copy fills in.
      const marker = `, id ${ip.id}, offset`;
      const at = rest.indexOf(marker);
      if (at >= 0) {
        entry.rest = rest.slice(0, at + 5);
        entry.restAfterId = rest.slice(at + marker.length - 8);
      }
    }
    if (vrrp && a && (a.version === 2 || a.version === 3) && a.type === 1) {
      const other: string[] = vrrp.problems.filter((code) => code !== 'ttl' && code !== 'bad-checksum');
      entry.observation = {
        time: 0,
        segment: '',
        source: ip.source,
        family: ip.family,
        version: a.version,
        vrid: a.vrid,
        priority: a.priority,
        interval: a.interval,
        authType: a.authType,
        authText: a.authType === 1 && a.authData.length > 0 ? simplePassword(a.authData) : '',
        addresses: a.addresses,
        ttl: ip.ttl,
        unicast: !isMulticastText(ip.destination),
        checksumValid: !(vrrp.checksum.checked && !vrrp.checksum.valid),
        problems: other.length > 0 ? other : NO_PROBLEMS,
        sourceMac: link?.source,
      };
    }
    return entry;
  }

  private event(event: DiagnosisEvent, seconds: number, nanoseconds: number): void {
    if (this.options.json) {
      this.pending += JSON.stringify({ type: 'event', time: isoMicro(seconds, nanoseconds), vrid: event.vrid, family: event.family, segment: event.segment, kind: event.kind, message: event.message }) + '\n';
    } else {
      const where = `${event.segment ? `${event.segment} ` : ''}vrid ${event.vrid}${event.family === 'ipv6' ? ' (IPv6)' : ''}`;
      this.pending += `${clockText(seconds, nanoseconds)} ${event.kind === 'master' ? '--' : '!!'} ${where}: ${printable(event.message)}\n`;
    }
  }

  /** The final picture, as the NDJSON summary object. */
  summary(now?: number, kernel?: { received: number; dropped: number }): SniffSummary {
    const result = this.diagnosis.summary(now);
    return toJson({ ...result, packets: this.matched }, this.skipped, kernel);
  }
}

export function toJson(summary: DiagnosisSummary, skipped: number, kernel?: { received: number; dropped: number }): SniffSummary {
  return {
    type: 'summary',
    packets: summary.packets,
    skipped,
    ...(kernel ? { kernel } : {}),
    splitBrain: summary.splitBrain,
    vrids: summary.vrids.map((group) => ({
      ...group,
      routers: group.routers.map((r) => ({ ...r, firstSeen: isoTime(r.firstSeen), lastSeen: isoTime(r.lastSeen) })),
      anomalies: group.anomalies.map((a) => {
        const { firstSeen, lastSeen, ended, ...rest } = a;
        return { ...rest, firstSeen: isoTime(firstSeen), lastSeen: isoTime(lastSeen), ...(ended !== undefined ? { ended: isoTime(ended) } : {}) };
      }),
    })),
  };
}
