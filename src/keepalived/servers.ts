// Virtual servers, real servers and checkers of the model, read from the compact syntax tree.
// A big file has thousands of each, so they are views first: each view notes, in one pass over
// its block's children, where the keywords it knows are written; its fields are getters that
// work the values out from there when asked. The linter's rules read a few fields of each and
// never pay for the rest; toVirtualServer() copies every field into the plain objects of the
// model (config.virtualServers), so both ways give the same values from one piece of code.
import type { Checker, CheckerType, HttpUrl, LvsMethod, LvsProtocol, RealServer, ScriptCommand, SourceRef, VirtualServer } from './model.js';
import { familyOf, K, type NodeValues } from './node-values.js';
import { LEAF } from './parser.js';
import { wordId } from './words.js';

const CHECKERS = new Set<CheckerType>(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK']);
const CHECKER_WORDS = new Set([...CHECKERS].map((name) => wordId(name)));
const SCHEDULERS = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos']);

/** A checker block as a view (read-only). Children noted: the last of each keyword wins. */
export class CheckerView implements Checker {
  private urlList: HttpUrl[] | undefined;
  private readonly urlNodes: number[] = [];
  private readonly connectTimeoutNode: number = -1;
  private readonly retryNode: number = -1;
  private readonly nbGetRetryNode: number = -1;
  private readonly delayBeforeRetryNode: number = -1;
  private readonly delayLoopNode: number = -1;
  private readonly miscDynamicNode: number = -1;
  private readonly connectIpNode: number = -1;
  private readonly connectPortNode: number = -1;
  private readonly bindToNode: number = -1;
  private readonly miscPathNode: number = -1;
  private readonly userNode: number = -1;
  private readonly miscTimeoutNode: number = -1;

  constructor(
    private readonly values: NodeValues,
    private readonly node: number,
    private readonly server: RealServerView,
  ) {
    const syntax = values.syntax;
    const next = syntax.next;
    for (let c = node + 1; c < (next[node] as number); c = next[c] as number) {
      const word = syntax.word(c);
      if (word === K.connect_timeout) this.connectTimeoutNode = c;
      else if (word === K.retry) this.retryNode = c;
      else if (word === K.delay_before_retry) this.delayBeforeRetryNode = c;
      else if (word === K.delay_loop) this.delayLoopNode = c;
      else if (word === K.url) this.urlNodes.push(c);
      else if (word === K.nb_get_retry) this.nbGetRetryNode = c;
      else if (word === K.misc_path) this.miscPathNode = c;
      else if (word === K.user) this.userNode = c;
      else if (word === K.misc_timeout) this.miscTimeoutNode = c;
      else if (word === K.misc_dynamic) this.miscDynamicNode = c;
      else if (word === K.connect_ip) this.connectIpNode = c;
      else if (word === K.connect_port) this.connectPortNode = c;
      else if (word === K.bindto) this.bindToNode = c;
    }
  }

  get type(): CheckerType {
    return this.values.syntax.keyword(this.node) as CheckerType;
  }

  get at(): SourceRef {
    return this.values.ref(this.node);
  }

  get connectTimeout(): number {
    return this.values.num(this.connectTimeoutNode, this.server.inheritedConnectTimeout);
  }

  get retry(): number {
    return this.values.num(this.retryNode >= 0 ? this.retryNode : this.nbGetRetryNode, this.server.inheritedRetry);
  }

  get delayBeforeRetry(): number {
    return this.values.num(this.delayBeforeRetryNode, this.server.inheritedDelayBeforeRetry);
  }

  get delayLoop(): number {
    return this.values.num(this.delayLoopNode, this.server.inheritedDelayLoop);
  }

  get urls(): HttpUrl[] {
    this.urlList ??= this.urlNodes.map((url) => urlOf(this.values, url));
    return this.urlList;
  }

  get miscDynamic(): boolean {
    return this.miscDynamicNode >= 0;
  }

  /** Everything written in the block, keyword -> arguments (leaves only). */
  get options(): Record<string, string[]> {
    const { syntax, tokens } = this.values;
    const options: Record<string, string[]> = {};
    for (let child = this.node + 1; child < (syntax.next[this.node] as number); child = syntax.next[child] as number) {
      if (syntax.kind[child] !== LEAF) continue;
      const words: string[] = [];
      for (let t = (syntax.tok[child] as number) + 1; t < (syntax.argEnd[child] as number); t += 1) words.push(tokens.text(t));
      options[syntax.keyword(child)] = words;
    }
    return options;
  }

  get connectIp(): string | undefined {
    return this.values.text(this.connectIpNode) || undefined;
  }

  get connectPort(): number | undefined {
    return this.values.optionalNum(this.connectPortNode);
  }

  get bindTo(): string | undefined {
    return this.values.text(this.bindToNode) || undefined;
  }

  get miscPath(): ScriptCommand | undefined {
    if (this.miscPathNode < 0) return undefined;
    const misc = this.values.script(this.miscPathNode, false);
    if (!misc) return undefined;
    const userNode = this.userNode;
    if (this.values.text(userNode)) misc.user = this.values.text(userNode);
    if (this.values.text(userNode, 1)) misc.group = this.values.text(userNode, 1);
    if (userNode >= 0) misc.userAt = this.values.ref(userNode);
    return misc;
  }

  get miscTimeout(): number | undefined {
    return this.values.optionalNum(this.miscTimeoutNode);
  }
}

/** Where the keywords a real_server's fields read are written (made when a field needs them). */
class RealServerChildren {
  readonly checkerNodes: number[] = [];
  weightNode = -1;
  inhibitNode = -1;
  notifyUpNode = -1;
  notifyDownNode = -1;
  connectTimeoutNode = -1;
  retryNode = -1;
  delayBeforeRetryNode = -1;
  delayLoopNode = -1;

  constructor(values: NodeValues, node: number) {
    const syntax = values.syntax;
    const next = syntax.next;
    for (let c = node + 1; c < (next[node] as number); c = next[c] as number) {
      const word = syntax.word(c);
      if (CHECKER_WORDS.has(word)) this.checkerNodes.push(c);
      else if (word === K.weight) this.weightNode = c;
      else if (word === K.connect_timeout) this.connectTimeoutNode = c;
      else if (word === K.retry) this.retryNode = c;
      else if (word === K.delay_before_retry) this.delayBeforeRetryNode = c;
      else if (word === K.delay_loop) this.delayLoopNode = c;
      else if (word === K.inhibit_on_failure) this.inhibitNode = c;
      else if (word === K.notify_up) this.notifyUpNode = c;
      else if (word === K.notify_down) this.notifyDownNode = c;
    }
  }
}

/**
 * A real_server block as a view; its children are looked at only when a field needs them.
 * Small on purpose: the linter makes one per real server (15,000 in the bench file), and most
 * rules read only the address and port.
 */
export class RealServerView implements RealServer {
  private checkerList: CheckerView[] | undefined;
  private addressText: string | undefined;
  private found: RealServerChildren | undefined;

  constructor(
    private readonly values: NodeValues,
    private readonly node: number,
    private readonly server: VirtualServerView,
  ) {
    this.checkerList = undefined;
    this.addressText = undefined;
    this.found = undefined;
  }

  /** Where the keywords the fields read are written (looked for once). */
  private children(): RealServerChildren {
    if (this.found === undefined) this.found = new RealServerChildren(this.values, this.node);
    return this.found;
  }

  get address(): string {
    if (this.addressText === undefined) this.addressText = this.values.text(this.node) ?? '';
    return this.addressText;
  }

  get at(): SourceRef {
    return this.values.ref(this.node);
  }

  get weight(): number {
    return this.values.num(this.children().weightNode, 1);
  }

  get inhibitOnFailure(): boolean {
    return this.values.flag(this.children().inhibitNode);
  }

  get checkers(): CheckerView[] {
    if (!this.checkerList) this.checkerList = this.children().checkerNodes.map((checker) => new CheckerView(this.values, checker, this));
    return this.checkerList;
  }

  get port(): number | undefined {
    return this.values.optionalNum(this.node, 1);
  }

  get notifyUp(): ScriptCommand | undefined {
    return this.values.script(this.children().notifyUpNode);
  }

  get notifyDown(): ScriptCommand | undefined {
    return this.values.script(this.children().notifyDownNode);
  }

  /** Timers its checkers inherit: its own when written, else its virtual server's. */
  get inheritedConnectTimeout(): number {
    return this.values.num(this.children().connectTimeoutNode, this.server.connectTimeout);
  }

  get inheritedRetry(): number {
    return this.values.num(this.children().retryNode, this.server.retry);
  }

  get inheritedDelayBeforeRetry(): number {
    return this.values.num(this.children().delayBeforeRetryNode, this.server.delayBeforeRetry);
  }

  get inheritedDelayLoop(): number {
    return this.values.num(this.children().delayLoopNode, this.server.delayLoop);
  }
}

/** Per real server of one virtual server, for mayRepeatRealServer (reused, never kept). */
let scratchHashes = new Int32Array(16);
let scratchLengths = new Int32Array(16);
let scratchPorts = new Float64Array(16);

/** Case numbers (1, 2, ...) of the keywords a virtual_server view notes, by word id; 0: others. */
function caseTable(words: number[]): Uint8Array {
  const table = new Uint8Array(Math.max(...words) + 1);
  for (let i = 0; i < words.length; i += 1) table[words[i] as number] = i + 1;
  return table;
}
const SERVER_CHILD = caseTable([
  K.real_server, K.protocol, K.lb_algo, K.lb_kind, K.delay_loop, K.persistence_timeout, K.lvs_sched, K.lvs_method,
  K.connect_timeout, K.retry, K.delay_before_retry, K.quorum, K.hysteresis, K.quorum_up, K.quorum_down, K.sorry_server,
]);

/** A virtual_server block as a view. */
export class VirtualServerView implements VirtualServer {
  // Fields are set in the constructor, not by initialisers: one function per view instead of
  // two (this runs for thousands of servers before V8 has optimised anything).
  private realList: RealServerView[] | undefined;
  /** The first argument (address, fwmark or group), read when asked for. */
  private firstText: string | undefined;
  private firstRead: boolean;
  readonly kind: 'address' | 'fwmark' | 'group';
  private readonly servers: number[];
  private readonly protocolNode: number;
  private readonly schedNode: number;
  private readonly algoNode: number;
  private readonly lvsMethodNode: number;
  private readonly lbKindNode: number;
  private readonly delayLoopNode: number;
  private readonly connectTimeoutNode: number;
  private readonly retryNode: number;
  private readonly delayBeforeRetryNode: number;
  private readonly quorumNode: number;
  private readonly hysteresisNode: number;
  private readonly persistenceNode: number;
  private readonly quorumUpNode: number;
  private readonly quorumDownNode: number;
  private readonly sorryNode: number;

  constructor(
    private readonly values: NodeValues,
    private readonly node: number,
  ) {
    const syntax = values.syntax;
    // fwmark / group by word id: no string for the usual address.
    const firstToken = syntax.argToken(node, 0);
    const firstWord = firstToken >= 0 ? (syntax.tokens.word[firstToken] as number) : -1;
    this.kind = firstWord === K.fwmark ? 'fwmark' : firstWord === K.group ? 'group' : 'address';
    this.realList = undefined;
    this.firstText = undefined;
    this.firstRead = false;
    const servers: number[] = [];
    let protocolNode = -1;
    let schedNode = -1;
    let algoNode = -1;
    let lvsMethodNode = -1;
    let lbKindNode = -1;
    let delayLoopNode = -1;
    let connectTimeoutNode = -1;
    let retryNode = -1;
    let delayBeforeRetryNode = -1;
    let quorumNode = -1;
    let hysteresisNode = -1;
    let persistenceNode = -1;
    let quorumUpNode = -1;
    let quorumDownNode = -1;
    let sorryNode = -1;
    const next = syntax.next;
    const tok = syntax.tok;
    const words = syntax.tokens.word;
    const end = next[node] as number;
    // A table from word id to a small case number and a switch: one lookup per child where a
    // chain of comparisons read up to sixteen keyword ids (this runs for thousands of servers
    // before V8 has optimised it).
    for (let c = node + 1; c < end; c = next[c] as number) {
      const word = words[tok[c] as number] as number;
      switch (word >= 0 && word < SERVER_CHILD.length ? (SERVER_CHILD[word] as number) : 0) {
        case 1:
          servers.push(c);
          break;
        case 2:
          protocolNode = c;
          break;
        case 3:
          algoNode = c;
          break;
        case 4:
          lbKindNode = c;
          break;
        case 5:
          delayLoopNode = c;
          break;
        case 6:
          persistenceNode = c;
          break;
        case 7:
          schedNode = c;
          break;
        case 8:
          lvsMethodNode = c;
          break;
        case 9:
          connectTimeoutNode = c;
          break;
        case 10:
          retryNode = c;
          break;
        case 11:
          delayBeforeRetryNode = c;
          break;
        case 12:
          quorumNode = c;
          break;
        case 13:
          hysteresisNode = c;
          break;
        case 14:
          quorumUpNode = c;
          break;
        case 15:
          quorumDownNode = c;
          break;
        case 16:
          sorryNode = c;
          break;
        default:
          break;
      }
    }
    this.servers = servers;
    this.protocolNode = protocolNode;
    this.schedNode = schedNode;
    this.algoNode = algoNode;
    this.lvsMethodNode = lvsMethodNode;
    this.lbKindNode = lbKindNode;
    this.delayLoopNode = delayLoopNode;
    this.connectTimeoutNode = connectTimeoutNode;
    this.retryNode = retryNode;
    this.delayBeforeRetryNode = delayBeforeRetryNode;
    this.quorumNode = quorumNode;
    this.hysteresisNode = hysteresisNode;
    this.persistenceNode = persistenceNode;
    this.quorumUpNode = quorumUpNode;
    this.quorumDownNode = quorumDownNode;
    this.sorryNode = sorryNode;
  }

  /** The first argument's text (undefined: none, or an unrendered template). */
  private get first(): string | undefined {
    if (!this.firstRead) {
      this.firstRead = true;
      this.firstText = this.values.text(this.node, 0);
    }
    return this.firstText;
  }

  get at(): SourceRef {
    return this.values.ref(this.node);
  }

  get protocol(): LvsProtocol {
    const protocol = this.values.text(this.protocolNode)?.toUpperCase();
    return protocol === 'TCP' || protocol === 'SCTP' || protocol === 'UDP' ? protocol : 'UDP';
  }

  get protocolSet(): boolean {
    return this.protocolNode >= 0;
  }

  private schedulerNode(): number {
    return this.schedNode >= 0 ? this.schedNode : this.algoNode;
  }

  get scheduler(): string {
    const scheduler = this.values.text(this.schedulerNode());
    return scheduler !== undefined && SCHEDULERS.has(scheduler) ? scheduler : 'wlc';
  }

  get schedulerSet(): boolean {
    return this.schedulerNode() >= 0;
  }

  private methodNode(): number {
    return this.lvsMethodNode >= 0 ? this.lvsMethodNode : this.lbKindNode;
  }

  get method(): LvsMethod {
    const method = this.values.text(this.methodNode());
    return method === 'DR' || method === 'TUN' || method === 'NAT' ? method : 'NAT';
  }

  get methodSet(): boolean {
    return this.methodNode() >= 0;
  }

  get delayLoop(): number {
    return this.values.num(this.delayLoopNode, 60);
  }

  get connectTimeout(): number {
    return this.values.num(this.connectTimeoutNode, 5);
  }

  get retry(): number {
    return this.values.num(this.retryNode, 1);
  }

  get delayBeforeRetry(): number {
    return this.values.num(this.delayBeforeRetryNode, 1);
  }

  get quorum(): number {
    return this.values.num(this.quorumNode, 1);
  }

  get hysteresis(): number {
    return this.values.num(this.hysteresisNode, 0);
  }

  /** How many real_server blocks it has (without making their views). */
  get realServerCount(): number {
    return this.servers.length;
  }

  /**
   * False when no two of its real servers can have the same address text and port (port
   * written, else the service's): answered from the tokens' hashes and digits, without making
   * their views or address strings. True means "compare them": equal texts hash alike, so a
   * false is certain; an address the reader rewrote, or none, always answers true.
   */
  mayRepeatRealServer(): boolean {
    const servers = this.servers;
    const count = servers.length;
    if (count < 2) return false;
    const values = this.values;
    const { syntax, tokens } = values;
    const servicePort = this.port ?? 0;
    if (scratchHashes.length < count) {
      scratchHashes = new Int32Array(count * 2);
      scratchLengths = new Int32Array(count * 2);
      scratchPorts = new Float64Array(count * 2);
    }
    for (let i = 0; i < count; i += 1) {
      const node = servers[i] as number;
      const token = syntax.argToken(node, 0);
      if (token < 0 || tokens.rewrittenText(token)) return true;
      const hash = tokens.textHash(token);
      const length = tokens.length(token);
      const port = values.optionalNum(node, 1) ?? servicePort;
      for (let j = 0; j < i; j += 1) if (scratchHashes[j] === hash && scratchLengths[j] === length && scratchPorts[j] === port) return true;
      scratchHashes[i] = hash;
      scratchLengths[i] = length;
      scratchPorts[i] = port;
    }
    return false;
  }

  get realServers(): RealServerView[] {
    if (this.realList === undefined) {
      const servers = this.servers;
      const list: RealServerView[] = [];
      for (let i = 0; i < servers.length; i += 1) list.push(new RealServerView(this.values, servers[i] as number, this));
      this.realList = list;
    }
    return this.realList;
  }

  get fwmark(): number | undefined {
    return this.kind === 'fwmark' ? this.values.optionalNum(this.node, 1) : undefined;
  }

  get group(): string | undefined {
    return this.kind === 'group' ? this.values.text(this.node, 1) || undefined : undefined;
  }

  get address(): string | undefined {
    return this.kind === 'address' ? this.first : undefined;
  }

  get family(): 4 | 6 | undefined {
    return this.kind !== 'address' || this.first === undefined ? undefined : this.values.family(this.node, 0);
  }

  get port(): number | undefined {
    return this.kind !== 'address' || this.first === undefined ? undefined : this.values.optionalNum(this.node, 1);
  }

  get persistenceTimeout(): number | undefined {
    return this.persistenceNode >= 0 ? this.values.num(this.persistenceNode, 360) : undefined;
  }

  get quorumUp(): ScriptCommand | undefined {
    return this.values.script(this.quorumUpNode);
  }

  get quorumDown(): ScriptCommand | undefined {
    return this.values.script(this.quorumDownNode);
  }

  get sorryServer(): { address: string; port?: number; at: SourceRef } | undefined {
    const sorry = this.sorryNode;
    const address = sorry >= 0 ? this.values.text(sorry) : undefined;
    if (!address) return undefined;
    const server: { address: string; port?: number; at: SourceRef } = { address, at: this.values.ref(sorry) };
    const port = this.values.optionalNum(sorry, 1);
    if (port !== undefined) server.port = port;
    return server;
  }
}

function urlOf(values: NodeValues, node: number): HttpUrl {
  const url: HttpUrl = { at: values.ref(node), statusCodes: [] };
  const pathText = values.text(values.last(node, K.path));
  if (pathText !== undefined) url.path = pathText;
  const digest = values.text(values.last(node, K.digest));
  if (digest !== undefined) url.digest = digest;
  const host = values.text(values.last(node, K.virtualhost));
  if (host !== undefined) url.virtualhost = host;
  const status = values.last(node, K.status_code);
  for (const token of status >= 0 ? values.syntax.view(status).args : []) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(token.text);
    if (!match) continue;
    url.statusCodes.push([Number(match[1]), Number(match[2] ?? match[1])]);
  }
  if (url.statusCodes.length === 0) url.statusCodes.push([200, 299]);
  return url;
}

