// Network namespaces for host-tier tests: unique names, always removed.
import { execFileSync, spawnSync } from 'node:child_process';

let counter = 0;

/** A name unique to this process and call, so overlapping runs never collide. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid % 100000}x${counter}`.slice(0, 15);
}

export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs a command inside a namespace. */
export function inNamespace(namespace: string, command: string, args: string[]): string {
  return run('ip', ['netns', 'exec', namespace, command, ...args]);
}

/** Turns off IPv6 duplicate address detection for links created in the namespace from now on. */
export function noDad(namespace: string): void {
  inNamespace(namespace, 'sysctl', ['-q', '-w', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']);
}

export interface NamespacePair {
  a: string;
  b: string;
  /** Interface names inside a and b (the two ends of one veth pair). */
  ifA: string;
  ifB: string;
  cleanup(): void;
}

/**
 * Two namespaces joined by a veth pair, links up, with the given addresses (CIDR) on each
 * end. cleanup() deletes both namespaces (which deletes the veth too) and is safe to call twice.
 */
export function namespacePair(options: { addressA?: string[]; addressB?: string[]; prefix?: string } = {}): NamespacePair {
  const prefix = options.prefix ?? 'vt';
  const a = uniqueName(`${prefix}a`);
  const b = uniqueName(`${prefix}b`);
  const ifA = 'veth0';
  const ifB = 'veth1';
  const tmpA = uniqueName('va');
  const tmpB = uniqueName('vb');
  const cleanup = (): void => {
    for (const ns of [a, b]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', tmpA], { stdio: 'ignore' });
  };
  try {
    run('ip', ['netns', 'add', a]);
    run('ip', ['netns', 'add', b]);
    // No duplicate address detection: addresses are usable at once, so tests never race it.
    for (const ns of [a, b]) noDad(ns);
    // The pair is created directly inside the namespaces: the host's own link list is never touched.
    run('ip', ['-n', a, 'link', 'add', tmpA, 'type', 'veth', 'peer', 'name', tmpB, 'netns', b]);
    inNamespace(a, 'ip', ['link', 'set', tmpA, 'name', ifA]);
    inNamespace(b, 'ip', ['link', 'set', tmpB, 'name', ifB]);
    for (const [ns, ifname, addresses] of [
      [a, ifA, options.addressA ?? []],
      [b, ifB, options.addressB ?? []],
    ] as const) {
      inNamespace(ns, 'ip', ['link', 'set', 'lo', 'up']);
      for (const address of addresses) inNamespace(ns, 'ip', ['addr', 'add', address, 'dev', ifname, 'nodad']);
      inNamespace(ns, 'ip', ['link', 'set', ifname, 'up']);
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { a, b, ifA, ifB, cleanup };
}
