// The third stage: syntax tree -> typed model, applying keepalived 2.2.7's defaults. Values the
// builder cannot interpret (an address that is not one) become diagnostics, never exceptions.
// A keyword written twice: the last one wins, as in keepalived.
import { isIPv4, isIPv6 } from 'node:net';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import type {
  AddressFamily, Checker, CheckerType, GlobalDefs, HttpUrl, IpAddressEntry, KeepalivedConfig, LvsMethod, LvsProtocol,
  RealServer, ScriptCommand, SourceRef, SyncGroup, TrackReference, VirtualServer, VirtualServerGroup,
  VirtualServerGroupEntry, VrrpInstance, VrrpScript,
} from './model.js';
import { ChildIndex, LEAF, type ConfigNode, type Syntax } from './parser.js';
import { TEMPLATE_PLACEHOLDER } from './reader.js';
import type { TokenStore } from './tokens.js';
import { hasTemplate, parseNumber } from './validate.js';
import { wordId } from './words.js';

const CHECKERS = new Set<CheckerType>(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK']);
const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']);

export function ref(node: { file: string; line: number; column: number; end?: { line: number } }): SourceRef {
  const at: SourceRef = { file: node.file, line: node.line, column: node.column };
  if (node.end && node.end.line > node.line) at.endLine = node.end.line;
  return at;
}

export function familyOf(address: string): AddressFamily | undefined {
  if (isIPv4(address)) return 4;
  if (isIPv6(address)) return 6;
  return undefined;
}

/**
 * Splits a script value into words the way keepalived does for script keywords (it execs the
 * command without a shell): single and double quotes group, backslash escapes the next character.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i += 1) {
    const c = command[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/**
 * Words of a script value with script quoting: '...' and "..." group, a backslash escapes the
 * next character. Each word says whether it was (wholly) quoted.
 */
function scriptWords(text: string): { word: string; quoted: boolean }[] {
  const words: { word: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[ \t]/.test(text[i] ?? '')) i += 1;
    if (i >= text.length) break;
    const startsQuoted = text[i] === '"' || text[i] === "'";
    let word = '';
    let quote: string | undefined;
    for (; i < text.length; i += 1) {
      const c = text[i] ?? '';
      if (quote) {
        if (c === quote) quote = undefined;
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && i + 1 < text.length) word += text[++i];
      else if (c === ' ' || c === '\t') break;
      else word += c;
    }
    words.push({ word, quoted: startsQuoted });
  }
  return words;
}

/**
 * A script value: `"cmd args" [user [group]]`, `'cmd args' [user [group]]` or `cmd [user [group]]`
 * (notify scripts, quorum_up/down); with takesUser false (script, misc_path) every word is
 * part of the command.
 */
export function scriptOf(node: ConfigNode | undefined, takesUser = true): ScriptCommand | undefined {
  if (!node || node.args.length === 0 || hasTemplate(node.args)) return undefined;
  const first = node.args[0];
  if (!first) return undefined;
  // Re-read the rest of the line with script quoting (the tokenizer knows only double quotes).
  const rest = node.rawArgs ?? node.args.map((a) => a.text).join(' ');
  const words = scriptWords(rest);
  const head = words[0];
  if (!head) return undefined;
  let command: string;
  let argv: string[];
  let extra: string[];
  if (takesUser) {
    command = head.word;
    argv = head.quoted ? splitCommand(head.word) : [head.word];
    extra = words.slice(1).map((w) => w.word);
  } else {
    command = words.length === 1 ? head.word : rest.trim();
    argv = words.length === 1 && head.quoted ? splitCommand(head.word) : words.map((w) => w.word);
    extra = [];
  }
  const script: ScriptCommand = { command, argv, at: ref(first) };
  if (extra[0] !== undefined) script.user = extra[0];
  if (extra[1] !== undefined) script.group = extra[1];
  return script;
}

