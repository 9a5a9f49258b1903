// Small helpers shared by rules: walking the syntax tree and naming things in messages.
// Rules walk the compact tree (keepalived/parser.ts Syntax) by node index; walk() and
// forEachNode() over ConfigNode objects remain for code that has such a tree.
import { KEYWORDS, VALUES, type ConfigNode, type Syntax } from '../keepalived/parser.js';
import type { ScriptCommand, SourceRef, VrrpInstance, VrrpScript } from '../keepalived/model.js';

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

type ScriptOwners = {
  vrrpScripts: VrrpScript[];
  vrrpInstances: VrrpInstance[];
  syncGroups: { name: string; notify: Record<string, ScriptCommand | undefined> }[];
  virtualServers: { quorumUp?: ScriptCommand; quorumDown?: ScriptCommand; realServers: { notifyUp?: ScriptCommand; notifyDown?: ScriptCommand; checkers: { miscPath?: ScriptCommand }[] }[] }[];
};

/** Script lists per model: five rules ask, the thousands of real servers are walked once. */
const scriptLists = new WeakMap<object, ScriptUse[]>();

/** Every script command of the model, with what it belongs to (in model order). */
export function scripts(config: ScriptOwners): ScriptUse[] {
  const known = scriptLists.get(config);
  if (known) return known;
  const found: ScriptUse[] = [];
  for (const s of config.vrrpScripts) if (s.script) found.push({ script: s.script, owner: `vrrp_script ${s.name}`, block: s.at });
  for (const i of config.vrrpInstances) for (const script of Object.values(i.notify)) if (script) found.push({ script, owner: `vrrp_instance ${i.name}` });
  for (const g of config.syncGroups) for (const script of Object.values(g.notify)) if (script) found.push({ script, owner: `vrrp_sync_group ${g.name}` });
  for (const vs of config.virtualServers) {
    if (vs.quorumUp) found.push({ script: vs.quorumUp, owner: 'virtual_server quorum_up' });
    if (vs.quorumDown) found.push({ script: vs.quorumDown, owner: 'virtual_server quorum_down' });
    for (const rs of vs.realServers) {
      if (rs.notifyUp) found.push({ script: rs.notifyUp, owner: 'real_server notify_up' });
      if (rs.notifyDown) found.push({ script: rs.notifyDown, owner: 'real_server notify_down' });
      for (const checker of rs.checkers) if (checker.miscPath) found.push({ script: checker.miscPath, owner: 'MISC_CHECK misc_path' });
    }
  }
  scriptLists.set(config, found);
  return found;
}

export function serviceName(vs: { kind: string; address?: string; port?: number; fwmark?: number; group?: string }): string {
  if (vs.kind === 'fwmark') return `virtual_server fwmark ${vs.fwmark ?? '?'}`;
  if (vs.kind === 'group') return `virtual_server group ${vs.group ?? '?'}`;
  return `virtual_server ${vs.address ?? '?'}${vs.port === undefined ? '' : ` ${vs.port}`}`;
}
