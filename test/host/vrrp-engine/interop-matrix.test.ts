// Host tier: `vipctl vrrp run` against keepalived 2.2.7, both ways round (ours the higher
// priority and keepalived the lower, and the reverse), over a veth pair between two fresh
// namespaces, for VRRPv2 without and with PASS authentication, VRRPv3 over IPv4 and IPv6,
// multicast and unicast (unicast_src_ip / unicast_peer):
// - lifecycle: exactly one master in steady state; SIGKILL of the master makes the other
//   take over; the higher priority preempts when it returns;
// - nopreempt: the higher priority, returning with nopreempt, stays backup;
// - preempt_delay: the higher priority waits preempt_delay before it preempts;
// - SIGTERM: the master's priority-0 advert hands over after Skew_Time. The intervals there
//   are long (Master_Down_Interval 30.6 s at v2 / 14.4 s at v3) so that a takeover within
//   the generous wait can only have come from the priority-0 advert, with no timing assertion.
// VIPs are read with `ip addr`, keepalived's state from its log, ours from its log and from
// `vipctl vrrp status --json`. Cases are independent (own namespaces) and run a few at a time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { holdsAddress, operUp, sleep, startEngine, until, type RunningEngine } from '../../support/vrrp-engine.js';

interface Variant {
  name: string;
  version: 2 | 3;
  family: 4 | 6;
  /** advert_int as written in the config, and in ms. */
  interval: string;
  intervalMs: number;
  password?: string;
  unicast?: boolean;
}

const V4 = { a: '192.0.2.1', b: '192.0.2.2', vip: '192.0.2.100/32' };
const V6 = { a: '2001:db8:8::1', b: '2001:db8:8::2', vip: '2001:db8:8::100/128' };

const variants: Variant[] = [
  { name: 'v2 auth none, multicast', version: 2, family: 4, interval: '1', intervalMs: 1000 },
  { name: 'v2 auth PASS, multicast', version: 2, family: 4, interval: '1', intervalMs: 1000, password: 'p4ss-w0rd' },
  { name: 'v2 auth PASS, unicast', version: 2, family: 4, interval: '1', intervalMs: 1000, password: 'p4ss-w0rd', unicast: true },
  { name: 'v3 IPv4, multicast', version: 3, family: 4, interval: '0.2', intervalMs: 200 },
  { name: 'v3 IPv4, unicast', version: 3, family: 4, interval: '0.2', intervalMs: 200, unicast: true },
  { name: 'v3 IPv6, multicast', version: 3, family: 6, interval: '0.2', intervalMs: 200 },
  // keepalived 2.2.7 sends IPv6 unicast adverts with hop limit 64 and skips the hop-limit check
  // for unicast peers; so does vrrp run.
  { name: 'v3 IPv6, unicast', version: 3, family: 6, interval: '0.2', intervalMs: 200, unicast: true },
];

type Side = 'a' | 'b';
type Kind = 'ours' | 'keepalived';

interface InstanceOptions {
  variant: Variant;
  side: Side;
  priority: number;
  state?: 'MASTER' | 'BACKUP';
  nopreempt?: boolean;
  preemptDelay?: number;
}

