// What a stream of VRRP adverts says about the routers behind it: per VRID (and address family
// and segment) the current master, the routers seen before, the advert rate against the
// advertised interval, and anomalies: split brain, priority ties, version / interval /
// authentication / VIP-set mismatches, TTL != 255, bad checksums, priority 0 and takeovers
// with the measured gap.
//
// Pure: time comes from the observations (milliseconds), nothing is read or printed here.
// Only a master sends adverts, so "backups seen" are routers that advertised earlier and
// have gone quiet.

export type Family = 'ipv4' | 'ipv6';

export interface Observation {
  /** Milliseconds since the epoch (capture time). */
  time: number;
  /** The segment the advert was seen on (interface name); '' when unknown (a file). */
  segment?: string;
  source: string;
  sourceMac?: string | undefined;
  family: Family;
  version: number;
  vrid: number;
  priority: number;
  /** Centiseconds. */
  interval: number;
  /** v2 auth type (0 for v3). */
  authType: number;
  /** The simple-text password ('' for none / AH / v3). */
  authText: string;
  addresses: readonly string[];
  ttl: number;
  /** Sent to a unicast address: no TTL rule applies (keepalived checks none; IPv6 ones leave with hop limit 64). */
  unicast?: boolean;
  /** False when a checked checksum failed; true when it passed or could not be checked. */
  checksumValid: boolean;
  /** Decoder problem codes other than ttl and bad-checksum. */
  problems: readonly string[];
}

export type AnomalyKind =
  | 'split-brain'
  | 'priority-tie'
  | 'version-mismatch'
  | 'interval-mismatch'
  | 'auth-mismatch'
  | 'vip-mismatch'
  | 'ttl'
  | 'bad-checksum'
  | 'malformed'
  | 'priority-zero'
  | 'takeover'
  | 'advert-rate';

export interface Anomaly {
  kind: AnomalyKind;
  message: string;
  routers: string[];
  /** First and last time (ms) this anomaly was seen. */
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** split-brain: when it stopped (one side went quiet), if it did. */
  ended?: number;
  /** takeover: old and new master and the gap between the old one's last advert and the new one's first. */
  from?: string;
  to?: string;
  gapMs?: number;
  /** Mismatches: each router's value. */
  values?: Record<string, string | number>;
}

export interface DiagnosisEvent {
  time: number;
  vrid: number;
  family: Family;
  segment: string;
  /** 'master' announces the first master of a group; anything else is an anomaly kind or 'split-brain-ended'. */
  kind: AnomalyKind | 'master' | 'split-brain-ended';
  message: string;
}

export interface RouterSummary {
  address: string;
  mac?: string;
  priority: number;
  version: number;
  interval: number;
  authType: number;
  addresses: string[];
  adverts: number;
  firstSeen: number;
  lastSeen: number;
  /** Mean gap between consecutive adverts in centiseconds, when there were at least two in a row. */
  measuredInterval?: number;
  /** 'master' (advertising at the end), 'left' (sent priority 0), or 'quiet' (stopped: a backup now, or gone). */
  state: 'master' | 'left' | 'quiet';
}

export interface GroupSummary {
  vrid: number;
  family: Family;
  segment: string;
  masters: string[];
  backups: string[];
  routers: RouterSummary[];
  anomalies: Anomaly[];
}

export interface DiagnosisSummary {
  packets: number;
  vrids: GroupSummary[];
  splitBrain: boolean;
}

interface RouterState {
  address: string;
  mac?: string;
  priority: number;
  version: number;
  interval: number;
  authType: number;
  authText: string;
  addresses: readonly string[];
  addressKey: string;
  adverts: number;
  firstSeen: number;
  lastSeen: number;
  leaving: boolean;
  gapSum: number;
  gapCount: number;
  /** Overlap state with each other router, shared by both sides. */
  pairs: Map<RouterState, PairState>;
}

interface PairState {
  /** Adverts of each side while the other side was still active. */
  overlaps: Map<RouterState, number>;
  firstOverlap: number;
  lastOverlap: number;
  anomaly?: Anomaly;
  /** The open split brain comes from settings that make the two drop each other's adverts. */
  deaf?: boolean;
}

interface GroupState {
  vrid: number;
  family: Family;
  segment: string;
  routers: Map<string, RouterState>;
  master?: string;
  anomalies: Map<string, Anomaly>;
  takeovers: Anomaly[];
}

