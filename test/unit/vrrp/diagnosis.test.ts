// The diagnosis, driven by synthetic advert sequences with a virtual clock (milliseconds).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Diagnosis, MAX_ROUTERS, masterDownMs, type DiagnosisEvent, type Observation } from '../../../src/vrrp/diagnosis.js';

const A = '192.0.2.1';
const B = '192.0.2.2';

function advert(source: string, time: number, extra: Partial<Observation> = {}): Observation {
  return {
    time,
    source,
    family: 'ipv4',
    version: 2,
    vrid: 51,
    priority: source === A ? 150 : 100,
    interval: 100,
    authType: 0,
    authText: '',
    addresses: ['192.0.2.100'],
    ttl: 255,
    checksumValid: true,
    problems: [],
    ...extra,
  };
}

/** Adverts from `source` every `every` ms in [from, to). */
function series(source: string, from: number, to: number, every: number, extra: Partial<Observation> = {}): Observation[] {
  const out: Observation[] = [];
  for (let t = from; t < to; t += every) out.push(advert(source, t, extra));
  return out;
}

function run(observations: Observation[], now?: number): { events: DiagnosisEvent[]; summary: ReturnType<Diagnosis['summary']> } {
  const diagnosis = new Diagnosis();
  const events: DiagnosisEvent[] = [];
  for (const o of [...observations].sort((x, y) => x.time - y.time)) events.push(...diagnosis.observe(o));
  return { events, summary: diagnosis.summary(now) };
}

const kinds = (summary: ReturnType<Diagnosis['summary']>): string[] => summary.vrids.flatMap((g) => g.anomalies.map((a) => a.kind)).sort();

