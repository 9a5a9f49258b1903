// The third stage: syntax tree -> typed model, applying keepalived 2.2.7's defaults. Values the
// builder cannot interpret (an address that is not one) become diagnostics, never exceptions.
// A keyword written twice: the last one wins, as in keepalived.
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type {
  GlobalDefs, IpAddressEntry, KeepalivedConfig, ScriptCommand, SourceRef, SyncGroup, TrackFile, TrackReference, VirtualServer,
  VirtualServerGroup, VirtualServerGroupEntry, VrrpInstance, VrrpScript,
} from './model.js';
import { familyOf, K, NodeValues } from './node-values.js';
import { ChildIndex, type Syntax } from './parser.js';
import { TEMPLATE_PLACEHOLDER } from './reader.js';
import { serverAddressProblems, toVirtualServer, VirtualServerView } from './servers.js';
import type { TokenStore } from './tokens.js';
import { hasTemplate, parseNumber } from './validate.js';
import { wordId } from './words.js';

/** Read only beside use_vmac (not in node-values.ts's K: one keyword, one place). */
const VMAC_XMIT_BASE = wordId('vmac_xmit_base');
/** Read only for vrrp run's virtual_rules. */
const VIRTUAL_RULES = wordId('virtual_rules');
/** Read only for vrrp run's notify fifo. */
const NOTIFY_PRIORITY_CHANGES = wordId('notify_priority_changes');
const VRRP_NOTIFY_PRIORITY_CHANGES = wordId('vrrp_notify_priority_changes');
/** Read only for vrrp run's sync groups (global_tracking is its deprecated name). */
const SYNC_GROUP_TRACKING_WEIGHT = wordId('sync_group_tracking_weight');
const GLOBAL_TRACKING = wordId('global_tracking');

// Kept here for the code that imported them from the builder.
export { familyOf } from './node-values.js';
export { ref, scriptOf, splitCommand } from './scripts.js';

const INSTANCE_NOTIFY = [
  [K.notify_master, 'master'], [K.notify_backup, 'backup'], [K.notify_fault, 'fault'], [K.notify_stop, 'stop'],
  [K.notify_deleted, 'deleted'], [K.notify, 'any'], [K.notify_master_rx_lower_pri, 'masterRxLowerPri'],
] as const;
const GROUP_NOTIFY = [[K.notify_master, 'master'], [K.notify_backup, 'backup'], [K.notify_fault, 'fault'], [K.notify_stop, 'stop'], [K.notify, 'any']] as const;

class Builder {
  readonly diagnostics: Diagnostic[] = [];
  /** The virtual_server nodes, in order. */
  readonly serverNodes: number[] = [];
  private readonly tokens: TokenStore;
  private readonly levels: ChildIndex[];
  readonly values: NodeValues;

  constructor(private readonly syntax: Syntax) {
    this.tokens = syntax.tokens;
    this.values = new NodeValues(syntax);
    this.levels = [0, 1].map(() => new ChildIndex(syntax));
  }

  private level(depth: number, node: number): ChildIndex {
    return (this.levels[depth] as ChildIndex).of(node);
  }

  private ref(node: number): SourceRef {
    return this.values.ref(node);
  }

  private text(node: number, index = 0): string | undefined {
    return this.values.text(node, index);
  }

  private optionalNum(node: number, index = 0): number | undefined {
    return this.values.optionalNum(node, index);
  }

  private num(node: number, fallback: number, index = 0): number {
    return this.values.num(node, fallback, index);
  }

  private flag(at: ChildIndex, word: number): boolean {
    return this.values.flag(at.get(word));
  }

  private all(node: number, word: number): number[] {
    return this.values.all(node, word);
  }

  private children(node: number): number[] {
    return this.values.children(node);
  }

  private script(node: number, takesUser = true): ScriptCommand | undefined {
    return this.values.script(node, takesUser);
  }

