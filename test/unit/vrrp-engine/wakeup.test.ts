// The engine's one timer: the earliest request wins, later ones cost nothing, a time already
// past means the next turn. Driven by a hand-cranked clock and timer functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPIN_MS, Wakeup, type TimerFunctions } from '../../../src/vrrp/wakeup.js';

function harness(): { wakeup: Wakeup; wakes: number[]; armed: () => Array<{ kind: string; ms?: number }>; run: () => void; clock: { now: number } } {
  const clock = { now: 0 };
  const wakes: number[] = [];
  let pending: Array<{ id: number; kind: string; ms?: number; callback: () => void }> = [];
  let next = 1;
  const timers: TimerFunctions = {
    setTimeout: (callback, ms) => (pending.push({ id: next, kind: 'timeout', ms, callback }), next++),
    clearTimeout: (id) => (pending = pending.filter((p) => p.id !== id)),
    setImmediate: (callback) => (pending.push({ id: next, kind: 'immediate', callback }), next++),
    clearImmediate: (id) => (pending = pending.filter((p) => p.id !== id)),
  };
  const wakeup = new Wakeup(() => clock.now, () => wakes.push(clock.now), timers);
  return {
    wakeup,
    wakes,
    clock,
    armed: () => pending.map(({ kind, ms }) => (ms === undefined ? { kind } : { kind, ms })),
    run: () => {
      const due = pending;
      pending = [];
      for (const p of due) p.callback();
    },
  };
}

test('the earliest request is armed; later ones leave it alone', () => {
  const h = harness();
  h.wakeup.atOrBefore(100);
  h.wakeup.atOrBefore(250);
  h.wakeup.atOrBefore(300);
  assert.deepEqual(h.armed(), [{ kind: 'timeout', ms: 100 }]);
  assert.equal(h.wakeup.pendingAt, 100);
  h.wakeup.atOrBefore(40);
  assert.deepEqual(h.armed(), [{ kind: 'timeout', ms: 40 }]);
  h.clock.now = 40;
  h.run();
  assert.deepEqual(h.wakes, [40]);
  assert.equal(h.wakeup.pendingAt, Infinity);
});

test('a time already past is the next turn of the event loop; cancel forgets everything', () => {
  const h = harness();
  h.clock.now = 10;
  h.wakeup.atOrBefore(5);
  assert.deepEqual(h.armed(), [{ kind: 'immediate' }]);
  h.wakeup.cancel();
  assert.deepEqual(h.armed(), []);
  h.wakeup.atOrBefore(30);
  assert.deepEqual(h.armed(), [{ kind: 'timeout', ms: 20 }]);
});

/** A clock that moves on by `step` ms at each reading (a spinning caller sees time pass) and a sleep that moves it. */
function sleepingHarness(canSleep = true): { wakeup: Wakeup; clock: { now: number }; sleeps: number[] } {
  const clock = { now: 0 };
  const sleeps: number[] = [];
  const timers: TimerFunctions = {
    setTimeout: () => undefined,
    clearTimeout: () => undefined,
    setImmediate: () => undefined,
    clearImmediate: () => undefined,
    sleep: (ms) => {
      if (!canSleep) return false;
      sleeps.push(ms);
      clock.now += ms;
      return true;
    },
  };
  const wakeup = new Wakeup(() => (clock.now += 0.01), () => undefined, timers);
  return { wakeup, clock, sleeps };
}

test('sleepUntil sleeps all but the last SPIN_MS, waits that out, and never returns before the time', () => {
  const h = sleepingHarness();
  h.clock.now = 100;
  assert.equal(h.wakeup.sleepUntil(102.5, 3), true);
  assert.equal(h.sleeps.length, 1);
  assert.ok(Math.abs((h.sleeps[0] as number) - (2.5 - 0.01 - SPIN_MS)) < 1e-9, `slept ${h.sleeps[0]}`);
  assert.ok(h.clock.now >= 102.5);
  // Within SPIN_MS of the time: no sleep, only the wait on the CPU.
  h.clock.now = 200;
  assert.equal(h.wakeup.sleepUntil(200 + SPIN_MS / 2, 3), true);
  assert.equal(h.sleeps.length, 1);
  assert.ok(h.clock.now >= 200 + SPIN_MS / 2);
});

test('sleepUntil does nothing for a time past, a time too far, or timers that cannot sleep', () => {
  const h = sleepingHarness();
  h.clock.now = 50;
  assert.equal(h.wakeup.sleepUntil(40, 3), false);
  assert.equal(h.wakeup.sleepUntil(60, 3), false);
  assert.deepEqual(h.sleeps, []);
  const without = sleepingHarness(false);
  without.clock.now = 10;
  assert.equal(without.wakeup.sleepUntil(12, 3), false);
  assert.ok(without.clock.now < 11, 'no waiting when the sleep is refused');
  const none = new Wakeup(() => 0, () => undefined, { setTimeout: () => 1, clearTimeout: () => undefined, setImmediate: () => 1, clearImmediate: () => undefined });
  assert.equal(none.sleepUntil(1, 3), false);
});