/** Overlapping adverts each side needs before two masters count as a split brain, not a handover. */
export const SPLIT_BRAIN_OVERLAPS = 3;
const NO_EVENTS: DiagnosisEvent[] = [];
/** How many Master_Down_Intervals overlapping adverts are remembered (and a quiet side keeps a split brain open). */
export const PAIR_MEMORY = 3;
/** Routers tracked per VRID; a real segment has two or three. */
export const MAX_ROUTERS = 16;
/** Takeovers kept per VRID for the summary. */
export const MAX_TAKEOVERS = 1000;

/** Master_Down_Interval of a router in ms (RFC 3768 6.1 / RFC 5798 6.1): 3 x interval + skew. */
export function masterDownMs(version: number, priority: number, intervalCs: number): number {
  const interval = intervalCs * 10;
  const skew = version === 3 ? ((256 - priority) * interval) / 256 : ((256 - priority) * 1000) / 256;
  return 3 * interval + skew;
}

const describeAuth = (router: RouterState): string =>
  router.authType === 0 ? 'none' : router.authType === 1 ? `simple "${router.authText}"` : router.authType === 2 ? 'ah' : `type ${router.authType}`;

const describeInterval = (router: RouterState): string => (router.version === 2 ? `${router.interval / 100}s` : `${router.interval}cs`);

export class Diagnosis {
  /** segment -> (family bit | vrid) -> group: numeric keys keep the per-packet lookup cheap. */
  private readonly groups = new Map<string, Map<number, GroupState>>();
  private packets = 0;
  private lastTime = 0;
  private events: DiagnosisEvent[] = NO_EVENTS;
  private current: Observation | undefined;
  /** Collects an event for the observation being processed (one closure for the whole run). */
  private readonly emit: Emit = (kind, message) => {
    const o = this.current as Observation;
    if (this.events === NO_EVENTS) this.events = [];
    this.events.push({ time: o.time, vrid: o.vrid, family: o.family, segment: o.segment ?? '', kind, message });
  };

  /** Feeds one advert; returns what it changed (new anomalies, takeovers, a first master). */
  observe(o: Observation): DiagnosisEvent[] {
    this.packets++;
    if (o.time > this.lastTime) this.lastTime = o.time;
    const segment = o.segment ?? '';
    let segmentGroups = this.groups.get(segment);
    if (!segmentGroups) {
      segmentGroups = new Map();
      this.groups.set(segment, segmentGroups);
    }
    const key = (o.family === 'ipv6' ? 256 : 0) + o.vrid;
    let group = segmentGroups.get(key);
    if (!group) {
      group = { vrid: o.vrid, family: o.family, segment, routers: new Map(), anomalies: new Map(), takeovers: [] };
      segmentGroups.set(key, group);
    }
    this.current = o;
    this.events = NO_EVENTS;
    const emit = this.emit;

    let router = group.routers.get(o.source);
    let changed = false;
    if (!router && group.routers.size >= MAX_ROUTERS) {
      // Hostile or broken input (spoofed sources) must not make the per-packet work grow.
      this.note(group, 'too-many-routers', 'malformed', [], o.time, () => `more than ${MAX_ROUTERS} routers advertise this VRID; further sources are ignored`, emit);
      return this.events;
    }
    if (!router) {
      router = {
        address: o.source,
        priority: o.priority,
        version: o.version,
        interval: o.interval,
        authType: o.authType,
        authText: o.authText,
        addresses: o.addresses,
        addressKey: addressKey(o.addresses),
        adverts: 0,
        firstSeen: o.time,
        lastSeen: o.time,
        leaving: false,
        gapSum: 0,
        gapCount: 0,
        pairs: new Map(),
      };
      if (o.sourceMac !== undefined) router.mac = o.sourceMac;
      group.routers.set(o.source, router);
      changed = true;
    } else {
      const gap = o.time - router.lastSeen;
      if (!router.leaving && o.priority > 0 && gap <= masterDownMs(router.version, router.priority, router.interval)) {
        router.gapSum += gap;
        router.gapCount++;
      }
      if (
        router.priority !== o.priority ||
        router.version !== o.version ||
        router.interval !== o.interval ||
        router.authType !== o.authType ||
        router.authText !== o.authText ||
        !sameAddresses(router.addresses, o.addresses)
      ) {
        router.priority = o.priority;
        router.version = o.version;
        router.interval = o.interval;
        router.authType = o.authType;
        router.authText = o.authText;
        router.addresses = o.addresses;
        router.addressKey = addressKey(o.addresses);
        changed = true;
      }
    }
    router.adverts++;
    router.lastSeen = o.time;

    // Per-packet anomalies of this router.
    if (o.ttl !== 255 && o.unicast !== true) this.note(group, `ttl/${o.source}`, 'ttl', [o.source], o.time, () => `${o.source} sends with TTL/hop limit ${o.ttl} (receivers drop anything but 255)`, emit);
    if (!o.checksumValid) this.note(group, `checksum/${o.source}`, 'bad-checksum', [o.source], o.time, () => `${o.source} sends adverts with a bad checksum`, emit);
    if (o.problems.length > 0) {
      this.note(group, o.problems.length === 1 ? `malformed/${o.source}/${o.problems[0]}` : `malformed/${o.source}/${o.problems.join(',')}`, 'malformed', [o.source], o.time, () => `${o.source} sends malformed adverts (${o.problems.join(', ')})`, emit);
    }
    if (o.priority === 0) {
      router.leaving = true;
      const anomaly = this.note(group, `prio0/${o.source}`, 'priority-zero', [o.source], o.time, () => `${o.source} sent priority 0: the master is leaving`, NO_EMIT);
      emit('priority-zero', anomaly.message);
      // A split brain this router was part of ends with its leaving.
      for (const [other, pair] of router.pairs) {
        if (pair.anomaly && pair.anomaly.ended === undefined) {
          pair.anomaly.ended = o.time;
          emit('split-brain-ended', `split brain over: ${o.source} left (priority 0), ${other.address} remains`);
          pair.anomaly = undefined;
          pair.deaf = false;
          pair.overlaps.clear();
        }
      }
    } else {
      router.leaving = false;
    }

    if (changed && group.routers.size > 1) this.compare(group, router, o.time, emit);
    if (o.priority > 0) {
      this.trackOverlaps(group, router, o.time, emit);
      this.trackMaster(group, router, o, emit);
    }
    this.current = undefined;
    return this.events;
  }