  build(files: string[], configId: string): KeepalivedConfig {
    const syntax = this.syntax;
    const top = syntax.top();
    const global = this.global(top.filter((n) => syntax.word(n) === K.global_defs));
    const config: KeepalivedConfig = {
      files,
      configId,
      global,
      vrrpScripts: [],
      trackFiles: [],
      vrrpInstances: [],
      syncGroups: [],
      virtualServers: [],
      virtualServerGroups: [],
    };
    // Indexed loops here and per instance: an iterator allocates a result per step until V8 has
    // optimised the loop, and a big file has thousands of top-level blocks.
    for (let i = 0; i < top.length; i += 1) {
      const node = top[i] as number;
      switch (syntax.word(node)) {
        case K.vrrp_script:
          config.vrrpScripts.push(this.vrrpScript(node));
          break;
        case K.track_file:
        case K.vrrp_track_file:
          config.trackFiles.push(this.trackFile(node));
          break;
        case K.vrrp_instance:
          config.vrrpInstances.push(this.instance(node, global));
          break;
        case K.vrrp_sync_group:
          config.syncGroups.push(this.syncGroup(node));
          break;
        case K.virtual_server:
          // Virtual servers are built when asked for (see buildModel); their diagnostics now.
          serverAddressProblems(this.values, node, (at, message) => this.diagnostics.push(diagnostic(at, 'invalid-address', message)));
          this.serverNodes.push(node);
          break;
        case K.virtual_server_group:
          config.virtualServerGroups.push(this.virtualServerGroup(node));
          break;
        default:
          break;
      }
    }
    return config;
  }

  private global(blocks: number[]): GlobalDefs {
    const global: GlobalDefs = {
      vrrpVersion: 2,
      vrrpStrict: false,
      enableScriptSecurity: false,
      notificationEmails: [],
      vrrpMcastGroup4: '224.0.0.18',
      vrrpMcastGroup6: 'ff02::12',
      vrrpGarpMasterDelay: 5,
      vrrpGarpMasterRepeat: 5,
      vrrpGarpInterval: 0,
      vrrpGnaInterval: 0,
      vrrpSkipCheckAdvAddr: false,
      defaultInterface: 'eth0',
    };
    for (const block of blocks) {
      const at = this.level(0, block);
      global.at ??= this.ref(block);
      const routerId = this.text(at.get(K.router_id));
      if (routerId !== undefined) global.routerId = routerId;
      const version = this.text(at.get(K.vrrp_version));
      if (version === '2' || version === '3') global.vrrpVersion = Number(version) as 2 | 3;
      if (at.get(K.vrrp_strict) >= 0) global.vrrpStrict = true;
      if (at.get(K.enable_script_security) >= 0) global.enableScriptSecurity = true;
      const userNode = at.get(K.script_user);
      const user = this.text(userNode);
      if (user !== undefined && userNode >= 0) {
        global.scriptUser = user;
        global.scriptUserAt = this.ref(userNode);
      }
      for (const email of this.all(block, K.notification_email)) for (const line of this.children(email)) global.notificationEmails.push(this.syntax.keyword(line));
      const group4 = this.text(at.get(K.vrrp_mcast_group4));
      if (group4) global.vrrpMcastGroup4 = group4;
      const group6 = this.text(at.get(K.vrrp_mcast_group6));
      if (group6) global.vrrpMcastGroup6 = group6;
      global.vrrpGarpMasterDelay = this.num(at.get(K.vrrp_garp_master_delay), global.vrrpGarpMasterDelay);
      global.vrrpGarpMasterRepeat = this.num(at.get(K.vrrp_garp_master_repeat), global.vrrpGarpMasterRepeat);
      global.vrrpGarpInterval = this.num(at.get(K.vrrp_garp_interval), global.vrrpGarpInterval);
      global.vrrpGnaInterval = this.num(at.get(K.vrrp_gna_interval), global.vrrpGnaInterval);
      if (at.get(K.vrrp_skip_check_adv_addr) >= 0) global.vrrpSkipCheckAdvAddr = true;
      const fifo = this.text(at.get(K.vrrp_notify_fifo)) ?? this.text(at.get(K.notify_fifo));
      if (fifo) global.vrrpNotifyFifo = fifo;
      const defaultInterface = this.text(at.get(K.default_interface));
      if (defaultInterface) global.defaultInterface = defaultInterface;
      const downTimer = this.optionalNum(at.get(K.vrrp_down_timer_adverts));
      if (downTimer !== undefined) global.vrrpDownTimerAdverts = downTimer;
      if (at.get(K.vrrp_lower_prio_no_advert) >= 0) global.vrrpLowerPrioNoAdvert = this.flag(at, K.vrrp_lower_prio_no_advert);
      if (at.get(K.vrrp_higher_prio_send_advert) >= 0) global.vrrpHigherPrioSendAdvert = this.flag(at, K.vrrp_higher_prio_send_advert);
      const lowerDelay = this.optionalNum(at.get(K.vrrp_garp_lower_prio_delay));
      if (lowerDelay !== undefined) global.vrrpGarpLowerPrioDelay = lowerDelay;
      const lowerRepeat = this.optionalNum(at.get(K.vrrp_garp_lower_prio_repeat));
      if (lowerRepeat !== undefined) global.vrrpGarpLowerPrioRepeat = lowerRepeat;
      if (at.get(K.vrrp_check_unicast_src) >= 0) global.vrrpCheckUnicastSrc = true;
      if (at.get(VRRP_NOTIFY_PRIORITY_CHANGES) >= 0) global.vrrpNotifyPriorityChanges = this.flag(at, VRRP_NOTIFY_PRIORITY_CHANGES);
      const sync = at.get(K.lvs_sync_daemon);
      const syncInterface = this.text(sync);
      if (syncInterface) {
        global.lvsSyncDaemon = { interface: syncInterface };
        const words = this.syntax.view(sync).args.map((a) => a.text);
        const named = words[1] === 'inst' ? words[2] : words[1] && !['id', 'maxlen', 'port', 'ttl', 'group'].includes(words[1]) ? words[1] : undefined;
        if (named) global.lvsSyncDaemon.instance = named;
      }
    }
    return global;
  }

