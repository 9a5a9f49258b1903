// Runs every benchmark under bench/ and prints its table. Each benchmark runs the
// reference tool side by side with vipctl in the same run and prints ratios; none is a
// test assertion (these machines are noisy).
//   node bench/run.js            all benchmarks
//   node bench/run.js startup    only the named ones
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const benchmarks = {
  startup: 'startup.js',
  'config-lint': 'config-lint.js',
  'vrrp-decode': 'vrrp-decode.js',
  ipvs: 'ipvs.js',
  failover: 'vrrp-failover.js',
};
const wanted = process.argv.slice(2);
let failed = false;
for (const [name, file] of Object.entries(benchmarks)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const script = path.join(here, file);
  if (!existsSync(script)) {
    console.log(`\n${name}: not written yet (${file})`);
    continue;
  }
  console.log(`\n=== ${name}`);
  const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.log(`${name}: exited ${result.status}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
