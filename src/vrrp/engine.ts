// The VRRP engine: applies the pure state machine (state-machine.ts) to the real world. Per
// instance it owns a transport, a timer, the VIPs (added on MASTER, removed on BACKUP /
// FAULT / exit), the takeover announcements and the ordered notifications. Received adverts
// pass judgeAdvert() first, so nothing malformed or mismatched reaches the machine. Tracking
// (track_interface over rtnetlink link events, track_script with vrrp_script checks, track_file
// numbers read whenever their file changes) moves
// the effective priority or holds an instance in FAULT (tracking.ts); vrrp_sync_group members
// move together (sync-group.ts). reload() applies a changed file in place (SIGHUP).
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { isIPv6 } from 'node:net';
import { isMulticastText } from '../keepalived/ip-text.js';
import { NetlinkConnection } from '../netlink/connection.js';
import { NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL } from '../netlink/constants.js';
import { isSystemError } from '../errors.js';
import { addAddress, deleteAddress, listAddresses, type AddressSpec, type InterfaceAddress } from '../rtnl/addresses.js';
import { listLinks, type Link } from '../rtnl/links.js';
import { VIPCTL_ADDRESS_PROTO } from '../rtnl/constants.js';
import type { KeepalivedConfig, SyncGroup, VrrpInstance, VrrpScript } from '../keepalived/model.js';
import { createMachine, effectivePriority, step, type Machine, type MachineEvent, type StepResult, type VrrpState } from './state-machine.js';
import { linkIsUp, watchLinks, type LinkWatcher } from '../rtnl/events.js';
import { TransportPool, datagramKey, sameDatagram, toReceived, type AdvertView, type TransportAttachment } from './transport.js';
import { encodeAdvertisement } from './packet.js';
import { judgeAdvert, DROP_REASONS, type DropReason } from './accept.js';
import { AhAuthenticator, type AhFailure } from './ah.js';
import { VRRP_TTL } from './constants.js';
import { Announcer } from './announce-socket.js';
import { NotificationQueue, spawnRunner, type NotifyScripts, type NotifyState } from './notify.js';
import type { Logger } from './log.js';
import { prepareInstance, sameRouter, vipKey, type InstanceSetup } from './instance-setup.js';
import { deleteRoute, listRoutes, VIPCTL_ROUTE_PROTO } from '../rtnl/routes.js';
import { routeText } from './virtual-routes.js';
import { deleteRule, listRules, VIPCTL_RULE_PROTO } from '../rtnl/rules.js';
import { DefaultPreferences, ruleText } from './virtual-rules.js';
import type { KernelObject } from './kernel-objects.js';
import { NotifyFifo } from './notify-fifo.js';
import type { Notification } from './notify.js';
import { trackFileWeight, trackingEffect, type TrackedObject } from './tracking.js';
import { initTrackFile, TrackFileWatcher } from './track-file.js';
import { ScriptCheck } from './script-check.js';
import { announcementPlan } from './announce-plan.js';
import { insecureReason, resolveExecutable, scriptIdentity } from './script-user.js';
import { Wakeup, nodeTimersWithoutSleep } from './wakeup.js';
import { PREPARED_LIMIT, prepareTakeover, type PreparedTakeover } from './takeover.js';
import type { PreparedOutcome } from '../netlink/connection.js';
import { VmacSet, vmacPlanOf, type VmacPlan } from './vmac.js';
import { groupFaultsFor, groupMayTakeOver, groupState, isGroupFault, ownFaults, type MemberView } from './sync-group.js';

export interface InstanceStatus {
  name: string;
  state: VrrpState;
  interface: string;
  /** use_vmac: the macvlan the VIPs are on (and adverts leave from unless vmac_xmit_base). */
  vmac: string | null;
  vrid: number;
  version: 2 | 3;
  configuredPriority: number;
  effectivePriority: number;
  masterAddress: string | null;
  /** Advert interval in use, centiseconds (learned from the master under v3). */
  advertIntervalCs: number;
  vips: string[];
  vipsHeld: boolean;
  lastTransition: { at: string; from: string; to: string; reason: string } | null;
  /**
   * track_interface (state up/down), track_script (ok/failed; disabled when it cannot run) and
   * track_file (ok/failed, with the file's current number as `value`).
   */
  tracked: Array<{ name: string; kind: string; state: string; weight: number; value?: number }>;
  /** The vrrp_sync_group this instance belongs to, if any. */
  syncGroup: string | null;
  counters: { advertsSent: number; advertsReceived: number; drops: Record<DropReason, number> };
  /**
   * VRRPv2 auth type AH only: the instance's sequence counter (the last number sent or taken)
   * and the adverts refused by kind (each also counted in drops: 'auth', or 'malformed').
   */
  ah?: { sequence: number; refused: Record<AhFailure, number> };
}

export interface ReloadSummary {
  kept: string[];
  updated: string[];
  added: string[];
  removed: string[];
}

interface Runtime {
  setup: InstanceSetup;
  machine: Machine;
  transport: TransportAttachment;
  /** Encoded adverts by priority, one per destination (see advertsFor()). */
  adverts: Map<number, Buffer[]>;
  /**
   * The last advert accepted, as the machine's event: a steady master sends the same bytes ten
   * times a second, and judging is a pure function of the bytes, addresses, TTL and policy,
   * so an identical datagram reuses the event instead of being decoded again.
   */
  lastAccepted?: AcceptedAdvert;
  announcer: Announcer;
  garpTimers: NodeJS.Timeout[];
  /** The VIPs as last added (what must be removed later, even after a reload changed the list). */
  heldVips: AddressSpec[];
  /** The virtual_routes and virtual_rules as last added. */
  held: KernelObject[];
  /** The VIPs, routes and rules of a takeover, encoded (see takeover.ts). */
  takeover: PreparedTakeover;
  /**
   * A backup's step at its down deadline, worked out while the engine waits out the last
   * milliseconds (see onWake()), for the machine it was worked out from.
   */
  expiry?: { from: Machine; result: StepResult };
  tracked: TrackedObject[];
  group: string | undefined;
  counters: InstanceStatus['counters'];
  /** Set when a reload removed or replaced this instance: late events are ignored. */
  closed: boolean;
  /** Set when a reload removed this instance from the file (not replaced): its stop is notified as FAULT or DELETED. */
  deleted?: boolean;
  /** Address changes run one after another (a release never overtakes the take before it). */
  vipWork: Promise<void>;
  /** Address changes queued or running: with none, the next one starts at once. */
  vipPending: number;
  /** VRRPv2 auth type AH: the key and the sequence counter (ah.ts), and refusals by kind. */
  ah?: { authenticator: AhAuthenticator; refused: Record<AhFailure, number> };
}

interface AcceptedAdvert {
  /** Source, destination and message bytes (see datagramKey). */
  key: Buffer;
  ttl: number | undefined;
  event: MachineEvent & { type: 'advert' };
}

const performanceNow = (): number => performance.now();

/** How much earlier than a backup's down deadline the engine wakes up (see onWake()). */
const EARLY_MS = 3;

/**
 * How early a master may send an advert so that one wake-up serves the masters due close
 * together (see the tick event): a tenth of the interval, at most 10 ms.
 */
function advertGatherMs(machine: Machine): number {
  return Math.min(10, machine.config.advertIntervalMs / 10);
}

/** Configuration objects compared without their source positions (a moved block is unchanged). */
function sameContent(a: unknown, b: unknown): boolean {
  const strip = (key: string, value: unknown): unknown => (key === 'at' || key === 'userAt' || key === 'vmacAt' ? undefined : value);
  return JSON.stringify(a, strip) === JSON.stringify(b, strip);
}

function syncGroupOf(config: KeepalivedConfig): Map<string, string> {
  const groups = new Map<string, string>();
  for (const group of config.syncGroups) for (const member of group.members) groups.set(member.name, group.name);
  return groups;
}

