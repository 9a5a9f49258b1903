// Cluster lint: the nodes of one VRRP cluster (several files, or one file under several config
// ids) compared VRID by VRID. These mismatches are what make a permanent split brain: adverts
// that the peer discards (version, interval, auth), two masters, or peers that never hear each other.
import type { KeepalivedConfig, SourceRef, VrrpInstance } from '../keepalived/model.js';
import type { SeverityOverride } from './engine.js';
import type { Finding, Severity } from './types.js';

export interface ClusterNode {
  /** How findings name the node (file, or file + config id). */
  name: string;
  config: KeepalivedConfig;
}

export interface ClusterRule {
  id: string;
  severity: Severity;
  description: string;
  check(nodes: ClusterNode[], report: (at: SourceRef, message: string) => void): void;
}

interface Member {
  node: ClusterNode;
  instance: VrrpInstance;
}

/** Instances grouped by VRID and address family (interface names may differ between nodes). */
function byVrid(nodes: ClusterNode[]): Map<string, Member[]> {
  const groups = new Map<string, Member[]>();
  for (const node of nodes) {
    for (const instance of node.config.vrrpInstances) {
      if (instance.virtualRouterId === undefined) continue;
      const family = instance.virtualIpAddresses[0]?.family ?? 4;
      const key = `${instance.virtualRouterId}/IPv${family}`;
      const list = groups.get(key) ?? [];
      list.push({ node, instance });
      groups.set(key, list);
    }
  }
  return new Map([...groups].filter(([, members]) => new Set(members.map((m) => m.node)).size > 1));
}

function vipSet(instance: VrrpInstance): string {
  return instance.virtualIpAddresses.map((a) => `${a.address}/${a.prefix}`).sort().join(' ');
}

function authOf(instance: VrrpInstance): string {
  if (instance.version === 3 || instance.strictMode || !instance.authentication?.type) return 'none';
  return `${instance.authentication.type} '${instance.authentication.effectivePassword ?? ''}'`;
}

const mismatch: ClusterRule = {
  id: 'cluster-mismatch',
  severity: 'error',
  description: 'Nodes disagree on a VRID\'s VIPs, advert_int, version, authentication or nopreempt.',
  check(nodes, report) {
    for (const [vrid, members] of byVrid(nodes)) {
      const [first, ...rest] = members;
      if (!first) continue;
      const facets: [string, (i: VrrpInstance) => string][] = [
        ['virtual addresses', vipSet],
        ['advert_int', (i) => String(i.advertInt)],
        ['VRRP version', (i) => String(i.version)],
        ['authentication (type and first 8 characters of auth_pass)', authOf],
        ['nopreempt', (i) => (i.nopreempt ? 'nopreempt' : 'preempt')],
      ];
      for (const other of rest) {
        for (const [facet, value] of facets) {
          const a = value(first.instance);
          const b = value(other.instance);
          if (a !== b) report(other.instance.at, `VRID ${vrid}: ${facet} differ between ${first.node.name} (${first.instance.name}: ${a || 'none'}) and ${other.node.name} (${other.instance.name}: ${b || 'none'})`);
        }
      }
    }
  },
};

const priority: ClusterRule = {
  id: 'cluster-priority',
  severity: 'error',
  description: 'Nodes of a VRID with equal priorities, not exactly one MASTER, or a MASTER without the highest priority.',
  check(nodes, report) {
    for (const [vrid, members] of byVrid(nodes)) {
      const seen = new Map<number, Member>();
      for (const member of members) {
        const other = seen.get(member.instance.priority);
        if (other) report(member.instance.at, `VRID ${vrid}: ${member.node.name} and ${other.node.name} both have priority ${member.instance.priority}: the election falls to the higher IP address`);
        else seen.set(member.instance.priority, member);
      }
      const masters = members.filter((m) => m.instance.state === 'MASTER');
      const highest = Math.max(...members.map((m) => m.instance.priority));
      const anchor = members[0]?.instance.at;
      if (masters.length > 1) report(masters[1]?.instance.at ?? anchor ?? { file: '', line: 1, column: 1 }, `VRID ${vrid}: ${masters.length} nodes have state MASTER (${masters.map((m) => m.node.name).join(', ')}); exactly one should`);
      else if (masters.length === 0 && !members.every((m) => m.instance.nopreempt) && anchor) report(anchor, `VRID ${vrid}: no node has state MASTER`);
      for (const master of masters) {
        if (master.instance.priority < highest) report(master.instance.at, `VRID ${vrid}: ${master.node.name} is MASTER with priority ${master.instance.priority}, but a backup has ${highest}: the backup preempts it at once`);
      }
    }
  },
};

const unicast: ClusterRule = {
  id: 'cluster-unicast',
  severity: 'error',
  description: 'A node\'s unicast_src_ip missing from a peer\'s unicast_peer list.',
  check(nodes, report) {
    for (const [vrid, members] of byVrid(nodes)) {
      if (!members.some((m) => m.instance.unicastPeers.length > 0)) continue;
      for (const member of members) {
        const source = member.instance.unicastSrcIp;
        for (const peer of members) {
          if (peer === member || peer.node === member.node) continue;
          if (source === undefined) {
            report(member.instance.at, `VRID ${vrid}: ${member.node.name} uses unicast but has no unicast_src_ip, so its peers cannot list it`);
            break;
          }
          if (!peer.instance.unicastPeers.some((p) => p.address === source)) report(peer.instance.at, `VRID ${vrid}: ${peer.node.name} does not list ${source} (${member.node.name}'s unicast_src_ip) in unicast_peer: it never hears that node`);
        }
      }
    }
  },
};

const routerId: ClusterRule = {
  id: 'cluster-router-id',
  severity: 'warning',
  description: 'Two nodes with the same router_id.',
  check(nodes, report) {
    const seen = new Map<string, ClusterNode>();
    for (const node of nodes) {
      const id = node.config.global.routerId;
      if (id === undefined) continue;
      const other = seen.get(id);
      if (other) report(node.config.global.at ?? { file: node.config.files[0] ?? '', line: 1, column: 1 }, `router_id ${id} is used by ${other.name} and ${node.name}: notifications and logs cannot tell the nodes apart`);
      else seen.set(id, node);
    }
  },
};

export const CLUSTER_RULES: ClusterRule[] = [mismatch, priority, unicast, routerId];

export function lintCluster(nodes: ClusterNode[], severities: Record<string, SeverityOverride> = {}): Finding[] {
  const findings: Finding[] = [];
  for (const rule of CLUSTER_RULES) {
    const override = severities[rule.id];
    if (override === 'off') continue;
    rule.check(nodes, (at, message) => findings.push({ file: at.file, line: at.line, column: at.column, severity: override ?? rule.severity, rule: rule.id, message }));
  }
  return findings;
}
