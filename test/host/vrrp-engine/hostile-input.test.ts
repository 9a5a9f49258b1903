// Host tier: hostile input against running engines. Two of our engines share a veth pair, one
// MASTER (priority 200) and one BACKUP (priority 100); from each namespace a raw socket sends
// the other engine adverts it must drop: TTL != 255, bad checksum, wrong version, wrong auth,
// wrong interval, wrong VRID, wrong address count, truncated and bad-type packets, then seeded
// random bytes. Each packet carries a priority that would change the receiver's state if it
// were accepted (254 against the master, 0 against the backup). Every one is counted under
// its reason in `vipctl vrrp status`, each reason is logged once (rate-limited), and neither
// engine crashes, changes state or touches its VIPs.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { holdsAddress, operUp, sleep, startEngine, stopEngines, until, type EngineInstanceStatus, type RunningEngine } from '../../support/vrrp-engine.js';

const hostilePeer = path.join(projectRoot, 'dist', 'test', 'support', 'hostile-peer.js');
let pair: NamespacePair | undefined;
afterEach(async () => {
  await stopEngines();
  pair?.cleanup();
  pair = undefined;
});
after(async () => {
  await stopEngines();
  pair?.cleanup();
});

interface Case {
  name: string;
  version: 2 | 3;
  family: 4 | 6;
  interval: string;
  intervalCs: number;
  password?: string;
  vip: string;
  addressA: string;
  addressB: string;
}

const VRID = 77;
const cases: Case[] = [
  { name: 'VRRPv2 auth PASS, IPv4', version: 2, family: 4, interval: '1', intervalCs: 100, password: 'secret12', vip: '192.0.2.100/32', addressA: '192.0.2.1/24', addressB: '192.0.2.2/24' },
  { name: 'VRRPv3, IPv4', version: 3, family: 4, interval: '0.1', intervalCs: 10, vip: '192.0.2.100/32', addressA: '192.0.2.1/24', addressB: '192.0.2.2/24' },
  { name: 'VRRPv3, IPv6', version: 3, family: 6, interval: '0.1', intervalCs: 10, vip: '2001:db8:7::100/128', addressA: '2001:db8:7::1/64', addressB: '2001:db8:7::2/64' },
];

function config(c: Case, iface: string, priority: number): string {
  return `vrrp_instance VI_H {
  state BACKUP
  interface ${iface}
  virtual_router_id ${VRID}
  priority ${priority}
  advert_int ${c.interval}
  version ${c.version}
  ${c.password ? `authentication {\n    auth_type PASS\n    auth_pass ${c.password}\n  }` : ''}
  virtual_ipaddress {
    ${c.vip}
  }
}
`;
}

/** Runs the hostile peer in `ns` and returns how many packets of each kind it sent. */
function attack(ns: string, ifname: string, c: Case, priority: number, options: { seed: number; repeat: number; random: number }): Record<string, number> {
  const args = [hostilePeer, ifname, String(c.family), String(c.version), String(VRID), String(priority), String(c.intervalCs), c.vip.split('/')[0] ?? '', c.password ?? '-'];
  const output = inNamespace(ns, process.execPath, [...args, String(options.seed), String(options.repeat), String(options.random)]);
  return JSON.parse(output) as Record<string, number>;
}

const linkLocal = (ns: string, ifname: string): boolean => inNamespace(ns, 'ip', ['-o', '-6', 'addr', 'show', 'dev', ifname, 'scope', 'link']).includes('fe80:');

const totalDrops = (status: EngineInstanceStatus): number => Object.values(status.counters.drops).reduce((a, b) => a + b, 0);

/** The reasons the engine logged a drop for, with how many lines each. */
function loggedDrops(engine: RunningEngine): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of engine.jsonLog()) {
    if (line.message === 'dropped an advert') counts[String(line.reason)] = (counts[String(line.reason)] ?? 0) + 1;
  }
  return counts;
}

/**
 * What must not move under attack. The transition's wall-clock time is left out: status
 * derives it from the monotonic clock, so it can read a millisecond apart between queries.
 */
function steady(status: EngineInstanceStatus): unknown {
  const { at: _at, ...transition } = status.lastTransition ?? { at: '' };
  return { state: status.state, transition, vips: status.vips, vipsHeld: status.vipsHeld, effectivePriority: status.effectivePriority };
}

/** A later transition would be seconds apart; the same one reads within a few ms. */
function sameMoment(x: EngineInstanceStatus, y: EngineInstanceStatus): boolean {
  return Math.abs(Date.parse(x.lastTransition?.at ?? '') - Date.parse(y.lastTransition?.at ?? '')) < 20;
}

