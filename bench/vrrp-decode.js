// VRRP decoding speed: one million VRRP packets (built with vipctl's own encoder, written as
// pcap) decoded with text output to /dev/null by `vipctl vrrp sniff -r` and by
// `tcpdump -nn -v -r`, in the same run. Target: vipctl faster than tcpdump (ratio < 1.0).
//   node bench/vrrp-decode.js [PACKETS] [RUNS]
// Needs the compiled tree (npx tsc) and the CLI bundle (node scripts/build-cli.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './lib/stats.js';
import { writeVrrpCapture } from './lib/vrrp-capture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packets = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-bench-vrrp-'));
const file = path.join(dir, 'vrrp.pcap');

function timed(command, args) {
  const devnull = openSync('/dev/null', 'w');
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', devnull, 'pipe'], maxBuffer: 1 << 24 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0 && result.status !== 1) {
      throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    }
    return ms;
  } finally {
    closeSync(devnull);
  }
}

try {
  const built = performance.now();
  writeVrrpCapture(file, packets);
  console.log(`capture: ${packets} VRRP packets (v2 none/PASS/AH, v3 IPv4/IPv6), ${(statSync(file).size / 1e6).toFixed(1)} MB, built in ${((performance.now() - built) / 1000).toFixed(1)} s`);
  const vipctl = [path.join(root, 'bin', 'run.js'), 'vrrp', 'sniff', '-r', file];
  const ours = [];
  const oursVerbose = [];
  const oursJson = [];
  const theirs = [];
  // Interleaved so that machine noise hits all alike.
  for (let i = 0; i < runs; i++) {
    theirs.push(timed('tcpdump', ['-nn', '-v', '-r', file]));
    ours.push(timed(process.execPath, vipctl));
    oursVerbose.push(timed(process.execPath, [...vipctl, '-v']));
    oursJson.push(timed(process.execPath, [...vipctl, '--json']));
  }
  const tcpdumpMs = median(theirs);
  const vipctlMs = median(ours);
  const verboseMs = median(oursVerbose);
  const jsonMs = median(oursJson);
  printTable(`vrrp decode, ${packets} packets, output to /dev/null, median of ${runs}`, [
    { name: 'tcpdump -nn -v -r FILE', ms: tcpdumpMs, ratio: 1 },
    { name: 'vipctl vrrp sniff -r FILE', ms: vipctlMs, ratio: vipctlMs / tcpdumpMs, target: 1.0, targetText: '< 1.0', met: vipctlMs < tcpdumpMs },
    // -v prints the IPv4 id, which changes with every advert, so repeated adverts are decoded afresh.
    { name: 'vipctl vrrp sniff -r FILE -v', ms: verboseMs, ratio: verboseMs / tcpdumpMs },
    { name: 'vipctl vrrp sniff -r FILE --json', ms: jsonMs, ratio: jsonMs / tcpdumpMs },
  ]);
  console.log(`ratio vipctl/tcpdump: ${(vipctlMs / tcpdumpMs).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
