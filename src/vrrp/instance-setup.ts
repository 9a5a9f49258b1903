// Turns one vrrp_instance of the model into what the engine needs to run it, given the host's
// links and addresses: the interface, family, source address, peers, the VIPs as rtnetlink
// address specs, the advert acceptance policy and the state machine's settings. Pure (no
// sockets, no changes), so a reload can prepare every instance first and refuse the whole
// file if one cannot run, before anything running is touched.
import { isIPv6 } from 'node:net';
import { ExitCode, VipctlError } from '../errors.js';
import type { AddressSpec, InterfaceAddress } from '../rtnl/addresses.js';
import type { Link } from '../rtnl/links.js';
import { IFA_F_NODAD, RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_SITE, VIPCTL_ADDRESS_PROTO } from '../rtnl/constants.js';
import type { VrrpInstance } from '../keepalived/model.js';
import type { AcceptPolicy } from './accept.js';
import type { MachineConfig } from './state-machine.js';
import type { RouteSpec } from '../rtnl/routes.js';
import { parseVirtualRoute } from './virtual-routes.js';
import type { RuleSpec } from '../rtnl/rules.js';
import { DefaultPreferences, parseVirtualRule } from './virtual-rules.js';
import { kernelObjects, type KernelObject } from './kernel-objects.js';
import { bytesToIPv4, bytesToIPv6, ipToBytes } from '../native/ip.js';
import { VRRP_GROUP_IPV4, VRRP_GROUP_IPV6, VRRP_TTL } from './constants.js';
import { vmacPlanOf } from './vmac.js';
import { ahKey } from './ah.js';

const SCOPES: Record<string, number> = { host: RT_SCOPE_HOST, link: RT_SCOPE_LINK, site: RT_SCOPE_SITE, global: 0, universe: 0 };

export interface InstanceSetup {
  instance: VrrpInstance;
  /** The configured interface (`interface`): source address, tracking. */
  link: Link;
  /** Where adverts are sent and heard: the vmac with use_vmac (the interface with vmac_xmit_base). */
  wire: Link;
  /** Where the VIPs go and are announced from: the vmac with use_vmac, else the interface. */
  home: Link;
  /** use_vmac: the macvlan's name and MAC. */
  vmac?: { name: string; mac: string; xmitBase: boolean };
  family: 4 | 6;
  source: string;
  /** Unicast peers; empty for multicast. */
  peers: string[];
  /** The multicast group adverts go to and come from (mcast_dst_ip, else vrrp_mcast_group4/6). */
  group: string;
  /**
   * TTL / hop limit of unicast adverts (unicast_ttl; 255 by default for IPv4). Undefined for
   * IPv6 without unicast_ttl: keepalived 2.2.7 sets no hop limit then, so its unicast adverts
   * leave with the kernel's (the interface's hop_limit, 64 by default; measured).
   */
  unicastTtl: number | undefined;
  /**
   * Why the instance cannot run and stays in FAULT whatever its tracking says (keepalived's
   * unicast_fault_no_peer with no peers, a unicast_src_ip the host does not have); undefined
   * when it can.
   */
  configFault?: string;
  /** Every address added on MASTER: virtual_ipaddress and virtual_ipaddress_excluded. */
  vips: AddressSpec[];
  /** The addresses the adverts carry: virtual_ipaddress of the instance's family. */
  advertised: string[];
  /** virtual_routes: added after the VIPs on MASTER, removed before them. */
  routes: RouteSpec[];
  /** virtual_rules: added after the routes on MASTER, removed before them. */
  rules: RuleSpec[];
  /** The routes and rules as the engine adds and removes them (kernel-objects.ts). */
  kernelObjects: KernelObject[];
  policy: AcceptPolicy;
  machine: MachineConfig;
  /**
   * VRRPv2 auth type AH (IPv4; keepalived ignores authentication under v3, and IPv6 is v3):
   * the HMAC key, auth_pass's first 8 bytes (ah.ts). Undefined for PASS or none.
   */
  ahKey?: Buffer;
}

/** The multicast groups of global_defs (vrrp_mcast_group4 / vrrp_mcast_group6). */
export interface MulticastGroups {
  4: string;
  6: string;
}

/** An address in the text the receive path produces (RFC 5952 for IPv6), or as written if it is none. */
function canonical(address: string): string {
  try {
    const bytes = ipToBytes(address);
    return bytes.length === 4 ? bytesToIPv4(bytes) : bytesToIPv6(bytes);
  } catch {
    return address;
  }
}

