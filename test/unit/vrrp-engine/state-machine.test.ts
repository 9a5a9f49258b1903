import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createMachine,
  effectivePriority,
  masterDownIntervalMs,
  nextDeadline,
  step,
  type Machine,
  type MachineConfig,
  type MachineEvent,
  type Transition,
} from '../../../src/vrrp/state-machine.js';

/**
 * A virtual segment: routers exchange adverts instantly; the clock jumps from deadline to
 * deadline. Every advert and transition is recorded with its virtual time.
 */
class Segment {
  now = 0;
  routers = new Map<string, { machine: Machine; up: boolean }>();
  adverts: Array<{ at: number; from: string; priority: number }> = [];
  transitions: Array<Transition & { router: string }> = [];

  add(name: string, config: Partial<MachineConfig> & { localAddress: string }): void {
    const full: MachineConfig = { version: 2, priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, ...config };
    this.routers.set(name, { machine: createMachine(full), up: false });
  }

  send(name: string, event: MachineEvent): void {
    const router = this.routers.get(name);
    assert.ok(router);
    const { machine, actions } = step(router.machine, event, this.now);
    router.machine = machine;
    for (const action of actions) {
      if (action.type === 'transition') this.transitions.push({ ...action.transition, router: name });
      else if (action.type === 'send-advert') {
        this.adverts.push({ at: this.now, from: name, priority: action.priority });
        for (const [other, peer] of this.routers) {
          if (other === name || !peer.up) continue;
          this.send(other, {
            type: 'advert',
            advert: { priority: action.priority, advertIntervalMs: machine.config.advertIntervalMs, from: machine.config.localAddress },
          });
        }
      }
    }
  }

  start(name: string): void {
    const router = this.routers.get(name);
    assert.ok(router);
    router.up = true;
    this.send(name, { type: 'startup' });
  }

  /** Stops a router; `kill` loses it without a word (SIGKILL), otherwise it shuts down (SIGTERM). */
  stop(name: string, kill = false): void {
    const router = this.routers.get(name);
    assert.ok(router);
    if (!kill) this.send(name, { type: 'shutdown' });
    router.up = false;
    router.machine = createMachine(router.machine.config);
  }

  runUntil(end: number): void {
    for (;;) {
      let earliest: [string, number] | undefined;
      for (const [name, router] of this.routers) {
        if (!router.up) continue;
        const deadline = nextDeadline(router.machine);
        if (deadline !== undefined && (!earliest || deadline < earliest[1])) earliest = [name, deadline];
      }
      if (!earliest || earliest[1] > end) break;
      this.now = earliest[1];
      this.send(earliest[0], { type: 'tick' });
    }
    this.now = end;
  }

  state(name: string): string {
    return this.routers.get(name)?.machine.state ?? 'missing';
  }

  masters(): string[] {
    return [...this.routers].filter(([, r]) => r.up && r.machine.state === 'master').map(([n]) => n);
  }

  becameMasterAt(name: string, after = 0): number | undefined {
    return this.transitions.find((t) => t.router === name && t.to === 'master' && t.at >= after)?.at;
  }
}

