import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFaultName, groupFaultsFor, groupMayTakeOver, groupState, ownFaults, type MemberView } from '../../../src/vrrp/sync-group.js';
import { createMachine, step, type Machine, type MachineConfig } from '../../../src/vrrp/state-machine.js';

const member = (name: string, state: MemberView['state'], extra: Partial<MemberView> = {}): MemberView => ({ name, state, wantMaster: false, faults: [], ...extra });

test('the group is FAULT if any member is, MASTER if all are, BACKUP otherwise', () => {
  assert.equal(groupState(['master', 'master']), 'master');
  assert.equal(groupState(['master', 'backup']), 'backup');
  assert.equal(groupState(['master', 'fault']), 'fault');
  assert.equal(groupState(['init', 'init']), 'init');
  assert.equal(groupState([]), 'init');
});

test('the group takes over only when every member is master or wants to be', () => {
  assert.equal(groupMayTakeOver([member('a', 'backup', { wantMaster: true }), member('b', 'backup')]), false);
  assert.equal(groupMayTakeOver([member('a', 'backup', { wantMaster: true }), member('b', 'backup', { wantMaster: true })]), true);
  assert.equal(groupMayTakeOver([member('a', 'backup', { wantMaster: true }), member('b', 'master')]), true);
  assert.equal(groupMayTakeOver([member('a', 'backup', { wantMaster: true }), member('b', 'fault')]), false);
});

test('a member failing its own tracking holds the others in FAULT; group faults do not spread further', () => {
  const members = [
    member('VI_1', 'fault', { faults: ['script chk'] }),
    member('VI_2', 'fault', { faults: [groupFaultName('G', 'VI_1')] }),
    member('VI_3', 'backup'),
  ];
  const wanted = groupFaultsFor('G', members);
  assert.deepEqual(wanted.get('VI_1'), []);
  assert.deepEqual(wanted.get('VI_2'), [groupFaultName('G', 'VI_1')]);
  assert.deepEqual(wanted.get('VI_3'), [groupFaultName('G', 'VI_1')]);
  assert.deepEqual(ownFaults(['script chk', groupFaultName('G', 'VI_1')]), ['script chk']);
});

function run(machine: Machine, event: Parameters<typeof step>[1], now: number): { machine: Machine; actions: string[] } {
  const result = step(machine, event, now);
  return { machine: result.machine, actions: result.actions.map((a) => (a.type === 'transition' ? `${a.transition.from}->${a.transition.to}` : a.type)) };
}

test('a sync-group member whose master went quiet asks to take over instead of doing it alone', () => {
  const config: MachineConfig = { version: 3, priority: 100, advertIntervalMs: 100, preempt: true, preemptDelayMs: 0, localAddress: '192.0.2.1', inSyncGroup: true };
  let { machine } = run(createMachine(config), { type: 'startup' }, 0);
  assert.equal(machine.state, 'backup');
  const down = machine.masterDownAt ?? 0;
  let result = run(machine, { type: 'tick' }, down);
  machine = result.machine;
  assert.deepEqual(result.actions, ['want-master']);
  assert.equal(machine.state, 'backup');
  assert.equal(machine.wantMaster, true);
  assert.ok((machine.masterDownAt ?? 0) > down, 'asks again later');
  // A master heard again cancels the wish.
  result = run(machine, { type: 'advert', advert: { priority: 150, advertIntervalMs: 100, from: '192.0.2.9' } }, down + 10);
  assert.equal(result.machine.wantMaster, false);
  // The group's decision moves it.
  result = run(machine, { type: 'sync', to: 'master', reason: 'group' }, down + 10);
  assert.deepEqual(result.actions, ['send-advert', 'backup->master']);
  assert.equal(result.machine.wantMaster, false);
});

test('sync master never lifts a member out of FAULT', () => {
  const config: MachineConfig = { version: 3, priority: 100, advertIntervalMs: 100, preempt: true, preemptDelayMs: 0, localAddress: '192.0.2.1', inSyncGroup: true };
  let { machine } = run(createMachine(config), { type: 'startup' }, 0);
  machine = run(machine, { type: 'fault', name: 'script chk', failed: true }, 5).machine;
  assert.equal(machine.state, 'fault');
  assert.equal(run(machine, { type: 'sync', to: 'master', reason: 'group' }, 10).machine.state, 'fault');
});