describe('diagnosis', () => {
  it('a healthy master: no anomalies, one master, rate matches the interval', () => {
    const { events, summary } = run(series(A, 0, 20_000, 1000));
    assert.deepEqual(kinds(summary), []);
    assert.deepEqual(events.map((e) => e.kind), ['master']);
    const group = summary.vrids[0];
    assert.ok(group);
    assert.deepEqual(group.masters, [A]);
    assert.equal(group.routers[0]?.adverts, 20);
    assert.equal(group.routers[0]?.measuredInterval, 100);
    assert.equal(summary.splitBrain, false);
  });

  it('the master dies: a takeover with the measured gap, no split brain', () => {
    const { summary } = run([...series(A, 0, 10_000, 1000), ...series(B, 9000 + 3610, 20_000, 1000)]);
    assert.deepEqual(kinds(summary), ['takeover']);
    const takeover = summary.vrids[0]?.anomalies[0];
    assert.equal(takeover?.from, A);
    assert.equal(takeover?.to, B);
    assert.equal(takeover?.gapMs, 3610);
    assert.match(takeover?.message ?? '', /went quiet/);
    assert.deepEqual(summary.vrids[0]?.masters, [B]);
    assert.deepEqual(summary.vrids[0]?.backups, [A]);
  });

  it('deaf peers (keepalived\'s silent master): a mismatch between two advertising routers is a split brain at once, kept while one is quiet', () => {
    // keepalived with advert_int 2 against a peer at 1 s: one advert, then silence as it drops the peer's.
    const { summary } = run([...series(B, 0, 15_000, 1000), advert(A, 2500, { interval: 200 })]);
    assert.ok(kinds(summary).includes('split-brain'));
    assert.deepEqual(summary.vrids[0]?.masters, [A, B]);
  });

  it('a split brain of deaf peers ends when one of them leaves with priority 0', () => {
    const { summary, events } = run([...series(B, 0, 6000, 1000, { version: 3 }), advert(A, 500), advert(A, 6500, { priority: 0 })]);
    assert.ok(summary.vrids[0]?.anomalies.find((a) => a.kind === 'split-brain')?.ended !== undefined);
    assert.ok(events.some((e) => e.kind === 'split-brain-ended'));
  });

  it('priority 0: the master leaves, the backup takes over after Skew_Time', () => {
    const { summary, events } = run([...series(A, 0, 5000, 1000), advert(A, 5001, { priority: 0 }), ...series(B, 5001 + 609, 9000, 1000)]);
    assert.deepEqual(kinds(summary), ['priority-zero', 'takeover']);
    const takeover = summary.vrids[0]?.anomalies.find((a) => a.kind === 'takeover');
    assert.equal(takeover?.gapMs, 609);
    assert.match(takeover?.message ?? '', /priority 0/);
    assert.ok(events.some((e) => e.kind === 'priority-zero'));
    assert.equal(summary.vrids[0]?.routers.find((r) => r.address === A)?.state, 'left');
  });

  it('preemption by a higher priority is a takeover, not a split brain', () => {
    const { summary } = run([...series(B, 0, 5000, 1000, { priority: 100 }), ...series(A, 4500, 12_000, 1000, { priority: 200 })]);
    assert.deepEqual(kinds(summary), ['takeover']);
    assert.match(summary.vrids[0]?.anomalies[0]?.message ?? '', /preemption/);
    assert.deepEqual(summary.vrids[0]?.masters, [A]);
  });

  it('a brief double master at start-up (two overlapping adverts each) is not a split brain', () => {
    const { summary } = run([advert(A, 0), advert(B, 100), advert(A, 1000), advert(B, 1100), ...series(A, 2000, 10_000, 1000)]);
    assert.ok(!kinds(summary).includes('split-brain'));
    assert.equal(summary.splitBrain, false);
  });

  it('version mismatch: both keep advertising -> split brain and version-mismatch', () => {
    const { summary, events } = run([...series(A, 0, 10_000, 1000, { version: 2 }), ...series(B, 300, 10_000, 1000, { version: 3 })]);
    assert.deepEqual(kinds(summary), ['split-brain', 'version-mismatch']);
    assert.equal(summary.splitBrain, true);
    assert.deepEqual(summary.vrids[0]?.masters, [A, B]);
    const split = summary.vrids[0]?.anomalies.find((a) => a.kind === 'split-brain');
    assert.deepEqual(split?.routers, [A, B]);
    assert.ok(events.some((e) => e.kind === 'split-brain'));
  });

  it('authentication mismatch (v2 PASS) -> split brain and auth-mismatch', () => {
    const { summary } = run([...series(A, 0, 8000, 1000, { authType: 1, authText: 'alpha' }), ...series(B, 500, 8000, 1000, { authType: 1, authText: 'beta' })]);
    assert.deepEqual(kinds(summary), ['auth-mismatch', 'split-brain']);
    assert.deepEqual(summary.vrids[0]?.anomalies.find((a) => a.kind === 'auth-mismatch')?.values, { [A]: 'simple "alpha"', [B]: 'simple "beta"' });
  });

  it('interval mismatch (v2 1 s against 2 s) -> split brain and interval-mismatch', () => {
    const { summary } = run([...series(A, 0, 12_000, 1000), ...series(B, 500, 12_000, 2000, { interval: 200 })]);
    assert.deepEqual(kinds(summary), ['interval-mismatch', 'split-brain']);
  });

  it('v3 routers ignore authentication: no auth-mismatch under v3', () => {
    const { summary } = run([advert(A, 0, { version: 3, authText: 'x' }), advert(B, 100, { version: 3, authText: 'y', priority: 200 })]);
    assert.ok(!kinds(summary).includes('auth-mismatch'));
  });

  it('priority tie, VIP-set mismatch, TTL, bad checksum and malformed adverts', () => {
    const { summary } = run([
      advert(A, 0, { priority: 100 }),
      advert(B, 10, { priority: 100, addresses: ['192.0.2.100', '192.0.2.101'] }),
      advert(A, 1000, { priority: 100, ttl: 64 }),
      advert(A, 2000, { priority: 100, checksumValid: false }),
      advert(A, 3000, { priority: 100, problems: ['count-mismatch'] }),
    ]);
    assert.deepEqual(kinds(summary), ['bad-checksum', 'malformed', 'priority-tie', 'ttl', 'vip-mismatch']);
  });

  it('no TTL anomaly for unicast adverts (keepalived checks none; its IPv6 ones leave with hop limit 64)', () => {
    const { summary } = run([advert(A, 0, { ttl: 64, unicast: true }), advert(A, 1000, { ttl: 64, unicast: true })]);
    assert.ok(!kinds(summary).includes('ttl'), kinds(summary).join(', '));
  });

  it('two masters taking turns (as keepalived with mismatched peers can) is a split brain too', () => {
    const turns = [advert(A, 0), advert(B, 500), advert(A, 1000), ...[2500, 3500, 4500].map((t) => advert(B, t)), ...[7500, 8500].map((t) => advert(A, t)), ...[10_000, 11_000].map((t) => advert(B, t)), ...[12_000, 13_000, 14_000].map((t) => advert(A, t))];
    const { summary } = run(turns);
    assert.ok(kinds(summary).includes('split-brain'), kinds(summary).join(', '));
  });

  it('two masters with the same settings (a one-way link): split brain while both advertise, over when one goes quiet', () => {
    const { summary, events } = run([...series(A, 0, 20_000, 1000), ...series(B, 200, 8000, 1000)]);
    const split = summary.vrids[0]?.anomalies.find((a) => a.kind === 'split-brain');
    assert.ok(split?.ended !== undefined);
    assert.ok(events.some((e) => e.kind === 'split-brain-ended'));
    assert.deepEqual(summary.vrids[0]?.masters, [A]);
  });

  it('advert rate far from the interval is reported', () => {
    const { summary } = run(series(A, 0, 20_000, 2000));
    assert.deepEqual(kinds(summary), ['advert-rate']);
  });

  it('VRIDs and families are separate groups', () => {
    const { summary } = run([...series(A, 0, 5000, 1000), ...series(B, 0, 5000, 1000, { vrid: 52 }), ...series('fe80::1', 0, 5000, 1000, { family: 'ipv6', version: 3 })]);
    assert.equal(summary.vrids.length, 3);
    assert.deepEqual(kinds(summary), []);
  });

  it('spoofed sources cannot make the state grow without bound', () => {
    const diagnosis = new Diagnosis();
    for (let i = 0; i < 1000; i++) diagnosis.observe(advert(`198.51.100.${i % 250}`, i, { vrid: 9 }));
    const summary = diagnosis.summary();
    assert.equal(summary.vrids[0]?.routers.length, MAX_ROUTERS);
  });

  it('Master_Down_Interval follows the RFCs', () => {
    assert.equal(masterDownMs(2, 100, 100), 3000 + (156 * 1000) / 256);
    assert.equal(masterDownMs(3, 100, 10), 300 + (156 * 100) / 256);
  });
});