function toChecker(view: CheckerView): Checker {
  const checker: Checker = {
    type: view.type,
    at: view.at,
    connectTimeout: view.connectTimeout,
    retry: view.retry,
    delayBeforeRetry: view.delayBeforeRetry,
    delayLoop: view.delayLoop,
    urls: view.urls,
    miscDynamic: view.miscDynamic,
    options: view.options,
  };
  const connectIp = view.connectIp;
  if (connectIp !== undefined) checker.connectIp = connectIp;
  const connectPort = view.connectPort;
  if (connectPort !== undefined) checker.connectPort = connectPort;
  const bindTo = view.bindTo;
  if (bindTo !== undefined) checker.bindTo = bindTo;
  const miscPath = view.miscPath;
  if (miscPath) checker.miscPath = miscPath;
  const miscTimeout = view.miscTimeout;
  if (miscTimeout !== undefined) checker.miscTimeout = miscTimeout;
  return checker;
}

function toRealServer(view: RealServerView): RealServer {
  const real: RealServer = {
    address: view.address,
    at: view.at,
    weight: view.weight,
    inhibitOnFailure: view.inhibitOnFailure,
    checkers: view.checkers.map(toChecker),
  };
  const port = view.port;
  if (port !== undefined) real.port = port;
  const up = view.notifyUp;
  if (up) real.notifyUp = up;
  const down = view.notifyDown;
  if (down) real.notifyDown = down;
  return real;
}