function config(o: InstanceOptions): string {
  const { variant } = o;
  const addresses = variant.family === 6 ? V6 : V4;
  const own = o.side === 'a' ? addresses.a : addresses.b;
  const peer = o.side === 'a' ? addresses.b : addresses.a;
  return [
    'vrrp_instance VI_1 {',
    `  state ${o.state ?? 'BACKUP'}`,
    `  interface ${o.side === 'a' ? 'veth0' : 'veth1'}`,
    '  virtual_router_id 61',
    `  priority ${o.priority}`,
    `  advert_int ${variant.interval}`,
    `  version ${variant.version}`,
    ...(o.nopreempt ? ['  nopreempt'] : []),
    ...(o.preemptDelay ? [`  preempt_delay ${o.preemptDelay}`] : []),
    ...(variant.password ? ['  authentication {', '    auth_type PASS', `    auth_pass ${variant.password}`, '  }'] : []),
    ...(variant.unicast ? [`  unicast_src_ip ${own}`, '  unicast_peer {', `    ${peer}`, '  }'] : []),
    '  virtual_ipaddress {',
    `    ${addresses.vip}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** One VRRP router in the test, ours or keepalived, behind the same small interface. */
interface Router {
  kind: Kind;
  ns: string;
  ifname: string;
  /** Last state it logged: master, backup, fault, init or none. */
  state(): string;
  transitions(): number;
  /** SIGKILL: a crash, VIPs left where they are. */
  crash(): Promise<void>;
  /** SIGTERM: a clean stop (priority 0, VIPs removed). Resolves with the exit status. */
  terminate(): Promise<number | null>;
  dispose(): Promise<void>;
  /** Ours: `vipctl vrrp status --json` must agree with what the log said. */
  confirm(state: string, vipsHeld: boolean): void;
  log(): string;
}

const KEEPALIVED_STATE = /\(VI_1\) Entering (MASTER|BACKUP|FAULT) STATE/g;

async function startRouter(kind: Kind, pair: NamespacePair, o: InstanceOptions): Promise<Router> {
  const ns = o.side === 'a' ? pair.a : pair.b;
  const ifname = o.side === 'a' ? pair.ifA : pair.ifB;
  if (kind === 'ours') {
    const engine: RunningEngine = startEngine(ns, config(o));
    return {
      kind,
      ns,
      ifname,
      state: () => engine.loggedState(),
      transitions: () => engine.transitions(),
      async crash() {
        engine.process.kill('SIGKILL');
        await engine.exited;
      },
      async terminate() {
        engine.process.kill('SIGTERM');
        return engine.exited;
      },
      dispose: () => engine.dispose(),
      confirm(state, vipsHeld) {
        const status = engine.instance();
        assert.equal(status.state, state, `status --json agrees with the log: ${JSON.stringify(status)}`);
        assert.equal(status.vipsHeld, vipsHeld);
      },
      log: () => engine.log(),
    };
  }
  // --dont-respawn: a SIGKILLed VRRP child stays dead and keepalived exits, as after a crash.
  const keepalived: Keepalived = await startKeepalived(ns, config(o), 'ka', { args: ['--dont-respawn'] });
  return {
    kind,
    ns,
    ifname,
    state: () => [...keepalived.log().matchAll(KEEPALIVED_STATE)].at(-1)?.[1]?.toLowerCase() ?? 'none',
    transitions: () => [...keepalived.log().matchAll(KEEPALIVED_STATE)].length,
    async crash() {
      await until('keepalived to write its VRRP pid file', () => keepalived.vrrpPid() !== undefined, 5000);
      process.kill(keepalived.vrrpPid() as number, 'SIGKILL');
      await keepalived.waitFor(/VRRP child process\(\d+\) died/, 5000);
      await keepalived.stop();
    },
    async terminate() {
      await keepalived.stop('SIGTERM');
      return 0;
    },
    dispose: () => keepalived.stop('SIGKILL'),
    confirm() {},
    log: () => keepalived.log(),
  };
}

function vipOf(variant: Variant): string {
  return variant.family === 6 ? V6.vip : V4.vip;
}

/** Both logs, for failure messages. */
const logs = (...routers: Array<Router | undefined>): string =>
  routers.map((r) => (r ? `--- ${r.kind} in ${r.ns}:\n${r.log().slice(-2500)}` : '')).join('\n');

/**
 * Waits for `master` to be master and `backup` backup with the VIP on the master's side
 * only, then holds for a few advert intervals: nothing may move (exactly one master).
 */
async function assertSteady(variant: Variant, master: Router, backup: Router): Promise<void> {
  const vip = vipOf(variant);
  const settled = (): boolean =>
    master.state() === 'master' && backup.state() === 'backup' && holdsAddress(master.ns, master.ifname, vip) && !holdsAddress(backup.ns, backup.ifname, vip);
  try {
    await until(`${master.kind} master, ${backup.kind} backup`, settled, 15_000, 100);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${logs(master, backup)}`, { cause: error });
  }
  const moves = [master.transitions(), backup.transitions()];
  await sleep(Math.max(1500, 4 * variant.intervalMs));
  assert.ok(settled(), `still one master after holding\n${logs(master, backup)}`);
  assert.deepEqual([master.transitions(), backup.transitions()], moves, `no transitions while steady\n${logs(master, backup)}`);
  master.confirm('master', true);
  backup.confirm('backup', false);
}

