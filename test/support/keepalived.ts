// Real keepalived for host tests: runs in a test namespace, in the foreground, with its own
// pid files and configuration in a private directory, logging to a buffer tests can wait on.
// stop() is safe to call twice and is meant for after() hooks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Keepalived {
  dir: string;
  log(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The VRRP child's pid (what a SIGKILL test kills). */
  vrrpPid(): number | undefined;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * options.args: extra command-line arguments, e.g. `--dont-respawn` so that a SIGKILLed VRRP
 * child stays dead (by default the parent starts a new one at once) and keepalived exits.
 */
export async function startKeepalived(namespace: string, config: string, name = 'ka', options: { args?: string[] } = {}): Promise<Keepalived> {
  const dir = mkdtempSync(path.join(tmpdir(), `vipctl-${name}-`));
  const file = path.join(dir, 'keepalived.conf');
  writeFileSync(file, config);
  const child: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', namespace, 'keepalived', '-n', '-l', '-D', '-G', '-P', '-f', file,
      '-p', path.join(dir, 'keepalived.pid'), '-r', path.join(dir, 'vrrp.pid'), '-c', path.join(dir, 'checkers.pid'), ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = output.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match[0]);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let stopped = false;
  return {
    dir,
    log: () => output,
    waitFor(pattern, timeoutMs = 10_000) {
      const match = output.match(pattern);
      if (match) return Promise.resolve(match[0]);
      return new Promise((resolve, reject) => {
        const waiter = { pattern, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`keepalived did not log ${pattern} within ${timeoutMs} ms; it logged:\n${output.slice(-3000)}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    vrrpPid() {
      try {
        return Number(readFileSync(path.join(dir, 'vrrp.pid'), 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    },
    async stop(signal = 'SIGTERM') {
      if (stopped) return;
      stopped = true;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      // A VRRP child that outlived its parent is killed too.
      try {
        const pid = Number(readFileSync(path.join(dir, 'vrrp.pid'), 'utf8').trim());
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