test('Master_Down_Interval matches the RFC formulas and keepalived\'s measured failover', () => {
  const v2 = createMachine({ version: 2, priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.1' });
  assert.equal(masterDownIntervalMs(v2), 3000 + (156 * 1000) / 256); // 3609.375 ms (measured 3.61 s)
  const v3 = createMachine({ version: 3, priority: 100, advertIntervalMs: 100, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.1' });
  assert.equal(masterDownIntervalMs(v3), 300 + (156 * 100) / 256); // 360.9375 ms (measured 0.362 s)
});

test('the address owner becomes master at once and advertises every interval', () => {
  const segment = new Segment();
  segment.add('owner', { priority: 255, localAddress: '10.0.0.1' });
  segment.start('owner');
  assert.equal(segment.state('owner'), 'master');
  segment.runUntil(5000);
  assert.deepEqual(segment.adverts.map((a) => a.at), [0, 1000, 2000, 3000, 4000, 5000]);
});

test('the address owner with `state BACKUP` is a backup first: alone or beside a lower master, it takes over after Master_Down_Interval (keepalived 2.2.7, measured)', () => {
  for (const version of [2, 3] as const) {
    // Alone: no advert until Master_Down_Interval (3 x 1 s + 1/256 s) has run out.
    const alone = new Segment();
    alone.add('owner', { version, priority: 255, localAddress: '10.0.0.1', startBackup: true });
    alone.start('owner');
    assert.equal(alone.state('owner'), 'backup');
    assert.equal(alone.adverts.length, 0);
    alone.runUntil(10_000);
    assert.equal(alone.becameMasterAt('owner'), 3000 + 1000 / 256);
    assert.equal(alone.adverts[0]?.at, 3000 + 1000 / 256);

    // Beside a running master of priority 100: the owner discards its adverts (preempting),
    // sends nothing, and takes over when its down timer runs out; the other steps down.
    const beside = new Segment();
    beside.add('low', { version, priority: 100, localAddress: '10.0.0.2' });
    beside.add('owner', { version, priority: 255, localAddress: '10.0.0.1', startBackup: true });
    beside.start('low');
    beside.runUntil(20_000);
    assert.deepEqual(beside.masters(), ['low']);
    beside.start('owner');
    assert.equal(beside.state('owner'), 'backup');
    beside.runUntil(20_000 + 3000);
    assert.equal(beside.state('owner'), 'backup');
    assert.ok(!beside.adverts.some((a) => a.from === 'owner'), 'the owner sends nothing while it waits');
    beside.runUntil(40_000);
    assert.equal(beside.becameMasterAt('owner'), 20_000 + 3000 + 1000 / 256);
    assert.deepEqual(beside.masters(), ['owner']);
    assert.equal(beside.state('low'), 'backup');
  }
  // state MASTER or none (no startBackup): master at once, as before.
  const owner = step(createMachine({ version: 2, priority: 255, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.1' }), { type: 'startup' }, 0);
  assert.equal(owner.machine.state, 'master');
  assert.deepEqual(owner.actions[0], { type: 'send-advert', priority: 255 });
});

test('`state MASTER` below 255 is a backup first and takes over after Master_Down_Interval', () => {
  const segment = new Segment();
  segment.add('a', { priority: 150, localAddress: '10.0.0.1' });
  segment.start('a');
  assert.equal(segment.state('a'), 'backup');
  segment.runUntil(10_000);
  assert.equal(segment.becameMasterAt('a'), 3000 + (106 * 1000) / 256);
});

test('two routers: the higher priority is the one master in steady state', () => {
  const segment = new Segment();
  segment.add('high', { priority: 150, localAddress: '10.0.0.1' });
  segment.add('low', { priority: 100, localAddress: '10.0.0.2' });
  segment.start('low');
  segment.start('high');
  segment.runUntil(60_000);
  assert.deepEqual(segment.masters(), ['high']);
  assert.equal(segment.state('low'), 'backup');
});

test('SIGKILL of the master: the backup takes over after Master_Down_Interval from the last advert', () => {
  const segment = new Segment();
  segment.add('m', { priority: 150, localAddress: '10.0.0.1' });
  segment.add('b', { priority: 100, localAddress: '10.0.0.2' });
  segment.start('m');
  segment.start('b');
  segment.runUntil(10_000);
  const lastAdvert = Math.max(...segment.adverts.filter((a) => a.from === 'm').map((a) => a.at));
  segment.stop('m', true);
  segment.runUntil(20_000);
  assert.equal(segment.becameMasterAt('b', 10_000), lastAdvert + 3609.375);
});

test('SIGTERM of the master: priority 0 hands over after Skew_Time', () => {
  const segment = new Segment();
  segment.add('m', { priority: 150, localAddress: '10.0.0.1' });
  segment.add('b', { priority: 100, localAddress: '10.0.0.2' });
  segment.start('m');
  segment.start('b');
  segment.runUntil(10_500);
  segment.stop('m');
  assert.deepEqual(segment.adverts.at(-1), { at: 10_500, from: 'm', priority: 0 });
  segment.runUntil(20_000);
  assert.equal(segment.becameMasterAt('b', 10_000), 10_500 + (156 * 1000) / 256);
});

test('preempt: a higher priority returning takes over; nopreempt keeps the current master', () => {
  for (const preempt of [true, false]) {
    const segment = new Segment();
    segment.add('high', { priority: 150, localAddress: '10.0.0.1', preempt });
    segment.add('low', { priority: 100, localAddress: '10.0.0.2' });
    segment.start('low');
    segment.runUntil(10_000);
    assert.deepEqual(segment.masters(), ['low']);
    segment.start('high');
    segment.runUntil(30_000);
    assert.deepEqual(segment.masters(), preempt ? ['high'] : ['low'], `preempt ${preempt}`);
    if (preempt) {
      // It ignores the lower master's adverts and its own down timer runs out.
      assert.equal(segment.becameMasterAt('high'), 10_000 + 3000 + (106 * 1000) / 256);
      assert.equal(segment.state('low'), 'backup');
    }
  }
});

test('preempt_delay holds a higher-priority backup back for that long after start-up', () => {
  const segment = new Segment();
  segment.add('high', { priority: 150, localAddress: '10.0.0.1', preemptDelayMs: 8000 });
  segment.add('low', { priority: 100, localAddress: '10.0.0.2' });
  segment.start('low');
  segment.runUntil(10_000);
  segment.start('high');
  segment.runUntil(40_000);
  const at = segment.becameMasterAt('high');
  assert.ok(at !== undefined && at >= 18_000, `took over at ${at}, before the delay ended`);
  assert.ok(at < 18_000 + 4000, `took over at ${at}, long after the delay`);
});

test('equal priorities: a master yields only to a higher address; a backup never preempts on a tie', () => {
  const config = { version: 2 as const, priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.9' };
  let master = createMachine({ ...config, priority: 255 });
  master = { ...step(master, { type: 'startup' }, 0).machine, priority: 100 };
  const fromHigher = step(master, { type: 'advert', advert: { priority: 100, advertIntervalMs: 1000, from: '10.0.0.10' } }, 1);
  assert.equal(fromHigher.machine.state, 'backup', '10.0.0.10 > 10.0.0.9 numerically, not as text');
  const fromLower = step(master, { type: 'advert', advert: { priority: 100, advertIntervalMs: 1000, from: '10.0.0.8' } }, 1);
  assert.equal(fromLower.machine.state, 'master');

  // On a segment the first to time out becomes master and the other stays backup: no flapping.
  const segment = new Segment();
  segment.add('a', { priority: 100, localAddress: '10.0.0.9' });
  segment.add('b', { priority: 100, localAddress: '10.0.0.10' });
  segment.start('a');
  segment.start('b');
  segment.runUntil(30_000);
  assert.equal(segment.masters().length, 1);
  assert.equal(segment.transitions.filter((t) => t.to === 'master').length, 1);
});

test('three routers elect the highest priority, and the next takes over when it dies', () => {
  const segment = new Segment();
  segment.add('r1', { priority: 110, localAddress: '10.0.0.1', version: 3, advertIntervalMs: 100 });
  segment.add('r2', { priority: 120, localAddress: '10.0.0.2', version: 3, advertIntervalMs: 100 });
  segment.add('r3', { priority: 130, localAddress: '10.0.0.3', version: 3, advertIntervalMs: 100 });
  for (const r of ['r1', 'r2', 'r3']) segment.start(r);
  segment.runUntil(5000);
  assert.deepEqual(segment.masters(), ['r3']);
  segment.stop('r3', true);
  segment.runUntil(10_000);
  assert.deepEqual(segment.masters(), ['r2']);
});

test('a v3 backup learns the master\'s interval; a v2 backup keeps its own', () => {
  const config = { priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.2' };
  for (const version of [2, 3] as const) {
    let machine = createMachine({ ...config, version });
    machine = step(machine, { type: 'startup' }, 0).machine;
    machine = step(machine, { type: 'advert', advert: { priority: 200, advertIntervalMs: 500, from: '10.0.0.1' } }, 10).machine;
    assert.equal(machine.masterAdvertIntervalMs, version === 3 ? 500 : 1000);
    assert.equal(machine.masterAddress, '10.0.0.1');
  }
});

test('fault: a master that loses a tracked object hands over at once and returns as backup', () => {
  const segment = new Segment();
  segment.add('m', { priority: 150, localAddress: '10.0.0.1' });
  segment.add('b', { priority: 100, localAddress: '10.0.0.2' });
  segment.start('m');
  segment.start('b');
  segment.runUntil(10_000);
  segment.send('m', { type: 'fault', name: 'eth0', failed: true });
  assert.equal(segment.state('m'), 'fault');
  assert.deepEqual(segment.adverts.at(-1), { at: 10_000, from: 'm', priority: 0 });
  segment.runUntil(12_000);
  assert.deepEqual(segment.masters(), ['b']);
  // No adverts from a router in FAULT.
  assert.equal(segment.adverts.filter((a) => a.from === 'm' && a.at > 10_000).length, 0);
  segment.send('m', { type: 'fault', name: 'eth0', failed: false });
  assert.equal(segment.state('m'), 'backup');
  segment.runUntil(30_000);
  assert.deepEqual(segment.masters(), ['m'], 'with preempt and the higher priority it takes back over');
});

test('tracking lowers the master\'s priority below the backup\'s, and the backup preempts', () => {
  const segment = new Segment();
  segment.add('m', { priority: 150, localAddress: '10.0.0.1' });
  segment.add('b', { priority: 120, localAddress: '10.0.0.2' });
  segment.start('m');
  segment.start('b');
  segment.runUntil(10_000);
  segment.send('m', { type: 'priority', priority: effectivePriority(150, [-50]) });
  segment.runUntil(20_000);
  assert.deepEqual(segment.masters(), ['b']);
  assert.equal(segment.state('m'), 'backup');
});

test('effective priority stays within 1..254 and never moves the owner', () => {
  assert.equal(effectivePriority(100, [20, -5]), 115);
  assert.equal(effectivePriority(200, [100]), 254);
  assert.equal(effectivePriority(10, [-50]), 1);
  assert.equal(effectivePriority(255, [-100]), 255);
});

test('a late tick sends one advert and keeps the schedule', () => {
  let machine = createMachine({ version: 2, priority: 255, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.1' });
  machine = step(machine, { type: 'startup' }, 0).machine;
  const late = step(machine, { type: 'tick' }, 3500);
  assert.deepEqual(late.actions, [{ type: 'send-advert', priority: 255 }]);
  assert.equal(late.machine.advertAt, 4000);
});

test('a tick with advertEarlyMs sends an advert due soon and counts the next from now', () => {
  let machine = createMachine({ version: 3, priority: 255, advertIntervalMs: 100, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.1' });
  machine = step(machine, { type: 'startup' }, 0).machine;
  assert.equal(machine.advertAt, 100);
  // Too early even with the allowance: nothing.
  const tooEarly = step(machine, { type: 'tick', advertEarlyMs: 10 }, 85);
  assert.deepEqual(tooEarly.actions, []);
  assert.equal(tooEarly.machine.advertAt, 100);
  // Within the allowance: sent now, the schedule restarts from now.
  const early = step(machine, { type: 'tick', advertEarlyMs: 10 }, 93);
  assert.deepEqual(early.actions, [{ type: 'send-advert', priority: 255 }]);
  assert.equal(early.machine.advertAt, 193);
  // On time or late: the steady schedule, as without the allowance.
  const late = step(machine, { type: 'tick', advertEarlyMs: 10 }, 101);
  assert.equal(late.machine.advertAt, 200);
  // A backup's down timer never fires early, whatever the allowance.
  let backup = createMachine({ version: 3, priority: 100, advertIntervalMs: 100, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.2' });
  backup = step(backup, { type: 'startup' }, 0).machine;
  const down = backup.masterDownAt ?? 0;
  assert.equal(step(backup, { type: 'tick', advertEarlyMs: 10 }, down - 1).machine.state, 'backup');
  assert.equal(step(backup, { type: 'tick', advertEarlyMs: 10 }, down).machine.state, 'master');
});

test('events before start-up or after shutdown change nothing visible', () => {
  let machine = createMachine({ version: 2, priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '10.0.0.1' });
  const before = step(machine, { type: 'advert', advert: { priority: 200, advertIntervalMs: 1000, from: '10.0.0.2' } }, 0);
  assert.deepEqual(before.actions, []);
  assert.equal(before.machine.state, 'init');
  machine = step(machine, { type: 'startup' }, 0).machine;
  const stopped = step(machine, { type: 'shutdown' }, 5);
  assert.equal(stopped.machine.state, 'init');
  assert.equal(nextDeadline(stopped.machine), undefined);
  assert.deepEqual(stopped.actions.map((a) => a.type), ['transition']);
});
