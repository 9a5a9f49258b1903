// Helpers for the sniffer's host tests: keepalived.conf instances, and processes (vipctl vrrp
// sniff, tcpdump) run inside a test namespace with their output kept for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
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

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit status. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function runIn(namespace: string, command: string, args: string[]): Running {
  const child = spawn('ip', ['netns', 'exec', namespace, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = (): void => {
          if (pattern.test(err) || pattern.test(out)) resolve();
          else if (done) reject(new Error(`${command} exited before printing ${pattern}: ${err.slice(-2000)}`));
          else if (Date.now() - started > timeoutMs) reject(new Error(`${command} did not print ${pattern} within ${timeoutMs} ms: ${err.slice(-2000)}`));
          else setTimeout(check, 50);
        };
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

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