export class Engine {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly checks = new Map<string, ScriptCheck>();
  private readonly groupStates = new Map<string, VrrpState>();
  private readonly rtnl = NetlinkConnection.open(NETLINK_ROUTE);
  /** use_vmac's macvlans (vmac.ts). */
  private readonly vmacs: VmacSet;
  private readonly transports: TransportPool;
  /** One announcer per interface (and MAC), shared by its instances, with how many use it. */
  private readonly announcers = new Map<string, { announcer: Announcer; users: number }>();
  private readonly notifications: NotificationQueue;
  private stopping = false;
  private linkWatcher: LinkWatcher | undefined;
  /** Watches the track_files some instance or group tracks (made on first need). */
  private trackFileWatcher: TrackFileWatcher | undefined;
  /** Track files whose init_file was carried out: once per run, a reload does not reset them. */
  private readonly initialisedTrackFiles = new Set<string>();
  private readonly linkStates = new Map<string, boolean>();
  /** vrrp_scripts that cannot run (no such user, unsafe path, ...), with the reason. */
  private readonly disabledChecks = new Map<string, string>();
  private warnedScriptSecurity = false;
  /** Whether `now` is performance.now() (kernel arrival times can then be mapped onto it). */
  private readonly realClock: boolean;
  private fifo: NotifyFifo | undefined;
  /** Wall clock minus the monotonic clock, taken once so reported times never jitter. */
  private readonly wallOffset: number;
  /** The one timer of every instance (see wakeup.ts and onWake()). */
  private readonly wakeup: Wakeup;
  /** Set while onWake() walks the instances: it arms the timer once at the end. */
  private waking = false;
  /** The wall clock minus the engine's monotonic one (ms), as estimated (see arrivalTime()). */
  private clockOffset = -Infinity;

  constructor(
    private config: KeepalivedConfig,
    private readonly log: Logger,
    private readonly now: () => number = performanceNow,
  ) {
    this.realClock = now === performanceNow;
    this.vmacs = new VmacSet(this.rtnl, log);
    // V8 drops the bytecode of functions that have not run for a few major garbage
    // collections, and a takeover's path may run once in weeks: compiling it again when a
    // master dies would come out of the failover time. The collector reads the flag at each
    // cycle, so setting it here takes effect; it keeps only the bytecode of functions that ran.
    setFlagsFromString('--no-flush-bytecode');
    this.wallOffset = Date.now() - this.now();
    // Blocking sleeps only on the monotonic clock the addon sleeps on (tests drive other clocks).
    this.wakeup = new Wakeup(this.now, () => this.onWake(), this.realClock ? undefined : nodeTimersWithoutSleep);
    // Lazy reading needs kernel arrival times on this clock: with any other clock (tests),
    // adverts are read as they come.
    this.transports = new TransportPool({
      now: this.now,
      eager: !this.realClock,
      onOverflow: (ifname, dropped) => this.log.limited(`overflow:${ifname}`, 'warn', 'the kernel dropped adverts: the receive queue was full', { interface: ifname, dropped }),
    });
    this.notifications = new NotificationQueue(spawnRunner(), (result, change) => {
      if (result.code !== 0) {
        this.log.log('warn', 'notify script failed', { instance: change.name, state: change.state, command: result.argv[0], code: result.code, error: result.error });
      }
    });
  }

  /** Removes VIPs a killed earlier run left behind, opens every instance and starts them. */
  async start(): Promise<void> {
    const links = await listLinks(this.rtnl);
    const addresses = await listAddresses(this.rtnl);
    // Routes first: removing an address also drops the routes that use it as their source.
    for (const leftover of (await listRoutes(this.rtnl)).filter((r) => r.protocol === VIPCTL_ROUTE_PROTO)) {
      await this.quietly(deleteRoute(this.rtnl, leftover), 'ESRCH');
      this.log.log('warn', 'removed a route left behind by an earlier run', { route: routeText(leftover) });
    }
    for (const leftover of (await listRules(this.rtnl)).filter((r) => r.protocol === VIPCTL_RULE_PROTO)) {
      await this.quietly(deleteRule(this.rtnl, leftover), 'ENOENT', 'rule');
      this.log.log('warn', 'removed a rule left behind by an earlier run', { rule: ruleText(leftover) });
    }
    for (const leftover of addresses.filter((a) => a.proto === VIPCTL_ADDRESS_PROTO)) {
      await this.quietly(deleteAddress(this.rtnl, { ifindex: leftover.ifindex, address: leftover.address, prefixLength: leftover.prefixLength }));
      this.log.log('warn', 'removed a VIP left behind by an earlier run', { address: `${leftover.address}/${leftover.prefixLength}`, ifindex: leftover.ifindex });
    }
    const setups = await this.withVmacs(this.config, links, (all) => this.prepareAll(this.config, all, addresses));
    this.openFifo();
    for (const setup of setups) this.runtimes.set(setup.instance.name, this.openRuntime(setup));
    await this.refreshTracking();
    for (const runtime of this.runtimes.values()) this.begin(runtime);
  }

  /**
   * Applies a changed configuration in place (SIGHUP). Every instance is prepared first; if one
   * cannot run (a missing interface, no source address) the whole file is refused and nothing
   * running changes. Instances whose settings did not change keep running untouched, VIPs
   * and all; changed ones keep their state and socket when they are still the same router
   * (interface, family, VRID, version, source, peers) and only their VIPs are brought in line;
   * the rest are stopped (priority 0, VIPs removed) or started.
   */
  async reload(config: KeepalivedConfig): Promise<ReloadSummary> {
    const links = await listLinks(this.rtnl);
    const addresses = await listAddresses(this.rtnl);
    // New vmacs are made first (instances are prepared on them) and removed again if the file is refused.
    let madeNow: string[] = [];
    const setups = await this.withVmacs(config, links, (all) => this.prepareAll(config, all, addresses), (made) => (madeNow = made));
    const summary: ReloadSummary = { kept: [], updated: [], added: [], removed: [] };
    // Open every new socket before touching anything, so a failure leaves all as it was.
    const fresh = new Map<string, Runtime>();
    try {
      for (const setup of setups) {
        const old = this.runtimes.get(setup.instance.name);
        if (!old || !sameRouter(old.setup, setup)) fresh.set(setup.instance.name, this.openRuntime(setup));
      }
    } catch (error) {
      for (const runtime of fresh.values()) this.closeSockets(runtime);
      for (const name of madeNow) await this.vmacs.remove(name);
      throw error;
    }
    const fifoChanged = config.global.vrrpNotifyFifo !== this.config.global.vrrpNotifyFifo;
    this.config = config;
    if (fifoChanged) this.openFifo();
    const wanted = new Set(setups.map((s) => s.instance.name));
    for (const [name, runtime] of [...this.runtimes]) {
      if (!wanted.has(name) || fresh.has(name)) {
        await this.retire(runtime, !wanted.has(name));
        this.runtimes.delete(name);
        if (!wanted.has(name)) summary.removed.push(name);
      }
    }
    const next = new Map<string, Runtime>();
    for (const setup of setups) {
      const name = setup.instance.name;
      const created = fresh.get(name);
      if (created) {
        next.set(name, created);
        summary.added.push(name);
        continue;
      }
      const runtime = this.runtimes.get(name);
      if (!runtime) continue;
      if (sameContent(runtime.setup.instance, setup.instance) && runtime.setup.machine.inSyncGroup === setup.machine.inSyncGroup) {
        summary.kept.push(name);
      } else {
        await this.update(runtime, setup);
        summary.updated.push(name);
      }
      next.set(name, runtime);
    }
    this.runtimes.clear();
    for (const [name, runtime] of next) this.runtimes.set(name, runtime);
    // vmacs no instance uses any more (use_vmac gone, or its instance): removed, as keepalived does.
    await this.vmacs.removeAllBut(new Set(setups.flatMap((setup) => (setup.vmac ? [setup.vmac.name] : []))));
    await this.refreshTracking();
    for (const name of summary.added) {
      const runtime = this.runtimes.get(name);
      if (runtime) this.begin(runtime);
    }
    for (const runtime of this.runtimes.values()) if (!summary.added.includes(runtime.setup.instance.name)) this.schedule(runtime);
    return summary;
  }

