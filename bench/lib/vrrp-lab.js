// A small VRRP lab for the benchmarks (root only): two fresh network namespaces joined by a
// veth pair, keepalived or `vipctl vrrp run` started in them from a config string, a packet
// capture and an address monitor with wall-clock timestamps, and CPU / memory readings from
// /proc. Everything it creates is named with this process's pid and removed by cleanup().
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const vipctlBin = path.join(root, 'bin', 'run.js');

let counter = 0;

// Whatever the lab started is undone on Ctrl-C or SIGTERM too: daemons killed, namespaces deleted.
const undo = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const step of undo) {
      try {
        step();
      } catch {
        // Best effort.
      }
    }
    process.exit(130);
  });
}
const sh = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wall-clock now in ms with microsecond digits (the same clock tcpdump and `ip -ts` print). */
export const wallNow = () => performance.timeOrigin + performance.now();

/** Namespaces a and b, veth0 (192.0.2.1/24) in a and veth1 (192.0.2.2/24) in b, links up. */
export function labPair() {
  counter += 1;
  const tag = `${process.pid % 100000}x${counter}`;
  const a = `vbA${tag}`;
  const b = `vbB${tag}`;
  const cleanup = () => {
    undo.delete(cleanup);
    for (const ns of [a, b]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  };
  undo.add(cleanup);
  try {
    sh('ip', ['netns', 'add', a]);
    sh('ip', ['netns', 'add', b]);
    sh('ip', ['-n', a, 'link', 'add', `vba${tag}`, 'type', 'veth', 'peer', 'name', `vbb${tag}`, 'netns', b]);
    sh('ip', ['-n', a, 'link', 'set', `vba${tag}`, 'name', 'veth0']);
    sh('ip', ['-n', b, 'link', 'set', `vbb${tag}`, 'name', 'veth1']);
    for (const [ns, ifname, address] of [
      [a, 'veth0', '192.0.2.1/24'],
      [b, 'veth1', '192.0.2.2/24'],
    ]) {
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      sh('ip', ['-n', ns, 'addr', 'add', address, 'dev', ifname]);
      sh('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    }
  } catch (error) {
    cleanup();
    throw error;
  }
  return { a, b, cleanup };
}

/** A child process whose output is kept and can be waited on. */
function watched(child) {
  let output = '';
  const onData = (chunk) => (output += chunk.toString());
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    async waitFor(pattern, timeoutMs = 20_000) {
      const start = Date.now();
      while (!pattern.test(output)) {
        if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern}; output:\n${output.slice(-2000)}`);
        await sleep(20);
      }
    },
  };
}

/**
 * Starts a VRRP daemon in a namespace: kind 'keepalived' (foreground, own pid files,
 * --dont-respawn so a SIGKILLed VRRP child stays dead) or 'vipctl' (`vrrp run`).
 * vrrpPid() is the process that does VRRP: keepalived's VRRP child, or vipctl itself.
 * pids() is every process of the daemon (for CPU and memory sums).
 */
export function startDaemon(kind, namespace, config, options = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), `vipctl-bench-${kind}-`));
  const file = path.join(dir, 'keepalived.conf');
  writeFileSync(file, config);
  const args =
    kind === 'keepalived'
      ? ['keepalived', '-n', '-l', ...(options.detail ? ['-D'] : []), '-G', '-P', '-R', '-f', file, '-p', path.join(dir, 'k.pid'), '-r', path.join(dir, 'vrrp.pid'), '-c', path.join(dir, 'c.pid')]
      : [vipctlBin, 'vrrp', 'run', '-f', file, '--control-socket', path.join(dir, 'ctl', 'vrrp.sock')];
  // `ip netns exec` execs the daemon (vipctl as its systemd unit runs it: the command, whose first
  // line execs env, which execs node): the child's pid is the daemon's.
  const process_ = watched(spawn('ip', ['netns', 'exec', namespace, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
  const kill = () => {
    for (const pid of [readPid('vrrp.pid'), process_.child.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  };
  undo.add(kill);
  const readPid = (name) => {
    try {
      return Number(readFileSync(path.join(dir, name), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  };
  return {
    kind,
    dir,
    socket: path.join(dir, 'ctl', 'vrrp.sock'),
    ...process_,
    vrrpPid: () => (kind === 'keepalived' ? readPid('vrrp.pid') : process_.child.pid),
    pids: () => [process_.child.pid, ...childrenOf(process_.child.pid)],
    async stop(signal = 'SIGKILL') {
      undo.delete(kill);
      if (process_.child.exitCode === null && process_.child.signalCode === null) {
        for (const pid of kind === 'keepalived' ? [readPid('vrrp.pid'), process_.child.pid] : [process_.child.pid]) {
          try {
            if (pid) process.kill(pid, signal);
          } catch {
            // Gone already.
          }
        }
        await Promise.race([process_.exited, sleep(5000)]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Direct children of a process (keepalived's VRRP and checker children). */
export function childrenOf(pid) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

const CLOCK_TICKS = Number(sh('getconf', ['CLK_TCK']).trim()) || 100;

/** CPU seconds (user + system) and resident memory (kB) of each pid, summed. */
export function usage(pids) {
  let cpu = 0;
  let rssKb = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields after the command: state is [0], so utime (14) and stime (15) are [11] and [12].
      cpu += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // Exited.
    }
  }
  return { cpu, rssKb };
}

/** Parses `ip -ts` timestamps ([2026-11-21T15:36:07.808324], local time) to wall ms. */
function monitorTime(text) {
  const [whole, fraction = '0'] = text.split('.');
  return new Date(whole).getTime() + Number(`0.${fraction}`) * 1000;
}

/**
 * A line-oriented child whose lines are parsed as they arrive: events is the array of parsed
 * events so far, and waitEvent(predicate) resolves with the first event (already seen or
 * still to come) that matches.
 */
function parsedLines(child, parse) {
  const base = watched(child);
  const events = [];
  const waiters = [];
  let partial = '';
  const stop = () => child.kill('SIGTERM');
  undo.add(stop);
  child.stdout.on('data', (chunk) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const event = parse(line);
      if (!event) continue;
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  return {
    ...base,
    events,
    waitEvent(what, predicate, timeoutMs = 20_000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (event) => (clearTimeout(timer), resolve(event)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    stop: () => {
      undo.delete(stop);
      child.kill('SIGTERM');
    },
  };
}

/**
 * tcpdump in a namespace with kernel timestamps (-tt), VRRP adverts and ARP, as events
 * { at (wall ms), kind: 'vrrp' | 'arp', source, destination?, priority?, target? }.
 */
export async function startCapture(namespace, ifname) {
  const child = spawn('ip', ['netns', 'exec', namespace, 'tcpdump', '-i', ifname, '--immediate-mode', '-tt', '-l', '-nn', 'ip proto 112 or arp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const capture = parsedLines(child, (line) => {
    const vrrp = /^(\d+\.\d+) IP (\S+) > (\S+): VRRPv\d, Advertisement, .*?prio (\d+)/.exec(line);
    if (vrrp) return { at: Number(vrrp[1]) * 1000, kind: 'vrrp', source: vrrp[2], destination: vrrp[3], priority: Number(vrrp[4]) };
    const arp = /^(\d+\.\d+) ARP, .*?Request who-has (\S+)(?: \([^)]*\))? tell ([^,\s]+)/.exec(line);
    if (arp) return { at: Number(arp[1]) * 1000, kind: 'arp', target: arp[2], source: arp[3] };
    return undefined;
  });
  await capture.waitFor(/listening on/);
  return capture;
}

/** `ip -ts monitor address` in a namespace, as events { at, added, ifname, address }. */
export async function startAddressMonitor(namespace) {
  const child = spawn('ip', ['-n', namespace, '-ts', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const monitor = parsedLines(child, (line) => {
    const match = /^\[([^\]]+)\] (Deleted )?\d+: (\S+)\s+inet6? (\S+)/.exec(line);
    return match ? { at: monitorTime(match[1]), added: !match[2], ifname: match[3], address: match[4] } : undefined;
  });
  // ip monitor prints nothing when it is ready: give it a moment to subscribe.
  await sleep(200);
  return monitor;
}

/** `ip -o addr show dev IFNAME` in the namespace. */
export function addressText(namespace, ifname) {
  return sh('ip', ['-n', namespace, '-o', 'addr', 'show', 'dev', ifname]);
}

/** Does the namespace's interface hold this address (CIDR)? */
export function holds(namespace, ifname, cidr) {
  return addressText(namespace, ifname).includes(` ${cidr} `);
}

export async function until(what, check, timeoutMs = 20_000, everyMs = 20) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
