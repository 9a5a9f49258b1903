// `vipctl config lint` against `keepalived -t` on the same generated ~150,000-line file, in the
// same run, alternating, median of BENCH_RUNS runs (default 5). keepalived runs hermetically in a
// network namespace with an eth0 (root), or with `unshare -rn` when not root.
// Target: ratio <= 1.0 (lint no slower than keepalived -t). Exports nothing: run it as a script
// (node bench/config-lint.js; BENCH_RUNS and BENCH_LINES change the run count and file size).
// Afterwards, unless BENCH_PHASES=0, where lint's time goes on the same file: main-thread CPU per
// phase in fresh processes (bench/lib/config-phases.js, from dist/src), apart from the timed runs.
// Lint runs as users run it: the command itself (bin/run.js, through its first line, as npm
// installs it). When NODE_EXTRA_CA_CERTS is set (sandboxes and corporate proxies set it), Node
// loads that CA bundle before running any code (here `node -e 0`: 0.05-0.11 s with a 220 KB
// bundle, 0.03 s without); the command's first line starts Node without it (vipctl makes no TLS
// connection). A second row then times `node bin/run.js`, which bypasses that line and pays
// the load, in the same interleaved runs, to show what it costs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig } from './lib/config-generate.js';
import { median, printTable } from './lib/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);

function time(command, args, okStatuses, env = process.env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 28, env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okStatuses.includes(result.status)) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${(result.stderr ?? '').slice(0, 500)}`);
  return ms;
}

function ip(...args) {
  const result = spawnSync('ip', args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed`);
}

function benchConfigLint() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'vipctl-bench-lint-'));
  const namespace = `vbl${process.pid % 100000}`;
  const asRoot = process.getuid?.() === 0;
  try {
    const generated = generateConfig(Number(process.env.BENCH_LINES ?? 150000));
    const file = path.join(work, 'keepalived.conf');
    writeFileSync(file, generated.text, { mode: 0o600 });
    const pidArgs = ['-p', path.join(work, 'k.pid'), '-r', path.join(work, 'v.pid'), '-c', path.join(work, 'c.pid'), '-b', path.join(work, 'b.pid')];
    let keepalived;
    if (asRoot) {
      ip('netns', 'add', namespace);
      ip('-n', namespace, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
      ip('-n', namespace, 'link', 'set', 'eth0', 'up');
      keepalived = ['ip', ['netns', 'exec', namespace, 'keepalived', '-t', '-f', file, '-e', '-i', 'bench', ...pidArgs]];
    } else {
      keepalived = ['unshare', ['-rn', 'keepalived', '-t', '-f', file, '-e', '-i', 'bench', ...pidArgs]];
    }
    const command = path.join(root, 'bin', 'run.js');
    const lintArgs = ['config', 'lint', file, '--config-id', 'bench', '--format', 'json'];
    const reference = [];
    const ours = [];
    const throughNode = [];
    const caBundle = process.env.NODE_EXTRA_CA_CERTS;
    for (let i = 0; i < runs; i++) {
      // keepalived -t exits 0 on this file (when it can see eth0); lint exits 0 or 1 (warnings only -> 0).
      reference.push(time(keepalived[0], keepalived[1], asRoot ? [0] : [0, 5]));
      ours.push(time(command, lintArgs, [0]));
      if (caBundle) throughNode.push(time(process.execPath, [command, ...lintArgs], [0]));
    }
    const base = median(reference);
    const phases = [];
    if (process.env.BENCH_PHASES !== '0') {
      for (let i = 0; i < 3; i++) {
        const result = spawnSync(process.execPath, [path.join(root, 'bench', 'lib', 'config-phases.js'), file, 'bench'], { encoding: 'utf8' });
        if (result.status === 0) phases.push(result.stdout.trim());
      }
    }
    return {
      phases,
      lines: generated.lines,
      rows: [
        { name: `keepalived -t (${generated.lines} lines)`, ms: base, ratio: 1 },
        { name: `vipctl config lint (${generated.instances} inst, ${generated.services} vs)`, ms: median(ours), ratio: median(ours) / base, target: 1 },
        ...(caBundle ? [{ name: '  `node bin/run.js` (loads the CA bundle)', ms: median(throughNode), ratio: median(throughNode) / base }] : []),
      ],
      caBundle,
    };
  } finally {
    if (asRoot) spawnSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
    rmSync(work, { recursive: true, force: true });
  }
}

const result = benchConfigLint();
printTable(`config lint vs keepalived -t, median of ${runs} runs`, result.rows);
if (result.caBundle) console.log(`  (NODE_EXTRA_CA_CERTS=${result.caBundle} is set: the command starts Node without it; the last row shows what loading it costs)`);
if (result.phases.length > 0) console.log(`\nconfig lint phases, main-thread CPU ms, fresh processes (node bench/lib/config-phases.js):\n${result.phases.map((line) => `  ${line}`).join('\n')}`);
