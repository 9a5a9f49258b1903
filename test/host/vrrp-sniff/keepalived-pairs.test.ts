// Real keepalived 2.2.7 on both ends of a veth pair, with one VRID per form and per mismatch:
//   10 v2 none, 11 v2 PASS, 12 v2 AH, 13 v3 IPv4 (0.5 s), 14 v3 IPv6, 15 v2 unicast  (healthy)
//   20 version mismatch (v2 / v3), 21 auth mismatch (PASS), 22 interval mismatch (v2 2 s / 1 s)
// While they run, `vipctl vrrp sniff` (live, --json, on veth0; and -i any -w) and tcpdump -w
// capture in namespace a. Then: every field we decode equals tcpdump -nn -v's reading of the
// same capture, the live sniffer saw every advert tcpdump saw, and split brain is reported for
// exactly VRIDs 20-22.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { compareReadings, ourReading, tcpdumpReading, type Reading } from '../../unit/vrrp/tcpdump-reading.js';
import { clockText } from '../../../src/vrrp/text.js';
import { config, ndjson, runIn, sleep, sniff, type InstanceOptions, type NdjsonLine, type Running } from './support.js';

const HEALTHY = [10, 11, 12, 13, 14, 15];

/** An NDJSON time (UTC, microseconds) as tcpdump prints it: local HH:MM:SS.uuuuuu. */
function localClock(iso: string): string {
  return clockText(Math.floor(Date.parse(iso) / 1000), Number(iso.slice(20, 26)) * 1000);
}
const MISMATCHED = [20, 21, 22];

function instances(side: 'a' | 'b', ifname: string, which: 'healthy' | 'mismatched'): InstanceOptions[] {
  const master = side === 'a';
  const base = { interfaceName: ifname, state: master ? ('MASTER' as const) : ('BACKUP' as const), priority: master ? 150 : 100 };
  const all: InstanceOptions[] = [
    { ...base, vrid: 10, vips: ['10.9.10.1/32'] },
    { ...base, vrid: 11, vips: ['10.9.11.1/32'], auth: { type: 'PASS', pass: 'pass1111' } },
    { ...base, vrid: 12, vips: ['10.9.12.1/32'], auth: { type: 'AH', pass: 'ahpass' } },
    { ...base, vrid: 13, vips: ['10.9.13.1/32'], version: 3, advertInt: 0.5 },
    { ...base, vrid: 14, vips: ['fd00::14/128'], version: 3 },
    { ...base, vrid: 15, vips: ['10.9.15.1/32'], unicast: master ? { source: '10.9.0.1', peer: '10.9.0.2' } : { source: '10.9.0.2', peer: '10.9.0.1' } },
    { ...base, vrid: 20, vips: ['10.9.20.1/32'], version: master ? 2 : 3 },
    { ...base, vrid: 21, vips: ['10.9.21.1/32'], auth: { type: 'PASS', pass: master ? 'aaaa' : 'bbbb' } },
    { ...base, vrid: 22, vips: ['10.9.22.1/32'], advertInt: master ? 2 : 1 },
  ];
  return all.filter((i) => (which === 'healthy' ? HEALTHY : MISMATCHED).includes(i.vrid));
}

interface Summary {
  type: 'summary';
  splitBrain: boolean;
  vrids: Array<{ vrid: number; family: string; masters: string[]; anomalies: Array<{ kind: string; routers: string[] }> }>;
}

