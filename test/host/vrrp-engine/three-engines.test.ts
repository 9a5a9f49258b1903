// Host tier: three of our engines on one segment (a bridge in its own namespace, each engine
// in a namespace with a port on it), VRRPv3 advert_int 0.2, priorities 200, 150 and 50:
// - the highest is elected, exactly one master; killing it makes the next highest master,
//   and it preempts again when it returns;
// - track_interface and track_script: with a weight, a failure lowers the master's priority
//   below the next one, which takes over; without one (track_script: weight 0) the master
//   goes to FAULT and the next one takes over; recovery restores the first as master.
// State is read from `vipctl vrrp status --json`, VIPs with `ip addr`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inNamespace } from '../../support/netns.js';
import { bridgeSegment, type Segment } from '../../support/segment.js';
import { holdsAddress, operUp, sleep, startEngine, until, type RunningEngine } from '../../support/vrrp-engine.js';

const ADDRESSES = ['192.0.2.11', '192.0.2.12', '192.0.2.13'];
// Wide gaps: the two backups' Skew_Times differ by 78 ms, so the right one wins even on a busy machine.
const PRIORITIES = [200, 150, 50];
const VIP = '192.0.2.100/32';

interface Lab {
  segment: Segment;
  /** Starts router `index` (0 = priority 200) on the segment. */
  start(index: number, track?: { tracker: Tracker; flag: string }): Router;
  /** A private directory, removed afterwards. */
  dir: string;
}

