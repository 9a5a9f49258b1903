import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcementPlan } from '../../../src/vrrp/announce-plan.js';

test('without intervals every message of the burst goes at once, repeat rounds over the VIPs', () => {
  assert.deepEqual(announcementPlan(['192.0.2.1', '192.0.2.2'], { repeat: 2, garpIntervalMs: 0, gnaIntervalMs: 0 }), [
    { atMs: 0, address: '192.0.2.1' },
    { atMs: 0, address: '192.0.2.2' },
    { atMs: 0, address: '192.0.2.1' },
    { atMs: 0, address: '192.0.2.2' },
  ]);
});

test('vrrp_garp_interval spaces ARPs, vrrp_gna_interval spaces NAs, each on its own count', () => {
  const plan = announcementPlan(['192.0.2.1', '2001:db8::1', '192.0.2.2'], { repeat: 2, garpIntervalMs: 10, gnaIntervalMs: 25 });
  assert.deepEqual(
    plan.filter((p) => !p.address.includes(':')).map((p) => p.atMs),
    [0, 10, 20, 30],
  );
  assert.deepEqual(
    plan.filter((p) => p.address.includes(':')).map((p) => p.atMs),
    [0, 25],
  );
  assert.deepEqual(plan.map((p) => p.atMs), [...plan.map((p) => p.atMs)].sort((a, b) => a - b));
});

test('a repeat of 0 still sends one round', () => {
  assert.equal(announcementPlan(['192.0.2.1'], { repeat: 0, garpIntervalMs: 0, gnaIntervalMs: 0 }).length, 1);
});