export function prepareInstance(
  instance: VrrpInstance,
  links: Link[],
  addresses: InterfaceAddress[],
  /** preferences: shared by every instance of a file (keepalived numbers rules without one across the file). */
  options: { inSyncGroup?: boolean; groups?: MulticastGroups; preferences?: DefaultPreferences } = {},
): InstanceSetup {
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
  // use_vmac: the vmac is made by the engine (vmac.ts) before instances are prepared.
  if (instance.useVmac && (family === 6 || instance.family === 6)) fail('use_vmac with an IPv6 instance is not carried out by vrrp run yet', 'leave out use_vmac, or run this instance with keepalived');
  const plan = vmacPlanOf(instance, links);
  const home = plan ? (links.find((l) => l.name === plan.name) ?? fail(`use_vmac: no interface ${plan.name} here`)) : link;
  const wire = plan && !instance.vmacXmitBase ? home : link;
  const own = addresses.filter((a) => a.ifindex === link.index && a.family === family && a.proto !== VIPCTL_ADDRESS_PROTO);
  const source =
    (family === 4 ? (instance.unicastSrcIp ?? instance.mcastSrcIp) : undefined) ??
    (family === 6 ? (instance.unicastSrcIp && isIPv6(instance.unicastSrcIp) ? instance.unicastSrcIp : own.find((a) => a.address.startsWith('fe80:'))?.address) : own[0]?.address) ??
    fail(`interface ${link.name} has no IPv${family} address to send adverts from`);
  const peers = instance.unicastPeers.map((p) => canonical(p.address));
  // keepalived 2.2.7 (measured): min_ttl / max_ttl on any peer turn check_unicast_src on for
  // the instance (adverts from other sources are dropped); each window, 0..255 by default,
  // applies to its own peer's adverts.
  const windowed = instance.unicastPeers.filter((p) => p.minTtl !== undefined || p.maxTtl !== undefined);
  const peerTtl = new Map(windowed.map((p) => [canonical(p.address), { min: p.minTtl ?? 0, max: p.maxTtl ?? VRRP_TTL }] as const));
  const group = canonical(instance.mcastDstIp ?? options.groups?.[family] ?? (family === 6 ? VRRP_GROUP_IPV6 : VRRP_GROUP_IPV4));
  // Like keepalived, a VIP of the other family is not advertised but still added and removed
  // with the instance, as if it were written in virtual_ipaddress_excluded.
  const advertised = instance.virtualIpAddresses.filter((entry) => entry.family === family).map((entry) => entry.address);
  const vips: AddressSpec[] = [...instance.virtualIpAddresses, ...instance.excludedIpAddresses]
    .map((entry) => {
      const device = entry.device ? (links.find((l) => l.name === entry.device) ?? fail(`virtual_ipaddress ${entry.address}: no interface ${entry.device}`)) : home;
      const brdIndex = entry.options.indexOf('brd');
      return {
        ifindex: device.index,
        address: entry.address,
        prefixLength: entry.prefix,
        proto: VIPCTL_ADDRESS_PROTO,
        ...(entry.label ? { label: entry.label } : {}),
        ...(entry.scope && SCOPES[entry.scope] !== undefined ? { scope: SCOPES[entry.scope] } : {}),
        ...(brdIndex >= 0 && entry.options[brdIndex + 1] ? { broadcast: entry.options[brdIndex + 1] } : {}),
        ...(isIPv6(entry.address) ? { flags: IFA_F_NODAD } : {}),
      };
    });
  const routes = instance.virtualRoutes.map((line) => {
    const parsed = parseVirtualRoute(line.words, links);
    if ('problem' in parsed) {
      throw new VipctlError(`vrrp_instance ${instance.name}: virtual_routes \`${line.words.join(' ')}\`: ${parsed.problem}`, { where: `${line.at.file}:${line.at.line}`, exitCode: ExitCode.Usage });
    }
    return parsed.route;
  });
  const preferences = options.preferences ?? new DefaultPreferences();
  const rules = (instance.virtualRules ?? []).map((line) => {
    const parsed = parseVirtualRule(line.words, links, preferences);
    if ('problem' in parsed) {
      throw new VipctlError(`vrrp_instance ${instance.name}: virtual_rules \`${line.words.join(' ')}\`: ${parsed.problem}`, { where: `${line.at.file}:${line.at.line}`, exitCode: ExitCode.Usage });
    }
    return parsed.rule;
  });
  // keepalived rounds a v2 interval to whole seconds; v3 carries centiseconds.
  const intervalCs = instance.version === 2 ? Math.max(1, Math.round(instance.advertInt)) * 100 : Math.max(1, Math.round(instance.advertInt * 100));
  const password = instance.version === 2 && instance.authentication?.type === 'PASS' ? (instance.authentication.effectivePassword ?? '') : undefined;
  const ah = instance.version === 2 && family === 4 && instance.authentication?.type === 'AH' ? ahKey(instance.authentication.password ?? '') : undefined;
  const policy: AcceptPolicy = {
    version: instance.version,
    vrid,
    intervalCs,
    addressCount: advertised.length,
    ...(password !== undefined ? { password } : {}),
    ...(ah ? { ah: true } : {}),
    // keepalived checks TTL / hop limit 255 only for multicast (unicast may cross routers).
    ...(peers.length > 0 ? { unicast: true } : {}),
    ...(peers.length > 0 && (instance.checkUnicastSrc || windowed.length > 0) ? { allowedSources: peers } : {}),
    ...(peers.length > 0 && windowed.length > 0 ? { peerTtl } : {}),
  };
  const machine: MachineConfig = {
    version: instance.version,
    priority: instance.priority,
    advertIntervalMs: intervalCs * 10,
    // keepalived honours nopreempt only with state BACKUP, and never for the address owner
    // (2.2.7: "nopreempt is incompatible with priority 255. resetting nopreempt").
    preempt: !(instance.nopreempt && instance.state === 'BACKUP' && instance.priority !== 255),
    preemptDelayMs: instance.preemptDelay * 1000,
    localAddress: source,
    // An unknown state is BACKUP in the model, as in keepalived; only MASTER or none lets the owner start as master.
    ...(instance.stateSet && instance.state === 'BACKUP' ? { startBackup: true } : {}),
    ...(options.inSyncGroup ? { inSyncGroup: true } : {}),
    ...(instance.downTimerAdverts !== 3 ? { downTimerAdverts: instance.downTimerAdverts } : {}),
    ...(instance.lowerPrioNoAdvert ? { lowerPrioNoAdvert: true } : {}),
    ...(instance.higherPrioSendAdvert ? { higherPrioSendAdvert: true } : {}),
  };
  // keepalived 2.2.7 (measured): unicast_fault_no_peer makes the instance unicast, so with no
  // unicast_peer it logs "Cannot use unicast without any peers" and stays in FAULT; without
  // the keyword such an instance falls back to multicast.
  // keepalived 2.2.7 (measured): a unicast_src_ip that is on no interface here fails its bind
  // ("bind unicast_src ... failed 99 - Cannot assign requested address"), and the instance
  // enters FAULT ("src address not configured") and stays there, even once the address is
  // added, until a reload; a missing mcast_src_ip changes nothing. Without this an engine that
  // cannot advertise became master beside the real one and took its VIPs (a split brain).
  const unicastSource = peers.length > 0 && instance.unicastSrcIp !== undefined ? canonical(instance.unicastSrcIp) : undefined;
  const sourceMissing = unicastSource !== undefined && !addresses.some((a) => a.proto !== VIPCTL_ADDRESS_PROTO && canonical(a.address) === unicastSource);
  const configFault =
    instance.unicastFaultNoPeer && peers.length === 0
      ? 'no unicast peer (unicast_fault_no_peer)'
      : sourceMissing
        ? `unicast_src_ip ${instance.unicastSrcIp} is not an address of this host (src address not configured)`
        : undefined;
  return {
    instance, link, wire, home, family, source, peers, group, unicastTtl: family === 6 && !instance.unicastTtlSet ? undefined : (instance.unicastTtl ?? VRRP_TTL), vips, advertised, routes, rules, kernelObjects: kernelObjects(routes, rules), policy, machine,
    ...(configFault ? { configFault } : {}),
    ...(ah ? { ahKey: ah } : {}),
    ...(plan ? { vmac: { name: plan.name, mac: plan.mac, xmitBase: instance.vmacXmitBase === true } } : {}),
  };
}

/** Whether two setups talk on the same wire as the same router (a reload may keep its socket and state). */
export function sameRouter(a: InstanceSetup, b: InstanceSetup): boolean {
  return (
    a.link.index === b.link.index &&
    a.wire.index === b.wire.index &&
    a.home.index === b.home.index &&
    a.family === b.family &&
    a.source === b.source &&
    a.policy.vrid === b.policy.vrid &&
    a.policy.version === b.policy.version &&
    a.peers.join(',') === b.peers.join(',') &&
    a.group === b.group &&
    a.unicastTtl === b.unicastTtl &&
    // AH adverts go through a socket of their own (a new key alone is taken in place).
    (a.ahKey === undefined) === (b.ahKey === undefined)
  );
}

export function vipKey(vip: AddressSpec): string {
  return [vip.ifindex, vip.address, vip.prefixLength, vip.label ?? '', vip.scope ?? '', vip.broadcast ?? ''].join('/');
}
