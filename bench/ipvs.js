// IPVS benchmark: ipvsadm 1.31 and vipctl side by side in one user-mode Linux boot.
// For 1,000 and 10,000 services with 2 real servers each: restore (ipvsadm -R vs
// vipctl lb restore), list -n (ipvsadm -Ln vs vipctl lb list -n) and save -n
// (ipvsadm -S -n vs vipctl lb save -n). Each operation runs several times, the two
// tools interleaved, and the best time of each is kept (the machine is shared and noisy).
// The outputs are checked to be the same before any time counts.
//
// Every restore goes into an empty table of its own: a fresh network namespace (IPVS
// keeps one table per namespace). Restoring into a table just flushed would measure the
// kernel's "dest trash" instead: deleted real servers stay on a list for one to three
// minutes, and every real server added meanwhile walks that list, which adds seconds of
// kernel time to whichever tool comes next (IPVS_BENCH_MODE=flush measures that way).
// The listings and saves then read the table vipctl restored, in its namespace.
// A table is flushed as soon as it is no longer needed: in Linux 6.1 the service hash
// table is shared by all namespaces (each entry says whose it is), so another
// namespace's services lengthen every lookup, and /proc/net/ip_vs, read a page at a time,
// skips entries when other namespaces have services (vipctl then asks netlink for them).
//
// Two address layouts (IPVS_BENCH_LAYOUTS=spread,clustered): "spread" numbers the virtual
// services consecutively (10.0.x.y); "clustered" gives each its own /24 (10.a.b.1), which
// puts every service in one bucket of the kernel's 256-bucket service hash, so every
// lookup walks a chain of up to 10,000 services: the layout in which ipvsadm needs tens of
// seconds to restore 10,000 services and 11-15 s to list them, as measured for the issue.
//
//   node bench/ipvs.js            boots UML and runs the whole benchmark inside it
//   node bench/ipvs.js --inside   (used by the boot) runs the measurements
//   IPVS_BENCH_SIZES=1000 IPVS_BENCH_ROUNDS=3 IPVS_BENCH_LAYOUTS=spread node bench/ipvs.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizes = (process.env.IPVS_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const rounds = Number(process.env.IPVS_BENCH_ROUNDS ?? 3);
const layouts = (process.env.IPVS_BENCH_LAYOUTS ?? 'spread,clustered').split(',');
const mode = process.env.IPVS_BENCH_MODE === 'flush' ? 'flush' : 'fresh';

if (!process.argv.includes('--inside')) {
  const result = spawnSync(path.join(root, 'scripts', 'uml-run.sh'), ['--mem', '2G', '--', process.execPath, fileURLToPath(import.meta.url), '--inside'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      VIPCTL_IPVS_BENCH_SIZES: sizes.join(','),
      VIPCTL_IPVS_BENCH_ROUNDS: String(rounds),
      VIPCTL_IPVS_BENCH_LAYOUTS: layouts.join(','),
      VIPCTL_IPVS_BENCH_MODE: mode,
    },
  });
  process.exit(result.status ?? 1);
}

const insideSizes = (process.env.VIPCTL_IPVS_BENCH_SIZES ?? sizes.join(',')).split(',').map(Number);
const insideRounds = Number(process.env.VIPCTL_IPVS_BENCH_ROUNDS ?? rounds);
const insideLayouts = (process.env.VIPCTL_IPVS_BENCH_LAYOUTS ?? layouts.join(',')).split(',');
const insideMode = process.env.VIPCTL_IPVS_BENCH_MODE ?? mode;
const work = mkdtempSync(path.join(tmpdir(), 'vipctl-ipvs-bench-'));
const vipctl = [process.execPath, path.join(root, 'bin', 'run.js')];
const namespaces = [];

/** A fresh network namespace with loopback up (without it IPv4 real servers count as unroutable). */
function freshNamespace() {
  const name = `vipctl-bench-${process.pid}-${namespaces.length}`;
  for (const args of [['netns', 'add', name], ['-n', name, 'link', 'set', 'lo', 'up']]) {
    const result = spawnSync('ip', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`ip ${args.join(' ')}: ${result.stderr}`);
  }
  namespaces.push(name);
  return name;
}

/** argv run inside a namespace ('' = this one). */
const inside = (namespace, argv) => (namespace ? ['ip', 'netns', 'exec', namespace, ...argv] : argv);

