// notify_priority_changes at its three levels and sync_group_tracking_weight, as the model
// reads them for `vrrp run` (the host test notify-priority-defaults compares the resulting
// fifo lines with keepalived 2.2.7's): the instance's own on/off, the sync group's default,
// global vrrp_notify_priority_changes; and none of these reported as unsupported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../../../src/keepalived/load.js';
import { unsupportedKeywords } from '../../../src/vrrp/support.js';

function load(text: string): LoadedConfig {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-npd-'));
  try {
    const file = path.join(dir, 'k.conf');
    writeFileSync(file, text);
    return loadConfig(file, { configId: 'x' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const instance = (name: string, extra: string): string => `vrrp_instance ${name} {
  interface eth0
  virtual_router_id 51
  ${extra}
  virtual_ipaddress {
    192.0.2.51/32
  }
}
`;

test('instance notify_priority_changes: on, off, yes, absent', () => {
  const { config } = load(
    instance('A', 'notify_priority_changes') + instance('B', 'notify_priority_changes off') + instance('C', 'notify_priority_changes yes') + instance('D', ''),
  );
  assert.deepEqual(config.vrrpInstances.map((i) => i.notifyPriorityChanges), [true, false, true, undefined]);
  assert.equal(config.global.vrrpNotifyPriorityChanges, undefined);
});

test('global vrrp_notify_priority_changes and the sync group keywords', () => {
  const { config, syntax } = load(`global_defs {
  vrrp_notify_priority_changes
}
vrrp_sync_group G1 {
  group {
    A
  }
  notify_priority_changes off
  sync_group_tracking_weight
}
vrrp_sync_group G2 {
  group {
    B
  }
  global_tracking
}
vrrp_sync_group G3 {
  group {
    C
  }
}
${instance('A', '')}${instance('B', '')}${instance('C', '')}`);
  assert.equal(config.global.vrrpNotifyPriorityChanges, true);
  assert.deepEqual(config.syncGroups.map((g) => [g.name, g.notifyPriorityChanges, g.trackingWeight]), [
    ['G1', false, true],
    ['G2', undefined, true],
    ['G3', undefined, undefined],
  ]);
  assert.deepEqual(unsupportedKeywords(syntax).map((u) => u.what), []);
});

test('global vrrp_notify_priority_changes off', () => {
  assert.equal(load('global_defs {\n  vrrp_notify_priority_changes off\n}\n').config.global.vrrpNotifyPriorityChanges, false);
});
