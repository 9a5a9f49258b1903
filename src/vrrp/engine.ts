// The VRRP engine: applies the pure state machine (state-machine.ts) to the real world. Per
// instance it owns a transport, a timer, the VIPs (added on MASTER, removed on BACKUP /
// FAULT / exit), the takeover announcements and the ordered notifications. Received adverts
// pass judgeAdvert() first, so nothing malformed or mismatched reaches the machine.
import { performance } from 'node:perf_hooks';
import { isIPv6 } from 'node:net';
import { NetlinkConnection } from '../netlink/connection.js';
import { NETLINK_ROUTE } from '../netlink/constants.js';
import { isSystemError, ExitCode, VipctlError } from '../errors.js';
import { addAddress, deleteAddress, listAddresses, type AddressSpec } from '../rtnl/addresses.js';
import { listLinks, type Link } from '../rtnl/links.js';
import { IFA_F_NODAD, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_SITE, VIPCTL_ADDRESS_PROTO } from '../rtnl/constants.js';
import type { KeepalivedConfig, VrrpInstance } from '../keepalived/model.js';
import { createMachine, effectivePriority, nextDeadline, step, type Machine, type MachineEvent, type VrrpState } from './state-machine.js';
import { linkIsUp, watchLinks, type LinkWatcher } from '../rtnl/events.js';
import { VrrpTransport, type ReceivedVrrp } from './transport.js';
import { encodeAdvertisement } from './packet.js';
import { judgeAdvert, DROP_REASONS, type AcceptPolicy, type DropReason } from './accept.js';
import { Announcer } from './announce-socket.js';
import { NotificationQueue, spawnRunner, type NotifyScripts, type NotifyState } from './notify.js';
import type { Logger } from './log.js';

export interface InstanceStatus {
  name: string;
  state: VrrpState;
  interface: string;
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
  tracked: Array<{ name: string; kind: string; state: string }>;
  counters: { advertsSent: number; advertsReceived: number; drops: Record<DropReason, number> };
}

interface Runtime {
  instance: VrrpInstance;
  machine: Machine;
  transport: VrrpTransport;
  link: Link;
  family: 4 | 6;
  source: string;
  peers: string[];
  vips: AddressSpec[];
  policy: AcceptPolicy;
  announcer: Announcer;
  timer?: NodeJS.Timeout;
  garpTimers: NodeJS.Timeout[];
  vipsHeld: boolean;
  /** track_interface: name -> up, as last reported. */
  trackedLinks: Map<string, boolean>;
  counters: InstanceStatus['counters'];
}

const SCOPES: Record<string, number> = { host: RT_SCOPE_HOST, link: RT_SCOPE_LINK, site: RT_SCOPE_SITE, global: 0, universe: 0 };

/** keepalived.conf features `vrrp run` does not carry out yet: named at start-up, never ignored silently. */
export function unsupportedFeatures(config: KeepalivedConfig): string[] {
  const found: string[] = [];
  for (const instance of config.vrrpInstances) {
    const at = `vrrp_instance ${instance.name}`;
    if (instance.trackScripts.length > 0) found.push(`${at}: track_script`);
    if (instance.trackFiles.length > 0) found.push(`${at}: track_file`);
    if (instance.trackProcesses.length > 0) found.push(`${at}: track_process`);
    if (instance.useVmac) found.push(`${at}: use_vmac`);
    if (instance.authentication?.type === 'AH') found.push(`${at}: auth_type AH`);
    if (instance.excludedIpAddresses.length > 0) found.push(`${at}: virtual_ipaddress_excluded`);
  }
  if (config.syncGroups.length > 0) found.push('vrrp_sync_group');
  if (config.virtualServers.length > 0) found.push('virtual_server (IPVS and checkers are not run by vrrp run)');
  return found;
}

export class Engine {
  private readonly runtimes: Runtime[] = [];
  private readonly rtnl = NetlinkConnection.open(NETLINK_ROUTE);
  private readonly notifications: NotificationQueue;
  private stopping = false;
  private linkWatcher: LinkWatcher | undefined;

