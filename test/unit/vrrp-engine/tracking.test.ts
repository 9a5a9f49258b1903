import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trackingEffect, type TrackedObject } from '../../../src/vrrp/tracking.js';

const object = (weight: number, up: boolean | undefined, reverse = false, name = 'x'): TrackedObject => ({ kind: 'script', name, weight, reverse, up });

test('weight 0: failing means FAULT; reverse: being up means FAULT', () => {
  assert.deepEqual(trackingEffect([object(0, false)]), { faults: ['script x'], weights: [] });
  assert.deepEqual(trackingEffect([object(0, true)]), { faults: [], weights: [] });
  assert.deepEqual(trackingEffect([object(0, true, true)]), { faults: ['script x'], weights: [] });
  assert.deepEqual(trackingEffect([object(0, false, true)]), { faults: [], weights: [] });
});

test('a positive weight is added while up, a negative one while down', () => {
  assert.deepEqual(trackingEffect([object(10, true)]).weights, [10]);
  assert.deepEqual(trackingEffect([object(10, false)]).weights, []);
  assert.deepEqual(trackingEffect([object(-20, false)]).weights, [-20]);
  assert.deepEqual(trackingEffect([object(-20, true)]).weights, []);
});

test('reverse turns the adjustment round (keepalived multiplies the weight by -1)', () => {
  assert.deepEqual(trackingEffect([object(10, true, true)]).weights, [-10]);
  assert.deepEqual(trackingEffect([object(-20, false, true)]).weights, [20]);
  assert.deepEqual(trackingEffect([object(-20, true, true)]).weights, []);
});

test('an object whose state cannot be known (a disabled script) has no effect', () => {
  assert.deepEqual(trackingEffect([object(0, undefined), object(-10, undefined)]), { faults: [], weights: [] });
});

test('several objects: every fault is named, every weight counted', () => {
  const effect = trackingEffect([
    { kind: 'interface', name: 'eth1', weight: 0, reverse: false, up: false },
    object(0, false, false, 'chk_a'),
    object(-5, false, false, 'chk_b'),
    object(7, true, false, 'chk_c'),
  ]);
  assert.deepEqual(effect, { faults: ['interface eth1', 'script chk_a'], weights: [-5, 7] });
});

const file = (weight: number, value: number, reverse = false): TrackedObject => ({ kind: 'file', name: 'f', weight, reverse, up: undefined, value });

test('track_file: value x weight is added (reverse negates it); below -253 means FAULT', () => {
  assert.deepEqual(trackingEffect([file(1, 5)]), { faults: [], weights: [5] });
  assert.deepEqual(trackingEffect([file(2, 3, true)]), { faults: [], weights: [-6] });
  assert.deepEqual(trackingEffect([file(1, 0)]), { faults: [], weights: [] });
  assert.deepEqual(trackingEffect([file(1, -253)]), { faults: [], weights: [-253] });
  assert.deepEqual(trackingEffect([file(1, -254)]), { faults: ['file f'], weights: [] });
  assert.deepEqual(trackingEffect([file(-2, 200)]), { faults: ['file f'], weights: [] });
});

test('track_file weight 0: any non-zero value means FAULT, whatever its sign', () => {
  assert.deepEqual(trackingEffect([file(0, 1)]), { faults: ['file f'], weights: [] });
  assert.deepEqual(trackingEffect([file(0, -1)]), { faults: ['file f'], weights: [] });
  assert.deepEqual(trackingEffect([file(0, 0)]), { faults: [], weights: [] });
});
