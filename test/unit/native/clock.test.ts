// The addon's precise sleep (clock_nanosleep to an absolute time on the monotonic clock): it
// never returns early, whatever signals come, and refuses nothing it is given (clamped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleepPrecise } from '../../../src/native/clock.js';

test('sleepPrecise blocks for at least the time asked, on the clock performance.now() reads', () => {
  for (const ms of [0.05, 0.5, 2]) {
    const start = performance.now();
    assert.equal(sleepPrecise(ms), true);
    const slept = performance.now() - start;
    assert.ok(slept >= ms, `asked ${ms} ms, slept ${slept} ms`);
  }
});

test('sleepPrecise takes out-of-range values as the nearest allowed', () => {
  assert.equal(sleepPrecise(-5), true);
  assert.equal(sleepPrecise(Number.NaN), true);
});