  constructor(
    private readonly config: KeepalivedConfig,
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
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
    for (const leftover of addresses.filter((a) => a.proto === VIPCTL_ADDRESS_PROTO)) {
      await this.quietly(deleteAddress(this.rtnl, { ifindex: leftover.ifindex, address: leftover.address, prefixLength: leftover.prefixLength }));
      this.log.log('warn', 'removed a VIP left behind by an earlier run', { address: `${leftover.address}/${leftover.prefixLength}`, ifindex: leftover.ifindex });
    }
    for (const instance of this.config.vrrpInstances) {
      this.runtimes.push(this.openInstance(instance, links, addresses.filter((a) => a.proto !== VIPCTL_ADDRESS_PROTO)));
    }
    if (this.runtimes.some((r) => r.instance.trackInterfaces.length > 0)) {
      this.linkWatcher = await watchLinks((event) => this.onLink(event.link.name, event.up), false);
      for (const runtime of this.runtimes) {
        for (const tracked of runtime.instance.trackInterfaces) {
          const link = this.linkWatcher.initial.find((l) => l.name === tracked.name);
          runtime.trackedLinks.set(tracked.name, link !== undefined && linkIsUp(link));
        }
        // Before start-up, so an instance whose tracked link is already down starts in FAULT.
        this.applyTracking(runtime);
      }
    }
    for (const runtime of this.runtimes) {
      runtime.transport.listen((packet) => this.onPacket(runtime, packet));
      this.dispatch(runtime, { type: 'startup' });
    }
  }

  private onLink(name: string, up: boolean): void {
    for (const runtime of this.runtimes) {
      if (!runtime.trackedLinks.has(name) || runtime.trackedLinks.get(name) === up) continue;
      runtime.trackedLinks.set(name, up);
      this.log.log(up ? 'info' : 'warn', `${runtime.instance.name}: tracked interface ${name} is ${up ? 'up' : 'down'}`, { instance: runtime.instance.name });
      this.applyTracking(runtime);
    }
  }

  /**
   * keepalived's track_interface: without a weight (or weight 0) a down link puts the
   * instance in FAULT; a negative weight is added while the link is down, a positive one
   * while it is up; `reverse` swaps up and down.
   */
  private applyTracking(runtime: Runtime): void {
    const weights: number[] = [];
    for (const tracked of runtime.instance.trackInterfaces) {
      const linkUp = runtime.trackedLinks.get(tracked.name) ?? false;
      const up = tracked.reverse ? !linkUp : linkUp;
      const weight = tracked.weight ?? 0;
      if (weight === 0) this.dispatch(runtime, { type: 'fault', name: `interface ${tracked.name}`, failed: !up });
      else if (weight > 0 ? up : !up) weights.push(weight);
    }
    const priority = effectivePriority(runtime.instance.priority, weights);
    if (priority !== runtime.machine.priority) this.dispatch(runtime, { type: 'priority', priority });
  }