  /** Mismatches between this router's settings and every other router's of the group. */
  private compare(group: GroupState, router: RouterState, time: number, emit: Emit): void {
    for (const other of group.routers.values()) {
      if (other === router) continue;
      const differs = {
        version: other.version !== router.version,
        interval: other.interval !== router.interval,
        // VRRPv3 has no authentication, and keepalived ignores it under v3.
        auth: other.version === 2 && router.version === 2 && (other.authType !== router.authType || other.authText !== router.authText),
        vips: other.addressKey !== router.addressKey,
        tie: other.priority === router.priority && router.priority > 0,
      };
      if (!differs.version && !differs.interval && !differs.auth && !differs.vips && !differs.tie) continue;
      // Strings are built only here, for the rare packet that shows a difference.
      const pair = [other.address, router.address].sort();
      const pairKey = pair.join('/');
      const check = (kind: AnomalyKind, what: string, a: string | number, b: string | number): void => {
        const anomaly = this.note(group, `${kind}/${pairKey}`, kind, pair, time, () => `${what} mismatch: ${other.address} ${a}, ${router.address} ${b}`, emit);
        anomaly.values = { [other.address]: a, [router.address]: b };
      };
      if (differs.version) check('version-mismatch', 'version', `v${other.version}`, `v${router.version}`);
      if (differs.interval) check('interval-mismatch', 'advert interval', describeInterval(other), describeInterval(router));
      if (differs.auth) check('auth-mismatch', 'authentication', describeAuth(other), describeAuth(router));
      if (differs.vips) check('vip-mismatch', 'virtual address set', `[${other.addressKey}]`, `[${router.addressKey}]`);
      // Routers whose version, authentication or (v2) interval differ drop each other's adverts
      // (RFC 3768 7.1, RFC 5798 7.1): each one alive stays master. keepalived's master may even
      // fall silent, restarting its advert timer on every advert it drops, so this is judged from
      // the settings, not only from overlapping adverts.
      const deaf = differs.version || differs.auth || (differs.interval && router.version === 2 && other.version === 2);
      if (deaf && !router.leaving && !other.leaving && router.priority > 0 && other.priority > 0) {
        const reason = [differs.version ? 'version' : '', differs.auth ? 'authentication' : '', differs.interval ? 'advert interval' : ''].filter(Boolean).join(', ');
        this.openSplitBrain(group, router, other, time, `split brain: ${pair.join(' and ')} both act as master: their ${reason} differ, so each drops the other's adverts`, emit);
        this.pairOf(router, other, time).deaf = true;
      }
      if (differs.tie) {
        const anomaly = this.note(group, `priority-tie/${pairKey}`, 'priority-tie', pair, time, () => `priority tie: ${pair.join(' and ')} both have priority ${router.priority} (the higher primary address wins)`, emit);
        anomaly.values = { [other.address]: router.priority, [router.address]: router.priority };
      }
    }
  }

