// The sniffer's pipeline, shared by live capture and files: link header -> IP (and AH) -> VRRP,
// filters (--vrid, --src), one text line or NDJSON object per packet, and the diagnosis. Output
// is gathered into one string that the caller writes in large chunks.
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, decodeLink, macText, newLinkFrame, virtualMacVrid } from '../capture/link.js';
import { AUTH_TYPE_NAMES } from './constants.js';
import { Diagnosis, type Anomaly, type DiagnosisEvent, type DiagnosisSummary, type GroupSummary, type RouterSummary } from './diagnosis.js';
import { decodeIpPacket } from './ip-packet.js';
import { simplePassword } from './packet.js';
import { clockText, packetLine, problemTexts, type LinkText } from './text.js';

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

function isoMicro(seconds: number, nanoseconds: number): string {
  const base = new Date(seconds * 1000).toISOString(); // ...:SS.000Z
  return `${base.slice(0, 19)}.${String(Math.floor(nanoseconds / 1000) + 1000000).slice(1)}Z`;
}

const NO_PROBLEMS: string[] = [];

export class SniffSession {
  /** Text waiting to be written; the caller takes it with take(). */
  private pending = '';
  readonly diagnosis = new Diagnosis();
  matched = 0;
  skipped = 0;
  private readonly frame = newLinkFrame();

  constructor(private readonly options: SniffOptions) {}

  get pendingLength(): number {
    return this.pending.length;
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
    const decoded = decodeIpPacket(bytes, frame.networkOffset, end);
    const ip = decoded.ip;
    // Only VRRP (or what claims to be: AH, truncated VRRP) is shown; other traffic in a file is skipped.
    if (!ip || (decoded.vrrp === undefined && !(decoded.ah && decoded.ah.nextHeader === 112) && !(ip.protocol === 112 || ip.protocol === 51))) {
      this.skipped++;
      return false;
    }
    if (decoded.problems.includes('not-vrrp')) {
      this.skipped++;
      return false;
    }
    const vrrp = decoded.vrrp;
    const options = this.options;
    if (options.vrid !== undefined && vrrp?.advert.vrid !== options.vrid) return false;
    if (options.source !== undefined && ip.source !== options.source) return false;
    this.matched++;

    let link: LinkText | undefined;
    let vmac = -1;
    if (frame.sourceLength > 0) {
      vmac = virtualMacVrid(bytes, frame.sourceOffset, frame.sourceLength, ip.family);
      if (options.link || options.json) {
        link = { source: macText(bytes, frame.sourceOffset, frame.sourceLength), virtualMacVrid: vmac };
        if (frame.destinationOffset >= 0) link.destination = macText(bytes, frame.destinationOffset, 6);
      }
    }

    if (options.json) {
      const a = vrrp?.advert;
      const v2 = a !== undefined && a.version === 2 && a.family === 'ipv4';
      const object: PacketJson = {
        type: 'packet',
        time: isoMicro(seconds, nanoseconds),
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
      this.pending += JSON.stringify(object) + '\n';
    } else {
      const text = { seconds, nanoseconds, ip, ipProblems: decoded.problems, ...(decoded.ah ? { ah: decoded.ah } : {}), ...(vrrp ? { vrrp } : {}), ...(link ? { link } : {}) };
      this.pending += packetLine(text, options.verbose === true) + '\n';
    }

    if (vrrp && (vrrp.advert.version === 2 || vrrp.advert.version === 3) && vrrp.advert.type === 1) {
      const a = vrrp.advert;
      const vrrpProblems = vrrp.problems;
      let other: string[] = NO_PROBLEMS;
      for (const code of vrrpProblems) {
        if (code === 'ttl' || code === 'bad-checksum') continue;
        if (other === NO_PROBLEMS) other = [];
        other.push(code);
      }
      const observation = {
        time: seconds * 1000 + nanoseconds / 1e6,
        segment,
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
        checksumValid: !(vrrp.checksum.checked && !vrrp.checksum.valid),
        problems: other,
        ...(link?.source !== undefined ? { sourceMac: link.source } : {}),
      };
      const events = this.diagnosis.observe(observation);
      for (const event of events) this.event(event, seconds, nanoseconds);
    }
    return true;
  }

  private event(event: DiagnosisEvent, seconds: number, nanoseconds: number): void {
    if (this.options.json) {
      this.pending += JSON.stringify({ type: 'event', time: isoMicro(seconds, nanoseconds), vrid: event.vrid, family: event.family, segment: event.segment, kind: event.kind, message: event.message }) + '\n';
    } else {
      const where = `${event.segment ? `${event.segment} ` : ''}vrid ${event.vrid}${event.family === 'ipv6' ? ' (IPv6)' : ''}`;
      this.pending += `${clockText(seconds, nanoseconds)} ${event.kind === 'master' ? '--' : '!!'} ${where}: ${event.message}\n`;
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

// problemTexts is re-exported for callers that print a packet's problems on their own.
export { problemTexts };