/** The keywords the builder reads, by word id (words.ts). */
const K = keywordIds([
  'global_defs', 'vrrp_script', 'vrrp_instance', 'vrrp_sync_group', 'virtual_server', 'virtual_server_group',
  'router_id', 'vrrp_version', 'vrrp_strict', 'enable_script_security', 'script_user', 'notification_email', 'vrrp_mcast_group4',
  'vrrp_mcast_group6', 'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_garp_interval', 'vrrp_gna_interval',
  'vrrp_skip_check_adv_addr', 'default_interface', 'lvs_sync_daemon', 'vrrp_notify_fifo', 'notify_fifo', 'virtual_routes',
  'weight', 'interval', 'rise', 'fall', 'init_fail', 'script', 'timeout', 'user',
  'state', 'priority', 'version', 'advert_int', 'nopreempt', 'preempt_delay', 'strict_mode', 'virtual_ipaddress',
  'virtual_ipaddress_excluded', 'unicast_peer', 'use_vmac', 'track_script', 'track_interface', 'track_file', 'track_process',
  'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'garp_master_refresh_repeat', 'unicast_ttl',
  'down_timer_adverts', 'dont_track_primary', 'skip_check_adv_addr', 'native_ipv6', 'no_accept', 'accept', 'mcast_dst_ip',
  'interface', 'virtual_router_id', 'unicast_src_ip', 'mcast_src_ip', 'authentication', 'auth_type', 'auth_pass',
  'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_deleted', 'notify', 'notify_master_rx_lower_pri', 'group',
  'protocol', 'lvs_sched', 'lb_algo', 'lvs_method', 'lb_kind', 'delay_loop', 'connect_timeout', 'retry', 'delay_before_retry',
  'quorum', 'hysteresis', 'persistence_timeout', 'quorum_up', 'quorum_down', 'sorry_server', 'real_server',
  'inhibit_on_failure', 'notify_up', 'notify_down', 'nb_get_retry', 'url', 'misc_dynamic', 'connect_ip', 'connect_port',
  'bindto', 'misc_path', 'misc_timeout', 'path', 'digest', 'virtualhost', 'status_code',
] as const);

function keywordIds<T extends string>(names: readonly T[]): Record<T, number> {
  const ids = {} as Record<T, number>;
  for (const name of names) ids[name] = wordId(name);
  return ids;
}

