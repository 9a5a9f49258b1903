// The third stage: syntax tree -> typed model, applying keepalived 2.2.7's defaults. Values the
// builder cannot interpret (an address that is not one) become diagnostics, never exceptions.
// A keyword written twice: the last one wins, as in keepalived.
import { isIPv4, isIPv6 } from 'node:net';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import type {
  AddressFamily, Checker, CheckerType, GlobalDefs, HttpUrl, IpAddressEntry, KeepalivedConfig, LvsMethod, LvsProtocol,
  RealServer, ScriptCommand, SourceRef, SyncGroup, TrackReference, VirtualServer, VirtualServerGroup,
  VirtualServerGroupEntry, VrrpInstance, VrrpScript,
} from './model.js';
import type { ConfigNode } from './parser.js';
import { TEMPLATE_PLACEHOLDER } from './reader.js';
import { hasTemplate, parseNumber } from './validate.js';

const CHECKERS = new Set<CheckerType>(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK']);
const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']);

export function ref(node: { file: string; line: number; column: number; end?: { line: number } }): SourceRef {
  const at: SourceRef = { file: node.file, line: node.line, column: node.column };
  if (node.end && node.end.line > node.line) at.endLine = node.end.line;
  return at;
}

/** Children by keyword, the last of each (keepalived: a repeated keyword's last value wins). */
const childIndex = new WeakMap<ConfigNode, Map<string, ConfigNode>>();

function last(node: ConfigNode, keyword: string): ConfigNode | undefined {
  let index = childIndex.get(node);
  if (!index) {
    index = new Map();
    for (const child of node.children) index.set(child.keyword, child);
    childIndex.set(node, index);
  }
  return index.get(keyword);
}

function all(node: ConfigNode, keyword: string): ConfigNode[] {
  return node.children.filter((child) => child.keyword === keyword);
}

function text(node: ConfigNode | undefined, index = 0): string | undefined {
  const token = node?.args[index];
  if (!token || token.text.includes(TEMPLATE_PLACEHOLDER)) return undefined;
  return token.text;
}

function num(node: ConfigNode | undefined, fallback: number, index = 0): number {
  const value = text(node, index);
  if (value === undefined) return fallback;
  const parsed = parseNumber(value, 'decimal');
  return parsed === undefined ? fallback : parsed;
}

function optionalNum(node: ConfigNode | undefined, index = 0): number | undefined {
  const value = text(node, index);
  return value === undefined ? undefined : parseNumber(value, 'decimal');
}

function flag(node: ConfigNode, keyword: string): boolean {
  const found = last(node, keyword);
  if (!found) return false;
  const value = text(found)?.toLowerCase();
  return value === undefined || ['on', 'true', 'yes'].includes(value);
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

class Builder {
  readonly diagnostics: Diagnostic[] = [];

  build(nodes: ConfigNode[], files: string[], configId: string): KeepalivedConfig {
    const global = this.global(nodes.filter((n) => n.keyword === 'global_defs'));
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
    for (const node of nodes) {
      switch (node.keyword) {
        case 'vrrp_script':
          config.vrrpScripts.push(this.vrrpScript(node));
          break;
        case 'vrrp_instance':
          config.vrrpInstances.push(this.instance(node, global));
          break;
        case 'vrrp_sync_group':
          config.syncGroups.push(this.syncGroup(node));
          break;
        case 'virtual_server':
          config.virtualServers.push(this.virtualServer(node));
          break;
        case 'virtual_server_group':
          config.virtualServerGroups.push(this.virtualServerGroup(node));
          break;
        default:
          break;
      }
    }
    return config;
  }

  private global(blocks: ConfigNode[]): GlobalDefs {
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
      global.at ??= ref(block);
      const routerId = text(last(block, 'router_id'));
      if (routerId !== undefined) global.routerId = routerId;
      const version = text(last(block, 'vrrp_version'));
      if (version === '2' || version === '3') global.vrrpVersion = Number(version) as 2 | 3;
      if (last(block, 'vrrp_strict')) global.vrrpStrict = true;
      if (last(block, 'enable_script_security')) global.enableScriptSecurity = true;
      const userNode = last(block, 'script_user');
      const user = text(userNode);
      if (user !== undefined && userNode) {
        global.scriptUser = user;
        global.scriptUserAt = ref(userNode);
      }
      for (const email of all(block, 'notification_email')) for (const line of email.children) global.notificationEmails.push(line.keyword);
      const group4 = text(last(block, 'vrrp_mcast_group4'));
      if (group4) global.vrrpMcastGroup4 = group4;
      const group6 = text(last(block, 'vrrp_mcast_group6'));
      if (group6) global.vrrpMcastGroup6 = group6;
      global.vrrpGarpMasterDelay = num(last(block, 'vrrp_garp_master_delay'), global.vrrpGarpMasterDelay);
      global.vrrpGarpMasterRepeat = num(last(block, 'vrrp_garp_master_repeat'), global.vrrpGarpMasterRepeat);
      global.vrrpGarpInterval = num(last(block, 'vrrp_garp_interval'), global.vrrpGarpInterval);
      global.vrrpGnaInterval = num(last(block, 'vrrp_gna_interval'), global.vrrpGnaInterval);
      if (last(block, 'vrrp_skip_check_adv_addr')) global.vrrpSkipCheckAdvAddr = true;
      const defaultInterface = text(last(block, 'default_interface'));
      if (defaultInterface) global.defaultInterface = defaultInterface;
      const sync = last(block, 'lvs_sync_daemon');
      const syncInterface = text(sync);
      if (syncInterface) {
        global.lvsSyncDaemon = { interface: syncInterface };
        const words = (sync?.args ?? []).map((a) => a.text);
        const named = words[1] === 'inst' ? words[2] : words[1] && !['id', 'maxlen', 'port', 'ttl', 'group'].includes(words[1]) ? words[1] : undefined;
        if (named) global.lvsSyncDaemon.instance = named;
      }
    }
    return global;
  }

  private vrrpScript(node: ConfigNode): VrrpScript {
    const weightNode = last(node, 'weight');
    const script: VrrpScript = {
      name: text(node) ?? '',
      at: ref(node),
      interval: num(last(node, 'interval'), 1),
      weight: num(weightNode, 0),
      reverse: text(weightNode, 1) === 'reverse',
      rise: num(last(node, 'rise'), 1),
      fall: num(last(node, 'fall'), 1),
      initFail: Boolean(last(node, 'init_fail')),
    };
    const command = scriptOf(last(node, 'script'), false);
    if (command) script.script = command;
    const timeout = optionalNum(last(node, 'timeout'));
    if (timeout !== undefined) script.timeout = timeout;
    const userNode = last(node, 'user');
    if (text(userNode)) script.user = text(userNode);
    if (text(userNode, 1)) script.group = text(userNode, 1);
    if (script.script && script.user !== undefined) script.script.user = script.user;
    if (script.script && userNode) script.script.userAt = ref(userNode);
    if (script.script && script.group !== undefined) script.script.group = script.group;
    return script;
  }

  private addresses(block: ConfigNode | undefined): IpAddressEntry[] {
    const result: IpAddressEntry[] = [];
    if (!block) return result;
    for (const line of block.children) {
      if (line.keyword.includes(TEMPLATE_PLACEHOLDER) || hasTemplate(line.args)) continue;
      const [address = '', prefixText] = line.keyword.split('/');
      const family = familyOf(address);
      const maxPrefix = family === 6 ? 128 : 32;
      const prefix = prefixText === undefined ? maxPrefix : /^\d+$/.test(prefixText) ? Number(prefixText) : Number.NaN;
      if (family === undefined || !(prefix >= 0 && prefix <= maxPrefix)) {
        this.diagnostics.push(diagnostic(line, 'invalid-address', `'${line.keyword}' in ${block.keyword} is not an IP address[/prefix] (keepalived: "VRRP parsed invalid IP ... skipping IP")`));
        continue;
      }
      const entry: IpAddressEntry = { address, prefix, family, options: line.args.map((a) => a.text), at: ref(line) };
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

  private tracks(block: ConfigNode | undefined): TrackReference[] {
    if (!block) return [];
    return block.children.map((line) => {
      const words = line.args.map((a) => a.text);
      const reference: TrackReference = { name: line.keyword, reverse: words.includes('reverse'), at: ref(line) };
      const index = words.indexOf('weight');
      const weight = index >= 0 ? parseNumber(words[index + 1] ?? '', 'int') : undefined;
      if (weight !== undefined) reference.weight = weight;
      return reference;
    });
  }

  private instance(node: ConfigNode, global: GlobalDefs): VrrpInstance {
    const stateNode = last(node, 'state');
    const state = text(stateNode);
    const priorityNode = last(node, 'priority');
    const priority = optionalNum(priorityNode);
    const versionText = text(last(node, 'version'));
    const instance: VrrpInstance = {
      name: text(node) ?? '',
      at: ref(node),
      state: state === 'MASTER' ? 'MASTER' : 'BACKUP',
      stateSet: stateNode !== undefined,
      priority: priority !== undefined && Number.isInteger(priority) && priority >= 1 && priority <= 255 ? priority : 100,
      prioritySet: priorityNode !== undefined,
      advertInt: num(last(node, 'advert_int'), 1),
      version: versionText === '3' ? 3 : versionText === '2' ? 2 : global.vrrpVersion,
      nopreempt: Boolean(last(node, 'nopreempt')),
      preemptDelay: num(last(node, 'preempt_delay'), 0),
      strictMode: flag(node, 'strict_mode') || global.vrrpStrict,
      family: 4,
      virtualIpAddresses: this.addresses(last(node, 'virtual_ipaddress')),
      excludedIpAddresses: this.addresses(last(node, 'virtual_ipaddress_excluded')),
      unicastPeers: (last(node, 'unicast_peer')?.children ?? []).map((line) => ({ address: line.keyword, at: ref(line) })),
      useVmac: Boolean(last(node, 'use_vmac')),
      trackScripts: this.tracks(last(node, 'track_script')),
      trackInterfaces: this.tracks(last(node, 'track_interface')),
      trackFiles: this.tracks(last(node, 'track_file')),
      trackProcesses: this.tracks(last(node, 'track_process')),
      notify: {},
      garpMasterDelay: num(last(node, 'garp_master_delay'), global.vrrpGarpMasterDelay),
      garpMasterRepeat: num(last(node, 'garp_master_repeat'), global.vrrpGarpMasterRepeat),
      garpMasterRefresh: num(last(node, 'garp_master_refresh'), 0),
      garpMasterRefreshRepeat: num(last(node, 'garp_master_refresh_repeat'), 1),
      acceptMode: false,
      unicastTtl: num(last(node, 'unicast_ttl'), 255),
      downTimerAdverts: num(last(node, 'down_timer_adverts'), 3),
      dontTrackPrimary: Boolean(last(node, 'dont_track_primary')),
      skipCheckAdvAddr: flag(node, 'skip_check_adv_addr') || global.vrrpSkipCheckAdvAddr,
    };
    instance.family = last(node, 'native_ipv6') ? 6 : (instance.virtualIpAddresses[0]?.family ?? 4);
    // Accept mode is on unless strict mode turns it off; `accept` / `no_accept` decide explicitly.
    instance.acceptMode = last(node, 'no_accept') ? false : last(node, 'accept') ? true : !instance.strictMode;
    const mcastDst = text(last(node, 'mcast_dst_ip'));
    if (mcastDst) instance.mcastDstIp = mcastDst;
    const vmacNode = last(node, 'use_vmac');
    if (vmacNode) {
      instance.vmac = {};
      for (const word of vmacNode.args.map((a) => a.text)) {
        if (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(word)) instance.vmac.mac = word;
        else instance.vmac.name = word;
      }
    }
    // IPv6 instances are always VRRPv3 (v2 has no IPv6).
    if (instance.family === 6) instance.version = 3;
    const iface = text(last(node, 'interface'));
    if (iface !== undefined) instance.interface = iface;
    const vrid = optionalNum(last(node, 'virtual_router_id'));
    if (vrid !== undefined && Number.isInteger(vrid) && vrid >= 1 && vrid <= 255) instance.virtualRouterId = vrid;
    const unicastSrc = text(last(node, 'unicast_src_ip'));
    if (unicastSrc) instance.unicastSrcIp = unicastSrc;
    const mcastSrc = text(last(node, 'mcast_src_ip'));
    if (mcastSrc) instance.mcastSrcIp = mcastSrc;
    const auth = last(node, 'authentication');
    if (auth) {
      const type = text(last(auth, 'auth_type'));
      const passNode = last(auth, 'auth_pass');
      instance.authentication = { type: type === 'PASS' || type === 'AH' ? type : undefined, at: ref(auth) };
      const password = passNode?.args[0]?.text;
      if (password !== undefined) {
        instance.authentication.password = password;
        instance.authentication.effectivePassword = password.slice(0, 8);
      }
    }
    const notifyKeys = { notify_master: 'master', notify_backup: 'backup', notify_fault: 'fault', notify_stop: 'stop', notify_deleted: 'deleted', notify: 'any', notify_master_rx_lower_pri: 'masterRxLowerPri' } as const;
    for (const [keyword, key] of Object.entries(notifyKeys)) {
      const script = scriptOf(last(node, keyword));
      if (script) instance.notify[key] = script;
    }
    return instance;
  }

  private syncGroup(node: ConfigNode): SyncGroup {
    const group: SyncGroup = {
      name: text(node) ?? '',
      at: ref(node),
      members: (last(node, 'group')?.children ?? []).flatMap((line) => [line.keyword, ...line.args.map((a) => a.text)].map((name) => ({ name, at: ref(line) }))),
      notify: {},
    };
    const notifyKeys = { notify_master: 'master', notify_backup: 'backup', notify_fault: 'fault', notify_stop: 'stop', notify: 'any' } as const;
    for (const [keyword, key] of Object.entries(notifyKeys)) {
      const script = scriptOf(last(node, keyword));
      if (script) group.notify[key] = script;
    }
    return group;
  }

  private virtualServer(node: ConfigNode): VirtualServer {
    const first = text(node, 0);
    const protocolNode = last(node, 'protocol');
    const protocolText = text(protocolNode)?.toUpperCase();
    const schedulerNode = last(node, 'lvs_sched') ?? last(node, 'lb_algo');
    const methodNode = last(node, 'lvs_method') ?? last(node, 'lb_kind');
    const method = text(methodNode);
    const server: VirtualServer = {
      kind: first === 'fwmark' ? 'fwmark' : first === 'group' ? 'group' : 'address',
      at: ref(node),
      protocol: protocolText === 'TCP' || protocolText === 'SCTP' || protocolText === 'UDP' ? (protocolText as LvsProtocol) : 'UDP',
      protocolSet: protocolNode !== undefined,
      scheduler: SCHEDULERS.has(text(schedulerNode) ?? '') ? (text(schedulerNode) as string) : 'wlc',
      schedulerSet: schedulerNode !== undefined,
      method: method === 'DR' || method === 'TUN' || method === 'NAT' ? (method as LvsMethod) : 'NAT',
      methodSet: methodNode !== undefined,
      delayLoop: num(last(node, 'delay_loop'), 60),
      connectTimeout: num(last(node, 'connect_timeout'), 5),
      retry: num(last(node, 'retry'), 1),
      delayBeforeRetry: num(last(node, 'delay_before_retry'), 1),
      quorum: num(last(node, 'quorum'), 1),
      hysteresis: num(last(node, 'hysteresis'), 0),
      realServers: [],
    };
    if (server.kind === 'fwmark') {
      const mark = optionalNum(node, 1);
      if (mark !== undefined) server.fwmark = mark;
    } else if (server.kind === 'group') {
      const group = text(node, 1);
      if (group) server.group = group;
    } else if (first !== undefined) {
      server.address = first;
      const family = familyOf(first);
      if (family) server.family = family;
      else this.diagnostics.push(diagnostic(node.args[0] ?? node, 'invalid-address', `virtual_server address '${first}' is not an IP address`));
      const port = optionalNum(node, 1);
      if (port !== undefined) server.port = port;
    }
    const persistence = last(node, 'persistence_timeout');
    if (persistence) server.persistenceTimeout = num(persistence, 360);
    const up = scriptOf(last(node, 'quorum_up'));
    if (up) server.quorumUp = up;
    const down = scriptOf(last(node, 'quorum_down'));
    if (down) server.quorumDown = down;
    const sorry = last(node, 'sorry_server');
    if (sorry && text(sorry)) {
      server.sorryServer = { address: text(sorry) as string, at: ref(sorry) };
      const port = optionalNum(sorry, 1);
      if (port !== undefined) server.sorryServer.port = port;
    }
    for (const rs of all(node, 'real_server')) server.realServers.push(this.realServer(rs, server));
    return server;
  }

  private realServer(node: ConfigNode, server: VirtualServer): RealServer {
    const address = text(node) ?? '';
    if (address && familyOf(address) === undefined) this.diagnostics.push(diagnostic(node.args[0] ?? node, 'invalid-address', `real_server address '${address}' is not an IP address`));
    const real: RealServer = {
      address,
      at: ref(node),
      weight: num(last(node, 'weight'), 1),
      inhibitOnFailure: flag(node, 'inhibit_on_failure'),
      checkers: [],
    };
    const port = optionalNum(node, 1);
    if (port !== undefined) real.port = port;
    const up = scriptOf(last(node, 'notify_up'));
    if (up) real.notifyUp = up;
    const down = scriptOf(last(node, 'notify_down'));
    if (down) real.notifyDown = down;
    const inherited = {
      connectTimeout: num(last(node, 'connect_timeout'), server.connectTimeout),
      retry: num(last(node, 'retry'), server.retry),
      delayBeforeRetry: num(last(node, 'delay_before_retry'), server.delayBeforeRetry),
      delayLoop: num(last(node, 'delay_loop'), server.delayLoop),
    };
    for (const child of node.children) {
      if (!CHECKERS.has(child.keyword as CheckerType)) continue;
      real.checkers.push(this.checker(child, inherited));
    }
    return real;
  }

  private checker(node: ConfigNode, inherited: { connectTimeout: number; retry: number; delayBeforeRetry: number; delayLoop: number }): Checker {
    const checker: Checker = {
      type: node.keyword as CheckerType,
      at: ref(node),
      connectTimeout: num(last(node, 'connect_timeout'), inherited.connectTimeout),
      retry: num(last(node, 'retry') ?? last(node, 'nb_get_retry'), inherited.retry),
      delayBeforeRetry: num(last(node, 'delay_before_retry'), inherited.delayBeforeRetry),
      delayLoop: num(last(node, 'delay_loop'), inherited.delayLoop),
      urls: all(node, 'url').map((url) => this.url(url)),
      miscDynamic: Boolean(last(node, 'misc_dynamic')),
      options: {},
    };
    const connectIp = text(last(node, 'connect_ip'));
    if (connectIp) checker.connectIp = connectIp;
    const connectPort = optionalNum(last(node, 'connect_port'));
    if (connectPort !== undefined) checker.connectPort = connectPort;
    const bindTo = text(last(node, 'bindto'));
    if (bindTo) checker.bindTo = bindTo;
    const misc = scriptOf(last(node, 'misc_path'), false);
    if (misc) {
      const userNode = last(node, 'user');
      if (text(userNode)) misc.user = text(userNode);
      if (text(userNode, 1)) misc.group = text(userNode, 1);
      if (userNode) misc.userAt = ref(userNode);
      checker.miscPath = misc;
    }
    const miscTimeout = optionalNum(last(node, 'misc_timeout'));
    if (miscTimeout !== undefined) checker.miscTimeout = miscTimeout;
    for (const child of node.children) if (child.kind === 'leaf') checker.options[child.keyword] = child.args.map((a) => a.text);
    return checker;
  }

  private url(node: ConfigNode): HttpUrl {
    const url: HttpUrl = { at: ref(node), statusCodes: [] };
    const pathText = text(last(node, 'path'));
    if (pathText !== undefined) url.path = pathText;
    const digest = text(last(node, 'digest'));
    if (digest !== undefined) url.digest = digest;
    const host = text(last(node, 'virtualhost'));
    if (host !== undefined) url.virtualhost = host;
    for (const token of last(node, 'status_code')?.args ?? []) {
      const match = /^(\d+)(?:-(\d+))?$/.exec(token.text);
      if (!match) continue;
      url.statusCodes.push([Number(match[1]), Number(match[2] ?? match[1])]);
    }
    if (url.statusCodes.length === 0) url.statusCodes.push([200, 299]);
    return url;
  }

  private virtualServerGroup(node: ConfigNode): VirtualServerGroup {
    const group: VirtualServerGroup = { name: text(node) ?? '', at: ref(node), entries: [] };
    for (const line of node.children) {
      if (line.keyword === 'fwmark') {
        const entry: VirtualServerGroupEntry = { kind: 'fwmark', at: ref(line) };
        const markToken = line.args[0];
        const mark = markToken ? parseNumber(markToken.text, 'uint') : undefined;
        if (mark !== undefined && mark <= 4294967295) entry.fwmark = mark;
        else if (markToken && !hasTemplate([markToken])) this.diagnostics.push(diagnostic(markToken, 'invalid-number', `virtual_server_group ${group.name}: fwmark '${markToken.text}' must be a number in [0, 4294967295]`));
        group.entries.push(entry);
        continue;
      }
      const match = /^([^/-]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(line.keyword);
      const entry: VirtualServerGroupEntry = { kind: 'range', at: ref(line) };
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

export function buildModel(nodes: ConfigNode[], files: string[], configId: string): { config: KeepalivedConfig; diagnostics: Diagnostic[] } {
  const builder = new Builder();
  const config = builder.build(nodes, files, configId);
  return { config, diagnostics: builder.diagnostics };
}
