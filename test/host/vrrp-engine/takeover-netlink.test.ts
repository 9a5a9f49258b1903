// Host tier: a takeover's VIPs go to the kernel in one prepared datagram, and rtnetlink
// answers it within the send, so the engine learns the outcome (and sends its gratuitous
// ARPs) in the same call, without waiting for a turn of the event loop. Checked against the
// kernel in a namespace the test creates and always removes, and against ip(8).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, run, uniqueName } from '../../support/netns.js';

const support = (name: string): string => path.join(projectRoot, 'dist', 'test', 'support', name);

interface Sent {
  now: boolean;
  answered: number;
  refusals: string[];
}

test('a prepared takeover is answered within the send; a refusal too; several sends answer later', () => {
  const ns = uniqueName('vtk');
  try {
    run('ip', ['netns', 'add', ns]);
    inNamespace(ns, 'ip', ['link', 'add', 'vt0', 'type', 'veth', 'peer', 'name', 'vt0p']);
    inNamespace(ns, 'ip', ['link', 'set', 'vt0', 'up']);
    inNamespace(ns, 'ip', ['addr', 'add', '192.0.2.1/24', 'dev', 'vt0']);
    const result = JSON.parse(inNamespace(ns, 'node', [support('prepared-takeover.js'), 'vt0', '192.0.2.100/32', '192.0.2.101/32', '192.0.2.102/32'])) as {
      first: Sent;
      again: Sent;
      split: Sent;
      addresses: string[];
    };
    assert.deepEqual(result.first, { now: true, answered: 1, refusals: [] });
    assert.deepEqual(result.again, { now: true, answered: 1, refusals: ['0:EEXIST'] });
    assert.deepEqual(result.split, { now: false, answered: 2, refusals: [] });
    assert.deepEqual(result.addresses.sort(), ['192.0.2.1/24', '192.0.2.100/32', '192.0.2.101/32', '192.0.2.102/32']);
    // ip(8) sees the VIPs as the kernel holds them.
    const shown = JSON.parse(inNamespace(ns, 'ip', ['-j', 'addr', 'show', 'dev', 'vt0'])) as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>;
    assert.deepEqual(shown.flatMap((l) => l.addr_info.map((a) => `${a.local}/${a.prefixlen}`)).filter((a) => a.startsWith('192.0.2.')).sort(), result.addresses.sort());
  } finally {
    run('ip', ['netns', 'del', ns]);
  }
});
