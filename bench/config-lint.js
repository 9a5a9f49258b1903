// `vipctl config lint` against `keepalived -t` on the same generated ~150,000-line file, in the
// same run, alternating, median of BENCH_RUNS runs (default 5). keepalived runs hermetically in a
// network namespace with an eth0 (root), or with `unshare -rn` when not root.
// Target: ratio <= 1.0 (lint no slower than keepalived -t). Exports nothing: run it as a script
// (node bench/config-lint.js; BENCH_RUNS and BENCH_LINES change the run count and file size).
// Afterwards, unless BENCH_PHASES=0, where lint's time goes on the same file: main-thread CPU per
// phase in fresh processes (bench/lib/config-phases.js, from dist/src), apart from the timed runs.
// When NODE_EXTRA_CA_CERTS is set (sandboxes and corporate proxies set it), every Node process
// loads that CA bundle before running any code (measured here: `node -e 0` 0.11 s with a 220 KB
// bundle, 0.03 s without), a cost of the environment that C tools do not pay. Lint is then timed
// both ways, in the same interleaved runs, and both rows are judged against the target.
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
    const lint = [process.execPath, [path.join(root, 'bin', 'run.js'), 'config', 'lint', file, '--config-id', 'bench', '--format', 'json']];
    const reference = [];
    const ours = [];
    const withoutCaBundle = [];
    const caBundle = process.env.NODE_EXTRA_CA_CERTS;
    const envWithoutCaBundle = { ...process.env };
    delete envWithoutCaBundle.NODE_EXTRA_CA_CERTS;
    for (let i = 0; i < runs; i++) {
      // keepalived -t exits 0 on this file (when it can see eth0); lint exits 0 or 1 (warnings only -> 0).
      reference.push(time(keepalived[0], keepalived[1], asRoot ? [0] : [0, 5]));
      ours.push(time(lint[0], lint[1], [0]));
      if (caBundle) withoutCaBundle.push(time(lint[0], lint[1], [0], envWithoutCaBundle));
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
        ...(caBundle ? [{ name: '  same, without NODE_EXTRA_CA_CERTS', ms: median(withoutCaBundle), ratio: median(withoutCaBundle) / base, target: 1 }] : []),
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
if (result.caBundle) console.log(`  (NODE_EXTRA_CA_CERTS=${result.caBundle} is set: every Node start loads it first; the second lint row runs without it)`);
if (result.phases.length > 0) console.log(`\nconfig lint phases, main-thread CPU ms, fresh processes (node bench/lib/config-phases.js):\n${result.phases.map((line) => `  ${line}`).join('\n')}`);