  /** SIGTERM / SIGINT: priority-0 adverts, VIPs removed, notify_stop, sockets closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.linkWatcher?.close();
    for (const runtime of this.runtimes) this.dispatch(runtime, { type: 'shutdown' });
    for (const runtime of this.runtimes) {
      if (runtime.timer) clearTimeout(runtime.timer);
      for (const timer of runtime.garpTimers) clearTimeout(timer);
      await this.releaseVips(runtime);
      runtime.transport.close();
      runtime.announcer.close();
    }
    await this.notifications.drain();
    this.rtnl.close();
  }

  status(name?: string): InstanceStatus[] {
    const selected = name ? this.runtimes.filter((r) => r.instance.name === name) : this.runtimes;
    if (name && selected.length === 0) throw new Error(`no instance ${name}`);
    const wallOffset = Date.now() - this.now();
    return selected.map((runtime) => {
      const { machine, instance } = runtime;
      const transition = machine.lastTransition;
      return {
        name: instance.name,
        state: machine.state,
        interface: runtime.link.name,
        vrid: runtime.policy.vrid,
        version: runtime.policy.version,
        configuredPriority: instance.priority,
        effectivePriority: machine.priority,
        masterAddress: machine.state === 'master' ? runtime.source : (machine.masterAddress ?? null),
        advertIntervalCs: Math.round(machine.masterAdvertIntervalMs / 10),
        vips: runtime.vips.map((v) => `${v.address}/${v.prefixLength}`),
        vipsHeld: runtime.vipsHeld,
        lastTransition: transition
          ? { at: new Date(transition.at + wallOffset).toISOString(), from: transition.from, to: transition.to, reason: transition.reason }
          : null,
        tracked: runtime.instance.trackInterfaces.map((t) => ({
          name: t.name,
          kind: 'interface',
          state: runtime.trackedLinks.get(t.name) ? 'up' : 'down',
        })),
        counters: { ...runtime.counters, drops: { ...runtime.counters.drops } },
      };
    });
  }

  private openInstance(instance: VrrpInstance, links: Link[], addresses: Awaited<ReturnType<typeof listAddresses>>): Runtime {
    const fail = (message: string, hint?: string): never => {
      throw new VipctlError(`vrrp_instance ${instance.name}: ${message}`, {
        where: `${instance.at.file}:${instance.at.line}`,
        exitCode: ExitCode.Usage,
        ...(hint ? { hint } : {}),
      });
    };
    const link = links.find((l) => l.name === instance.interface) ?? fail(`no interface ${instance.interface ?? '(none given)'} here`, 'check `interface` against `ip link`');
    const vrid = instance.virtualRouterId ?? fail('no virtual_router_id');
    const family: 4 | 6 = instance.virtualIpAddresses[0]?.family ?? 4;
    if (instance.version === 2 && family === 6) fail('VRRPv2 is IPv4 only', 'use version 3 for IPv6');
    const own = addresses.filter((a) => a.ifindex === link.index && a.family === family);
    const source =
      (family === 4 ? (instance.unicastSrcIp ?? instance.mcastSrcIp) : undefined) ??
      (family === 6 ? own.find((a) => a.address.startsWith('fe80:'))?.address : own[0]?.address) ??
      fail(`interface ${link.name} has no IPv${family} address to send adverts from`);
    const peers = instance.unicastPeers.map((p) => p.address);
    const vips: AddressSpec[] = instance.virtualIpAddresses
      .filter((entry) => entry.family === family)
      .map((entry) => {
        const device = entry.device ? links.find((l) => l.name === entry.device) : link;
        if (!device) fail(`virtual_ipaddress ${entry.address}: no interface ${entry.device}`);
        const brdIndex = entry.options.indexOf('brd');
        const spec: AddressSpec = {
          ifindex: (device ?? link).index,
          address: entry.address,
          prefixLength: entry.prefix,
          proto: VIPCTL_ADDRESS_PROTO,
          ...(entry.label ? { label: entry.label } : {}),
          ...(entry.scope && SCOPES[entry.scope] !== undefined ? { scope: SCOPES[entry.scope] } : {}),
          ...(brdIndex >= 0 && entry.options[brdIndex + 1] ? { broadcast: entry.options[brdIndex + 1] } : {}),
          ...(isIPv6(entry.address) ? { flags: IFA_F_NODAD } : {}),
        };
        return spec;
      });
    // keepalived rounds a v2 interval to whole seconds; v3 carries centiseconds.
    const intervalCs = instance.version === 2 ? Math.max(1, Math.round(instance.advertInt)) * 100 : Math.max(1, Math.round(instance.advertInt * 100));
    const password = instance.version === 2 && instance.authentication?.type === 'PASS' ? (instance.authentication.effectivePassword ?? '') : undefined;
    const policy: AcceptPolicy = { version: instance.version, vrid, intervalCs, addressCount: vips.length, ...(password !== undefined ? { password } : {}) };
    const machine = createMachine({
      version: instance.version,
      priority: instance.priority,
      advertIntervalMs: intervalCs * 10,
      // keepalived honours nopreempt only with state BACKUP.
      preempt: !(instance.nopreempt && instance.state === 'BACKUP'),
      preemptDelayMs: instance.preemptDelay * 1000,
      localAddress: source,
    });
    const transport = VrrpTransport.open({ family, ifname: link.name, ifindex: link.index, source, multicast: peers.length === 0 });
    return {
      instance,
      machine,
      transport,
      link,
      family,
      source,
      peers,
      vips,
      policy,
      announcer: new Announcer(link.index, link.address ?? '00:00:00:00:00:00'),
      garpTimers: [],
      vipsHeld: false,
      trackedLinks: new Map(),
      counters: { advertsSent: 0, advertsReceived: 0, drops: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number> },
    };
  }

  private onPacket(runtime: Runtime, packet: ReceivedVrrp): void {
    if (this.stopping) return;
    const verdict = judgeAdvert(packet.message, packet, runtime.policy);
    if (!verdict.accept) {
      runtime.counters.drops[verdict.reason] += 1;
      // Adverts of other VRIDs on a shared segment are normal traffic, not worth a log line.
      if (verdict.reason !== 'vrid') {
        this.log.limited(`${runtime.instance.name}:${verdict.reason}`, 'warn', 'dropped an advert', {
          instance: runtime.instance.name,
          reason: verdict.reason,
          detail: verdict.detail,
          from: packet.source,
        });
      }
      return;
    }
    runtime.counters.advertsReceived += 1;
    const { advert } = verdict.decoded;
    this.dispatch(runtime, { type: 'advert', advert: { priority: advert.priority, advertIntervalMs: advert.interval * 10, from: packet.source } });
  }

  private dispatch(runtime: Runtime, event: MachineEvent): void {
    const { machine, actions } = step(runtime.machine, event, this.now());
    runtime.machine = machine;
    for (const action of actions) {
      if (action.type === 'send-advert') this.sendAdvert(runtime, action.priority);
      else {
        const { transition } = action;
        this.log.log('info', `${runtime.instance.name}: ${transition.from.toUpperCase()} -> ${transition.to.toUpperCase()}`, {
          instance: runtime.instance.name,
          reason: transition.reason,
          priority: machine.priority,
        });
        void this.applyTransition(runtime, transition.to);
      }
    }
    this.schedule(runtime);
  }

  private schedule(runtime: Runtime): void {
    if (runtime.timer) clearTimeout(runtime.timer);
    runtime.timer = undefined;
    if (this.stopping) return;
    const deadline = nextDeadline(runtime.machine);
    if (deadline === undefined) return;
    runtime.timer = setTimeout(() => this.dispatch(runtime, { type: 'tick' }), Math.max(0, deadline - this.now()));
  }

  private sendAdvert(runtime: Runtime, priority: number): void {
    const { instance, policy } = runtime;
    const destinations = runtime.peers.length > 0 ? runtime.peers : [runtime.family === 6 ? 'ff02::12' : '224.0.0.18'];
    for (const destination of destinations) {
      const message = encodeAdvertisement(
        {
          version: instance.version,
          vrid: policy.vrid,
          priority,
          addresses: runtime.vips.map((v) => v.address),
          interval: policy.intervalCs,
          ...(policy.password !== undefined ? { authType: 1, authData: policy.password } : {}),
        },
        { source: runtime.source, destination },
      );
      try {
        runtime.transport.send(message, runtime.peers.length > 0 ? destination : undefined);
        runtime.counters.advertsSent += 1;
      } catch (error) {
        this.log.limited(`${instance.name}:send`, 'error', 'could not send an advert', { instance: instance.name, error: String(error) });
      }
    }
  }

  private async applyTransition(runtime: Runtime, to: VrrpState): Promise<void> {
    if (to === 'master') {
      await this.takeVips(runtime);
      this.announce(runtime);
    } else {
      for (const timer of runtime.garpTimers.splice(0)) clearTimeout(timer);
      await this.releaseVips(runtime);
    }
    const state: NotifyState = to === 'master' ? 'MASTER' : to === 'backup' ? 'BACKUP' : to === 'fault' ? 'FAULT' : 'STOP';
    const notify = runtime.instance.notify;
    const scripts: NotifyScripts = {
      ...(notify.master ? { master: notify.master.argv } : {}),
      ...(notify.backup ? { backup: notify.backup.argv } : {}),
      ...(notify.fault ? { fault: notify.fault.argv } : {}),
      ...(notify.stop ? { stop: notify.stop.argv } : {}),
      ...(notify.any ? { any: notify.any.argv } : {}),
    };
    void this.notifications.enqueue(scripts, { kind: 'INSTANCE', name: runtime.instance.name, state, priority: runtime.machine.priority });
  }

  private async takeVips(runtime: Runtime): Promise<void> {
    for (const vip of runtime.vips) await this.quietly(addAddress(this.rtnl, vip), 'EEXIST');
    runtime.vipsHeld = true;
  }

  private async releaseVips(runtime: Runtime): Promise<void> {
    if (!runtime.vipsHeld) return;
    for (const vip of runtime.vips) await this.quietly(deleteAddress(this.rtnl, vip), 'EADDRNOTAVAIL');
    runtime.vipsHeld = false;
  }

  /** Gratuitous ARP / unsolicited NA: a burst at once and another after garp_master_delay. */
  private announce(runtime: Runtime): void {
    const burst = (): void => {
      for (let i = 0; i < Math.max(1, runtime.instance.garpMasterRepeat); i++) {
        for (const vip of runtime.vips) {
          try {
            if (isIPv6(vip.address)) runtime.announcer.neighborAdvertFor(vip.address);
            else runtime.announcer.arpFor(vip.address);
          } catch (error) {
            this.log.limited(`${runtime.instance.name}:garp`, 'warn', 'could not announce a VIP', { address: vip.address, error: String(error) });
          }
        }
      }
    };
    burst();
    if (runtime.instance.garpMasterDelay > 0) {
      runtime.garpTimers.push(
        setTimeout(() => {
          if (runtime.machine.state === 'master') burst();
        }, runtime.instance.garpMasterDelay * 1000),
      );
    }
  }

  private async quietly(operation: Promise<void>, expected?: string): Promise<void> {
    try {
      await operation;
    } catch (error) {
      if (isSystemError(error) && error.code === expected) return;
      this.log.log('error', 'address change failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}
