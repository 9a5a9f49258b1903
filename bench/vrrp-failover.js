// VRRP failover and steady-state cost: keepalived 2.2.7 and `vipctl vrrp run` in the same
// run, the same topology (a master and a backup of the same implementation, over a veth pair
// between two fresh namespaces). Root only; nothing outside the namespaces it creates.
//
// Part 1, failover, for VRRPv2 advert_int 1 and VRRPv3 advert_int 0.1: the master (priority
// 200) is SIGKILLed right after one of its adverts, and the backup (priority 100) takes over.
// Timed on one wall clock: the master's last advert and the backup's first advert and first
// gratuitous ARP as a tcpdump on the master's side of the veth stamps them, the VIP's arrival
// on the backup as `ip -ts monitor address` prints it, and the SIGKILL. The backup's timer
// runs from the last advert it heard, so "last advert -> VIP" is what compares with the
// protocol's Master_Down_Interval (target: vipctl within 5 ms of it, and no slower than
// keepalived). The killed master then returns, preempts, and the next repetition starts.
//
// Part 2, steady-state cost of 100 instances (VRIDs 1-100 on one veth, VRRPv3 advert_int
// 0.1): CPU time (user + system, /proc/PID/stat) over 10 s and resident memory (VmRSS,
// /proc/PID/status; keepalived: its processes summed) as MASTER (alone), and as BACKUP
// under adverts from a keepalived master. Target: vipctl no more than keepalived.
// Two windows each: one 1.5 s after start-up, and one after VRRP_BENCH_SETTLE seconds. The
// steady state of a daemon that runs for months is the second: in the first, a JIT runtime
// is still compiling its hot paths (and collecting the garbage of start-up), which costs
// vipctl several times its steady CPU once, while keepalived, compiled ahead, has no such
// phase. Both are printed; the targets are judged on the settled window. Memory is shown as
// VmRSS (the target) and RssAnon, the process's own anonymous memory: VmRSS also counts the
// pages of the executable and shared libraries it has touched (Node's binary alone is
// ~40 MB of them). A bare `node -e 'setInterval(()=>{},1e3)'` is measured alongside as
// Node's floor.
//
//   node bench/vrrp-failover.js                 both parts
//   BENCH_RUNS=7 node bench/vrrp-failover.js    repetitions per failover case (default 5)
//   VRRP_BENCH_PARTS=failover|load              one part only
//   VRRP_BENCH_VERSIONS=3                       failover for one protocol only (2 or 3)
//   VRRP_BENCH_SECONDS=10                       each CPU window
//   VRRP_BENCH_SETTLE=20                        seconds after start-up before the settled window
//   VRRP_BENCH_SAMPLES=1                        every failover run's times too, not only the medians
// Needs the CLI bundle (npm run build) and keepalived, tcpdump, iproute2.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { median, printTable } from './lib/stats.js';
import { addressText, holds, labPair, sleep, startAddressMonitor, startCapture, startDaemon, until, usage, wallNow } from './lib/vrrp-lab.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const parts = (process.env.VRRP_BENCH_PARTS ?? 'failover,load').split(',');
const windowSeconds = Number(process.env.VRRP_BENCH_SECONDS ?? 10);
const settleSeconds = Number(process.env.VRRP_BENCH_SETTLE ?? 20);
const showSamples = process.env.VRRP_BENCH_SAMPLES === '1';
if (process.getuid?.() !== 0) {
  console.error('vrrp-failover: needs root (network namespaces, raw sockets)');
  process.exit(2);
}

const MASTER = { address: '192.0.2.1', ifname: 'veth0', priority: 200 };
const BACKUP = { address: '192.0.2.2', ifname: 'veth1', priority: 100 };
const VIP = '192.0.2.100/32';
const VIP_ADDRESS = VIP.split('/')[0];
const protocols = [
  { name: 'VRRPv2 advert_int 1', version: 2, interval: '1', intervalMs: 1000 },
  { name: 'VRRPv3 advert_int 0.1', version: 3, interval: '0.1', intervalMs: 100 },
].filter((p) => (process.env.VRRP_BENCH_VERSIONS ?? '2,3').split(',').includes(String(p.version)));