/** A fresh segment for one test; its engines, namespaces and directory are removed whatever happens. */
async function withLab(body: (lab: Lab) => Promise<void>): Promise<void> {
  const segment = bridgeSegment(ADDRESSES.map((a) => [`${a}/24`]));
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-three-'));
  const routers: Router[] = [];
  try {
    for (const ns of segment.routers) await operUp(ns, segment.ifname);
    await body({
      segment,
      dir,
      start(index, track) {
        const ns = segment.routers[index] as string;
        const router = { ns, address: ADDRESSES[index] as string, engine: startEngine(ns, config(PRIORITIES[index] as number, track)) };
        routers.push(router);
        return router;
      },
    });
  } finally {
    for (const router of routers) await router.engine.dispose();
    segment.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the first engine tracks: a link (trk0) or a vrrp_script testing for a flag file. */
interface Tracker {
  name: string;
  kind: 'interface' | 'script';
  /** Undefined (interface) or 0 (script): FAULT when it fails. */
  weight?: number;
}

function config(priority: number, track?: { tracker: Tracker; flag: string }): string {
  const script = track?.tracker.kind === 'script';
  const weight = track?.tracker.weight === undefined ? '' : ` weight ${track.tracker.weight}`;
  return `${script ? `vrrp_script chk_flag {\n  script "/usr/bin/test -e ${track?.flag}"\n  interval 1\n  fall 1\n  rise 1\n}\n` : ''}vrrp_instance VI_3 {
  state BACKUP
  interface eth0
  virtual_router_id 33
  priority ${priority}
  advert_int 0.2
  version 3
${track ? (script ? `  track_script {\n    chk_flag${weight}\n  }\n` : `  track_interface {\n    trk0${weight}\n  }\n`) : ''}  virtual_ipaddress {
    ${VIP}
  }
}
`;
}

interface Router {
  ns: string;
  address: string;
  engine: RunningEngine;
}

const vipOn = (router: Router): boolean => holdsAddress(router.ns, 'eth0', VIP);

/**
 * `master` is master with the VIP; every other live router is `others` (backup unless
 * given) without it, hearing `master`. Then nothing moves for a while: exactly one master.
 */
async function assertElected(master: Router, rest: Router[], otherState = 'backup'): Promise<void> {
  const settled = (): boolean => master.engine.loggedState() === 'master' && vipOn(master) && rest.every((r) => r.engine.loggedState() === otherState && !vipOn(r));
  const logs = (): string => [master, ...rest].map((r) => `--- ${r.address}:\n${r.engine.log().slice(-1500)}`).join('\n');
  await until(`${master.address} master, the others ${otherState}`, settled, 10_000, 100).catch((error: Error) => {
    throw new Error(`${error.message}\n${logs()}`, { cause: error });
  });
  const moves = [master, ...rest].map((r) => r.engine.transitions());
  await sleep(1500);
  assert.ok(settled(), `still settled\n${logs()}`);
  assert.deepEqual([master, ...rest].map((r) => r.engine.transitions()), moves, `no transitions while steady\n${logs()}`);
  const status = master.engine.instance();
  assert.equal(status.state, 'master');
  assert.equal(status.vipsHeld, true);
  for (const router of rest) {
    const other = router.engine.instance();
    assert.equal(other.state, otherState);
    assert.equal(other.vipsHeld, false);
    if (otherState === 'backup') assert.equal(other.masterAddress, master.address, `${router.address} hears ${master.address}`);
  }
}

const trackers: Tracker[] = [
  { name: 'track_interface weight -120 (priority 200 -> 80)', kind: 'interface', weight: -120 },
  { name: 'track_interface without a weight (FAULT)', kind: 'interface' },
  { name: 'track_script weight -120 (priority 200 -> 80)', kind: 'script', weight: -120 },
  { name: 'track_script weight 0 (FAULT)', kind: 'script', weight: 0 },
];

// Each case has its own segment, so two run at a time.
describe('three engines on one bridge', { concurrency: 2 }, () => {
  it('elect the highest priority; SIGKILL of it makes the next highest master; it preempts on return', async () => {
    await withLab(async ({ start }) => {
      // Started lowest first, so the election is not just who came up first.
      const low = start(2);
      const middle = start(1);
      let high = start(0);
      await assertElected(high, [middle, low]);

      high.engine.process.kill('SIGKILL');
      await high.engine.exited;
      await assertElected(middle, [low]);
      assert.ok(vipOn(high), 'the killed engine could not remove its VIP (the next run does)');

      high = start(0);
      await high.engine.waitFor(/removed a VIP left behind by an earlier run/);
      await assertElected(high, [middle, low]);
    });
  });

  for (const tracker of trackers) {
    const fault = !tracker.weight;
    it(`${tracker.name}: the next highest takes over, and gives back when it recovers`, async () => {
      await withLab(async ({ segment, start, dir }) => {
        const first = segment.routers[0] as string;
        const flag = path.join(dir, 'ok');
        writeFileSync(flag, '');
        // A link to track, both ends inside the first engine's namespace (no dummy module here).
        inNamespace(first, 'ip', ['link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
        inNamespace(first, 'ip', ['link', 'set', 'trk1', 'up']);
        inNamespace(first, 'ip', ['link', 'set', 'trk0', 'up']);
        const fail = (): void => (tracker.kind === 'interface' ? void inNamespace(first, 'ip', ['link', 'set', 'trk0', 'down']) : rmSync(flag));
        const recover = (): void => (tracker.kind === 'interface' ? void inNamespace(first, 'ip', ['link', 'set', 'trk0', 'up']) : writeFileSync(flag, ''));
        const low = start(2);
        const middle = start(1);
        const high = start(0, { tracker, flag });
        await assertElected(high, [middle, low]);

        fail();
        if (fault) {
          await until('the tracked engine in FAULT', () => high.engine.loggedState() === 'fault', 8000);
          await assertElected(middle, [low]);
          assert.ok(!vipOn(high));
        } else {
          // 80 is below the middle's 150 but above the low one's 50.
          await assertElected(middle, [high, low]);
        }
        const status = high.engine.instance();
        assert.equal(status.state, fault ? 'fault' : 'backup');
        assert.equal(status.effectivePriority, fault ? 200 : 80);
        const tracked = status.tracked.find((t) => t.name === (tracker.kind === 'interface' ? 'trk0' : 'chk_flag'));
        assert.deepEqual({ kind: tracked?.kind, state: tracked?.state }, { kind: tracker.kind, state: tracker.kind === 'interface' ? 'down' : 'failed' });

        recover();
        await assertElected(high, [middle, low]);
        assert.equal(high.engine.instance().effectivePriority, 200);
      });
    });
  }
});