  /**
   * Split brain: two routers that each advertise while the other is still within its
   * Master_Down_Interval, again and again. One or two overlapping adverts are a normal handover
   * (preemption, a simultaneous start); SPLIT_BRAIN_OVERLAPS on both sides is not, whether the
   * two advertise side by side or take turns (keepalived with mismatched peers does both).
   * Overlaps are remembered for PAIR_MEMORY Master_Down_Intervals, then forgotten.
   */
  private trackOverlaps(group: GroupState, router: RouterState, time: number, emit: Emit): void {
    for (const other of group.routers.values()) {
      if (other === router) continue;
      const otherDown = masterDownMs(other.version, other.priority, other.interval);
      const active = !other.leaving && other.adverts > 0 && time - other.lastSeen <= otherDown;
      let pair = router.pairs.get(other);
      if (!active) {
        // A split brain of deaf peers (see compare) stays open while the quiet side may be a silent master.
        if (pair?.anomaly && !pair.deaf && pair.anomaly.ended === undefined && (other.leaving || time - other.lastSeen > PAIR_MEMORY * otherDown)) {
          // The other side has been quiet for long (or left): the split brain is over.
          pair.anomaly.ended = other.lastSeen;
          emit('split-brain-ended', `split brain over: ${other.address} went quiet, ${router.address} is master`);
          pair.anomaly = undefined;
          pair.overlaps.clear();
        }
        continue;
      }
      const memory = PAIR_MEMORY * Math.max(otherDown, masterDownMs(router.version, router.priority, router.interval));
      if (!pair) {
        pair = this.pairOf(router, other, time);
      } else if (!pair.anomaly && time - pair.lastOverlap > memory) {
        pair.overlaps.clear();
        pair.firstOverlap = time;
      }
      pair.lastOverlap = time;
      const mine = (pair.overlaps.get(router) ?? 0) + 1;
      pair.overlaps.set(router, mine);
      if (pair.anomaly) {
        pair.anomaly.lastSeen = time;
        pair.anomaly.count++;
        continue;
      }
      if (mine >= SPLIT_BRAIN_OVERLAPS && (pair.overlaps.get(other) ?? 0) >= SPLIT_BRAIN_OVERLAPS) {
        const routers = [router.address, other.address].sort();
        this.openSplitBrain(group, router, other, pair.firstOverlap, `split brain: ${routers.join(' and ')} both advertise as master`, emit, time);
      }
    }
  }

  private pairOf(router: RouterState, other: RouterState, time: number): PairState {
    let pair = router.pairs.get(other);
    if (!pair) {
      pair = { overlaps: new Map(), firstOverlap: time, lastOverlap: time };
      router.pairs.set(other, pair);
      other.pairs.set(router, pair);
    }
    return pair;
  }

  private openSplitBrain(group: GroupState, router: RouterState, other: RouterState, since: number, message: string, emit: Emit, now = since): void {
    const pair = this.pairOf(router, other, since);
    if (pair.anomaly) return;
    const routers = [router.address, other.address].sort();
    const anomaly: Anomaly = { kind: 'split-brain', message, routers, firstSeen: since, lastSeen: now, count: 1 };
    pair.anomaly = anomaly;
    group.anomalies.set(`split/${routers.join('/')}/${since}`, anomaly);
    emit('split-brain', message);
  }