/** RFC 3768 / 5798: 3 x interval + Skew_Time, for the backup's priority. */
function masterDownMs(protocol, priority) {
  const skew = ((256 - priority) * (protocol.version === 2 ? 1000 : protocol.intervalMs)) / 256;
  return 3 * protocol.intervalMs + skew;
}

function instance({ name, ifname, vrid, priority, version, interval, vip }) {
  return `vrrp_instance ${name} {
  state BACKUP
  interface ${ifname}
  virtual_router_id ${vrid}
  priority ${priority}
  advert_int ${interval}
  version ${version}
  virtual_ipaddress {
    ${vip}
  }
}
`;
}

const failoverConfig = (protocol, side) =>
  instance({ name: 'VI_1', ifname: side.ifname, vrid: 51, priority: side.priority, version: protocol.version, interval: protocol.interval, vip: VIP });

/** One failover case: `runs` SIGKILLs of the master, each measured; the master returns in between. */
async function failover(kind, protocol) {
  const lab = labPair();
  const capture = await startCapture(lab.a, MASTER.ifname);
  const monitor = await startAddressMonitor(lab.b);
  const daemons = [];
  const start = (ns, side) => {
    const daemon = startDaemon(kind, ns, failoverConfig(protocol, side));
    daemons.push(daemon);
    return daemon;
  };
  const samples = [];
  try {
    let master = start(lab.a, MASTER);
    start(lab.b, BACKUP);
    const masterAdverts = () => capture.events.filter((e) => e.kind === 'vrrp' && e.source === MASTER.address && e.priority === MASTER.priority);
    for (let run = 0; run < runs; run++) {
      // Steady state: the VIP on the master only, then three more of its adverts.
      await until('the master alone to hold the VIP', () => holds(lab.a, MASTER.ifname, VIP) && !holds(lab.b, BACKUP.ifname, VIP), 30_000, 50);
      const seen = masterAdverts().length;
      await capture.waitEvent('three more master adverts', () => masterAdverts().length >= seen + 3, 10 * protocol.intervalMs + 5000);
      // SIGKILL right after an advert, so the kill falls where a crash hurts most.
      const before = masterAdverts().length;
      await capture.waitEvent('a master advert', () => masterAdverts().length > before, 3 * protocol.intervalMs + 5000);
      const pid = master.vrrpPid();
      const killedAt = wallNow();
      process.kill(pid, 'SIGKILL');
      const vip = await monitor.waitEvent('the VIP on the backup', (e) => e.added && e.ifname === BACKUP.ifname && e.address === VIP && e.at > killedAt - 1, 20_000);
      const garp = await capture.waitEvent('the backup\'s gratuitous ARP', (e) => e.kind === 'arp' && e.target === VIP_ADDRESS && e.at > killedAt, 20_000);
      const advert = await capture.waitEvent('the backup\'s first advert', (e) => e.kind === 'vrrp' && e.source === BACKUP.address && e.at > killedAt, 20_000);
      const last = masterAdverts().filter((e) => e.at < advert.at).at(-1);
      samples.push({
        lastToVip: vip.at - last.at,
        lastToGarp: garp.at - last.at,
        lastToAdvert: advert.at - last.at,
        killToVip: vip.at - killedAt,
        killToGarp: garp.at - killedAt,
        killAfterLast: killedAt - last.at,
      });
      if (showSamples) {
        const s = samples.at(-1);
        console.log(`    ${kind} run ${run + 1}: last->VIP ${s.lastToVip.toFixed(2)}  last->GARP ${s.lastToGarp.toFixed(2)}  last->adv ${s.lastToAdvert.toFixed(2)}  kill after last ${s.killAfterLast.toFixed(2)}`);
      }
      // The crashed master returns and preempts (both implementations remove the VIP it left).
      await master.stop();
      master = start(lab.a, MASTER);
    }
  } finally {
    for (const daemon of daemons) await daemon.stop();
    capture.stop();
    monitor.stop();
    lab.cleanup();
  }
  const pick = (key) => median(samples.map((s) => s[key]));
  return {
    lastToVip: pick('lastToVip'),
    lastToGarp: pick('lastToGarp'),
    lastToAdvert: pick('lastToAdvert'),
    killToVip: pick('killToVip'),
    killToGarp: pick('killToGarp'),
    killAfterLast: pick('killAfterLast'),
    spread: [Math.min(...samples.map((s) => s.lastToVip)), Math.max(...samples.map((s) => s.lastToVip))],
  };
}

