// Host tier: the initial state of an address owner (priority 255), `vipctl vrrp run` beside
// keepalived 2.2.7. A keepalived master of priority 100 runs in namespace b; the owner starts
// in namespace a, keepalived first and then ours with the same file. keepalived 2.2.7
// (measured): with `state MASTER` or no state the owner advertises at once; with
// `state BACKUP` it starts as a backup, discards the lower master's adverts ("received lower
// priority (100) advert ... discarding"), sends nothing, and takes over when
// Master_Down_Interval (3 s + 1/256 s at advert_int 1) runs out, v2 and v3 alike; nopreempt
// is reset at priority 255 ("nopreempt is incompatible with priority 255").
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn, type Running } from '../../support/process.js';
import { holdsAddress, operUp, startEngine, stopEngines, until } from '../../support/vrrp-engine.js';

const VIP = '192.0.2.100/32';
let pair: NamespacePair | undefined;
let capture: Running | undefined;
const daemons: Keepalived[] = [];
afterEach(async () => {
  await stopEngines();
  for (const daemon of daemons.splice(0)) await daemon.stop();
  await capture?.stop();
  capture = undefined;
  pair?.cleanup();
  pair = undefined;
});

function conf(options: { iface: string; priority: number; version: 2 | 3; lines: string }): string {
  return `vrrp_instance VI_1 {
  interface ${options.iface}
  virtual_router_id 51
  version ${options.version}
  priority ${options.priority}
  advert_int 1
${options.lines}
  virtual_ipaddress {
    ${VIP}
  }
}
`;
}

/** The priorities of the adverts tcpdump has printed, in order, with their source. */
function adverts(text: string): Array<{ from: string; priority: number }> {
  return [...text.matchAll(/IP (\S+) > 224\.0\.0\.18: VRRPv\d, Advertisement, vrid 51, prio (\d+)/g)].map((m) => ({ from: m[1] ?? '', priority: Number(m[2]) }));
}

const CASES = [
  { name: 'v2, state BACKUP and nopreempt', version: 2, lines: '  state BACKUP\n  nopreempt', waits: true },
  { name: 'v3, state BACKUP', version: 3, lines: '  state BACKUP', waits: true },
  { name: 'v2, state MASTER', version: 2, lines: '  state MASTER', waits: false },
  { name: 'v3, no state', version: 3, lines: '', waits: false },
] as const;

for (const c of CASES) {
  test(`priority 255, ${c.name}: ${c.waits ? 'a backup for Master_Down_Interval, then master' : 'master at once'}, as keepalived`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'], prefix: 'ow' });
    const { a, b, ifA, ifB } = pair;
    await operUp(a, ifA);
    await operUp(b, ifB);
    capture = runIn(b, 'tcpdump', ['-i', ifB, '-l', '-nn', 'vrrp']);
    await capture.waitFor(/listening on/, 5000);
    const low = await startKeepalived(b, conf({ iface: ifB, priority: 100, version: c.version, lines: '  state BACKUP' }), 'ow-low');
    daemons.push(low);
    await until('the priority-100 master', () => holdsAddress(b, ifB, VIP), 10_000);
    const owner = conf({ iface: ifA, priority: 255, version: c.version, lines: c.lines });

    for (const who of ['keepalived', 'vipctl'] as const) {
      const before = adverts(capture.stdout()).length;
      let log: () => string;
      let stop: () => Promise<void>;
      if (who === 'keepalived') {
        const theirs = await startKeepalived(a, owner, 'ow-owner');
        daemons.push(theirs);
        log = theirs.log;
        stop = () => theirs.stop();
      } else {
        const ours = startEngine(a, owner);
        log = ours.log;
        stop = async () => {
          ours.process.kill('SIGTERM');
          assert.equal(await ours.exited, 0);
          await ours.dispose();
        };
      }
      await until(`${who}: the owner's first advert`, () => adverts(capture?.stdout() ?? '').slice(before).some((x) => x.priority === 255), 10_000);
      const seen = adverts(capture.stdout()).slice(before);
      const first = seen.findIndex((x) => x.priority === 255);
      const lowBefore = seen.slice(0, first).filter((x) => x.from === '192.0.2.2' && x.priority === 100).length;
      assert.ok(seen.slice(0, first).every((x) => x.from === '192.0.2.2'), `${who} sends nothing before its first priority-255 advert`);
      if (c.waits) {
        // Master_Down_Interval is 3.004 s: the master of priority 100 advertises about three times meanwhile.
        assert.ok(lowBefore >= 2, `${who} waited as a backup: ${lowBefore} adverts of the priority-100 master came before its own`);
        if (who === 'keepalived') {
          assert.match(log(), /Entering BACKUP STATE \(init\)/);
          assert.match(log(), /received lower priority \(100\) advert from 192\.0\.2\.2 - discarding/);
          if (c.lines.includes('nopreempt')) assert.match(log(), /nopreempt is incompatible with priority 255\. resetting nopreempt/);
        } else {
          assert.match(log(), /VI_1: INIT -> BACKUP/);
          assert.match(log(), /VI_1: BACKUP -> MASTER/);
          if (c.lines.includes('nopreempt')) assert.match(log(), /nopreempt is ignored at priority 255/);
        }
      } else {
        // Master at once: at most one advert of the other (sent while the process was starting).
        assert.ok(lowBefore <= 1, `${who} took over at once: ${lowBefore} adverts of the priority-100 master came before its own`);
        if (who === 'keepalived') assert.doesNotMatch(log(), /Entering BACKUP STATE/);
        else assert.match(log(), /VI_1: INIT -> MASTER/);
      }
      await until(`${who} holding the VIP`, () => holdsAddress(a, ifA, VIP), 5000);
      await until('the priority-100 master stepping down', () => !holdsAddress(b, ifB, VIP), 5000);
      await stop();
      // The priority-100 router takes over again (Skew_Time after the priority-0 advert).
      await until('the priority-100 router master again', () => holdsAddress(b, ifB, VIP), 8000);
    }
    assert.equal((low.log().match(/Master received advert from 192\.0\.2\.1 with higher priority 255, ours 100/g) ?? []).length, 2);
  });
}