  private vrrpScript(node: number): VrrpScript {
    const at = this.level(0, node);
    const weightNode = at.get(K.weight);
    const script: VrrpScript = {
      name: this.text(node) ?? '',
      at: this.ref(node),
      interval: this.num(at.get(K.interval), 1),
      weight: this.num(weightNode, 0),
      reverse: this.text(weightNode, 1) === 'reverse',
      rise: this.num(at.get(K.rise), 1),
      fall: this.num(at.get(K.fall), 1),
      initFail: at.get(K.init_fail) >= 0,
    };
    const command = this.script(at.get(K.script), false);
    if (command) script.script = command;
    const timeout = this.optionalNum(at.get(K.timeout));
    if (timeout !== undefined) script.timeout = timeout;
    const userNode = at.get(K.user);
    if (this.text(userNode)) script.user = this.text(userNode);
    if (this.text(userNode, 1)) script.group = this.text(userNode, 1);
    if (script.script && script.user !== undefined) script.script.user = script.user;
    if (script.script && userNode >= 0) script.script.userAt = this.ref(userNode);
    if (script.script && script.group !== undefined) script.script.group = script.group;
    return script;
  }

  private trackFile(node: number): TrackFile {
    const at = this.level(0, node);
    const weightNode = at.get(K.weight);
    const trackFile: TrackFile = {
      name: this.text(node) ?? '',
      at: this.ref(node),
      weight: this.num(weightNode, 1),
      reverse: this.text(weightNode, 1) === 'reverse',
    };
    const path = this.text(at.get(K.file));
    if (path !== undefined) trackFile.path = path;
    const initNode = at.get(K.init_file);
    if (initNode >= 0) {
      // init_file [VALUE] [overwrite]: either word may be left out.
      const first = this.text(initNode);
      const overwrite = first === 'overwrite' || this.text(initNode, 1) === 'overwrite';
      const value = first !== undefined && first !== 'overwrite' ? this.num(initNode, 0) : 0;
      trackFile.initFile = { value, overwrite };
    }
    return trackFile;
  }