const directions: Array<{ name: string; high: Kind; low: Kind }> = [
  { name: 'ours higher, keepalived lower', high: 'ours', low: 'keepalived' },
  { name: 'keepalived higher, ours lower', high: 'keepalived', low: 'ours' },
];

/** Runs a case with fresh namespaces and routers, cleaned up whatever happens. */
async function withPair(variant: Variant, body: (pair: NamespacePair, routers: Router[]) => Promise<void>): Promise<void> {
  const pair = namespacePair({
    addressA: [`${variant.family === 6 ? V6.a : V4.a}/${variant.family === 6 ? 64 : 24}`],
    addressB: [`${variant.family === 6 ? V6.b : V4.b}/${variant.family === 6 ? 64 : 24}`],
    prefix: 'vm',
  });
  const routers: Router[] = [];
  try {
    await operUp(pair.a, pair.ifA);
    await operUp(pair.b, pair.ifB);
    if (variant.family === 6) {
      // IPv6 adverts leave from the link-local address: wait until both ends have one.
      await until('link-local addresses', () =>
        [[pair.a, pair.ifA], [pair.b, pair.ifB]].every(([ns, ifname]) => inNamespace(ns ?? '', 'ip', ['-o', '-6', 'addr', 'show', 'dev', ifname ?? '', 'scope', 'link']).includes('fe80:')),
      );
    }
    await body(pair, routers);
  } finally {
    for (const router of routers) await router.dispose();
    pair.cleanup();
  }
}

