// Cold start of `vipctl --version` against `node -e 0`, run alternately in the same run so
// both see the same machine load. Prints medians and the ratio (target: <= 2.0).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { median, printTable } from './lib/stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 21);

function time(command, args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function benchStartup() {
  const node = [];
  const vipctl = [];
  const help = [];
  for (let i = 0; i < runs; i++) {
    node.push(time(process.execPath, ['-e', '0']));
    vipctl.push(time(process.execPath, [path.join(root, 'bin/run.js'), '--version']));
    help.push(time(process.execPath, [path.join(root, 'bin/run.js'), 'lb', 'info', '--help']));
  }
  const base = median(node);
  return [
    { name: 'node -e 0', ms: base, ratio: 1 },
    { name: 'vipctl --version', ms: median(vipctl), ratio: median(vipctl) / base, target: 2 },
    { name: 'vipctl lb info --help', ms: median(help), ratio: median(help) / base },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printTable(`cold start, median of ${runs} runs`, benchStartup());
}