const INSTANCES = 100;
function hundred(side) {
  const blocks = [];
  for (let vrid = 1; vrid <= INSTANCES; vrid++) {
    blocks.push(instance({ name: `VI_${vrid}`, ifname: side.ifname, vrid, priority: side.priority, version: 3, interval: '0.1', vip: `10.100.${vrid >> 8}.${vrid & 0xff}/32` }));
  }
  return blocks.join('');
}
const vipCount = (ns, ifname) => [...addressText(ns, ifname).matchAll(/ inet 10\.100\./g)].length;

/** Steady-state cost of 100 instances of `kind` as MASTER (alone) or BACKUP (under a keepalived master). */
async function load(kind, role) {
  const lab = labPair();
  const daemons = [];
  try {
    let measured;
    if (role === 'master') {
      measured = startDaemon(kind, lab.a, hundred(MASTER));
      daemons.push(measured);
      await until(`${INSTANCES} VIPs on the master`, () => vipCount(lab.a, MASTER.ifname) === INSTANCES, 60_000, 200);
    } else {
      const peer = startDaemon('keepalived', lab.a, hundred(MASTER));
      daemons.push(peer);
      await until(`${INSTANCES} VIPs on the keepalived master`, () => vipCount(lab.a, MASTER.ifname) === INSTANCES, 60_000, 200);
      measured = startDaemon(kind, lab.b, hundred(BACKUP));
      daemons.push(measured);
      // Started and listening: keepalived says BACKUP for every instance, vipctl says it is running.
      const ready = () => (kind === 'keepalived' ? [...measured.output().matchAll(/Entering BACKUP STATE/g)].length >= INSTANCES : /running/.test(measured.output()));
      await until('the backup to start', ready, 60_000, 100);
    }
    const readyAt = wallNow();
    await sleep(1500);
    const pids = measured.pids();
    const early = await cpuWindow(pids);
    await sleep(Math.max(0, readyAt + settleSeconds * 1000 - wallNow()));
    const settled = await cpuWindow(pids);
    // The roles held throughout: every VIP where it belongs.
    const masterVips = vipCount(lab.a, MASTER.ifname);
    const backupVips = role === 'backup' ? vipCount(lab.b, BACKUP.ifname) : 0;
    return { early, settled, processes: pids.length, healthy: masterVips === INSTANCES && backupVips === 0, masterVips, backupVips };
  } finally {
    for (const daemon of daemons) await daemon.stop();
    lab.cleanup();
  }
}

/** CPU % over one window, and memory at its end (VmRSS and RssAnon, MB, summed over pids). */
async function cpuWindow(pids) {
  const before = usage(pids);
  const started = wallNow();
  await sleep(windowSeconds * 1000);
  const after = usage(pids);
  const seconds = (wallNow() - started) / 1000;
  return { cpuPercent: ((after.cpu - before.cpu) / seconds) * 100, rssMb: after.rssKb / 1024, anonMb: anonKb(pids) / 1024 };
}

function anonKb(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += Number(/RssAnon:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Exited.
    }
  }
  return total;
}

/** Node's own floor: a bare `node -e 'setInterval(()=>{},1e3)'`, 1.5 s after it started. */
async function bareNode() {
  const child = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e3)'], { stdio: 'ignore' });
  try {
    await sleep(1500);
    return { rssMb: usage([child.pid]).rssKb / 1024, anonMb: anonKb([child.pid]) / 1024 };
  } finally {
    child.kill('SIGKILL');
  }
}

