// The VRRP state machine of one virtual router (RFC 5798 section 6.4, RFC 3768 section 6.4),
// as a pure function: (machine, event, now) -> (machine, actions). It owns no timers, sockets
// or addresses: the engine feeds it received adverts, clock ticks and tracking changes, and
// applies the actions it returns (send an advert, add or remove VIPs, notify). Tests drive
// it with a virtual clock. Time is in milliseconds on any monotonic scale.
//
// keepalived's behaviour where the RFC is silent or keepalived differs, from field facts:
// - `state MASTER` below priority 255 starts as backup and waits out Master_Down_Interval
//   like a backup does; only the address owner (priority 255) becomes master at once, and
//   only when its state is MASTER or not written: an owner with `state BACKUP` (or an unknown
//   state, which keepalived reads as BACKUP) starts as backup, discards lower priorities and
//   takes over when Master_Down_Interval runs out (keepalived 2.2.7, measured: 3.0 s at
//   advert_int 1, v2 and v3, alone or beside a lower-priority master).
// - preempt_delay: a backup that would preempt a lower-priority master waits this long
//   after start-up before it does.
// - FAULT: a failed tracked object stops the router; a master leaving for FAULT sends a
//   priority-0 advert first so the backup takes over after Skew_Time, not Master_Down.
// - Effective priority (base priority plus tracking weights) stays within 1..254; the
//   address owner is never moved off 255.
// - A master hearing a lower priority answers with an advert of its own at once (and counts
//   its next advert from then) unless lower_prio_no_advert, and re-announces its VIPs
//   (action `heard-lower-priority`; garp_lower_prio_*); with higher_prio_send_advert it sends
//   one advert before stepping down for a higher priority. The RFCs discard the lower advert
//   and send nothing on stepping down; keepalived 2.2.7's defaults do the former (measured).
// - down_timer_adverts replaces the RFC's 3 in Master_Down_Interval.

import { ipToBytes } from '../native/ip.js';

export type VrrpState = 'init' | 'backup' | 'master' | 'fault';

export interface MachineConfig {
  version: 2 | 3;
  /** Configured priority, 1..255 (255 = address owner). */
  priority: number;
  /** Our advertisement interval in milliseconds (v2: whole seconds; v3: centiseconds). */
  advertIntervalMs: number;
  /** Preempt a lower-priority master (keepalived's default; `nopreempt` turns it off). */
  preempt: boolean;
  /** keepalived's preempt_delay, milliseconds (0 = none). */
  preemptDelayMs: number;
  /** Our primary address on the interface: breaks priority ties (higher address wins). */
  localAddress: string;
  /**
   * `state BACKUP` was written (or an unknown state): even the address owner starts as a
   * backup and waits out Master_Down_Interval. Below 255 every router starts as a backup.
   */
  startBackup?: boolean;
  /**
   * A member of a vrrp_sync_group: when its Master_Down timer runs out it does not take over
   * alone but says it wants to (action `want-master`); the engine moves the whole group
   * with `sync` events once every member wants it.
   */
  inSyncGroup?: boolean;
  /** Master_Down_Interval counts this many advert intervals (keepalived's down_timer_adverts; default 3). */
  downTimerAdverts?: number;
  /** A master answers a lower-priority advert with nothing (lower_prio_no_advert; the RFCs' rule). */
  lowerPrioNoAdvert?: boolean;
  /** A master sends one advert before stepping down for a higher priority (higher_prio_send_advert). */
  higherPrioSendAdvert?: boolean;
}

