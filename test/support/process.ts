// A command run inside a test namespace (tcpdump, vipctl vrrp sniff, ...), with its output kept
// for waits and assertions, and a stop() that always ends it.
import { spawn, type ChildProcess } from 'node:child_process';

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

