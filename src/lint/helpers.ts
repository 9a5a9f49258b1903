// Small helpers shared by rules: walking the syntax tree and naming things in messages.
// Rules walk the compact tree (keepalived/parser.ts Syntax) by node index; walk() and
// forEachNode() over ConfigNode objects remain for code that has such a tree.
import { KEYWORDS, VALUES, type ConfigNode, type Syntax } from '../keepalived/parser.js';
import { forEachVirtualServer } from '../keepalived/build.js';
import { wordId } from '../keepalived/words.js';
import type { Checker, KeepalivedConfig, RealServer, ScriptCommand, SourceRef, VirtualServer } from '../keepalived/model.js';

/** Every node of the tree, depth first, with its chain of parent keywords. */
export function* walk(nodes: ConfigNode[], parents: ConfigNode[] = []): Generator<{ node: ConfigNode; parents: ConfigNode[] }> {
  for (const node of nodes) {
    yield { node, parents };
    if (node.children.length > 0) yield* walk(node.children, [...parents, node]);
  }
}

/** Calls `visit` for every node with its parent (undefined at the top level), depth first. */
export function forEachNode(nodes: ConfigNode[], visit: (node: ConfigNode, parent: ConfigNode | undefined) => void, parent?: ConfigNode): void {
  for (const node of nodes) {
    visit(node, parent);
    if (node.children.length > 0) forEachNode(node.children, visit, node);
  }
}

/** The children of node `n` of the compact tree, as node indexes. */
export function childNodes(syntax: Syntax, n: number): number[] {
  const result: number[] = [];
  for (let c = n + 1; c < (syntax.next[n] as number); c = syntax.next[c] as number) result.push(c);
  return result;
}

/**
 * The value lines of the named value blocks, wherever they are (top level or one level down,
 * as for virtual_routes in a vrrp_instance), without walking the whole tree.
 */
export function* valueLines(syntax: Syntax, blocks: Set<string>): Generator<{ node: ConfigNode; block: ConfigNode }> {
  if (!syntax.uses([...blocks].map((block) => wordId(block)))) return;
  for (const top of syntax.top()) {
    const keyword = syntax.keyword(top);
    if (blocks.has(keyword)) {
      const block = syntax.view(top);
      for (const line of childNodes(syntax, top)) yield { node: syntax.view(line), block };
    }
    if (syntax.kind[top] !== KEYWORDS || keyword === 'virtual_server') continue;
    for (const child of childNodes(syntax, top)) {
      if (syntax.kind[child] !== VALUES || !blocks.has(syntax.keyword(child))) continue;
      const block = syntax.view(child);
      for (const line of childNodes(syntax, child)) yield { node: syntax.view(line), block };
    }
  }
}

export interface ScriptUse {
  script: ScriptCommand;
  owner: string;
  block?: SourceRef;
}

/** Script lists per model: five rules ask, the thousands of real servers are walked once. */
const scriptLists = new WeakMap<KeepalivedConfig, ScriptUse[]>();

/** The script commands of one virtual server, added to `into` (model order). */
export function serverScripts(vs: VirtualServer, into: ScriptUse[]): void {
  const quorumUp = vs.quorumUp;
  if (quorumUp) into.push({ script: quorumUp, owner: 'virtual_server quorum_up' });
  const quorumDown = vs.quorumDown;
  if (quorumDown) into.push({ script: quorumDown, owner: 'virtual_server quorum_down' });
  // Indexed loops: called for each of thousands of servers before V8 has optimised anything.
  const realServers = vs.realServers;
  for (let r = 0; r < realServers.length; r += 1) {
    const rs = realServers[r] as RealServer;
    const notifyUp = rs.notifyUp;
    if (notifyUp) into.push({ script: notifyUp, owner: 'real_server notify_up' });
    const notifyDown = rs.notifyDown;
    if (notifyDown) into.push({ script: notifyDown, owner: 'real_server notify_down' });
    const checkers = rs.checkers;
    for (let c = 0; c < checkers.length; c += 1) {
      const miscPath = (checkers[c] as Checker).miscPath;
      if (miscPath) into.push({ script: miscPath, owner: 'MISC_CHECK misc_path' });
    }
  }
}

/** Records the script commands of the virtual servers (gathered while they were visited). */
export function rememberScripts(config: KeepalivedConfig, fromServers: ScriptUse[]): void {
  const found: ScriptUse[] = [];
  for (const s of config.vrrpScripts) if (s.script) found.push({ script: s.script, owner: `vrrp_script ${s.name}`, block: s.at });
  for (const i of config.vrrpInstances) for (const script of Object.values(i.notify)) if (script) found.push({ script, owner: `vrrp_instance ${i.name}` });
  for (const g of config.syncGroups) for (const script of Object.values(g.notify)) if (script) found.push({ script, owner: `vrrp_sync_group ${g.name}` });
  for (const use of fromServers) found.push(use);
  scriptLists.set(config, found);
}

/** Every script command of the model, with what it belongs to (in model order). */
export function scripts(config: KeepalivedConfig): ScriptUse[] {
  let known = scriptLists.get(config);
  if (!known) {
    const fromServers: ScriptUse[] = [];
    forEachVirtualServer(config, (vs) => serverScripts(vs, fromServers));
    rememberScripts(config, fromServers);
    known = scriptLists.get(config) as ScriptUse[];
  }
  return known;
}

export function serviceName(vs: { kind: string; address?: string; port?: number; fwmark?: number; group?: string }): string {
  if (vs.kind === 'fwmark') return `virtual_server fwmark ${vs.fwmark ?? '?'}`;
  if (vs.kind === 'group') return `virtual_server group ${vs.group ?? '?'}`;
  return `virtual_server ${vs.address ?? '?'}${vs.port === undefined ? '' : ` ${vs.port}`}`;
}