export interface Machine {
  config: MachineConfig;
  state: VrrpState;
  /** Effective priority: configured priority moved by tracking weights. */
  priority: number;
  /** The master's advertisement interval as learned (v3) or our own (v2), ms. */
  masterAdvertIntervalMs: number;
  /** When the backup declares the master dead (backup state only). */
  masterDownAt?: number;
  /** When the master sends its next advert (master state only). */
  advertAt?: number;
  /** Address of the current master as last heard (or ours while master). */
  masterAddress?: string;
  /** Priority the current master advertised. */
  masterPriority?: number;
  startedAt?: number;
  /** Faults currently reported by tracking (by name); non-empty means FAULT. */
  faults: string[];
  /** A sync-group member whose master has gone quiet, waiting for the rest of its group. */
  wantMaster?: boolean;
  lastTransition?: Transition;
}

export interface Transition {
  at: number;
  from: VrrpState;
  to: VrrpState;
  reason: string;
}

/** An advert that passed the engine's checks (TTL, checksum, auth, VRID, version, interval). */
export interface ReceivedAdvert {
  priority: number;
  /** The interval the sender advertises, ms. */
  advertIntervalMs: number;
  /** The sender's primary address (the IP source). */
  from: string;
}

export type MachineEvent =
  | { type: 'startup' }
  | { type: 'advert'; advert: ReceivedAdvert }
  /**
   * The clock moved: fire whatever deadline has passed. With advertEarlyMs, a master whose
   * next advert is due within that many ms sends it now and counts its schedule from now:
   * masters due close together then stay together, and one wake-up serves them all (an
   * advert a few ms early is harmless; a late one is what shortens a backup's patience).
   */
  | { type: 'tick'; advertEarlyMs?: number }
  /** Tracking moved the effective priority (already clamped by effectivePriority()). */
  | { type: 'priority'; priority: number }
  /** A tracked object failed (`failed: true`) or recovered. */
  | { type: 'fault'; name: string; failed: boolean }
  /** A sync group moves this instance with the others. */
  | { type: 'sync'; to: 'master' | 'backup' | 'fault'; reason: string }
  | { type: 'shutdown' };

export type MachineAction =
  | { type: 'send-advert'; priority: number }
  | { type: 'transition'; transition: Transition }
  /** A sync-group member would take over now (see MachineConfig.inSyncGroup). */
  | { type: 'want-master' }
  /** A master heard a lower priority: the engine re-announces the VIPs (garp_lower_prio_*). */
  | { type: 'heard-lower-priority'; from: string; priority: number };

export interface StepResult {
  machine: Machine;
  actions: MachineAction[];
}

export function createMachine(config: MachineConfig): Machine {
  // Every field present from the start: machines then share one shape, and step()'s copy
  // of one is a fast clone (a backup steps on every advert it hears).
  return {
    config,
    state: 'init',
    priority: config.priority,
    masterAdvertIntervalMs: config.advertIntervalMs,
    masterDownAt: undefined,
    advertAt: undefined,
    masterAddress: undefined,
    masterPriority: undefined,
    startedAt: undefined,
    faults: [],
    wantMaster: undefined,
    lastTransition: undefined,
  };
}

/** Skew_Time for a priority and the master's advertisement interval (v2 uses one second). */
export function skewMs(config: MachineConfig, priority: number, masterAdvertIntervalMs: number): number {
  const base = config.version === 2 ? 1000 : masterAdvertIntervalMs;
  return ((256 - priority) * base) / 256;
}

/** Master_Down_Interval = 3 (down_timer_adverts) x Master_Adver_Interval + Skew_Time. */
export function masterDownIntervalMs(machine: Machine): number {
  return (machine.config.downTimerAdverts ?? 3) * machine.masterAdvertIntervalMs + skewMs(machine.config, machine.priority, machine.masterAdvertIntervalMs);
}

/** The configured priority moved by tracking weights, kept within what keepalived allows. */
export function effectivePriority(configured: number, weights: number[]): number {
  if (configured === 255) return 255;
  const sum = weights.reduce((total, weight) => total + weight, configured);
  return Math.min(254, Math.max(1, sum));
}

/** The next time the engine must send a tick, if any. */
export function nextDeadline(machine: Machine): number | undefined {
  if (machine.state === 'master') return machine.advertAt;
  if (machine.state === 'backup') return machine.masterDownAt;
  return undefined;
}