describe('vrrp sniff against keepalived pairs', () => {
  // Two pairs side by side: the healthy VRIDs, and the mismatched ones (kept apart so that the
  // healthy pair shows keepalived's normal behaviour, undisturbed).
  let healthy: NamespacePair | undefined;
  let mismatched: NamespacePair | undefined;
  let dir = '';
  const keepaliveds: Keepalived[] = [];
  let tcpdump: Running | undefined;
  let tcpdumpMismatched: Running | undefined;
  let live: Running | undefined;
  let liveMismatched: Running | undefined;
  let any: Running | undefined;
  let liveStatus: number | null = null;
  let mismatchedStatus: number | null = null;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vipctl-sniff-'));
    healthy = namespacePair({ addressA: ['10.9.0.1/24'], addressB: ['10.9.0.2/24'], prefix: 'vs' });
    mismatched = namespacePair({ addressA: ['10.9.0.1/24'], addressB: ['10.9.0.2/24'], prefix: 'vm' });
    const filter = 'proto 112 or proto 51 or (ip6 and proto 112)';
    tcpdump = runIn(healthy.a, 'tcpdump', ['-i', healthy.ifA, '-U', '-w', path.join(dir, 'tcpdump.pcap'), filter]);
    tcpdumpMismatched = runIn(mismatched.a, 'tcpdump', ['-i', mismatched.ifA, '-U', '-w', path.join(dir, 'mismatched.pcap'), filter]);
    live = sniff(healthy.a, ['-i', healthy.ifA, '--json']);
    any = sniff(healthy.a, ['-i', 'any', '-w', path.join(dir, 'any.pcap'), '--json']);
    // -p: all-multicast membership instead of promiscuous mode; VRRP's group still arrives.
    liveMismatched = sniff(mismatched.a, ['-i', mismatched.ifA, '-p', '--json']);
    await Promise.all([tcpdump, tcpdumpMismatched, live, any, liveMismatched].map((p) => p.waitFor(/listening on/)));
    for (const [pair, which] of [[healthy, 'healthy'], [mismatched, 'mismatched']] as const) {
      keepaliveds.push(await startKeepalived(pair.a, config('A', instances('a', pair.ifA, which)), `sniff-${which}-a`));
      keepaliveds.push(await startKeepalived(pair.b, config('B', instances('b', pair.ifB, which)), `sniff-${which}-b`));
    }
    // Long enough for VRID 22 (A waits 3 x 2 s before it advertises) to overlap three times.
    await sleep(17_000);
    // SIGTERM: each master sends its priority-0 advert, which the captures should hold too.
    await Promise.all(keepaliveds.map((k) => k.stop('SIGTERM')));
    await sleep(700);
    liveStatus = await live.stop('SIGINT');
    mismatchedStatus = await liveMismatched.stop('SIGINT');
    await any.stop('SIGINT');
    await tcpdump.stop('SIGINT');
    await tcpdumpMismatched.stop('SIGINT');
  });

  after(async () => {
    await Promise.all(keepaliveds.map((k) => k.stop('SIGKILL')));
    for (const process of [live, any, liveMismatched, tcpdump, tcpdumpMismatched]) await process?.stop('SIGKILL');
    healthy?.cleanup();
    mismatched?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every field we decode from the capture equals tcpdump -nn -v\'s reading', (t) => {
    const file = path.join(dir, 'tcpdump.pcap');
    const theirs = tcpdumpReading(file);
    const fields = compareReadings(ourReading(file), theirs);
    t.diagnostic(`${theirs.length} packets, ${fields} fields compared, all equal`);
    // Every form is in there.
    const has = (f: (r: Reading) => boolean, what: string): void => assert.ok(theirs.some(f), `no ${what} in the capture`);
    has((r) => r.version === 2 && r.authType === 'none' && r.vrid === 10, 'v2 none');
    has((r) => r.auth === 'pass1111', 'v2 PASS');
    has((r) => r.ah !== undefined && r.vrid === 12, 'v2 AH');
    has((r) => r.version === 3 && r.family === 'ipv4', 'v3 IPv4');
    has((r) => r.version === 3 && r.family === 'ipv6', 'v3 IPv6');
    has((r) => r.vrid === 15 && r.dst !== '224.0.0.18', 'unicast');
    has((r) => r.priority === 0, 'priority 0');
  });

  it('the live sniffer decoded every advert tcpdump captured, with the same values', (t) => {
    const packets = ndjson(live?.stdout() ?? '').filter((l) => l.type === 'packet');
    const theirs = ourReading(path.join(dir, 'tcpdump.pcap'));
    const key = (src: unknown, dst: unknown, vrid: unknown, priority: unknown, version: unknown): string => `${String(src)} ${String(dst)} ${String(vrid)} ${String(priority)} v${String(version)}`;
    const mine = packets.map((p) => key(p.src, p.dst, p.vrid, p.priority, p.version));
    const expected = theirs.map((r) => key(r.src, r.dst, r.vrid, r.priority, r.version));
    t.diagnostic(`${mine.length} adverts decoded live, ${expected.length} in tcpdump's capture`);
    // The kernel's BPF filter let nothing but VRRP through (IGMP, ARP and neighbour discovery
    // were on the wire too), and dropped nothing.
    const summary = ndjson(live?.stdout() ?? '').at(-1) as unknown as { skipped: number; packets: number; kernel: { received: number; dropped: number } };
    assert.equal(summary.skipped, 0);
    assert.deepEqual(summary.kernel, { received: summary.packets, dropped: 0 });
    // Two sockets may see packets sent within microseconds of each other in either order. The
    // kernel stamps each packet once (SO_TIMESTAMPNS here, libpcap's own way in tcpdump): the
    // times agree to the microsecond.
    const timed = (times: string[], keys: string[]): string[] => keys.map((k, i) => `${times[i]} ${k}`).sort();
    assert.deepEqual(
      timed(packets.map((p) => localClock(String(p.time))), mine),
      timed(theirs.map((r) => r.time), expected),
    );
    for (const p of packets) {
      assert.deepEqual(p.problems, [], `problems in ${JSON.stringify(p)}`);
      assert.equal(p.checksum, 'valid');
      assert.equal(p.ttl, 255);
      if (p.version === 3 && p.src !== undefined && String(p.src).includes('.')) assert.equal(p.checksumForm, 'pseudo-header');
    }
  });

  it('split brain in exactly the mismatch cases, never in the healthy ones', () => {
    const lines = [...ndjson(live?.stdout() ?? ''), ...ndjson(liveMismatched?.stdout() ?? '')];
    const summaries = lines.filter((l) => l.type === 'summary') as unknown as Summary[];
    assert.equal(summaries.length, 2);
    const vrids = summaries.flatMap((s) => s.vrids);
    const splitVrids = vrids.filter((g) => g.anomalies.some((a) => a.kind === 'split-brain')).map((g) => g.vrid);
    assert.deepEqual(splitVrids.sort((x, y) => x - y), MISMATCHED);
    for (const vrid of [...HEALTHY, ...MISMATCHED]) assert.ok(vrids.some((g) => g.vrid === vrid), `VRID ${vrid} was seen`);
    const kinds = (vrid: number): string[] => vrids.find((g) => g.vrid === vrid)?.anomalies.map((a) => a.kind) ?? [];
    assert.ok(kinds(20).includes('version-mismatch'));
    assert.ok(kinds(21).includes('auth-mismatch'));
    assert.ok(kinds(22).includes('interval-mismatch'));
    for (const vrid of HEALTHY) {
      assert.ok(!kinds(vrid).some((k) => k.endsWith('-mismatch')), `no mismatch in VRID ${vrid}: ${kinds(vrid).join(', ')}`);
    }
    // As it happened, too: the events name the mismatched VRIDs only.
    const events = lines.filter((l: NdjsonLine) => l.type === 'event' && l.kind === 'split-brain').map((l) => l.vrid as number);
    assert.deepEqual([...new Set(events)].sort((x, y) => x - y), MISMATCHED);
    assert.deepEqual(summaries.map((s) => s.splitBrain), [false, true]);
    assert.equal(liveStatus, 0, 'exit status 0: healthy');
    assert.equal(mismatchedStatus, 1, 'exit status 1: a split brain was seen');
  });

  it('the mismatched pair\'s capture decodes field by field as tcpdump reads it', (t) => {
    const file = path.join(dir, 'mismatched.pcap');
    const theirs = tcpdumpReading(file);
    const fields = compareReadings(ourReading(file), theirs);
    t.diagnostic(`${theirs.length} packets, ${fields} fields compared, all equal`);
  });

  it('-i any wrote a Linux cooked capture that tcpdump reads the same way we do', (t) => {
    const file = path.join(dir, 'any.pcap');
    const theirs = tcpdumpReading(file);
    const fields = compareReadings(ourReading(file), theirs);
    t.diagnostic(`${theirs.length} packets, ${fields} fields compared, all equal`);
    assert.equal(theirs.length, ourReading(path.join(dir, 'tcpdump.pcap')).length);
  });
});
