import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NotifyFifo } from '../../../src/vrrp/notify-fifo.js';

test('creates the fifo, writes keepalived lines in order, and never blocks without a reader', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-fifo-'));
  const file = path.join(dir, 'notify.fifo');
  const fifo = NotifyFifo.open(file);
  try {
    assert.ok(statSync(file).isFIFO());
    // No reader yet: writes still succeed (the pipe holds them).
    assert.equal(fifo.write({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100 }), true);
    const reader = createReadStream(file);
    let text = '';
    reader.on('data', (chunk) => (text += chunk.toString()));
    fifo.write({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100 });
    fifo.write({ kind: 'GROUP', name: 'G', state: 'MASTER', priority: 0 });
    for (let i = 0; i < 100 && text.split('\n').length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(text, 'INSTANCE "VI_1" BACKUP 100\nINSTANCE "VI_1" MASTER 100\nGROUP "G" MASTER 0\n');
    reader.destroy();
  } finally {
    fifo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full pipe drops the line instead of stalling the engine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-fifo-'));
  const fifo = NotifyFifo.open(path.join(dir, 'full.fifo'));
  try {
    let written = 0;
    while (fifo.write({ kind: 'INSTANCE', name: 'VI_1', state: 'MASTER', priority: 100 })) written += 1;
    assert.ok(written > 100, `${written} lines fitted before the pipe was full`);
    assert.equal(fifo.write({ kind: 'INSTANCE', name: 'VI_1', state: 'BACKUP', priority: 100 }), false);
  } finally {
    fifo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a path that is not a fifo is refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-fifo-'));
  try {
    writeFileSync(path.join(dir, 'plain'), '');
    assert.throws(() => NotifyFifo.open(path.join(dir, 'plain')), /exists and is not a fifo/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