  private addresses(block: number): IpAddressEntry[] {
    const result: IpAddressEntry[] = [];
    if (block < 0) return result;
    const blockKeyword = this.syntax.keyword(block);
    for (const child of this.children(block)) {
      const line = this.syntax.view(child);
      if (line.keyword.includes(TEMPLATE_PLACEHOLDER) || hasTemplate(line.args)) continue;
      const [address = '', prefixText] = line.keyword.split('/');
      const family = familyOf(address);
      const maxPrefix = family === 6 ? 128 : 32;
      const prefix = prefixText === undefined ? maxPrefix : /^\d+$/.test(prefixText) ? Number(prefixText) : Number.NaN;
      if (family === undefined || !(prefix >= 0 && prefix <= maxPrefix)) {
        this.diagnostics.push(diagnostic(line, 'invalid-address', `'${line.keyword}' in ${blockKeyword} is not an IP address[/prefix] (keepalived: "VRRP parsed invalid IP ... skipping IP")`));
        continue;
      }
      const entry: IpAddressEntry = { address, prefix, family, options: line.args.map((a) => a.text), at: this.ref(child) };
      const words = line.args.map((a) => a.text);
      const option = (name: string): string | undefined => {
        const index = words.indexOf(name);
        return index >= 0 ? words[index + 1] : undefined;
      };
      const device = option('dev');
      if (device) entry.device = device;
      const label = option('label');
      if (label) entry.label = label;
      const scope = option('scope');
      if (scope) entry.scope = scope;
      result.push(entry);
    }
    return result;
  }

  /** A unicast_peer line: the address, and min_ttl / max_ttl when given with a value of 0..255. */
  private unicastPeer(line: number): VrrpInstance['unicastPeers'][number] {
    const peer: VrrpInstance['unicastPeers'][number] = { address: this.syntax.keyword(line), at: this.ref(line) };
    const count = this.syntax.argCount(line);
    for (let i = 0; i + 1 < count; i += 2) {
      const word = this.syntax.arg(line, i);
      const value = Number(this.syntax.arg(line, i + 1));
      if (!Number.isInteger(value) || value < 0 || value > 255) continue;
      if (word === 'min_ttl') peer.minTtl = value;
      else if (word === 'max_ttl') peer.maxTtl = value;
    }
    return peer;
  }

  private tracks(block: number): TrackReference[] {
    if (block < 0) return [];
    return this.children(block).map((child) => {
      const line = this.syntax.view(child);
      const words = line.args.map((a) => a.text);
      const reference: TrackReference = { name: line.keyword, reverse: words.includes('reverse'), at: this.ref(child) };
      if (words.includes('noreverse') || words.includes('no_reverse')) reference.noReverse = true;
      const index = words.indexOf('weight');
      const weight = index >= 0 ? parseNumber(words[index + 1] ?? '', 'int') : undefined;
      if (weight !== undefined) reference.weight = weight;
      return reference;
    });
  }

