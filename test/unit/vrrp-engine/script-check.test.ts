import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initialHealth, recordResult, ScriptCheck, type ScriptHealth } from '../../../src/vrrp/script-check.js';
import type { VrrpScript } from '../../../src/keepalived/model.js';
import type { RunResult } from '../../../src/vrrp/notify.js';

function feed(health: ScriptHealth, results: boolean[], rise: number, fall: number): boolean[] {
  const states: boolean[] = [];
  for (const result of results) {
    health = recordResult(health, result, rise, fall).health;
    states.push(health.ok);
  }
  return states;
}

test('starts ok, or failed with init_fail', () => {
  assert.equal(initialHealth(false).ok, true);
  assert.equal(initialHealth(true).ok, false);
});

test('fall failures in a row are needed to fail, rise successes to recover; a success resets the count', () => {
  assert.deepEqual(feed(initialHealth(false), [false, false, true, false, false, false], 2, 3), [true, true, true, true, true, false]);
  assert.deepEqual(feed(initialHealth(true), [true, false, true, true], 2, 3), [false, false, false, true]);
});

test('rise and fall of 0 or 1 change at once', () => {
  assert.deepEqual(feed(initialHealth(false), [false, true], 0, 0), [false, true]);
  assert.deepEqual(feed(initialHealth(false), [false, true], 1, 1), [false, true]);
});

function script(overrides: Partial<VrrpScript>): VrrpScript {
  const at = { file: 'k.conf', line: 1, column: 1 };
  return { name: 'chk', at, interval: 1, weight: 0, reverse: false, rise: 1, fall: 1, initFail: false, script: { command: 'x', argv: ['x'], at }, ...overrides };
}

test('a check runs at once, reports a change once, and never overlaps its previous run', async () => {
  let running = 0;
  let overlapped = false;
  const calls: string[][] = [];
  const changes: boolean[] = [];
  const results = [1, 1, 0];
  let timeoutSeen = 0;
  let finished = 0;
  const check = new ScriptCheck(script({ interval: 1, timeout: 3, fall: 2, rise: 1 }), {
    runnerFor: (timeoutMs) => {
      timeoutSeen = timeoutMs;
      return async (argv): Promise<RunResult> => {
        running += 1;
        if (running > 1) overlapped = true;
        calls.push(argv);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return { argv, code: results.shift() ?? 0, signal: null };
      };
    },
    onChange: (ok) => changes.push(ok),
    onResult: () => (finished += 1),
  });
  // The interval is one second: three finished runs take about two.
  check.start();
  for (let waited = 0; finished < 3 && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  check.stop();
  assert.equal(timeoutSeen, 3000);
  assert.ok(calls.length >= 3, `ran ${calls.length} times`);
  assert.deepEqual(calls[0], ['x']);
  assert.equal(overlapped, false);
  // Two failures (fall 2) -> failed, then a success (rise 1) -> ok.
  assert.deepEqual(changes, [false, true]);
});

test('a real script: exit status 0 is ok, non-zero and a timeout are failures', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-check-'));
  try {
    mkdirSync(path.join(dir, 'bin'));
    const file = path.join(dir, 'bin', 'chk.sh');
    writeFileSync(file, '#!/bin/sh\n[ "$1" = ok ] && exit 0\n[ "$1" = slow ] && exec sleep 5\nexit 3\n');
    chmodSync(file, 0o755);
    const outcome = async (arg: string, timeout?: number): Promise<RunResult> => {
      const results: RunResult[] = [];
      const check = new ScriptCheck(script({ script: { command: `${file} ${arg}`, argv: [file, arg], at: { file: 'k', line: 1, column: 1 } }, ...(timeout ? { timeout } : {}) }), {
        onChange: () => {},
        onResult: (result) => results.push(result),
      });
      check.start();
      while (results.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      check.stop();
      return results[0] as RunResult;
    };
    assert.equal((await outcome('ok')).code, 0);
    assert.equal((await outcome('bad')).code, 3);
    const slow = await outcome('slow', 1);
    assert.notEqual(slow.code, 0);
    assert.equal(slow.signal, 'SIGTERM');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
