// Helpers for the sniffer's host tests: keepalived.conf instances, and processes (vipctl vrrp
// sniff, tcpdump) run inside a test namespace with their output kept for assertions.
import { vipctlBin } from '../../support/paths.js';

export interface InstanceOptions {
  vrid: number;
  interfaceName: string;
  state: 'MASTER' | 'BACKUP';
  priority: number;
  version?: 2 | 3;
  advertInt?: number;
  auth?: { type: 'PASS' | 'AH'; pass: string };
  vips: string[];
  unicast?: { source: string; peer: string };
}

/** One vrrp_instance block, one statement per line (keepalived drops extra arguments). */
export function instance(o: InstanceOptions): string {
  const lines = [
    `vrrp_instance VI_${o.vrid} {`,
    `  interface ${o.interfaceName}`,
    `  state ${o.state}`,
    `  virtual_router_id ${o.vrid}`,
    `  priority ${o.priority}`,
    `  advert_int ${o.advertInt ?? 1}`,
  ];
  if (o.version) lines.push(`  version ${o.version}`);
  if (o.auth) lines.push('  authentication {', `    auth_type ${o.auth.type}`, `    auth_pass ${o.auth.pass}`, '  }');
  if (o.unicast) lines.push(`  unicast_src_ip ${o.unicast.source}`, '  unicast_peer {', `    ${o.unicast.peer}`, '  }');
  lines.push('  virtual_ipaddress {', ...o.vips.map((v) => `    ${v}`), '  }', '}');
  return lines.join('\n');
}

export function config(routerId: string, instances: InstanceOptions[]): string {
  return [`global_defs {\n  router_id ${routerId}\n}`, ...instances.map(instance)].join('\n') + '\n';
}

export { runIn, type Running } from '../../support/process.js';
import { runIn, type Running } from '../../support/process.js';

/** `vipctl vrrp sniff ARGS` inside a namespace. */
export function sniff(namespace: string, args: string[]): Running {
  return runIn(namespace, process.execPath, [vipctlBin, 'vrrp', 'sniff', ...args]);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface NdjsonLine {
  type: string;
  [key: string]: unknown;
}

export function ndjson(text: string): NdjsonLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as NdjsonLine);
}