  private instance(node: number, global: GlobalDefs): VrrpInstance {
    const at = this.level(0, node);
    const stateNode = at.get(K.state);
    const state = this.text(stateNode);
    const priorityNode = at.get(K.priority);
    const priority = this.optionalNum(priorityNode);
    const versionText = this.text(at.get(K.version));
    const instance: VrrpInstance = {
      name: this.text(node) ?? '',
      at: this.ref(node),
      state: state === 'MASTER' ? 'MASTER' : 'BACKUP',
      stateSet: stateNode >= 0,
      priority: priority !== undefined && Number.isInteger(priority) && priority >= 1 && priority <= 255 ? priority : 100,
      prioritySet: priorityNode >= 0,
      advertInt: this.num(at.get(K.advert_int), 1),
      version: versionText === '3' ? 3 : versionText === '2' ? 2 : global.vrrpVersion,
      nopreempt: at.get(K.nopreempt) >= 0,
      preemptDelay: this.num(at.get(K.preempt_delay), 0),
      strictMode: this.flag(at, K.strict_mode) || global.vrrpStrict,
      family: 4,
      virtualIpAddresses: this.addresses(at.get(K.virtual_ipaddress)),
      excludedIpAddresses: this.addresses(at.get(K.virtual_ipaddress_excluded)),
      unicastPeers: this.children(at.get(K.unicast_peer)).map((line) => this.unicastPeer(line)),
      useVmac: at.get(K.use_vmac) >= 0,
      trackScripts: this.tracks(at.get(K.track_script)),
      trackInterfaces: this.tracks(at.get(K.track_interface)),
      trackFiles: this.tracks(at.get(K.track_file)),
      trackProcesses: this.tracks(at.get(K.track_process)),
      virtualRoutes: this.children(at.get(K.virtual_routes)).map((line) => {
        const view = this.syntax.view(line);
        return { words: [view.keyword, ...view.args.map((a) => a.text)], at: this.ref(line) };
      }),
      notify: {},
      garpMasterDelay: this.num(at.get(K.garp_master_delay), global.vrrpGarpMasterDelay),
      garpMasterRepeat: this.num(at.get(K.garp_master_repeat), global.vrrpGarpMasterRepeat),
      garpMasterRefresh: this.num(at.get(K.garp_master_refresh), 0),
      garpMasterRefreshRepeat: this.num(at.get(K.garp_master_refresh_repeat), 1),
      acceptMode: false,
      unicastTtl: this.num(at.get(K.unicast_ttl), 255),
      downTimerAdverts: this.num(at.get(K.down_timer_adverts), global.vrrpDownTimerAdverts ?? 3),
      dontTrackPrimary: at.get(K.dont_track_primary) >= 0,
      skipCheckAdvAddr: this.flag(at, K.skip_check_adv_addr) || global.vrrpSkipCheckAdvAddr,
    };
    instance.family = at.get(K.native_ipv6) >= 0 ? 6 : (instance.virtualIpAddresses[0]?.family ?? 4);
    // Accept mode is on unless strict mode turns it off; `accept` / `no_accept` decide explicitly.
    instance.acceptMode = at.get(K.no_accept) >= 0 ? false : at.get(K.accept) >= 0 ? true : !instance.strictMode;
    // keepalived 2.2.7, measured: the lower-priority GARP defaults are the global
    // vrrp_garp_master_* (not the instance's garp_master_*); strict mode answers a lower
    // priority with neither an advert nor GARPs, and clears higher_prio_send_advert.
    instance.checkUnicastSrc = at.get(K.check_unicast_src) >= 0 || global.vrrpCheckUnicastSrc === true;
    instance.lowerPrioNoAdvert = instance.strictMode || (at.get(K.lower_prio_no_advert) >= 0 ? this.flag(at, K.lower_prio_no_advert) : (global.vrrpLowerPrioNoAdvert ?? false));
    instance.higherPrioSendAdvert = !instance.strictMode && (at.get(K.higher_prio_send_advert) >= 0 ? this.flag(at, K.higher_prio_send_advert) : (global.vrrpHigherPrioSendAdvert ?? false));
    instance.garpLowerPrioDelay = this.num(at.get(K.garp_lower_prio_delay), global.vrrpGarpLowerPrioDelay ?? global.vrrpGarpMasterDelay);
    instance.garpLowerPrioRepeat = instance.strictMode ? 0 : this.num(at.get(K.garp_lower_prio_repeat), global.vrrpGarpLowerPrioRepeat ?? global.vrrpGarpMasterRepeat);
    instance.unicastFaultNoPeer = at.get(K.unicast_fault_no_peer) >= 0;
    if (at.get(K.unicast_ttl) >= 0) instance.unicastTtlSet = true;
    if (at.get(NOTIFY_PRIORITY_CHANGES) >= 0) instance.notifyPriorityChanges = this.flag(at, NOTIFY_PRIORITY_CHANGES);
    if (at.get(K.notify_deleted) >= 0) instance.notifyDeleted = true;
    const mcastDst = this.text(at.get(K.mcast_dst_ip));
    if (mcastDst) instance.mcastDstIp = mcastDst;
    const vmacNode = at.get(K.use_vmac);
    if (vmacNode >= 0) {
      instance.vmac = {};
      instance.vmacAt = this.ref(vmacNode);
      if (at.get(VMAC_XMIT_BASE) >= 0) instance.vmacXmitBase = true;
      for (const word of this.syntax.view(vmacNode).args.map((a) => a.text)) {
        if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(word)) instance.vmac.mac = word;
        else instance.vmac.name = word;
      }
    }
    const rulesNode = at.get(VIRTUAL_RULES);
    if (rulesNode >= 0) {
      instance.virtualRules = this.children(rulesNode).map((line) => {
        const view = this.syntax.view(line);
        return { words: [view.keyword, ...view.args.map((a) => a.text)], at: this.ref(line) };
      });
    }
    // IPv6 instances are always VRRPv3 (v2 has no IPv6).
    if (instance.family === 6) instance.version = 3;
    const iface = this.text(at.get(K.interface));
    if (iface !== undefined) instance.interface = iface;
    const vrid = this.optionalNum(at.get(K.virtual_router_id));
    if (vrid !== undefined && Number.isInteger(vrid) && vrid >= 1 && vrid <= 255) instance.virtualRouterId = vrid;
    const unicastSrc = this.text(at.get(K.unicast_src_ip));
    if (unicastSrc) instance.unicastSrcIp = unicastSrc;
    const mcastSrc = this.text(at.get(K.mcast_src_ip));
    if (mcastSrc) instance.mcastSrcIp = mcastSrc;
    const auth = at.get(K.authentication);
    if (auth >= 0) {
      const inAuth = this.level(1, auth);
      const type = this.text(inAuth.get(K.auth_type));
      const passNode = inAuth.get(K.auth_pass);
      instance.authentication = { type: type === 'PASS' || type === 'AH' ? type : undefined, at: this.ref(auth) };
      const passToken = passNode >= 0 ? this.syntax.argToken(passNode, 0) : -1;
      if (passToken >= 0) {
        const password = this.tokens.text(passToken);
        instance.authentication.password = password;
        instance.authentication.effectivePassword = password.slice(0, 8);
      }
    }
    for (let i = 0; i < INSTANCE_NOTIFY.length; i += 1) {
      // Not destructured: array destructuring runs the iterator protocol too.
      const entry = INSTANCE_NOTIFY[i] as (typeof INSTANCE_NOTIFY)[number];
      const key = entry[1];
      const script = this.script(at.get(entry[0]));
      if (script) instance.notify[key] = script;
    }
    return instance;
  }

  private syncGroup(node: number): SyncGroup {
    const at = this.level(0, node);
    const group: SyncGroup = {
      name: this.text(node) ?? '',
      at: this.ref(node),
      members: this.children(at.get(K.group)).flatMap((child) => {
        const line = this.syntax.view(child);
        return [line.keyword, ...line.args.map((a) => a.text)].map((name) => ({ name, at: this.ref(child) }));
      }),
      notify: {},
      trackInterfaces: this.tracks(at.get(K.track_interface)),
      trackScripts: this.tracks(at.get(K.track_script)),
      trackFiles: this.tracks(at.get(K.track_file)),
    };
    for (const [word, key] of GROUP_NOTIFY) {
      const script = this.script(at.get(word));
      if (script) group.notify[key] = script;
    }
    if (at.get(NOTIFY_PRIORITY_CHANGES) >= 0) group.notifyPriorityChanges = this.flag(at, NOTIFY_PRIORITY_CHANGES);
    if (at.get(SYNC_GROUP_TRACKING_WEIGHT) >= 0 || at.get(GLOBAL_TRACKING) >= 0) group.trackingWeight = true;
    return group;
  }

  private virtualServerGroup(node: number): VirtualServerGroup {
    const group: VirtualServerGroup = { name: this.text(node) ?? '', at: this.ref(node), entries: [] };
    for (const child of this.children(node)) {
      const line = this.syntax.view(child);
      if (line.keyword === 'fwmark') {
        const entry: VirtualServerGroupEntry = { kind: 'fwmark', at: this.ref(child) };
        const markToken = line.args[0];
        const mark = markToken ? parseNumber(markToken.text, 'uint') : undefined;
        if (mark !== undefined && mark <= 4294967295) entry.fwmark = mark;
        else if (markToken && !hasTemplate([markToken])) this.diagnostics.push(diagnostic(markToken, 'invalid-number', `virtual_server_group ${group.name}: fwmark '${markToken.text}' must be a number in [0, 4294967295]`));
        group.entries.push(entry);
        continue;
      }
      const match = /^([^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(line.keyword);
      const entry: VirtualServerGroupEntry = { kind: 'range', at: this.ref(child) };
      if (match && familyOf(match[1] ?? '')) {
        entry.address = match[1] as string;
        if (match[2]) entry.rangeEnd = match[2];
        if (match[3]) entry.prefix = Number(match[3]);
        if (match[2] && !rangeEndValid(entry.address, match[2])) {
          this.diagnostics.push(diagnostic(line, 'invalid-address', `virtual_server_group ${group.name}: range ${line.keyword} does not end above its start (keepalived skips it)`));
        }
      } else if (!line.keyword.includes(TEMPLATE_PLACEHOLDER)) {
        this.diagnostics.push(diagnostic(line, 'invalid-address', `'${line.keyword}' in virtual_server_group is not an address, range or prefix`));
      }
      const portToken = line.args[0];
      if (portToken && !hasTemplate([portToken])) {
        const port = parseNumber(portToken.text, 'uint');
        if (port !== undefined && port >= 1 && port <= 65535) entry.port = port;
        else this.diagnostics.push(diagnostic(portToken, port === undefined ? 'invalid-number' : 'out-of-range', `virtual_server_group ${group.name}: port '${portToken.text}' must be in [1, 65535]`));
      }
      group.entries.push(entry);
    }
    return group;
  }
}

/** a.b.c.d-e (last octet) or a.b.c.d-a.b.c.f: the end must be above the start. */
function rangeEndValid(start: string, end: string): boolean {
  if (familyOf(start) === 6 && /^[0-9a-f]{1,4}$/i.test(end)) {
    // IPv6: the end replaces the last group, in hex.
    const last = parseInt(start.split(':').pop() || '0', 16);
    return parseInt(end, 16) > last;
  }
  if (/^\d+$/.test(end)) {
    const last = Number(start.split('.').pop());
    return Number(end) > last && Number(end) <= 255;
  }
  if (familyOf(end) !== familyOf(start)) return false;
  if (familyOf(end) === 4) {
    const value = (a: string): number => a.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    return value(end) > value(start);
  }
  return end !== start;
}

/** Where the virtual servers of a model come from until they are built. */
interface ServerSource {
  syntax: Syntax;
  nodes: number[];
  built(): VirtualServer[] | undefined;
}

const serverSources = new WeakMap<KeepalivedConfig, ServerSource>();

/**
 * The model of a syntax tree. `config.virtualServers` is built on first use: a big file has
 * thousands of virtual servers with real servers and checkers, which the linter looks at one
 * at a time (forEachVirtualServer) instead of keeping them all; `vrrp run`, `config dump` and
 * anyone else reading the property get the same array as before.
 */
export function buildModel(syntax: Syntax, files: string[], configId: string): { config: KeepalivedConfig; diagnostics: Diagnostic[] } {
  const builder = new Builder(syntax);
  const config = builder.build(files, configId);
  const nodes = builder.serverNodes;
  let built: VirtualServer[] | undefined;
  // Redefining the property keeps its place among the keys (config dump prints them in order).
  Object.defineProperty(config, 'virtualServers', {
    enumerable: true,
    configurable: true,
    get: (): VirtualServer[] => {
      if (!built) {
        const values = new NodeValues(syntax);
        built = nodes.map((node) => toVirtualServer(new VirtualServerView(values, node)));
      }
      return built;
    },
    set: (value: VirtualServer[]) => {
      built = value;
    },
  });
  serverSources.set(config, { syntax, nodes, built: () => built });
  return { config, diagnostics: builder.diagnostics };
}

/**
 * Calls `visit` with every virtual server of the model, in order. Unless the model's array was
 * already built, each one is a read-only view (servers.ts) made for the call and then dropped:
 * a file with thousands of them costs no more memory than one, and only the fields read are
 * worked out.
 */
export function forEachVirtualServer(config: KeepalivedConfig, visit: (server: VirtualServer) => void): void {
  const source = serverSources.get(config);
  const built = source ? source.built() : config.virtualServers;
  if (built || !source) {
    for (const server of built ?? []) visit(server);
    return;
  }
  const values = new NodeValues(source.syntax);
  // Indexed: an iterator would allocate a result per server until V8 optimises this loop.
  const nodes = source.nodes;
  for (let i = 0; i < nodes.length; i += 1) visit(new VirtualServerView(values, nodes[i] as number));
}