  private trackMaster(group: GroupState, router: RouterState, o: Observation, emit: Emit): void {
    const current = group.master === undefined ? undefined : group.routers.get(group.master);
    if (!current) {
      group.master = router.address;
      emit('master', `${router.address} is master (prio ${o.priority}, v${o.version}, intvl ${describeInterval(router)})`);
      return;
    }
    if (current === router) return;
    const currentActive = !current.leaving && o.time - current.lastSeen <= masterDownMs(current.version, current.priority, current.interval);
    // While the master is alive, only a higher priority takes over (preemption); anything else
    // advertising at the same time is a conflict, which trackOverlaps judges.
    if (currentActive && router.priority <= current.priority) return;
    const gapMs = o.time - current.lastSeen;
    const how = current.leaving ? 'after it sent priority 0' : currentActive ? 'by preemption' : 'after it went quiet';
    const anomaly: Anomaly = {
      kind: 'takeover',
      message: `takeover: ${router.address} replaces ${current.address} ${how}, ${formatGap(gapMs)} after its last advert`,
      routers: [current.address, router.address],
      firstSeen: o.time,
      lastSeen: o.time,
      count: 1,
      from: current.address,
      to: router.address,
      gapMs: Math.round(gapMs * 1000) / 1000,
    };
    group.takeovers.push(anomaly);
    // A long capture of a flapping pair keeps the latest takeovers, not all of them.
    if (group.takeovers.length > MAX_TAKEOVERS) group.takeovers.shift();
    group.master = router.address;
    emit('takeover', anomaly.message);
  }

  /** Counts an anomaly, creating it (and emitting its message, built only then) the first time. */
  private note(group: GroupState, key: string, kind: AnomalyKind, routers: string[], time: number, message: () => string, emit: Emit): Anomaly {
    const existing = group.anomalies.get(key);
    if (existing) {
      existing.count++;
      existing.lastSeen = time;
      return existing;
    }
    const anomaly: Anomaly = { kind, message: message(), routers, firstSeen: time, lastSeen: time, count: 1 };
    group.anomalies.set(key, anomaly);
    emit(kind, anomaly.message);
    return anomaly;
  }

  /** The picture at `now` (default: the last observation's time). */
  summary(now = this.lastTime): DiagnosisSummary {
    const vrids: GroupSummary[] = [];
    let splitBrain = false;
    const groups = [...this.groups.values()].flatMap((m) => [...m.values()]).sort((a, b) => a.segment.localeCompare(b.segment) || a.family.localeCompare(b.family) || a.vrid - b.vrid);
    for (const group of groups) {
      const routers: RouterSummary[] = [];
      const anomalies: Anomaly[] = [...group.anomalies.values()];
      for (const r of group.routers.values()) {
        // A router in an open split brain counts as master even when silent (see compare).
        const inSplit = [...r.pairs.values()].some((p) => p.anomaly !== undefined && p.anomaly.ended === undefined);
        const active = !r.leaving && (now - r.lastSeen <= masterDownMs(r.version, r.priority, r.interval) || inSplit);
        const summary: RouterSummary = {
          address: r.address,
          priority: r.priority,
          version: r.version,
          interval: r.interval,
          authType: r.authType,
          addresses: [...r.addresses],
          adverts: r.adverts,
          firstSeen: r.firstSeen,
          lastSeen: r.lastSeen,
          state: active ? 'master' : r.leaving ? 'left' : 'quiet',
        };
        if (r.mac !== undefined) summary.mac = r.mac;
        if (r.gapCount > 0) {
          const measured = Math.round((r.gapSum / r.gapCount / 10) * 10) / 10;
          summary.measuredInterval = measured;
          // More than a quarter off the advertised interval over several adverts is worth a look.
          if (r.gapCount >= 3 && Math.abs(measured - r.interval) > Math.max(r.interval * 0.25, 2)) {
            anomalies.push({
              kind: 'advert-rate',
              message: `${r.address} advertises every ${measured} cs on average, but its interval is ${r.interval} cs`,
              routers: [r.address],
              firstSeen: r.firstSeen,
              lastSeen: r.lastSeen,
              count: r.gapCount,
              values: { advertised: r.interval, measured },
            });
          }
        }
        routers.push(summary);
      }
      routers.sort((a, b) => b.priority - a.priority || a.address.localeCompare(b.address));
      anomalies.push(...group.takeovers);
      anomalies.sort((a, b) => a.firstSeen - b.firstSeen);
      if (anomalies.some((a) => a.kind === 'split-brain')) splitBrain = true;
      vrids.push({
        vrid: group.vrid,
        family: group.family,
        segment: group.segment,
        masters: routers.filter((r) => r.state === 'master').map((r) => r.address),
        backups: routers.filter((r) => r.state !== 'master').map((r) => r.address),
        routers,
        anomalies,
      });
    }
    return { packets: this.packets, vrids, splitBrain };
  }
}

type Emit = (kind: DiagnosisEvent['kind'], message: string) => void;
const NO_EMIT: Emit = () => undefined;

function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addressKey(addresses: readonly string[]): string {
  return [...addresses].sort().join(',');
}

export function formatGap(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms.toFixed(1)} ms`;
}