/** Compares two addresses of one family numerically: > 0 when a is higher. */
export function compareAddresses(a: string, b: string): number {
  const x = ipToBytes(a);
  const y = ipToBytes(b);
  if (x.length !== y.length) return x.length - y.length;
  return Buffer.compare(x, y);
}

// The moves step() makes, as plain functions of the machine being built (no closures per step).
function transition(next: Machine, actions: MachineAction[], now: number, to: VrrpState, reason: string): void {
  next.wantMaster = false;
  const record: Transition = { at: now, from: next.state, to, reason };
  next.state = to;
  next.lastTransition = record;
  actions.push({ type: 'transition', transition: record });
}

function enterBackup(next: Machine, actions: MachineAction[], now: number, reason: string): void {
  next.advertAt = undefined;
  next.masterDownAt = now + masterDownIntervalMs(next);
  if (next.state !== 'backup') transition(next, actions, now, 'backup', reason);
}

function enterMaster(next: Machine, actions: MachineAction[], now: number, reason: string): void {
  actions.push({ type: 'send-advert', priority: next.priority });
  next.masterDownAt = undefined;
  next.advertAt = now + next.config.advertIntervalMs;
  next.masterAddress = next.config.localAddress;
  next.masterPriority = next.priority;
  next.masterAdvertIntervalMs = next.config.advertIntervalMs;
  transition(next, actions, now, 'master', reason);
}

/**
 * A master stepping down tells the others at once (priority 0), so a backup takes over after
 * Skew_Time rather than the full Master_Down_Interval.
 */
function leaveMaster(next: Machine, actions: MachineAction[]): void {
  if (next.state === 'master') actions.push({ type: 'send-advert', priority: 0 });
}

function enterFault(next: Machine, actions: MachineAction[], now: number, reason: string): void {
  leaveMaster(next, actions);
  next.advertAt = undefined;
  next.masterDownAt = undefined;
  if (next.state !== 'fault') transition(next, actions, now, 'fault', reason);
}