describe('vrrp run and keepalived: interop matrix', { concurrency: 4 }, () => {
  for (const variant of variants) {
    for (const direction of directions) {
      it(`${variant.name}, ${direction.name}: one master; SIGKILL of the master fails over; it preempts on return`, async () => {
        await withPair(variant, async (pair, routers) => {
          // The higher priority on side a, the lower on b.
          let high = await startRouter(direction.high, pair, { variant, side: 'a', priority: 200 });
          routers.push(high);
          const low = await startRouter(direction.low, pair, { variant, side: 'b', priority: 100 });
          routers.push(low);
          await assertSteady(variant, high, low);

          await high.crash();
          await until(`${low.kind} to take over`, () => low.state() === 'master' && holdsAddress(low.ns, low.ifname, vipOf(variant)), 15_000, 100).catch((error: Error) => {
            throw new Error(`${error.message}\n${logs(high, low)}`, { cause: error });
          });
          low.confirm('master', true);

          // The crashed one returns with the same config and preempts (its leftover VIP is
          // removed at start-up by both implementations).
          high = await startRouter(direction.high, pair, { variant, side: 'a', priority: 200 });
          routers.push(high);
          await assertSteady(variant, high, low);
        });
      });
    }
  }

  const v3 = variants.find((v) => v.name === 'v3 IPv4, multicast') as Variant;
  for (const direction of directions) {
    it(`nopreempt (v3 IPv4), ${direction.name}: the higher priority returning with nopreempt stays backup`, async () => {
      await withPair(v3, async (pair, routers) => {
        const low = await startRouter(direction.low, pair, { variant: v3, side: 'b', priority: 100 });
        routers.push(low);
        await until(`${low.kind} master alone`, () => low.state() === 'master', 10_000, 100);
        const high = await startRouter(direction.high, pair, { variant: v3, side: 'a', priority: 200, nopreempt: true });
        routers.push(high);
        await assertSteady(v3, low, high);
        // Far longer than preemption takes without nopreempt (one Master_Down_Interval, 0.7 s).
        await sleep(2500);
        await assertSteady(v3, low, high);
      });
    });

    it(`preempt_delay (v3 IPv4), ${direction.name}: the higher priority waits preempt_delay, then preempts`, async () => {
      await withPair(v3, async (pair, routers) => {
        const low = await startRouter(direction.low, pair, { variant: v3, side: 'b', priority: 100 });
        routers.push(low);
        await until(`${low.kind} master alone`, () => low.state() === 'master', 10_000, 100);
        const high = await startRouter(direction.high, pair, { variant: v3, side: 'a', priority: 200, preemptDelay: 5 });
        routers.push(high);
        await until(`${high.kind} to start as backup`, () => high.state() === 'backup', 10_000, 50);
        // Without the delay it would preempt after one Master_Down_Interval (0.7 s); with 5 s
        // it must still be backup 2 s on.
        await sleep(2000);
        assert.equal(high.state(), 'backup', logs(high, low));
        assert.equal(low.state(), 'master', logs(high, low));
        assert.ok(holdsAddress(low.ns, low.ifname, vipOf(v3)) && !holdsAddress(high.ns, high.ifname, vipOf(v3)));
        await assertSteady(v3, high, low);
      });
    });
  }

  const handover: Variant[] = [
    // Master_Down_Interval 3 x 10 + 0.61 = 30.6 s; Skew_Time at priority 100 = 0.61 s.
    { name: 'v2 auth PASS', version: 2, family: 4, interval: '10', intervalMs: 10_000, password: 'p4ss-w0rd' },
    // Master_Down_Interval 3 x 4 + 2.44 = 14.4 s; Skew_Time at priority 100 = 2.44 s.
    { name: 'v3 IPv6', version: 3, family: 6, interval: '4', intervalMs: 4000 },
  ];
  for (const variant of handover) {
    for (const direction of directions) {
      it(`SIGTERM (${variant.name}), ${direction.name}: the master's priority-0 advert hands over after Skew_Time`, async () => {
        await withPair(variant, async (pair, routers) => {
          // Priority 255 (address owner) is master at once, so the long interval costs nothing.
          const high = await startRouter(direction.high, pair, { variant, side: 'a', priority: 255, state: 'MASTER' });
          routers.push(high);
          await until(`${high.kind} master at once`, () => high.state() === 'master', 10_000, 50);
          const low = await startRouter(direction.low, pair, { variant, side: 'b', priority: 100 });
          routers.push(low);
          await until(`${low.kind} backup`, () => low.state() === 'backup', 10_000, 50);
          // keepalived logs a state only once it has one; ours has logged INIT -> BACKUP. Let
          // the backup hear the master once before the handover.
          await sleep(500);
          assert.equal(low.state(), 'backup');

          const status = await high.terminate();
          assert.equal(status, 0, 'a clean exit');
          assert.ok(!holdsAddress(high.ns, high.ifname, vipOf(variant)), 'the stopped master removed its VIP');
          // Well inside Master_Down_Interval: only the priority-0 advert can explain it.
          await until(`${low.kind} to take over after Skew_Time`, () => low.state() === 'master' && holdsAddress(low.ns, low.ifname, vipOf(variant)), variant.version === 2 ? 10_000 : 9000, 50).catch(
            (error: Error) => {
              throw new Error(`${error.message}\n${logs(high, low)}`, { cause: error });
            },
          );
          low.confirm('master', true);
          if (low.kind === 'keepalived') assert.match(low.log(), /received priority 0 advertisement/i, 'keepalived says why');
        });
      });
    }
  }
});
