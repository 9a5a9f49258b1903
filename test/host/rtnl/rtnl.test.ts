// Host tier: VIP management and link events over rtnetlink, inside a test namespace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';

const script = path.join(projectRoot, 'dist', 'test', 'support', 'rtnl-actions.js');
let pair: NamespacePair | undefined;
before(() => {
  pair = namespacePair({ addressA: ['192.0.2.1/24', '2001:db8:9::1/64'], addressB: ['192.0.2.2/24'] });
});
after(() => pair?.cleanup());

interface Listed {
  address: string;
  prefixLength: number;
  proto?: number;
  label?: string;
}

for (const [vip, label] of [
  ['192.0.2.100/32', 'veth0:vip'],
  ['2001:db8:9::100/128', undefined],
] as const) {
  test(`adds ${vip} marked as vipctl's, refuses a duplicate, removes it`, () => {
    assert.ok(pair);
    const lines = inNamespace(pair.a, 'node', [script, 'vip', pair.ifA, vip, ...(label ? [label] : [])])
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    const [added, duplicate, removed] = lines as [Listed[], string, Listed[]];
    const [address, prefix] = vip.split('/');
    const ours = added.find((a) => a.address === address);
    assert.ok(ours, 'the VIP is listed after adding');
    assert.equal(ours.prefixLength, Number(prefix));
    assert.equal(ours.proto, 0x76);
    if (label) assert.equal(ours.label, label);
    assert.equal(duplicate, 'EEXIST');
    assert.equal(removed.some((a) => a.address === address), false);
    // ip(8) saw it the same way: after the run nothing is left behind.
    assert.doesNotMatch(inNamespace(pair.a, 'ip', ['addr', 'show', 'dev', pair.ifA]), new RegExp(`${address}/`));
  });
}

test('link events report an interface going down and up again', async () => {
  assert.ok(pair);
  const { a, ifA } = pair;
  const child = spawn('ip', ['netns', 'exec', a, 'node', script, 'watch', ifA, '1500'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Array<Record<string, unknown>> = [];
  const reader = createInterface({ input: child.stdout });
  const seen = new Promise<void>((resolve) => {
    reader.on('line', (line) => {
      lines.push(JSON.parse(line) as Record<string, unknown>);
      if (lines.length === 1) {
        inNamespace(a, 'ip', ['link', 'set', ifA, 'down']);
        inNamespace(a, 'ip', ['link', 'set', ifA, 'up']);
      }
    });
    child.on('exit', () => resolve());
  });
  await seen;
  assert.deepEqual(lines[0], { initial: true });
  const states = lines.slice(1).map((l) => l.up);
  assert.ok(states.includes(false), `a down event was seen: ${JSON.stringify(lines)}`);
  assert.equal(states.at(-1), true, 'the last event says it is up again');
});
