// Small helpers shared by rules: walking the syntax tree and naming things in messages.
import type { ConfigNode } from '../keepalived/parser.js';
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

/**
 * The value lines of the named value blocks, wherever they are (top level or one level down,
 * as for virtual_routes in a vrrp_instance), without walking the whole tree.
 */
export function* valueLines(tree: ConfigNode[], blocks: Set<string>): Generator<{ node: ConfigNode; block: ConfigNode }> {
  for (const top of tree) {
    if (blocks.has(top.keyword)) for (const node of top.children) yield { node, block: top };
    if (top.kind !== 'keywords' || top.keyword === 'virtual_server') continue;
    for (const child of top.children) {
      if (child.kind === 'values' && blocks.has(child.keyword)) for (const node of child.children) yield { node, block: child };
    }
  }
}

/** Every script command of the model, with what it belongs to. */
export function* scripts(config: {
  vrrpScripts: VrrpScript[];
  vrrpInstances: VrrpInstance[];
  syncGroups: { name: string; notify: Record<string, ScriptCommand | undefined> }[];
  virtualServers: { quorumUp?: ScriptCommand; quorumDown?: ScriptCommand; realServers: { notifyUp?: ScriptCommand; notifyDown?: ScriptCommand; checkers: { miscPath?: ScriptCommand }[] }[] }[];
}): Generator<{ script: ScriptCommand; owner: string; block?: SourceRef }> {
  for (const s of config.vrrpScripts) if (s.script) yield { script: s.script, owner: `vrrp_script ${s.name}`, block: s.at };
  for (const i of config.vrrpInstances) for (const script of Object.values(i.notify)) if (script) yield { script, owner: `vrrp_instance ${i.name}` };
  for (const g of config.syncGroups) for (const script of Object.values(g.notify)) if (script) yield { script, owner: `vrrp_sync_group ${g.name}` };
  for (const vs of config.virtualServers) {
    if (vs.quorumUp) yield { script: vs.quorumUp, owner: 'virtual_server quorum_up' };
    if (vs.quorumDown) yield { script: vs.quorumDown, owner: 'virtual_server quorum_down' };
    for (const rs of vs.realServers) {
      if (rs.notifyUp) yield { script: rs.notifyUp, owner: 'real_server notify_up' };
      if (rs.notifyDown) yield { script: rs.notifyDown, owner: 'real_server notify_down' };
      for (const checker of rs.checkers) if (checker.miscPath) yield { script: checker.miscPath, owner: 'MISC_CHECK misc_path' };
    }
  }
}

export function serviceName(vs: { kind: string; address?: string; port?: number; fwmark?: number; group?: string }): string {
  if (vs.kind === 'fwmark') return `virtual_server fwmark ${vs.fwmark ?? '?'}`;
  if (vs.kind === 'group') return `virtual_server group ${vs.group ?? '?'}`;
  return `virtual_server ${vs.address ?? '?'}${vs.port === undefined ? '' : ` ${vs.port}`}`;
}