/** The plain model object of a virtual server (every field copied from the view, in order). */
export function toVirtualServer(view: VirtualServerView): VirtualServer {
  const server: VirtualServer = {
    kind: view.kind,
    at: view.at,
    protocol: view.protocol,
    protocolSet: view.protocolSet,
    scheduler: view.scheduler,
    schedulerSet: view.schedulerSet,
    method: view.method,
    methodSet: view.methodSet,
    delayLoop: view.delayLoop,
    connectTimeout: view.connectTimeout,
    retry: view.retry,
    delayBeforeRetry: view.delayBeforeRetry,
    quorum: view.quorum,
    hysteresis: view.hysteresis,
    realServers: [],
  };
  if (server.kind === 'fwmark') {
    const mark = view.fwmark;
    if (mark !== undefined) server.fwmark = mark;
  } else if (server.kind === 'group') {
    const group = view.group;
    if (group !== undefined) server.group = group;
  } else {
    const address = view.address;
    if (address !== undefined) {
      server.address = address;
      const family = view.family;
      if (family) server.family = family;
      const port = view.port;
      if (port !== undefined) server.port = port;
    }
  }
  const persistence = view.persistenceTimeout;
  if (persistence !== undefined) server.persistenceTimeout = persistence;
  const up = view.quorumUp;
  if (up) server.quorumUp = up;
  const down = view.quorumDown;
  if (down) server.quorumDown = down;
  const sorry = view.sorryServer;
  if (sorry) server.sorryServer = sorry;
  for (const rs of view.realServers) server.realServers.push(toRealServer(rs));
  return server;
}

