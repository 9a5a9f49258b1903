// The engine's one timer: the earliest request wins, later ones cost nothing, a time already
// past means the next turn. Driven by a hand-cranked clock and timer functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Wakeup, type TimerFunctions } from '../../../src/vrrp/wakeup.js';

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
