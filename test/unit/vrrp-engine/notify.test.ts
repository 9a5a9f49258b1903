import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotificationQueue, commandsFor, fifoLine, spawnRunner, type RunResult } from '../../../src/vrrp/notify.js';

test('keepalived\'s arguments: the specific script as written, then notify with four more', () => {
  const scripts = { master: ['/etc/k/m.sh', 'x'], any: ['/etc/k/all.sh'] };
  assert.deepEqual(commandsFor(scripts, { kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 150 }), [
    ['/etc/k/m.sh', 'x'],
    ['/etc/k/all.sh', 'INSTANCE', 'VI_1', 'MASTER', '150'],
  ]);
  assert.deepEqual(commandsFor(scripts, { kind: 'GROUP', name: 'G', state: 'FAULT', priority: 0 }), [
    ['/etc/k/all.sh', 'GROUP', 'G', 'FAULT', '0'],
  ]);
});

test('notify_fifo lines have keepalived\'s shape', () => {
  assert.equal(fifoLine({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100 }), 'INSTANCE "VI_1" MASTER 100\n');
  assert.equal(fifoLine({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER_RX_LOWER_PRI', priority: 255 }), 'INSTANCE "VI_1" MASTER_RX_LOWER_PRI 255\n');
});

test('MASTER_RX_LOWER_PRI: notify_master_rx_lower_pri as written, never the generic notify (keepalived 2.2.7, measured)', () => {
  const change = { kind: 'INSTANCE' as const, name: 'VI_1', state: 'MASTER_RX_LOWER_PRI' as const, priority: 255 };
  assert.deepEqual(commandsFor({ masterRxLowerPri: ['/etc/k/rx.sh', 'a'], master: ['/etc/k/m.sh'], any: ['/etc/k/all.sh'] }, change), [['/etc/k/rx.sh', 'a']]);
  assert.deepEqual(commandsFor({ master: ['/etc/k/m.sh'], any: ['/etc/k/all.sh'] }, change), []);
});

test('<STATE>_PRIORITY (notify_priority_changes): a fifo line only, no script (keepalived 2.2.7, measured)', () => {
  for (const state of ['MASTER_PRIORITY', 'BACKUP_PRIORITY'] as const) {
    const change = { kind: 'INSTANCE' as const, name: 'VI_1', state, priority: 205 };
    assert.deepEqual(commandsFor({ master: ['/m'], backup: ['/b'], any: ['/all'] }, change), []);
    assert.equal(fifoLine(change), `INSTANCE "VI_1" ${state} 205\n`);
  }
});

test('DELETED (notify_deleted): its own script as written, then the generic notify; the fifo line (keepalived 2.2.7, measured)', () => {
  const change = { kind: 'INSTANCE', name: 'VI_2', state: 'DELETED', priority: 150 } as const;
  assert.deepEqual(commandsFor({ deleted: ['/etc/k/d.sh', 'x'], stop: ['/etc/k/s.sh'], any: ['/etc/k/all.sh'] }, change), [
    ['/etc/k/d.sh', 'x'],
    ['/etc/k/all.sh', 'INSTANCE', 'VI_2', 'DELETED', '150'],
  ]);
  assert.equal(fifoLine(change), 'INSTANCE "VI_2" DELETED 150\n');
});

test('one instance\'s notifications run in order even when an earlier one is slow; others do not wait', async () => {
  const log: string[] = [];
  const delays: Record<string, number> = { slow: 40, fast: 1, other: 1 };
  const queue = new NotificationQueue(async (argv): Promise<RunResult> => {
    log.push(`start ${argv[0]}`);
    await new Promise((resolve) => setTimeout(resolve, delays[argv[0] ?? ''] ?? 1));
    log.push(`end ${argv[0]}`);
    return { argv, code: 0, signal: null };
  });
  const a1 = queue.enqueue({ backup: ['slow'] }, { kind: 'INSTANCE', name: 'A', state: 'BACKUP', priority: 1 });
  const a2 = queue.enqueue({ master: ['fast'] }, { kind: 'INSTANCE', name: 'A', state: 'MASTER', priority: 1 });
  const b = queue.enqueue({ master: ['other'] }, { kind: 'INSTANCE', name: 'B', state: 'MASTER', priority: 1 });
  await Promise.all([a1, a2, b]);
  assert.ok(log.indexOf('end slow') < log.indexOf('start fast'), log.join(', '));
  assert.ok(log.indexOf('end other') < log.indexOf('end slow'), 'B did not wait for A');
  await queue.drain();
});

test('real scripts run without a shell, in order, and failures are reported, not thrown', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-notify-'));
  try {
    const out = path.join(dir, 'out');
    const script = path.join(dir, 'n.sh');
    writeFileSync(script, `#!/bin/sh\nsleep 0.$1\necho "$@" >> ${out}\n`);
    chmodSync(script, 0o755);
    const results: RunResult[] = [];
    const queue = new NotificationQueue(spawnRunner(5000), (result) => results.push(result));
    void queue.enqueue({ backup: [script, '3', 'backup;', 'rm -rf /'] }, { kind: 'INSTANCE', name: 'V', state: 'BACKUP', priority: 9 });
    void queue.enqueue({ master: [script, '0', 'master'] }, { kind: 'INSTANCE', name: 'V', state: 'MASTER', priority: 9 });
    void queue.enqueue({ master: [path.join(dir, 'missing')] }, { kind: 'INSTANCE', name: 'V', state: 'MASTER', priority: 9 });
    await queue.drain();
    assert.equal(readFileSync(out, 'utf8'), '3 backup; rm -rf /\n0 master\n');
    assert.deepEqual(results.map((r) => r.code), [0, 0, null]);
    assert.match(results[2]?.error ?? '', /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