export function step(machine: Machine, event: MachineEvent, now: number): StepResult {
  // faults is replaced, never changed in place, so the copy shares it (a backup steps ten
  // times a second per instance on adverts alone).
  const next: Machine = { ...machine };
  const actions: MachineAction[] = [];

  switch (event.type) {
    case 'startup': {
      if (next.state !== 'init') break;
      next.startedAt = now;
      next.masterAdvertIntervalMs = next.config.advertIntervalMs;
      if (next.faults.length > 0) enterFault(next, actions, now, `tracked ${next.faults.join(', ')} failed at start-up`);
      else if (next.priority === 255 && !next.config.startBackup) enterMaster(next, actions, now, 'address owner (priority 255) at start-up');
      else enterBackup(next, actions, now, 'start-up');
      break;
    }

    case 'tick': {
      const early = Math.max(0, event.advertEarlyMs ?? 0);
      if (next.state === 'master' && next.advertAt !== undefined && now >= next.advertAt - early) {
        actions.push({ type: 'send-advert', priority: next.priority });
        const interval = next.config.advertIntervalMs;
        if (now < next.advertAt) {
          next.advertAt = now + interval;
        } else {
          // Keep the schedule steady even when a tick comes late.
          const missed = Math.floor((now - next.advertAt) / interval);
          next.advertAt += (missed + 1) * interval;
        }
      } else if (next.state === 'backup' && next.masterDownAt !== undefined && now >= next.masterDownAt) {
        if (next.config.inSyncGroup) {
          // Wait for the group; ask again after another interval if it does not come.
          next.wantMaster = true;
          next.masterDownAt = now + masterDownIntervalMs(next);
          actions.push({ type: 'want-master' });
          break;
        }
        enterMaster(next, actions, now, next.masterAddress ? `no advert from ${next.masterAddress} for Master_Down_Interval` : 'no master heard');
      }
      break;
    }

    case 'advert': {
      const advert = event.advert;
      if (next.state === 'backup') {
        if (advert.priority === 0) {
          // The master is leaving: take over after Skew_Time.
          next.masterDownAt = now + skewMs(next.config, next.priority, next.masterAdvertIntervalMs);
          next.masterAddress = advert.from;
          next.masterPriority = 0;
          break;
        }
        const wouldPreempt = next.config.preempt && advert.priority < next.priority;
        const delaying =
          wouldPreempt && next.config.preemptDelayMs > 0 && now < (next.startedAt ?? now) + next.config.preemptDelayMs;
        if (!wouldPreempt || delaying) {
          next.wantMaster = false;
          if (next.config.version === 3) next.masterAdvertIntervalMs = advert.advertIntervalMs;
          next.masterDownAt = now + masterDownIntervalMs(next);
          next.masterAddress = advert.from;
          next.masterPriority = advert.priority;
        }
        // Otherwise the advert is ignored and the down timer runs out: we preempt.
      } else if (next.state === 'master') {
        if (advert.priority === 0) {
          actions.push({ type: 'send-advert', priority: next.priority });
          next.advertAt = now + next.config.advertIntervalMs;
          break;
        }
        const higher =
          advert.priority > next.priority ||
          (advert.priority === next.priority && compareAddresses(advert.from, next.config.localAddress) > 0);
        if (higher) {
          // The other master then hears a lower priority and re-announces its VIPs: after two
          // masters, the last gratuitous ARPs seen may have been ours.
          if (next.config.higherPrioSendAdvert) actions.push({ type: 'send-advert', priority: next.priority });
          if (next.config.version === 3) next.masterAdvertIntervalMs = advert.advertIntervalMs;
          next.masterAddress = advert.from;
          next.masterPriority = advert.priority;
          enterBackup(next, actions, now, `higher priority master ${advert.from} (priority ${advert.priority})`);
        } else {
          // Another master of lower priority (it does not hear us, or has just started): remind
          // it, and the segment's ARP caches, who the master is.
          if (!next.config.lowerPrioNoAdvert) {
            actions.push({ type: 'send-advert', priority: next.priority });
            next.advertAt = now + next.config.advertIntervalMs;
          }
          actions.push({ type: 'heard-lower-priority', from: advert.from, priority: advert.priority });
        }
      }
      break;
    }

    case 'priority': {
      if (next.config.priority === 255) break;
      next.priority = event.priority;
      // A master keeps advertising with the new priority; a backup's down timer uses the
      // new skew from its next reset. Nothing else changes here.
      break;
    }

    case 'fault': {
      const had = next.faults.includes(event.name);
      if (event.failed && !had) next.faults = [...next.faults, event.name];
      if (!event.failed && had) next.faults = next.faults.filter((name) => name !== event.name);
      if (next.state === 'init') break;
      if (next.faults.length > 0 && next.state !== 'fault') enterFault(next, actions, now, `${event.name} failed`);
      else if (next.faults.length === 0 && next.state === 'fault') {
        next.masterAdvertIntervalMs = next.config.advertIntervalMs;
        enterBackup(next, actions, now, `${event.name} recovered`);
      }
      break;
    }

    case 'sync': {
      if (next.state === 'init') break;
      if (event.to === 'fault') enterFault(next, actions, now, event.reason);
      else if (event.to === 'master') {
        if (next.state === 'backup' && next.faults.length === 0) enterMaster(next, actions, now, event.reason);
      } else if (next.state === 'master') {
        leaveMaster(next, actions);
        enterBackup(next, actions, now, event.reason);
      }
      break;
    }

    case 'shutdown': {
      leaveMaster(next, actions);
      next.advertAt = undefined;
      next.masterDownAt = undefined;
      if (next.state !== 'init') transition(next, actions, now, 'init', 'shutdown');
      break;
    }
  }
  return { machine: next, actions };
}
