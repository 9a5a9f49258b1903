// `vipctl vrrp run` for host tests: started inside a test namespace from a config string,
// with its own control socket in a private directory, its log kept for waits and counts,
// and `vipctl vrrp status --json` as the way to read its state. stopEngines() kills every
// engine started here and removes their directories; it is meant for after() hooks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vipctlBin } from './paths.js';
import { inNamespace } from './netns.js';

/** What `vipctl vrrp status --json` prints per instance (the fields tests read). */
export interface EngineInstanceStatus {
  name: string;
  state: string;
  vrid: number;
  version: number;
  interface: string;
  vmac: string | null;
  configuredPriority: number;
  effectivePriority: number;
  masterAddress: string | null;
  advertIntervalCs: number;
  vips: string[];
  vipsHeld: boolean;
  lastTransition: { at: string; from: string; to: string; reason: string } | null;
  tracked: Array<{ name: string; kind: string; state: string; weight: number; value?: number }>;
  syncGroup: string | null;
  counters: { advertsSent: number; advertsReceived: number; drops: Record<string, number> };
}

export interface RunningEngine {
  namespace: string;
  process: ChildProcess;
  socket: string;
  /** Everything logged on stderr so far. */
  log(): string;
  /** With --log-format json: the log lines parsed (lines that are not JSON are skipped). */
  jsonLog(): Array<Record<string, unknown>>;
  /** Waits until the log matches; the error shows the log. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Exit code (or null when killed by a signal), once it exits. */
  exited: Promise<number | null>;
  status(): EngineInstanceStatus[];
  /** The one instance's status (the configs in tests mostly have one). */
  instance(name?: string): EngineInstanceStatus;
  /** The state the engine last logged a transition to (text log format), or 'none'. */
  loggedState(): string;
  /** How many transitions it has logged (text log format). */
  transitions(): number;
  /** SIGKILLs this engine (if still running) and removes its directory: for tests running concurrently. */
  dispose(): Promise<void>;
}

const TRANSITION = /: (INIT|BACKUP|MASTER|FAULT) -> (INIT|BACKUP|MASTER|FAULT)/g;

const running: Array<{ child: ChildProcess; dir: string }> = [];

async function kill(entry: { child: ChildProcess; dir: string }): Promise<void> {
  const { child, dir } = entry;
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
}

export function startEngine(namespace: string, config: string, options: { logFormat?: 'text' | 'json' } = {}): RunningEngine {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-engine-'));
  const file = path.join(dir, 'keepalived.conf');
  writeFileSync(file, config);
  const socket = path.join(dir, 'ctl', 'vrrp.sock');
  const args = [vipctlBin, 'vrrp', 'run', '-f', file, '--control-socket', socket, '--log-format', options.logFormat ?? 'text'];
  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const entry = { child, dir };
  running.push(entry);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const status = (): EngineInstanceStatus[] =>
    JSON.parse(inNamespace(namespace, process.execPath, [vipctlBin, 'vrrp', 'status', '--json', '--control-socket', socket])) as EngineInstanceStatus[];
  return {
    namespace,
    process: child,
    socket,
    log: () => output,
    jsonLog: () =>
      output.split('\n').flatMap((line) => {
        try {
          return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    exited,
    async waitFor(pattern, timeoutMs = 8000) {
      const start = Date.now();
      while (!pattern.test(output)) {
        if (Date.now() - start > timeoutMs) throw new Error(`vrrp run did not log ${pattern} within ${timeoutMs} ms; it logged:\n${output.slice(-4000)}`);
        await sleep(25);
      }
    },
    status,
    loggedState() {
      const all = [...output.matchAll(TRANSITION)];
      return all.at(-1)?.[2]?.toLowerCase() ?? 'none';
    },
    transitions: () => [...output.matchAll(TRANSITION)].length,
    async dispose() {
      const index = running.indexOf(entry);
      if (index >= 0) running.splice(index, 1);
      await kill(entry);
    },
    instance(name) {
      const all = status();
      const found = name === undefined ? all[0] : all.find((i) => i.name === name);
      if (!found) throw new Error(`no instance ${name ?? ''} in status: ${JSON.stringify(all)}`);
      return found;
    },
  };
}

/** SIGKILLs every engine started by startEngine and removes their directories. */
export async function stopEngines(): Promise<void> {
  for (const entry of running.splice(0)) await kill(entry);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() is true; the error names what was awaited. Waits are generous: the machine is shared. */
export async function until(what: string, check: () => boolean, timeoutMs = 8000, everyMs = 50): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Does the interface in the namespace carry this address (as `ip addr` shows it)? */
export function holdsAddress(namespace: string, ifname: string, cidr: string): boolean {
  return inNamespace(namespace, 'ip', ['-o', 'addr', 'show', 'dev', ifname]).includes(` ${cidr} `);
}

/**
 * Waits until the link is operationally up (IFF_RUNNING, `state UP`). The kernel reports a
 * veth's carrier through linkwatch, up to a second after both ends were set up; an engine
 * started before then sees its own interface down and starts in FAULT, as keepalived would.
 */
export async function operUp(namespace: string, ifname: string): Promise<void> {
  await until(`${ifname} in ${namespace} operationally up`, () => / state UP /.test(inNamespace(namespace, 'ip', ['-o', 'link', 'show', 'dev', ifname])), 5000, 20);
}
