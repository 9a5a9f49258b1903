// A forced failover: keepalived's VRRP process on the master is SIGKILLed, the backup takes
// over. `vipctl vrrp sniff` (live, on the backup's side) reports the takeover with the gap it
// measured, which must equal the gap between the same two packets in tcpdump's reading of its
// own capture, and reports no split brain.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { tcpdumpReading, type Reading } from '../../unit/vrrp/tcpdump-reading.js';
import { masterDownMs } from '../../../src/vrrp/diagnosis.js';
import { config, ndjson, runIn, sleep, sniff, type InstanceOptions, type Running } from './support.js';

const A = '10.9.0.1';
const B = '10.9.0.2';

function instances(side: 'a' | 'b', ifname: string): InstanceOptions[] {
  const master = side === 'a';
  const base = { interfaceName: ifname, state: master ? ('MASTER' as const) : ('BACKUP' as const), priority: master ? 150 : 100 };
  return [
    { ...base, vrid: 30, vips: ['10.9.30.1/32'] },
    { ...base, vrid: 31, vips: ['10.9.31.1/32'], version: 3 },
  ];
}

/** Microseconds since midnight of tcpdump's HH:MM:SS.uuuuuu. */
function micros(reading: Reading): number {
  const [h, m, s] = reading.time.split(':');
  const [whole, fraction] = (s ?? '0.0').split('.');
  return ((Number(h) * 60 + Number(m)) * 60 + Number(whole)) * 1e6 + Number(fraction);
}

interface Anomaly {
  kind: string;
  from?: string;
  to?: string;
  gapMs?: number;
  message: string;
}

describe('vrrp sniff during a forced failover', () => {
  let pair: NamespacePair | undefined;
  let dir = '';
  const keepaliveds: Keepalived[] = [];
  let tcpdump: Running | undefined;
  let live: Running | undefined;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vipctl-failover-'));
    pair = namespacePair({ addressA: [`${A}/24`], addressB: [`${B}/24`], prefix: 'vf' });
    tcpdump = runIn(pair.b, 'tcpdump', ['-i', pair.ifB, '-U', '-w', path.join(dir, 'failover.pcap'), 'proto 112']);
    live = sniff(pair.b, ['-i', pair.ifB, '--json']);
    await Promise.all([tcpdump.waitFor(/listening on/), live.waitFor(/listening on/)]);
    const master = await startKeepalived(pair.a, config('A', instances('a', pair.ifA)), 'failover-a');
    keepaliveds.push(master);
    keepaliveds.push(await startKeepalived(pair.b, config('B', instances('b', pair.ifB)), 'failover-b'));
    await master.waitFor(/\(VI_31\) Entering MASTER STATE/, 20_000);
    await sleep(3000);
    // SIGKILL the VRRP process itself: no priority-0 goodbye, the backup must time out. The
    // parent is stopped first (it would start a new VRRP child at once) and killed after.
    const parent = Number(readFileSync(path.join(master.dir, 'keepalived.pid'), 'utf8').trim());
    const pid = master.vrrpPid();
    assert.ok(parent && pid, 'keepalived wrote its pid files');
    process.kill(parent, 'SIGSTOP');
    process.kill(pid, 'SIGKILL');
    process.kill(parent, 'SIGKILL');
    await keepaliveds[1]?.waitFor(/\(VI_31\) Entering MASTER STATE/, 20_000);
    await sleep(3000);
    await Promise.all(keepaliveds.map((k) => k.stop('SIGTERM')));
    await sleep(500);
    await live.stop('SIGINT');
    await tcpdump.stop('SIGINT');
  });

  after(async () => {
    await Promise.all(keepaliveds.map((k) => k.stop('SIGKILL')));
    for (const process of [live, tcpdump]) await process?.stop('SIGKILL');
    pair?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports each takeover with the gap tcpdump\'s timestamps give, and no split brain', (t) => {
    const lines = ndjson(live?.stdout() ?? '');
    const summary = lines.at(-1) as unknown as { type: string; splitBrain: boolean; vrids: Array<{ vrid: number; masters: string[]; anomalies: Anomaly[] }> };
    assert.equal(summary.type, 'summary');
    assert.equal(summary.splitBrain, false);
    const readings = tcpdumpReading(path.join(dir, 'failover.pcap'));
    for (const vrid of [30, 31]) {
      const group = summary.vrids.find((g) => g.vrid === vrid);
      assert.ok(group, `VRID ${vrid} seen`);
      const takeovers = group.anomalies.filter((a) => a.kind === 'takeover');
      assert.equal(takeovers.length, 1, JSON.stringify(group.anomalies));
      const takeover = takeovers[0] as Anomaly;
      assert.equal(takeover.from, A);
      assert.equal(takeover.to, B);
      assert.match(takeover.message, /went quiet/);
      // The same two packets in tcpdump's reading: A's last advert and B's first.
      const ofVrid = readings.filter((r) => r.vrid === vrid && r.priority > 0);
      const lastA = ofVrid.filter((r) => r.src === A).at(-1);
      const firstB = ofVrid.find((r) => r.src === B);
      assert.ok(lastA && firstB);
      const tcpdumpGapMs = (micros(firstB) - micros(lastA)) / 1000;
      // Equal to the microsecond (times are kept as floating-point milliseconds since the epoch).
      assert.ok(Math.abs((takeover.gapMs ?? 0) - tcpdumpGapMs) <= 0.0015, `gap ${takeover.gapMs} ms, tcpdump ${tcpdumpGapMs} ms`);
      const formula = masterDownMs(vrid === 30 ? 2 : 3, 100, 100);
      t.diagnostic(`VRID ${vrid}: takeover gap ${takeover.gapMs} ms (tcpdump: ${tcpdumpGapMs} ms; Master_Down_Interval ${formula.toFixed(1)} ms)`);
      assert.ok(!group.anomalies.some((a) => a.kind === 'split-brain'));
    }
  });
});