const f = (n, digits = 1) => n.toFixed(digits).padStart(9);
const signed = (ms) => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)} ms`;

if (parts.includes('failover')) {
  console.log(`failover: master SIGKILLed right after an advert, backup priority 100; median of ${runs} runs, ms`);
  console.log(`  ${'case'.padEnd(34)} ${'MDI'.padStart(9)} ${'last->VIP'.padStart(9)} ${'last->GARP'.padStart(10)} ${'last->adv'.padStart(9)} ${'kill->VIP'.padStart(9)} ${'kill->GARP'.padStart(10)}  (last->VIP min..max)`);
  const rows = [];
  for (const protocol of protocols) {
    const mdi = masterDownMs(protocol, BACKUP.priority);
    const results = {};
    for (const kind of ['keepalived', 'vipctl']) {
      const r = await failover(kind, protocol);
      results[kind] = r;
      console.log(
        `  ${`${protocol.name}, ${kind}`.padEnd(34)} ${f(mdi)} ${f(r.lastToVip)} ${f(r.lastToGarp).padStart(10)} ${f(r.lastToAdvert)} ${f(r.killToVip)} ${f(r.killToGarp).padStart(10)}  (${r.spread[0].toFixed(1)}..${r.spread[1].toFixed(1)})`,
      );
    }
    const ours = results.vipctl;
    const theirs = results.keepalived;
    rows.push(
      { name: `${protocol.name}: Master_Down_Interval`, ms: mdi, ratio: 1 },
      { name: `  keepalived last advert -> VIP`, ms: theirs.lastToVip, ratio: theirs.lastToVip / mdi },
      {
        name: `  vipctl last advert -> VIP (vs MDI)`,
        ms: ours.lastToVip,
        ratio: ours.lastToVip / mdi,
        target: 5,
        targetText: 'within 5 ms of MDI',
        met: Math.abs(ours.lastToVip - mdi) <= 5,
      },
      { name: `  vipctl last->VIP (${signed(ours.lastToVip - theirs.lastToVip)} vs ka)`, ms: ours.lastToVip, ratio: ours.lastToVip / theirs.lastToVip, target: 1 },
      { name: `  vipctl kill->GARP (${signed(ours.killToGarp - theirs.killToGarp)} vs ka)`, ms: ours.killToGarp, ratio: ours.killToGarp / theirs.killToGarp, target: 1 },
    );
  }
  printTable('failover summary (ratio column: against MDI, or vipctl / keepalived)', rows);
}

if (parts.includes('load')) {
  console.log(`\nsteady state, ${INSTANCES} instances, VRRPv3 advert_int 0.1, ${windowSeconds} s windows: 1.5 s after start-up, and settled (${settleSeconds} s after)`);
  const rows = [];
  for (const role of ['master', 'backup']) {
    const results = {};
    for (const kind of ['keepalived', 'vipctl']) {
      const r = await load(kind, role);
      results[kind] = r;
      console.log(
        `  ${`${role.toUpperCase()}, ${kind}`.padEnd(22)} CPU ${f(r.early.cpuPercent)} % at start-up, ${f(r.settled.cpuPercent)} % settled   RSS ${f(r.settled.rssMb)} MB (anon ${f(r.settled.anonMb)} MB)   processes ${r.processes}   ${r.healthy ? 'roles held' : `ROLES MOVED (master VIPs ${r.masterVips}, backup VIPs ${r.backupVips})`}`,
      );
    }
    for (const [what, pick, unit] of [
      ['CPU', (r) => r.settled.cpuPercent, '%'],
      ['CPU start-up', (r) => r.early.cpuPercent, '%'],
      ['RSS', (r) => r.settled.rssMb, 'MB'],
      ['RSS anon', (r) => r.settled.anonMb, 'MB'],
    ]) {
      const ours = pick(results.vipctl);
      const theirs = pick(results.keepalived);
      const ratio = ours / Math.max(theirs, 0.01);
      const judged = what === 'CPU' || what === 'RSS';
      rows.push(`  ${`${role.toUpperCase()} ${what}`.padEnd(20)} vipctl ${f(ours)} ${unit.padEnd(2)}  keepalived ${f(theirs)} ${unit.padEnd(2)}  ratio ${ratio.toFixed(2).padStart(7)}  ${judged ? `target <= 1: ${ratio <= 1 ? 'ok' : 'MISSED'}` : '(shown, not a target)'}`);
    }
  }
  const bare = await bareNode();
  console.log('\nsteady-state summary (vipctl / keepalived; settled window)');
  for (const row of rows) console.log(row);
  console.log(`  Node's floor: a bare \`node -e 'setInterval(()=>{},1e3)'\` has RSS ${bare.rssMb.toFixed(1)} MB (anon ${bare.anonMb.toFixed(1)} MB)`);
}