/** Problems a virtual_server's addresses have (its own and its real servers'). */
export function serverAddressProblems(values: NodeValues, node: number, problem: (at: { file: string; line: number; column: number }, message: string) => void): void {
  const { syntax, tokens } = values;
  // A plain dotted quad (nearly every virtual server) is fine without making its string.
  const firstToken = syntax.argToken(node, 0);
  if (firstToken >= 0 && !tokens.dottedQuad(firstToken)) {
    const first = values.text(node, 0);
    if (first !== undefined && first !== 'fwmark' && first !== 'group' && !values.family(node, 0)) {
      problem(values.argAt(node, 0), `virtual_server address '${first}' is not an IP address`);
    }
  }
  const next = syntax.next;
  for (let rs = node + 1; rs < (next[node] as number); rs = next[rs] as number) {
    if (syntax.word(rs) !== K.real_server) continue;
    // A plain dotted quad (nearly every real server) is fine without making its string.
    const token = syntax.argToken(rs, 0);
    if (token >= 0 && tokens.dottedQuad(token)) continue;
    const address = values.text(rs) ?? '';
    if (address && familyOf(address) === undefined) problem(values.argAt(rs, 0), `real_server address '${address}' is not an IP address`);
  }
}

/** How many real servers a virtual server has; a view counts them without making theirs. */
export function realServerCount(vs: VirtualServer): number {
  return vs instanceof VirtualServerView ? vs.realServerCount : vs.realServers.length;
}