/** Runs a command with stdin from a file (or nothing) and stdout to a file; returns seconds. */
function timed(argv, { input, output } = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(argv[0], argv.slice(1), {
    cwd: root,
    input: input ? readFileSync(input) : '',
    maxBuffer: 512 << 20,
    encoding: 'buffer',
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  if (output) writeFileSync(output, result.stdout);
  return seconds;
}

function rules(n, layout) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const vip = layout === 'clustered' ? `10.${Math.floor(i / 250)}.${i % 250}.1` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    lines.push(`-A -t ${vip}:80 -s rr`);
    lines.push(`-a -t ${vip}:80 -r 192.168.${(i >> 8) & 255}.${i & 255}:8080 -m -w 1`);
    lines.push(`-a -t ${vip}:80 -r 192.169.${(i >> 8) & 255}.${i & 255}:8080 -m -w 1`);
  }
  return `${lines.join('\n')}\n`;
}

/** An empty table for the next restore: a new namespace, or (flush mode) the flushed one. */
function emptyTable() {
  if (insideMode === 'flush') {
    timed(['ipvsadm', '-C']);
    return '';
  }
  return freshNamespace();
}

const rows = [];
try {
  for (const layout of insideLayouts) for (const n of insideSizes) {
    const file = path.join(work, `rules-${layout}-${n}.txt`);
    writeFileSync(file, rules(n, layout));
    const best = { restore: [Infinity, Infinity], list: [Infinity, Infinity], save: [Infinity, Infinity] };
    for (let round = 0; round < insideRounds; round++) {
      // Restore into an empty table, each tool in turn.
      const theirs = emptyTable();
      best.restore[0] = Math.min(best.restore[0], timed(inside(theirs, ['ipvsadm', '-R']), { input: file }));
      const referenceSave = path.join(work, 'ipvsadm.save');
      timed(inside(theirs, ['ipvsadm', '-S', '-n']), { output: referenceSave });
      if (theirs) timed(inside(theirs, ['ipvsadm', '-C']));
      const ours = emptyTable();
      best.restore[1] = Math.min(best.restore[1], timed(inside(ours, [...vipctl, 'lb', 'restore', file])));
      const ourSave = path.join(work, 'vipctl.save');
      timed(inside(ours, ['ipvsadm', '-S', '-n']), { output: ourSave });
      if (!readFileSync(ourSave).equals(readFileSync(referenceSave))) throw new Error('vipctl lb restore gave another table than ipvsadm -R');
      // List and save of the same table, interleaved.
      const a = path.join(work, 'a.txt');
      const b = path.join(work, 'b.txt');
      best.list[0] = Math.min(best.list[0], timed(inside(ours, ['ipvsadm', '-Ln']), { output: a }));
      best.list[1] = Math.min(best.list[1], timed(inside(ours, [...vipctl, 'lb', 'list', '-n']), { output: b }));
      if (!readFileSync(a).equals(readFileSync(b))) throw new Error('vipctl lb list -n differs from ipvsadm -Ln');
      best.save[0] = Math.min(best.save[0], timed(inside(ours, ['ipvsadm', '-S', '-n']), { output: a }));
      best.save[1] = Math.min(best.save[1], timed(inside(ours, [...vipctl, 'lb', 'save', '-n']), { output: b }));
      if (!readFileSync(a).equals(readFileSync(b))) throw new Error('vipctl lb save -n differs from ipvsadm -S -n');
      if (ours) timed(inside(ours, ['ipvsadm', '-C']));
    }
    for (const op of ['restore', 'list', 'save']) {
      const [reference, ours] = best[op];
      rows.push({ layout, size: n, op, ipvsadm: reference, vipctl: ours, ratio: reference / ours });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  spawnSync('ipvsadm', ['-C']);
  for (const name of namespaces) spawnSync('ip', ['netns', 'delete', name]);
}

const target = { restore: 10, list: 4, save: 4 };
console.log(
  `IPVS in user-mode Linux: best of ${insideRounds} rounds, seconds (services with 2 real servers each; ` +
    `restores into ${insideMode === 'flush' ? 'the table just flushed' : 'a fresh namespace each'})`,
);
console.log('layout     services  operation        ipvsadm    vipctl   ipvsadm/vipctl  target at 10,000');
for (const row of rows) {
  const op = { restore: 'restore (-R)', list: 'list -n (-Ln)', save: 'save -n (-S -n)' }[row.op];
  console.log(
    `${row.layout.padEnd(9)}  ${String(row.size).padStart(8)}  ${op.padEnd(15)} ${row.ipvsadm.toFixed(2).padStart(8)}  ${row.vipctl.toFixed(2).padStart(8)}  ${row.ratio.toFixed(1).padStart(13)}x  ${row.size === 10000 ? `>= ${target[row.op]}x ${row.ratio >= target[row.op] ? 'met' : 'NOT met'}` : ''}`,
  );
}