const CHECKER_WORDS = new Set([...CHECKERS].map((name) => wordId(name)));
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

  constructor(private readonly syntax: Syntax) {
    this.tokens = syntax.tokens;
    this.levels = [0, 1, 2, 3].map(() => new ChildIndex(syntax));
  }

  private level(depth: number, node: number): ChildIndex {
    return (this.levels[depth] as ChildIndex).of(node);
  }

  private ref(node: number): SourceRef {
    const syntax = this.syntax;
    const at: SourceRef = { file: syntax.file(node), line: syntax.line(node), column: syntax.column(node) };
    const endLine = syntax.endLine(node);
    if (endLine !== undefined && endLine > at.line) at.endLine = endLine;
    return at;
  }

  /** Argument `index` of a node (-1: absent), undefined when missing or an unrendered template. */
  private text(node: number, index = 0): string | undefined {
    if (node < 0) return undefined;
    const token = this.syntax.argToken(node, index);
    if (token < 0) return undefined;
    const value = this.tokens.text(token);
    if (this.tokens.rewrittenText(token) && value.includes(TEMPLATE_PLACEHOLDER)) return undefined;
    return value;
  }

  private optionalNum(node: number, index = 0): number | undefined {
    if (node < 0) return undefined;
    const token = this.syntax.argToken(node, index);
    if (token < 0) return undefined;
    // Plain digits (nearly every number) need no string.
    const digits = this.tokens.digits(token);
    if (digits >= 0) return digits;
    const value = this.text(node, index);
    return value === undefined ? undefined : parseNumber(value, 'decimal');
  }

  private num(node: number, fallback: number, index = 0): number {
    return this.optionalNum(node, index) ?? fallback;
  }

  private flag(at: ChildIndex, word: number): boolean {
    const found = at.get(word);
    if (found < 0) return false;
    const value = this.text(found)?.toLowerCase();
    return value === undefined || ['on', 'true', 'yes'].includes(value);
  }

  /** Children of a block with this keyword. */
  private all(node: number, word: number): number[] {
    const syntax = this.syntax;
    const result: number[] = [];
    for (let c = node + 1; c < (syntax.next[node] as number); c = syntax.next[c] as number) if (syntax.word(c) === word) result.push(c);
    return result;
  }

  /** Children of a block (value lines of a value block). */
  private children(node: number): number[] {
    const syntax = this.syntax;
    const result: number[] = [];
    if (node < 0) return result;
    for (let c = node + 1; c < (syntax.next[node] as number); c = syntax.next[c] as number) result.push(c);
    return result;
  }

  private script(node: number, takesUser = true): ScriptCommand | undefined {
    return node < 0 ? undefined : scriptOf(this.syntax.view(node), takesUser);
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
      vrrpInstances: [],
      syncGroups: [],
      virtualServers: [],
      virtualServerGroups: [],
    };
    for (const node of top) {
      switch (syntax.word(node)) {
        case K.vrrp_script:
          config.vrrpScripts.push(this.vrrpScript(node));
          break;
        case K.vrrp_instance:
          config.vrrpInstances.push(this.instance(node, global));
          break;
        case K.vrrp_sync_group:
          config.syncGroups.push(this.syncGroup(node));
          break;
        case K.virtual_server:
          // Virtual servers are built when asked for (see buildModel); their diagnostics now.
          this.virtualServerDiagnostics(node);
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

  private tracks(block: number): TrackReference[] {
    if (block < 0) return [];
    return this.children(block).map((child) => {
      const line = this.syntax.view(child);
      const words = line.args.map((a) => a.text);
      const reference: TrackReference = { name: line.keyword, reverse: words.includes('reverse'), at: this.ref(child) };
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
      unicastPeers: this.children(at.get(K.unicast_peer)).map((line) => ({ address: this.syntax.keyword(line), at: this.ref(line) })),
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
      downTimerAdverts: this.num(at.get(K.down_timer_adverts), 3),
      dontTrackPrimary: at.get(K.dont_track_primary) >= 0,
      skipCheckAdvAddr: this.flag(at, K.skip_check_adv_addr) || global.vrrpSkipCheckAdvAddr,
    };
    instance.family = at.get(K.native_ipv6) >= 0 ? 6 : (instance.virtualIpAddresses[0]?.family ?? 4);
    // Accept mode is on unless strict mode turns it off; `accept` / `no_accept` decide explicitly.
    instance.acceptMode = at.get(K.no_accept) >= 0 ? false : at.get(K.accept) >= 0 ? true : !instance.strictMode;
    const mcastDst = this.text(at.get(K.mcast_dst_ip));
    if (mcastDst) instance.mcastDstIp = mcastDst;
    const vmacNode = at.get(K.use_vmac);
    if (vmacNode >= 0) {
      instance.vmac = {};
      for (const word of this.syntax.view(vmacNode).args.map((a) => a.text)) {
        if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(word)) instance.vmac.mac = word;
        else instance.vmac.name = word;
      }
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
    for (const [word, key] of INSTANCE_NOTIFY) {
      const script = this.script(at.get(word));
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
    };
    for (const [word, key] of GROUP_NOTIFY) {
      const script = this.script(at.get(word));
      if (script) group.notify[key] = script;
    }
    return group;
  }

  /** What building a virtual_server finds wrong: its address and its real servers' addresses. */
  private virtualServerDiagnostics(node: number): void {
    const first = this.text(node, 0);
    if (first !== undefined && first !== 'fwmark' && first !== 'group' && !familyOf(first)) {
      this.diagnostics.push(diagnostic(this.argAt(node, 0), 'invalid-address', `virtual_server address '${first}' is not an IP address`));
    }
    for (const rs of this.all(node, K.real_server)) {
      const address = this.text(rs) ?? '';
      if (address && familyOf(address) === undefined) this.diagnostics.push(diagnostic(this.argAt(rs, 0), 'invalid-address', `real_server address '${address}' is not an IP address`));
    }
  }

  virtualServer(node: number): VirtualServer {
    const at = this.level(0, node);
    const first = this.text(node, 0);
    const protocolNode = at.get(K.protocol);
    const protocolText = this.text(protocolNode)?.toUpperCase();
    const sched = at.get(K.lvs_sched);
    const schedulerNode = sched >= 0 ? sched : at.get(K.lb_algo);
    const lvsMethod = at.get(K.lvs_method);
    const methodNode = lvsMethod >= 0 ? lvsMethod : at.get(K.lb_kind);
    const method = this.text(methodNode);
    const scheduler = this.text(schedulerNode);
    const server: VirtualServer = {
      kind: first === 'fwmark' ? 'fwmark' : first === 'group' ? 'group' : 'address',
      at: this.ref(node),
      protocol: protocolText === 'TCP' || protocolText === 'SCTP' || protocolText === 'UDP' ? (protocolText as LvsProtocol) : 'UDP',
      protocolSet: protocolNode >= 0,
      scheduler: SCHEDULERS.has(scheduler ?? '') ? (scheduler as string) : 'wlc',
      schedulerSet: schedulerNode >= 0,
      method: method === 'DR' || method === 'TUN' || method === 'NAT' ? (method as LvsMethod) : 'NAT',
      methodSet: methodNode >= 0,
      delayLoop: this.num(at.get(K.delay_loop), 60),
      connectTimeout: this.num(at.get(K.connect_timeout), 5),
      retry: this.num(at.get(K.retry), 1),
      delayBeforeRetry: this.num(at.get(K.delay_before_retry), 1),
      quorum: this.num(at.get(K.quorum), 1),
      hysteresis: this.num(at.get(K.hysteresis), 0),
      realServers: [],
    };
    if (server.kind === 'fwmark') {
      const mark = this.optionalNum(node, 1);
      if (mark !== undefined) server.fwmark = mark;
    } else if (server.kind === 'group') {
      const group = this.text(node, 1);
      if (group) server.group = group;
    } else if (first !== undefined) {
      server.address = first;
      const family = familyOf(first);
      if (family) server.family = family;
      const port = this.optionalNum(node, 1);
      if (port !== undefined) server.port = port;
    }
    const persistence = at.get(K.persistence_timeout);
    if (persistence >= 0) server.persistenceTimeout = this.num(persistence, 360);
    const up = this.script(at.get(K.quorum_up));
    if (up) server.quorumUp = up;
    const down = this.script(at.get(K.quorum_down));
    if (down) server.quorumDown = down;
    const sorry = at.get(K.sorry_server);
    if (sorry >= 0 && this.text(sorry)) {
      server.sorryServer = { address: this.text(sorry) as string, at: this.ref(sorry) };
      const port = this.optionalNum(sorry, 1);
      if (port !== undefined) server.sorryServer.port = port;
    }
    for (const rs of this.all(node, K.real_server)) server.realServers.push(this.realServer(rs, server));
    return server;
  }

  /** Where argument `index` is written, or the node itself without it. */
  private argAt(node: number, index: number): Position {
    const token = this.syntax.argToken(node, index);
    return token >= 0 ? this.tokens.position(token) : this.syntax.position(node);
  }

  private realServer(node: number, server: VirtualServer): RealServer {
    const at = this.level(1, node);
    const address = this.text(node) ?? '';
    const real: RealServer = {
      address,
      at: this.ref(node),
      weight: this.num(at.get(K.weight), 1),
      inhibitOnFailure: this.flag(at, K.inhibit_on_failure),
      checkers: [],
    };
    const port = this.optionalNum(node, 1);
    if (port !== undefined) real.port = port;
    const up = this.script(at.get(K.notify_up));
    if (up) real.notifyUp = up;
    const down = this.script(at.get(K.notify_down));
    if (down) real.notifyDown = down;
    const inherited = {
      connectTimeout: this.num(at.get(K.connect_timeout), server.connectTimeout),
      retry: this.num(at.get(K.retry), server.retry),
      delayBeforeRetry: this.num(at.get(K.delay_before_retry), server.delayBeforeRetry),
      delayLoop: this.num(at.get(K.delay_loop), server.delayLoop),
    };
    const syntax = this.syntax;
    for (let child = node + 1; child < (syntax.next[node] as number); child = syntax.next[child] as number) {
      if (!CHECKER_WORDS.has(syntax.word(child))) continue;
      real.checkers.push(this.checker(child, inherited));
    }
    return real;
  }

  private checker(node: number, inherited: { connectTimeout: number; retry: number; delayBeforeRetry: number; delayLoop: number }): Checker {
    const at = this.level(2, node);
    const retry = at.get(K.retry);
    const checker: Checker = {
      type: this.syntax.keyword(node) as CheckerType,
      at: this.ref(node),
      connectTimeout: this.num(at.get(K.connect_timeout), inherited.connectTimeout),
      retry: this.num(retry >= 0 ? retry : at.get(K.nb_get_retry), inherited.retry),
      delayBeforeRetry: this.num(at.get(K.delay_before_retry), inherited.delayBeforeRetry),
      delayLoop: this.num(at.get(K.delay_loop), inherited.delayLoop),
      urls: this.all(node, K.url).map((url) => this.url(url)),
      miscDynamic: at.get(K.misc_dynamic) >= 0,
      options: {},
    };
    const connectIp = this.text(at.get(K.connect_ip));
    if (connectIp) checker.connectIp = connectIp;
    const connectPort = this.optionalNum(at.get(K.connect_port));
    if (connectPort !== undefined) checker.connectPort = connectPort;
    const bindTo = this.text(at.get(K.bindto));
    if (bindTo) checker.bindTo = bindTo;
    const misc = this.script(at.get(K.misc_path), false);
    if (misc) {
      const userNode = at.get(K.user);
      if (this.text(userNode)) misc.user = this.text(userNode);
      if (this.text(userNode, 1)) misc.group = this.text(userNode, 1);
      if (userNode >= 0) misc.userAt = this.ref(userNode);
      checker.miscPath = misc;
    }
    const miscTimeout = this.optionalNum(at.get(K.misc_timeout));
    if (miscTimeout !== undefined) checker.miscTimeout = miscTimeout;
    const syntax = this.syntax;
    for (let child = node + 1; child < (syntax.next[node] as number); child = syntax.next[child] as number) {
      if (syntax.kind[child] !== LEAF) continue;
      const values: string[] = [];
      for (let t = (syntax.tok[child] as number) + 1; t < (syntax.argEnd[child] as number); t += 1) values.push(this.tokens.text(t));
      checker.options[syntax.keyword(child)] = values;
    }
    return checker;
  }

  private url(node: number): HttpUrl {
    const at = this.level(3, node);
    const url: HttpUrl = { at: this.ref(node), statusCodes: [] };
    const pathText = this.text(at.get(K.path));
    if (pathText !== undefined) url.path = pathText;
    const digest = this.text(at.get(K.digest));
    if (digest !== undefined) url.digest = digest;
    const host = this.text(at.get(K.virtualhost));
    if (host !== undefined) url.virtualhost = host;
    const status = at.get(K.status_code);
    for (const token of status >= 0 ? this.syntax.view(status).args : []) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(token.text);
      if (!match) continue;
      url.statusCodes.push([Number(match[1]), Number(match[2] ?? match[1])]);
    }
    if (url.statusCodes.length === 0) url.statusCodes.push([200, 299]);
    return url;
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
        const lazy = new Builder(syntax);
        built = nodes.map((node) => lazy.virtualServer(node));
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
 * already built, each one is built for the call and then dropped, so a file with thousands of
 * them costs no more memory than one.
 */
export function forEachVirtualServer(config: KeepalivedConfig, visit: (server: VirtualServer) => void): void {
  const source = serverSources.get(config);
  const built = source ? source.built() : config.virtualServers;
  if (built || !source) {
    for (const server of built ?? []) visit(server);
    return;
  }
  const builder = new Builder(source.syntax);
  for (const node of source.nodes) visit(builder.virtualServer(node));
}