for (const c of cases) {
  test(`hostile input, ${c.name}: dropped, counted by reason, logged once per reason, no state change (master and backup)`, async () => {
    pair = namespacePair({ addressA: [c.addressA], addressB: [c.addressB] });
    const { a, b, ifA, ifB } = pair;
    await operUp(a, ifA);
    await operUp(b, ifB);
    // IPv6 adverts leave from the link-local address, which appears once both ends are up.
    if (c.family === 6) await until('link-local addresses', () => [[a, ifA], [b, ifB]].every(([ns, ifname]) => linkLocal(ns ?? '', ifname ?? '')));
    const master = startEngine(a, config(c, ifA, 200), { logFormat: 'json' });
    await master.waitFor(/"running"/);
    const backup = startEngine(b, config(c, ifB, 100), { logFormat: 'json' });
    await master.waitFor(/BACKUP -> MASTER/, 10_000);
    await backup.waitFor(/-> BACKUP/);
    await until('the backup to hear the master', () => backup.instance().counters.advertsReceived > 2, 8000);

    const masterBefore = master.instance();
    const backupBefore = backup.instance();
    assert.equal(masterBefore.state, 'master');
    assert.equal(backupBefore.state, 'backup');
    assert.equal(totalDrops(masterBefore), 0, JSON.stringify(masterBefore.counters));
    assert.equal(totalDrops(backupBefore), 0, JSON.stringify(backupBefore.counters));
    assert.ok(holdsAddress(a, ifA, c.vip) && !holdsAddress(b, ifB, c.vip));

    // One of every kind, ten times, against each engine: the counts must match exactly.
    const targets = [
      { engine: master, from: b, ifname: ifB, priority: 254, before: masterBefore },
      { engine: backup, from: a, ifname: ifA, priority: 0, before: backupBefore },
    ];
    for (const target of targets) {
      const sent = attack(target.from, target.ifname, c, target.priority, { seed: 1, repeat: 10, random: 0 });
      const expected = Object.fromEntries(Object.keys(target.before.counters.drops).map((reason) => [reason, sent[reason] ?? 0]));
      assert.ok(Object.keys(sent).filter((kind) => kind !== 'random').every((kind) => kind in expected), `every kind sent has a drop reason: ${Object.keys(sent).join(' ')}`);
      const total = Object.values(expected).reduce((x, y) => x + y, 0);
      await until(`${total} drops counted`, () => totalDrops(target.engine.instance()) >= total, 5000);
      assert.deepEqual(target.engine.instance().counters.drops, expected);
    }

    // Seeded random bytes, half of them with our VRID: every one dropped, under some reason.
    for (const [index, target] of targets.entries()) {
      const before = totalDrops(target.engine.instance());
      const sent = attack(target.from, target.ifname, c, target.priority, { seed: 0x5eed + index, repeat: 0, random: 400 });
      assert.equal(sent.random, 400);
      await until('400 more drops counted', () => totalDrops(target.engine.instance()) >= before + 400, 5000);
      assert.equal(totalDrops(target.engine.instance()), before + 400);
    }

    // An accepted priority-0 advert would make the backup take over after Skew_Time (under
    // 1 s here): give it time to have done so, then nothing may have moved.
    await sleep(1200);
    for (const target of targets) {
      const after = target.engine.instance();
      assert.deepEqual(steady(after), steady(target.before));
      assert.ok(sameMoment(after, target.before), `${after.lastTransition?.at} vs ${target.before.lastTransition?.at}`);
      assert.equal(target.engine.process.exitCode, null, 'still running');
      const logged = loggedDrops(target.engine);
      const reasons = Object.entries(after.counters.drops).filter(([reason, n]) => n > 0 && reason !== 'vrid').map(([reason]) => reason);
      // One line per reason in the rate-limit window; other VRIDs are normal traffic, not logged.
      assert.deepEqual(logged, Object.fromEntries(reasons.map((reason) => [reason, 1])));
      assert.ok(after.counters.drops.vrid && after.counters.drops.vrid > 0);
      assert.deepEqual(target.engine.jsonLog().filter((line) => line.level === 'error'), []);
    }
    // The master heard nothing it accepted; it kept advertising throughout.
    assert.equal(master.instance().counters.advertsReceived, masterBefore.counters.advertsReceived);
    assert.ok(master.instance().counters.advertsSent > masterBefore.counters.advertsSent);
    assert.ok(holdsAddress(a, ifA, c.vip), 'the master still holds the VIP');
    assert.ok(!holdsAddress(b, ifB, c.vip), 'the backup never took it');
  });
}