  /** SIGTERM / SIGINT: priority-0 adverts, VIPs removed, notify_stop, sockets closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.linkWatcher?.close();
    this.trackFileWatcher?.close();
    for (const check of this.checks.values()) check.stop();
    for (const runtime of this.runtimes.values()) this.dispatch(runtime, { type: 'shutdown' });
    this.wakeup.cancel();
    // Every VIP goes before any socket is closed: closing sockets takes time (a packet
    // socket waits for an RCU grace period), and a backup takes over after Skew_Time.
    for (const runtime of this.runtimes.values()) {
      this.clearTimers(runtime);
      await this.serially(runtime, () => this.releaseVips(runtime));
    }
    for (const runtime of this.runtimes.values()) this.closeSockets(runtime);
    await this.vmacs.removeAllBut();
    await this.notifications.drain();
    this.fifo?.close();
    this.rtnl.close();
  }

  /** (Re)opens vrrp_notify_fifo; a fifo that cannot be opened is logged, never fatal (as keepalived). */
  private openFifo(): void {
    this.fifo?.close();
    this.fifo = undefined;
    const path = this.config.global.vrrpNotifyFifo;
    if (!path) return;
    try {
      this.fifo = NotifyFifo.open(path);
    } catch (error) {
      this.log.log('error', `cannot open notify fifo ${path}`, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Notify scripts in order, and the fifo line. */
  private notify(scripts: NotifyScripts, change: Notification): void {
    void this.notifications.enqueue(scripts, change);
    if (this.fifo && !this.fifo.write(change)) this.log.limited('fifo-full', 'warn', `notify fifo ${this.fifo.path} is full (nobody reading): line dropped`);
  }

  status(name?: string): InstanceStatus[] {
    // Adverts may wait in the kernel until a deadline needs them (lazy reading): a person
    // asking for the status sees them counted, and the master they name, as of now.
    if (!this.stopping && !this.waking) this.transports.drain();
    const all = [...this.runtimes.values()];
    const selected = name ? all.filter((r) => r.setup.instance.name === name) : all;
    if (name && selected.length === 0) throw new Error(`no instance ${name}`);
    const wallOffset = this.wallOffset;
    return selected.map((runtime) => {
      const { machine, setup } = runtime;
      const transition = machine.lastTransition;
      return {
        name: setup.instance.name,
        state: machine.state,
        interface: setup.link.name,
        vmac: setup.vmac?.name ?? null,
        vrid: setup.policy.vrid,
        version: setup.policy.version,
        configuredPriority: setup.instance.priority,
        effectivePriority: machine.priority,
        masterAddress: machine.state === 'master' ? setup.source : (machine.masterAddress ?? null),
        advertIntervalCs: Math.round(machine.masterAdvertIntervalMs / 10),
        vips: setup.vips.map((v) => `${v.address}/${v.prefixLength}`),
        vipsHeld: runtime.heldVips.length > 0,
        lastTransition: transition
          ? { at: new Date(transition.at + wallOffset).toISOString(), from: transition.from, to: transition.to, reason: transition.reason }
          : null,
        tracked: runtime.tracked.map((t) => (t.kind === 'file' ? { name: t.name, kind: t.kind, weight: t.weight, state: trackFileWeight(t) === undefined ? 'failed' : 'ok', value: t.value ?? 0 } : {
          name: t.name,
          kind: t.kind,
          weight: t.weight,
          state: t.up === undefined ? 'disabled' : t.kind === 'interface' ? (t.up ? 'up' : 'down') : t.up ? 'ok' : 'failed',
        })),
        syncGroup: runtime.group ?? null,
        counters: { ...runtime.counters, drops: { ...runtime.counters.drops, vrid: runtime.counters.drops.vrid + runtime.transport.foreignVrid() } },
        ...(runtime.ah ? { ah: { sequence: runtime.ah.authenticator.sequence, refused: { ...runtime.ah.refused } } } : {}),
      };
    });
  }

  // ---- set-up ----------------------------------------------------------------------------

  /**
   * Makes the vmacs the file asks for (use_vmac), then prepares the instances on the links as
   * they now are; vmacs made here are removed again if preparing fails.
   */
  private async withVmacs(config: KeepalivedConfig, links: Link[], prepare: (links: Link[]) => InstanceSetup[], made?: (names: string[]) => void): Promise<InstanceSetup[]> {
    const plans = config.vrrpInstances.map((instance) => vmacPlanOf(instance, links)).filter((plan): plan is VmacPlan => plan !== undefined);
    const taken = await this.vmacs.ensure(plans);
    made?.(taken);
    try {
      return prepare(plans.length > 0 ? await listLinks(this.rtnl) : links);
    } catch (error) {
      for (const name of taken) await this.vmacs.remove(name);
      throw error;
    }
  }

  private prepareAll(config: KeepalivedConfig, links: Link[], addresses: InterfaceAddress[]): InstanceSetup[] {
    const groups = syncGroupOf(config);
    const own = addresses.filter((a) => a.proto !== VIPCTL_ADDRESS_PROTO);
    const multicast = { 4: config.global.vrrpMcastGroup4, 6: config.global.vrrpMcastGroup6 };
    const preferences = new DefaultPreferences();
    return config.vrrpInstances.map((instance) => prepareInstance(instance, links, own, { inSyncGroup: groups.has(instance.name), groups: multicast, preferences }));
  }

  private openRuntime(setup: InstanceSetup): Runtime {
    const transport = this.transports.attach({
      family: setup.family,
      ifname: setup.wire.name,
      ifindex: setup.wire.index,
      source: setup.source,
      multicast: setup.peers.length === 0,
      group: setup.group,
      unicastTtl: setup.unicastTtl,
      vrid: setup.policy.vrid,
      ...(setup.ahKey ? { ah: true } : {}),
    });
    const announcer = this.announcerFor(setup);
    const runtime: Runtime = {
      setup,
      machine: createMachine(setup.machine),
      transport,
      adverts: new Map(),
      announcer,
      garpTimers: [],
      heldVips: [],
      held: [],
      takeover: prepareTakeover(setup.vips, setup.kernelObjects),
      tracked: [],
      group: undefined,
      counters: { advertsSent: 0, advertsReceived: 0, drops: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number> },
      closed: false,
      vipWork: Promise.resolve(),
      vipPending: 0,
      ...(setup.ahKey ? { ah: { authenticator: new AhAuthenticator(setup.ahKey, setup.peers.length > 0), refused: { malformed: 0, icv: 0, spi: 0, sequence: 0 } } } : {}),
    };
    this.prepareAdverts(runtime);
    return runtime;
  }

  /**
   * The adverts of the configured priority and of priority 0, and what sending them to each
   * destination needs, built ahead of the first takeover (and again when a reload changes them).
   */
  private prepareAdverts(runtime: Runtime): void {
    this.advertsFor(runtime, runtime.setup.machine.priority);
    this.advertsFor(runtime, 0);
    const { peers } = runtime.setup;
    if (peers.length === 0) runtime.transport.prepareSend(runtime.setup.group);
    for (const peer of peers) runtime.transport.prepareSend(peer);
  }

  private begin(runtime: Runtime): void {
    const { configFault } = runtime.setup;
    if (configFault) this.log.log('error', `${runtime.setup.instance.name}: cannot run: ${configFault}; FAULT (as keepalived)`, { instance: runtime.setup.instance.name });
    runtime.transport.listen((packet) => this.onPacket(runtime, packet));
    this.dispatch(runtime, { type: 'startup' });
  }

  /** A reload changed this instance's settings but it is the same router: keep state, align VIPs. */
  private async update(runtime: Runtime, setup: InstanceSetup): Promise<void> {
    const { machine } = runtime;
    runtime.setup = setup;
    runtime.takeover = prepareTakeover(setup.vips, setup.kernelObjects);
    try {
      runtime.announcer.prepare(setup.vips.filter((vip) => vip.ifindex === setup.home.index).map((vip) => vip.address));
    } catch {
      // Tried again (and logged) at the first announcement.
    }
    runtime.adverts.clear();
    this.prepareAdverts(runtime);
    runtime.lastAccepted = undefined;
    // A new auth_pass is taken in place; the sequence counter goes on (the peers remember it).
    if (runtime.ah && setup.ahKey) {
      const sequence = runtime.ah.authenticator.sequence;
      runtime.ah.authenticator = new AhAuthenticator(setup.ahKey, setup.peers.length > 0);
      runtime.ah.authenticator.sequence = sequence;
    }
    runtime.machine = {
      ...machine,
      config: setup.machine,
      ...(machine.state === 'master' ? { masterAdvertIntervalMs: setup.machine.advertIntervalMs, masterPriority: machine.priority } : {}),
    };
    // The 'priority' event leaves an address owner alone, so becoming one is set here;
    // every other change of priority comes from applyTracking() after the reload.
    if (setup.machine.priority === 255) runtime.machine.priority = 255;
    await this.serially(runtime, async () => {
      if (runtime.heldVips.length === 0) return;
      const wantedObjects = new Set(setup.kernelObjects.map((o) => o.key));
      for (const object of runtime.held.filter((o) => !wantedObjects.has(o.key)).reverse()) await this.removeObject(object);
      const wanted = new Set(setup.vips.map(vipKey));
      const held = new Set(runtime.heldVips.map(vipKey));
      for (const vip of runtime.heldVips.filter((v) => !wanted.has(vipKey(v)))) await this.quietly(deleteAddress(this.rtnl, vip), 'EADDRNOTAVAIL');
      const added = setup.vips.filter((v) => !held.has(vipKey(v)));
      for (const vip of added) await this.quietly(addAddress(this.rtnl, vip), 'EEXIST');
      runtime.heldVips = [...setup.vips];
      const heldObjects = new Set(runtime.held.map((o) => o.key));
      for (const object of setup.kernelObjects.filter((o) => !heldObjects.has(o.key))) await this.addObject(object);
      runtime.held = [...setup.kernelObjects];
      this.announceVips(runtime, added, setup.instance.garpMasterRepeat);
    });
  }

  /**
   * Runs an address change after the ones already queued for this instance, or at once (in
   * this turn of the event loop, up to its first wait) when none is: a takeover's VIPs then
   * go out right after its first advert.
   */
  private serially(runtime: Runtime, work: () => Promise<void>): Promise<void> {
    const next = runtime.vipPending === 0 ? work() : runtime.vipWork.then(work, work);
    runtime.vipPending += 1;
    runtime.vipWork = next.then(
      () => void (runtime.vipPending -= 1),
      () => void (runtime.vipPending -= 1),
    );
    return next;
  }

  /** Stops an instance a reload removed or replaced, as a shutdown would. */
  private async retire(runtime: Runtime, deleted = false): Promise<void> {
    runtime.deleted = deleted;
    this.dispatch(runtime, { type: 'shutdown' });
    runtime.closed = true;
    this.clearTimers(runtime);
    await this.serially(runtime, () => this.releaseVips(runtime));
    this.closeSockets(runtime);
  }

  private clearTimers(runtime: Runtime): void {
    for (const timer of runtime.garpTimers.splice(0)) clearTimeout(timer);
  }

  private closeSockets(runtime: Runtime): void {
    runtime.transport.close();
    const key = `${runtime.announcer.ifindex}/${runtime.announcer.mac}`;
    const shared = this.announcers.get(key);
    if (shared && shared.announcer === runtime.announcer && --shared.users === 0) {
      shared.announcer.close();
      this.announcers.delete(key);
    }
  }

  /**
   * The interface's announcer, with its sockets opened and this instance's frames built now,
   * so that a takeover's first gratuitous ARP leaves straight after its VIP is added. One per
   * interface: a packet socket per instance would cost a hundred sockets, and closing each
   * waits for an RCU grace period.
   */
  private announcerFor(setup: InstanceSetup): Announcer {
    // use_vmac: from the vmac, with its virtual MAC (as keepalived, also with vmac_xmit_base).
    const home = setup.home;
    const mac = home.address ?? '00:00:00:00:00:00';
    const key = `${home.index}/${mac}`;
    let shared = this.announcers.get(key);
    if (!shared) {
      shared = { announcer: new Announcer(home.index, mac), users: 0 };
      this.announcers.set(key, shared);
    }
    shared.users += 1;
    try {
      shared.announcer.prepare(setup.vips.filter((vip) => vip.ifindex === home.index).map((vip) => vip.address));
    } catch (error) {
      // Tried again (and logged) at the first announcement.
      this.log.limited(`${setup.instance.name}:garp-prepare`, 'warn', 'cannot open the announcement sockets yet', { instance: setup.instance.name, error: String(error) });
    }
    return shared.announcer;
  }

  // ---- tracking --------------------------------------------------------------------------

  /** (Re)builds every instance's tracked objects, the script checks and the link watcher. */
  private async refreshTracking(): Promise<void> {
    const groups = syncGroupOf(this.config);
    this.refreshScriptChecks();
    this.refreshTrackFiles();
    const needsLinks = this.config.vrrpInstances.some((i) => i.trackInterfaces.length > 0 || !i.dontTrackPrimary) || this.config.syncGroups.some((g) => g.trackInterfaces.length > 0);
    if (needsLinks && !this.linkWatcher) {
      this.linkWatcher = await watchLinks((event) => this.onLink(event.link.name, event.up), false);
      for (const link of this.linkWatcher.initial) this.linkStates.set(link.name, linkIsUp(link));
    }
    for (const runtime of this.runtimes.values()) {
      runtime.group = groups.get(runtime.setup.instance.name);
      runtime.tracked = this.trackedObjects(runtime.setup.instance, this.config.syncGroups.find((g) => g.name === runtime.group));
    }
    for (const runtime of this.runtimes.values()) this.applyTracking(runtime);
  }

  private trackedObjects(instance: VrrpInstance, group: SyncGroup | undefined): TrackedObject[] {
    const objects: TrackedObject[] = [];
    // keepalived tracks the instance's own interface too (a dead link means FAULT) unless
    // dont_track_primary says otherwise.
    if (instance.interface && !instance.dontTrackPrimary && !instance.trackInterfaces.some((t) => t.name === instance.interface)) {
      objects.push({ kind: 'interface', name: instance.interface, weight: 0, reverse: false, up: this.linkStates.get(instance.interface) ?? false });
    }
    // Inside a sync group keepalived zeroes tracking weights (members must not end up with
    // inconsistent priorities): a failure then means FAULT, and the group follows. The group's
    // sync_group_tracking_weight keeps them, the members' and the group's own (measured).
    const weightIn = (kind: string, name: string, weight: number, where: string): number => {
      if (!group || group.trackingWeight || weight === 0) return weight;
      this.log.limited(`group-weight:${where}:${kind}:${name}`, 'info', `${where}: ${kind} ${name} weight counts as 0 inside a vrrp_sync_group (as keepalived does)`);
      return 0;
    };
    const interfaces = [...instance.trackInterfaces.map((t) => ({ t, where: instance.name, zero: false })), ...(group?.trackInterfaces ?? []).map((t) => ({ t, where: `vrrp_sync_group ${group?.name ?? ''}`, zero: true }))];
    for (const { t, where, zero } of interfaces) {
      const weight = zero ? weightIn('track_interface', t.name, t.weight ?? 0, where) : (t.weight ?? 0);
      objects.push({ kind: 'interface', name: t.name, weight, reverse: t.reverse, up: this.linkStates.get(t.name) ?? false });
    }
    const scripts = [...instance.trackScripts.map((t) => ({ t, where: instance.name })), ...(group?.trackScripts ?? []).map((t) => ({ t, where: `vrrp_sync_group ${group?.name ?? ''}` }))];
    for (const { t, where } of scripts) {
      const script = this.config.vrrpScripts.find((s) => s.name === t.name);
      if (!script) {
        this.log.limited(`missing-script:${where}:${t.name}`, 'warn', `${where}: track_script ${t.name} names no vrrp_script, ignored (as keepalived does)`);
        continue;
      }
      const ownWeight = t.weight !== undefined;
      const weight = weightIn('track_script', t.name, ownWeight ? (t.weight ?? 0) : script.weight, where);
      const check = this.checks.get(script.name);
      // The script's `reverse` holds under the instance's own weight too, unless it says
      // noreverse (as keepalived 2.2.7 does: test/host/vrrp-engine/track-file.test.ts).
      const reverse = t.reverse || (!t.noReverse && script.reverse);
      objects.push({ kind: 'script', name: script.name, weight, reverse, up: check && !this.disabledChecks.has(script.name) ? check.ok : undefined });
    }
    const files = [...instance.trackFiles.map((t) => ({ t, where: instance.name })), ...(group?.trackFiles ?? []).map((t) => ({ t, where: `vrrp_sync_group ${group?.name ?? ''}` }))];
    for (const { t, where } of files) {
      const definition = this.config.trackFiles.find((f) => f.name === t.name);
      if (!definition?.path) {
        this.log.limited(`missing-track-file:${where}:${t.name}`, 'warn', `${where}: track_file ${t.name} names no track_file block with a file, ignored (as keepalived does)`);
        continue;
      }
      const ownWeight = t.weight !== undefined;
      let weight = weightIn('track_file', t.name, ownWeight ? (t.weight ?? 0) : definition.weight, where);
      // keepalived.conf(5): the address owner must track files with weight 0 (its priority
      // never moves); a non-zero value then means FAULT.
      if (instance.priority === 255 && weight !== 0) {
        this.log.limited(`owner-weight:${where}:${t.name}`, 'info', `${where}: track_file ${t.name} weight counts as 0 for the address owner (priority 255), as keepalived does`);
        weight = 0;
      }
      // As for scripts: the definition's `reverse` holds unless the reference says noreverse.
      const reverse = t.reverse || (!t.noReverse && definition.reverse);
      objects.push({ kind: 'file', name: t.name, weight, reverse, up: undefined, value: this.trackFileWatcher?.value(definition.path) ?? 0 });
    }
    return objects;
  }

  /** Watches every track_file some instance or group tracks; init_file writes happen here. */
  private refreshTrackFiles(): void {
    const used = new Set([...this.config.vrrpInstances.flatMap((i) => i.trackFiles), ...this.config.syncGroups.flatMap((g) => g.trackFiles)].map((t) => t.name));
    const files = this.config.trackFiles.filter((f) => used.has(f.name) && f.path);
    // A reload starts from the new file's set: a fresh watcher (cheap) instead of bookkeeping.
    this.trackFileWatcher?.close();
    this.trackFileWatcher = undefined;
    if (files.length === 0) return;
    const watcher = new TrackFileWatcher(
      (file, value) => this.onTrackFile(file, value),
      (directory, error) => this.log.limited(`track-file-dir:${directory}`, 'warn', `cannot watch ${directory} for track files (${error}); their value counts as 0`),
    );
    for (const definition of files) {
      const file = definition.path as string;
      if (definition.initFile && !this.initialisedTrackFiles.has(file)) {
        this.initialisedTrackFiles.add(file);
        const problem = initTrackFile(file, definition.initFile.value, definition.initFile.overwrite);
        if (problem) this.log.log('warn', `track_file ${definition.name}: init_file: ${problem}`);
      }
      watcher.add(file);
    }
    this.trackFileWatcher = watcher;
  }

  private onTrackFile(file: string, value: number): void {
    const names = new Set(this.config.trackFiles.filter((f) => f.path === file).map((f) => f.name));
    for (const runtime of this.runtimes.values()) {
      let changed = false;
      for (const object of runtime.tracked) {
        if (object.kind !== 'file' || !names.has(object.name) || object.value === value) continue;
        object.value = value;
        changed = true;
      }
      if (!changed) continue;
      this.log.log('info', `${runtime.setup.instance.name}: track_file ${[...names].join(', ')} reads ${value}`, { instance: runtime.setup.instance.name });
      this.applyTracking(runtime);
    }
  }

  /** One check per vrrp_script that some instance tracks (keepalived runs unused scripts never). */
  private refreshScriptChecks(): void {
    const used = new Set([...this.config.vrrpInstances.flatMap((i) => i.trackScripts), ...this.config.syncGroups.flatMap((g) => g.trackScripts)].map((t) => t.name));
    const scripts = new Map<string, VrrpScript>(this.config.vrrpScripts.filter((s) => used.has(s.name)).map((s) => [s.name, s]));
    for (const [name, check] of [...this.checks]) {
      const script = scripts.get(name);
      if (script && sameContent(check.script, script)) continue;
      check.stop();
      this.checks.delete(name);
      this.disabledChecks.delete(name);
    }
    for (const script of scripts.values()) {
      if (this.checks.has(script.name)) continue;
      const check = this.makeCheck(script);
      this.checks.set(script.name, check);
      if (!this.disabledChecks.has(script.name)) check.start();
    }
  }

  private makeCheck(script: VrrpScript): ScriptCheck {
    const global = this.config.global;
    const identity = scriptIdentity(
      { ...(script.user ? { user: script.user } : {}), ...(script.group ? { group: script.group } : {}) },
      global.scriptUser ? { user: global.scriptUser } : {},
    );
    const disable = (reason: string): void => {
      this.disabledChecks.set(script.name, reason);
      this.log.log('error', `vrrp_script ${script.name} is disabled: ${reason}`, { script: script.name });
    };
    const check = new ScriptCheck(script, {
      ...(typeof identity === 'string' || identity.uid === 0 ? {} : { identity: { uid: identity.uid, gid: identity.gid } }),
      onChange: (ok, result) => {
        this.log.log(ok ? 'info' : 'warn', `vrrp_script ${script.name} ${ok ? 'succeeded' : 'failed'}`, {
          script: script.name,
          ...(result.code !== null ? { exit: result.code } : {}),
          ...(result.signal ? { signal: result.signal } : {}),
          ...(result.error ? { error: result.error } : {}),
        });
        this.onScript(script.name, ok);
      },
    });
    if (!script.script) disable('it has no `script`');
    else if (typeof identity === 'string') disable(identity);
    else {
      const executable = resolveExecutable(script.script.argv[0] ?? '');
      if (!executable) disable(`${script.script.argv[0] ?? ''} is not found`);
      else if (global.enableScriptSecurity) {
        const unsafe = insecureReason(executable, identity.uid);
        if (unsafe) disable(`unsafe to run as root with enable_script_security: ${unsafe}`);
      } else if (identity.uid === 0 && !this.warnedScriptSecurity) {
        this.warnedScriptSecurity = true;
        this.log.log('warn', 'scripts run as root without enable_script_security (keepalived warns the same)');
      }
    }
    return check;
  }

  private onScript(name: string, ok: boolean): void {
    for (const runtime of this.runtimes.values()) if (this.setTracked(runtime, 'script', name, ok)) this.applyTracking(runtime);
  }

  private onLink(name: string, up: boolean): void {
    this.linkStates.set(name, up);
    for (const runtime of this.runtimes.values()) {
      if (!this.setTracked(runtime, 'interface', name, up)) continue;
      this.log.log(up ? 'info' : 'warn', `${runtime.setup.instance.name}: tracked interface ${name} is ${up ? 'up' : 'down'}`, { instance: runtime.setup.instance.name });
      this.applyTracking(runtime);
    }
  }

  /** Records a tracked object's new state; true when it changed for this instance. */
  private setTracked(runtime: Runtime, kind: TrackedObject['kind'], name: string, up: boolean): boolean {
    let changed = false;
    for (const object of runtime.tracked) {
      if (object.kind === kind && object.name === name && object.up !== up) {
        object.up = up;
        changed = true;
      }
    }
    return changed;
  }

  /** Brings the machine's faults and priority in line with its tracked objects, then its group. */
  private applyTracking(runtime: Runtime): void {
    if (runtime.closed) return;
    const effect = trackingEffect(runtime.tracked);
    // A setting the instance cannot run with (unicast_fault_no_peer) is a fault no tracking clears.
    const { configFault } = runtime.setup;
    if (configFault) effect.faults.push(configFault);
    const current = ownFaults(runtime.machine.faults);
    // New faults first, recoveries after: an instance never passes through BACKUP on the way.
    for (const name of effect.faults.filter((f) => !current.includes(f))) this.dispatch(runtime, { type: 'fault', name, failed: true });
    for (const name of current.filter((f) => !effect.faults.includes(f))) this.dispatch(runtime, { type: 'fault', name, failed: false });
    const priority = effectivePriority(runtime.setup.instance.priority, effect.weights);
    if (priority !== runtime.machine.priority) {
      this.dispatch(runtime, { type: 'priority', priority });
      // notify_priority_changes: a fifo line with the new priority (keepalived 2.2.7, measured
      // as master and as backup; what it writes in FAULT is not measured, so nothing is).
      const { state } = runtime.machine;
      if (this.notifiesPriorityChanges(runtime) && (state === 'master' || state === 'backup')) {
        this.notify({}, { kind: 'INSTANCE', name: runtime.setup.instance.name, state: state === 'master' ? 'MASTER_PRIORITY' : 'BACKUP_PRIORITY', priority: runtime.machine.priority });
      }
    }
    if (runtime.group) this.reconcileGroupFaults(runtime.group);
  }

  // ---- sync groups -----------------------------------------------------------------------

  /**
   * notify_priority_changes as keepalived 2.2.7 resolves it (measured): the instance's own
   * setting (on or off), else its sync group's, else global vrrp_notify_priority_changes.
   */
  private notifiesPriorityChanges(runtime: Runtime): boolean {
    const group = this.config.syncGroups.find((g) => g.name === runtime.group);
    return runtime.setup.instance.notifyPriorityChanges ?? group?.notifyPriorityChanges ?? this.config.global.vrrpNotifyPriorityChanges ?? false;
  }

  private members(group: string): Runtime[] {
    return [...this.runtimes.values()].filter((r) => r.group === group && !r.closed);
  }

  private view(runtime: Runtime): MemberView {
    return { name: runtime.setup.instance.name, state: runtime.machine.state, wantMaster: runtime.machine.wantMaster ?? false, faults: runtime.machine.faults };
  }

  private reconcileGroupFaults(group: string): void {
    const members = this.members(group);
    const wanted = groupFaultsFor(group, members.map((m) => this.view(m)));
    for (const member of members) {
      const should = wanted.get(member.setup.instance.name) ?? [];
      const has = member.machine.faults.filter(isGroupFault);
      for (const name of should.filter((f) => !has.includes(f))) this.dispatch(member, { type: 'fault', name, failed: true });
      for (const name of has.filter((f) => !should.includes(f))) this.dispatch(member, { type: 'fault', name, failed: false });
    }
  }

  private onGroupTransition(runtime: Runtime, from: VrrpState, to: VrrpState): void {
    const group = runtime.group;
    if (!group || this.stopping) return;
    const others = this.members(group).filter((m) => m !== runtime);
    const reason = `sync group ${group}: ${runtime.setup.instance.name} became ${to.toUpperCase()}`;
    if (to === 'master') for (const other of others.filter((m) => m.machine.state === 'backup')) this.dispatch(other, { type: 'sync', to: 'master', reason });
    if (from === 'master' && to === 'backup') for (const other of others.filter((m) => m.machine.state === 'master')) this.dispatch(other, { type: 'sync', to: 'backup', reason });
    this.noteGroupState(group);
  }

  private onWantMaster(runtime: Runtime): void {
    const group = runtime.group;
    if (!group) return;
    const members = this.members(group);
    if (!groupMayTakeOver(members.map((m) => this.view(m)))) return;
    for (const member of members.filter((m) => m.machine.state === 'backup')) {
      this.dispatch(member, { type: 'sync', to: 'master', reason: `sync group ${group}: every member's master went quiet` });
    }
  }

  private noteGroupState(group: string): void {
    const state = groupState(this.members(group).map((m) => m.machine.state));
    if (state === 'init' || this.groupStates.get(group) === state) return;
    this.groupStates.set(group, state);
    this.log.log('info', `sync group ${group}: ${state.toUpperCase()}`, { group });
    const definition = this.config.syncGroups.find((g) => g.name === group);
    if (!definition) return;
    const notifyState: NotifyState = state === 'master' ? 'MASTER' : state === 'fault' ? 'FAULT' : 'BACKUP';
    this.notify(this.scriptsOf(definition.notify), { kind: 'GROUP', name: group, state: notifyState, priority: 0 });
  }

  // ---- the machine and the wire ----------------------------------------------------------

  private onPacket(runtime: Runtime, view: AdvertView): void {
    if (this.stopping || runtime.closed) return;
    let accepted = runtime.lastAccepted;
    // AH adverts are checked one by one (each carries a new sequence number anyway).
    if (accepted === undefined || runtime.ah || accepted.ttl !== view.ttl || !sameDatagram(view, accepted.key)) {
      const packet = toReceived(view);
      // Adverts to another multicast group (mcast_dst_ip) belong to other routers, as if the
      // kernel had not delivered them: a shared socket hears every group its users joined.
      if (runtime.setup.peers.length === 0 && packet.destination !== runtime.setup.group && isMulticastText(packet.destination)) return;
      if (runtime.ah && !this.authentic(runtime, runtime.ah, view, packet.source)) return;
      const verdict = judgeAdvert(packet.message, packet, runtime.setup.policy);
      if (!verdict.accept) {
        runtime.counters.drops[verdict.reason] += 1;
        // Adverts of other VRIDs on a shared segment are normal traffic, not worth a log line.
        if (verdict.reason !== 'vrid') {
          this.log.limited(`${runtime.setup.instance.name}:${verdict.reason}`, 'warn', 'dropped an advert', {
            instance: runtime.setup.instance.name,
            reason: verdict.reason,
            detail: verdict.detail,
            from: packet.source,
          });
        }
        return;
      }
      const { advert } = verdict.decoded;
      accepted = {
        key: datagramKey(view),
        ttl: view.ttl,
        event: { type: 'advert', advert: { priority: advert.priority, advertIntervalMs: advert.interval * 10, from: packet.source } },
      };
      runtime.lastAccepted = accepted;
    }
    runtime.counters.advertsReceived += 1;
    this.dispatch(runtime, accepted.event, this.arrivalTime(view));
  }

  /**
   * An AH-wrapped advert's ICV, SPI and sequence number (ah.ts); a refusal is counted (drop
   * reason 'auth', or 'malformed' for a broken AH) and logged once per kind, and the machine
   * never sees the advert.
   */
  private authentic(runtime: Runtime, ah: NonNullable<Runtime['ah']>, view: AdvertView, source: string): boolean {
    const verdict = view.ipStart === undefined ? { ok: false as const, kind: 'malformed' as const, detail: 'not an AH packet' } : ah.authenticator.check(view.bytes, view.ipStart, view.end);
    if (verdict.ok) return true;
    const name = runtime.setup.instance.name;
    const reason: DropReason = verdict.kind === 'malformed' ? 'malformed' : 'auth';
    runtime.counters.drops[reason] += 1;
    ah.refused[verdict.kind] += 1;
    this.log.limited(`${name}:ah-${verdict.kind}`, 'warn', 'dropped an advert', { instance: name, reason, detail: verdict.detail, from: source });
    return false;
  }

  /**
   * When an advert arrived, on the engine's clock: the kernel's receive time moved from the wall
   * clock to the monotonic one, so a backup's down timer runs from the advert's arrival (as in
   * keepalived, whose C code reads it at once), not from when the engine read it (adverts may
   * wait in the kernel until a deadline needs them, see TransportPool). Only with the real
   * clock. The offset between the clocks starts as the process measured it at start-up
   * (performance.timeOrigin, to the microsecond) and is kept within what Date.now() allows
   * (whole ms, so the true offset is at most 1 ms above its reading): a wall clock that NTP
   * slews moves it, one that steps restarts it. An arrival is never placed before the
   * socket's previous read (it would have been read then) nor after now.
   */
  private arrivalTime(view: AdvertView): number {
    const now = this.now();
    if (view.arrivedAtMs === undefined || !this.realClock) return now;
    const sample = Date.now() - now;
    if (this.clockOffset === -Infinity || Math.abs(this.clockOffset - sample) > 50) this.clockOffset = Math.abs(performance.timeOrigin - sample) <= 1 ? performance.timeOrigin : sample + 0.5;
    else if (this.clockOffset < sample) this.clockOffset = sample;
    else if (this.clockOffset > sample + 1) this.clockOffset = sample + 1;
    const arrived = view.arrivedAtMs - this.clockOffset;
    const earliest = view.receivedAfter !== undefined ? view.receivedAfter - 1 : now - 50;
    return Math.min(now, Math.max(earliest, arrived));
  }

  private dispatch(runtime: Runtime, event: MachineEvent, at = this.now()): void {
    this.apply(runtime, step(runtime.machine, event, at));
  }

  /** Puts a step's machine in place and carries out its actions. */
  private apply(runtime: Runtime, { machine, actions }: StepResult): void {
    const wasMaster = runtime.machine.state === 'master';
    runtime.machine = machine;
    for (const action of actions) {
      if (action.type === 'send-advert') this.sendAdvert(runtime, action.priority);
      else if (action.type === 'want-master') this.onWantMaster(runtime);
      else if (action.type === 'heard-lower-priority') this.onLowerPriority(runtime, action.from, action.priority);
      else {
        const { transition } = action;
        // The addresses first (their netlink request leaves in this call), the log line after.
        void this.applyTransition(runtime, transition.to);
        this.log.log('info', `${runtime.setup.instance.name}: ${transition.from.toUpperCase()} -> ${transition.to.toUpperCase()}`, {
          instance: runtime.setup.instance.name,
          reason: transition.reason,
          priority: machine.priority,
        });
        this.onGroupTransition(runtime, transition.from, transition.to);
      }
    }
    // A master must hear a better master at once; a backup's adverts may wait (TransportPool).
    // Changing the alert filter (a BPF program the kernel checks and compiles) waits for the
    // next turn, so a takeover's advert, VIPs and gratuitous ARPs go first.
    if ((machine.state === 'master') !== wasMaster) setImmediate(() => !runtime.closed && runtime.transport.setUrgent(runtime.machine.state === 'master'));
    this.schedule(runtime);
  }

  /** When the engine must look at this instance next: its advert, or just before its down timer. */
  private wakeAt(runtime: Runtime): number | undefined {
    if (runtime.closed) return undefined;
    const { machine } = runtime;
    if (machine.state === 'master') return machine.advertAt;
    if (machine.state === 'backup' && machine.masterDownAt !== undefined) return machine.masterDownAt - EARLY_MS;
    return undefined;
  }

  /** After a step: the engine's one timer must come no later than this instance's deadline. */
  private schedule(runtime: Runtime): void {
    if (this.stopping || this.waking) return;
    // No later than the sockets must be read either (an engine of FAULT instances reads too).
    this.wakeup.atOrBefore(Math.min(this.wakeAt(runtime) ?? Infinity, this.transports.readBy()));
  }

  /**
   * The engine's timer: masters due (or due within their gather time) send their adverts,
   * backups whose down timer ran out take over. A backup's down timer decides how fast a
   * failover is, and Node timers fire a millisecond or two late, so the wake-up comes
   * EARLY_MS before it and the rest is waited out in one precise sleep (the thread blocks
   * for at most EARLY_MS), after which the engine looks again at once: what arrived
   * meanwhile is read first, so a master heard in time still keeps the backup a backup.
   * Paid only when a master has really gone quiet (adverts push the deadline on). Without
   * the addon's sleep, the rest is waited out turn by turn (setImmediate).
   */
  private onWake(): void {
    for (;;) {
      if (this.stopping) return;
      const { next, deadline, others } = this.wakeTurn();
      if (this.stopping || next === Infinity) return;
      // Not past anything else that is due: a master's advert, or reading the sockets.
      if (deadline !== Infinity && this.wakeup.sleepUntil(Math.min(deadline, others), EARLY_MS)) continue;
      // A backup within EARLY_MS of its deadline gives a time already past: the next turn.
      this.wakeup.atOrBefore(next);
      return;
    }
  }

  /**
   * One look at every instance (see onWake()). Returns the next wake-up, the earliest
   * deadline of a backup about to take over and the earliest wake-up for anything else.
   */
  private wakeTurn(): { next: number; deadline: number; others: number } {
    this.waking = true;
    let deadline = Infinity;
    try {
      // What waited in the kernel first: a backup whose master spoke in time stays backup.
      this.transports.drain();
      const now = this.now();
      for (const runtime of this.runtimes.values()) {
        if (runtime.closed) continue;
        const { machine } = runtime;
        if (machine.state === 'master' && machine.advertAt !== undefined) {
          const gather = advertGatherMs(machine);
          if (machine.advertAt - gather <= now) this.dispatch(runtime, { type: 'tick', advertEarlyMs: gather }, now);
        } else if (machine.state === 'backup' && machine.masterDownAt !== undefined) {
          // The step at the deadline is worked out ahead (the machine is pure), so that when
          // the deadline comes the advert leaves at once; any event meanwhile makes a new
          // machine, and the step is then taken as usual.
          const expiry = runtime.expiry?.from === machine ? runtime.expiry : undefined;
          if (machine.masterDownAt <= now) {
            runtime.expiry = undefined;
            if (expiry) this.apply(runtime, expiry.result);
            else this.dispatch(runtime, { type: 'tick' }, now);
          } else if (machine.masterDownAt - EARLY_MS <= now) {
            if (!expiry) runtime.expiry = { from: machine, result: step(machine, { type: 'tick' }, machine.masterDownAt) };
            deadline = Math.min(deadline, machine.masterDownAt);
          }
        }
      }
      let next = Infinity;
      let others = this.transports.readBy();
      for (const runtime of this.runtimes.values()) {
        const at = this.wakeAt(runtime);
        if (at === undefined) continue;
        if (at < next) next = at;
        if (runtime.expiry?.from !== runtime.machine && at < others) others = at;
      }
      return { next: Math.min(next, others), deadline, others };
    } finally {
      this.waking = false;
    }
  }

  private sendAdvert(runtime: Runtime, priority: number): void {
    const { setup } = runtime;
    const messages = this.advertsFor(runtime, priority);
    const unicast = setup.peers.length > 0;
    if (runtime.ah) {
      this.sendAhAdvert(runtime, runtime.ah.authenticator, messages);
      return;
    }
    for (let i = 0; i < messages.length; i++) {
      try {
        runtime.transport.send(messages[i] as Buffer, unicast ? setup.peers[i] : setup.group);
        runtime.counters.advertsSent += 1;
      } catch (error) {
        this.log.limited(`${setup.instance.name}:send`, 'error', 'could not send an advert', { instance: setup.instance.name, error: String(error) });
      }
    }
  }

  /** An advert under AH: one sequence number and IP identification, a packet per destination. */
  private sendAhAdvert(runtime: Runtime, authenticator: AhAuthenticator, messages: Buffer[]): void {
    const { setup } = runtime;
    const unicast = setup.peers.length > 0;
    const destinations = unicast ? setup.peers : [setup.group];
    const packets = authenticator.wrap(messages, setup.source, destinations, unicast ? (setup.unicastTtl ?? VRRP_TTL) : VRRP_TTL);
    for (let i = 0; i < packets.length; i++) {
      try {
        runtime.transport.sendPacket(packets[i] as Buffer, destinations[i] as string);
        runtime.counters.advertsSent += 1;
      } catch (error) {
        this.log.limited(`${setup.instance.name}:send`, 'error', 'could not send an advert', { instance: setup.instance.name, error: String(error) });
      }
    }
  }

  /**
   * The encoded adverts of a priority, one per destination (the group, or each unicast peer),
   * built once: they change only with the settings. Built at set-up for the configured
   * priority and for 0, so a takeover's first advert costs no encoding.
   */
  private advertsFor(runtime: Runtime, priority: number): Buffer[] {
    let messages = runtime.adverts.get(priority);
    if (!messages) {
      const { setup } = runtime;
      const { instance, policy } = setup;
      const destinations = setup.peers.length > 0 ? setup.peers : [setup.group];
      messages = destinations.map((destination) =>
        encodeAdvertisement(
          {
            version: instance.version,
            vrid: policy.vrid,
            priority,
            addresses: setup.advertised,
            interval: policy.intervalCs,
            ...(policy.password !== undefined ? { authType: 1, authData: policy.password } : {}),
            // AH: auth type 2 and zero authentication data; the AH goes round it at each send.
            ...(policy.ah === true ? { authType: 2 } : {}),
          },
          { source: setup.source, destination },
        ),
      );
      runtime.adverts.set(priority, messages);
    }
    return messages;
  }

  private scriptsOf(notify: Partial<Record<string, { argv: string[] }>>): NotifyScripts {
    return {
      ...(notify.master ? { master: notify.master.argv } : {}),
      ...(notify.backup ? { backup: notify.backup.argv } : {}),
      ...(notify.fault ? { fault: notify.fault.argv } : {}),
      ...(notify.stop ? { stop: notify.stop.argv } : {}),
      ...(notify.any ? { any: notify.any.argv } : {}),
      ...(notify.masterRxLowerPri ? { masterRxLowerPri: notify.masterRxLowerPri.argv } : {}),
    };
  }

  private async applyTransition(runtime: Runtime, to: VrrpState): Promise<void> {
    if (to === 'master') {
      // takeVips announces the VIPs once they are in place.
      await this.serially(runtime, () => this.takeVips(runtime));
    } else {
      this.clearTimers(runtime);
      await this.serially(runtime, () => this.releaseVips(runtime));
    }
    const { notify, name } = runtime.setup.instance;
    const priority = runtime.machine.priority;
    if (to === 'init' && runtime.deleted === true) {
      // Removed by a reload (keepalived 2.2.7, measured): FAULT, or DELETED with notify_deleted, to
      // the generic script and the fifo; notify_fault / notify_stop do not run, notify_deleted's script does.
      const deleted = runtime.setup.instance.notifyDeleted === true;
      const scripts: NotifyScripts = { ...(notify.any ? { any: notify.any.argv } : {}), ...(notify.deleted && notify.deleted.argv.length > 0 ? { deleted: notify.deleted.argv } : {}) };
      this.notify(scripts, { kind: 'INSTANCE', name, state: deleted ? 'DELETED' : 'FAULT', priority });
      return;
    }
    const state: NotifyState = to === 'master' ? 'MASTER' : to === 'backup' ? 'BACKUP' : to === 'fault' ? 'FAULT' : 'STOP';
    this.notify(this.scriptsOf(notify), { kind: 'INSTANCE', name, state, priority });
  }

  /**
   * Adds the VIPs and routes, then announces the VIPs (gratuitous ARPs / unsolicited NAs) if
   * still master. Prepared takeovers are answered within their send (rtnetlink handles the
   * request inside the system call), so with no address work queued before it the whole of
   * it, announcements included, happens inside the step that took over: the gratuitous ARPs
   * leave right after the VIPs are in place, not after the log line and a turn of the event
   * loop.
   */
  private takeVips(runtime: Runtime): Promise<void> {
    if (runtime.machine.state !== 'master') return Promise.resolve();
    const vips = runtime.setup.vips;
    runtime.heldVips = [...vips];
    const { messages, what } = runtime.takeover;
    if (messages.length > 0 && messages.length <= PREPARED_LIMIT) {
      // Every VIP, route and rule in one datagram; the kernel answers each refusal (and the last).
      runtime.held = [...runtime.setup.kernelObjects];
      // Whatever the answer, a master announces its VIPs once the kernel has answered.
      const failed = (error: unknown): void => {
        this.log.log('error', 'address change failed', { error: error instanceof Error ? error.message : String(error) });
        this.announceIfMaster(runtime);
      };
      const answered = (outcome: PreparedOutcome): void => {
        this.announceIfMaster(runtime);
        for (const { index, error } of outcome.refusals) {
          if (error.code !== 'EEXIST') this.log.log('error', `${what[index] ?? 'address'} change failed`, { error: error.message });
        }
      };
      let outcome: PreparedOutcome | Promise<PreparedOutcome>;
      try {
        outcome = this.rtnl.sendPreparedNow(messages, { chunkSize: what.length, chunkBytes: PREPARED_LIMIT });
      } catch (error) {
        failed(error);
        return Promise.resolve();
      }
      if (!(outcome instanceof Promise)) {
        answered(outcome);
        return Promise.resolve();
      }
      return outcome.then(answered, failed);
    }
    return (async () => {
      for (const vip of vips) await this.quietly(addAddress(this.rtnl, vip), 'EEXIST');
      // Routes (and rules) after the addresses: a route may use a VIP as its source.
      runtime.held = [...runtime.setup.kernelObjects];
      for (const object of runtime.held) await this.addObject(object);
      this.announceIfMaster(runtime);
    })();
  }

  /**
   * A master heard a lower priority: a burst of gratuitous ARPs / unsolicited NAs at once
   * and another after garp_lower_prio_delay, for every such advert (keepalived 2.2.7,
   * measured: a stream of lower adverts gets a burst and a delayed burst for each one).
   */
  private onLowerPriority(runtime: Runtime, from: string, priority: number): void {
    const { instance } = runtime.setup;
    this.log.limited(`${instance.name}:lower-priority`, 'info', `${instance.name}: master heard a lower priority`, { instance: instance.name, from, priority, ours: runtime.machine.priority });
    // keepalived: notify_master_rx_lower_pri and a fifo line for every such advert.
    this.notify(this.scriptsOf(instance.notify), { kind: 'INSTANCE', name: instance.name, state: 'MASTER_RX_LOWER_PRI', priority: runtime.machine.priority });
    const repeat = instance.garpLowerPrioRepeat ?? 0;
    if (repeat <= 0 || runtime.heldVips.length === 0) return;
    this.announceVips(runtime, runtime.setup.vips, repeat);
    const delay = instance.garpLowerPrioDelay ?? 0;
    if (delay > 0) this.later(runtime, delay * 1000, () => runtime.machine.state === 'master' && this.announceVips(runtime, runtime.setup.vips, repeat));
  }

  /** A timer of the instance's announcements, cleared when it stops being master, and forgotten once fired. */
  private later(runtime: Runtime, ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      const index = runtime.garpTimers.indexOf(timer);
      if (index >= 0) runtime.garpTimers.splice(index, 1);
      if (!runtime.closed) work();
    }, ms);
    runtime.garpTimers.push(timer);
  }

  private announceIfMaster(runtime: Runtime): void {
    if (runtime.machine.state === 'master' && !runtime.closed) this.announce(runtime);
  }

  private async releaseVips(runtime: Runtime): Promise<void> {
    const objects = runtime.held;
    runtime.held = [];
    for (const object of [...objects].reverse()) await this.removeObject(object);
    const held = runtime.heldVips;
    runtime.heldVips = [];
    for (const vip of held) await this.quietly(deleteAddress(this.rtnl, vip), 'EADDRNOTAVAIL');
  }

  /**
   * Gratuitous ARP / unsolicited NA on takeover: a burst at once, another after
   * garp_master_delay, and while master a refresh every garp_master_refresh seconds.
   */
  private announce(runtime: Runtime): void {
    const { instance } = runtime.setup;
    const stillMaster = (): boolean => runtime.machine.state === 'master' && !runtime.closed;
    this.announceVips(runtime, runtime.setup.vips, instance.garpMasterRepeat);
    if (instance.garpMasterDelay > 0) {
      this.later(runtime, instance.garpMasterDelay * 1000, () => stillMaster() && this.announceVips(runtime, runtime.setup.vips, instance.garpMasterRepeat));
    }
    if (instance.garpMasterRefresh > 0) {
      runtime.garpTimers.push(setInterval(() => stillMaster() && this.announceVips(runtime, runtime.setup.vips, instance.garpMasterRefreshRepeat), instance.garpMasterRefresh * 1000));
    }
  }

  /** One burst: `repeat` rounds, spaced by vrrp_garp_interval / vrrp_gna_interval. */
  private announceVips(runtime: Runtime, vips: AddressSpec[], repeat: number): void {
    const { instance, home } = runtime.setup;
    // The announcer is bound to the instance's interface (its vmac with use_vmac): a VIP given
    // another `dev` is not announced from here rather than announced on the wrong link.
    const addresses = vips.filter((vip) => vip.ifindex === home.index).map((vip) => vip.address);
    const send = (address: string): void => {
      if (runtime.closed) return;
      try {
        if (isIPv6(address)) runtime.announcer.neighborAdvertFor(address);
        else runtime.announcer.arpFor(address);
      } catch (error) {
        this.log.limited(`${instance.name}:garp`, 'warn', 'could not announce a VIP', { address, error: String(error) });
      }
    };
    const { vrrpGarpInterval, vrrpGnaInterval } = this.config.global;
    for (const planned of announcementPlan(addresses, { repeat, garpIntervalMs: vrrpGarpInterval * 1000, gnaIntervalMs: vrrpGnaInterval * 1000 })) {
      if (planned.atMs === 0) send(planned.address);
      else this.later(runtime, planned.atMs, () => send(planned.address));
    }
  }

  /** Adds a route or rule of virtual_routes / virtual_rules (one already there is fine). */
  private addObject(object: KernelObject): Promise<void> {
    return this.quietly(this.rtnl.request({ type: object.addType, flags: NLM_F_CREATE | NLM_F_EXCL, payload: object.payload }), object.exists, object.what);
  }

  /** Removes a route or rule of virtual_routes / virtual_rules (one already gone is fine). */
  private removeObject(object: KernelObject): Promise<void> {
    return this.quietly(this.rtnl.request({ type: object.removeType, payload: object.payload }), object.gone, object.what);
  }

  private async quietly(operation: Promise<unknown>, expected?: string, what = 'address'): Promise<void> {
    try {
      await operation;
    } catch (error) {
      if (isSystemError(error) && error.code === expected) return;
      this.log.log('error', `${what} change failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
