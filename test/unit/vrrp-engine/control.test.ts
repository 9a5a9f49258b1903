import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { queryControl, startControlServer } from '../../../src/vrrp/control.js';
import type { VipctlError } from '../../../src/errors.js';

function tempSocket(): { dir: string; socket: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-control-'));
  return { dir, socket: path.join(dir, 'run', 'vrrp.sock') };
}

test('answers requests line by line, with a root-only socket in a private directory', async () => {
  const { dir, socket } = tempSocket();
  const server = await startControlServer(socket, (request) => ({ echo: request.command }));
  try {
    assert.equal(statSync(socket).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(socket)).mode & 0o777, 0o700);
    assert.deepEqual(await queryControl(socket, { command: 'status' }), { echo: 'status' });
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a handler failure comes back as a refusal, not a hang', async () => {
  const { dir, socket } = tempSocket();
  const server = await startControlServer(socket, () => {
    throw new Error('no such instance VI_9');
  });
  try {
    await assert.rejects(queryControl(socket, { command: 'status' }), /refused the request: no such instance VI_9/);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale socket file from a killed run is replaced; a live one is refused', async () => {
  const { dir, socket } = tempSocket();
  try {
    const first = await startControlServer(socket, () => 1);
    await assert.rejects(startControlServer(socket, () => 2), (error: VipctlError) => error.exitCode === 4);
    first.close();
    // A run killed with SIGKILL leaves its socket file behind with nobody listening.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(existsSync(socket), 'the killed process left its socket file');
    const second = await startControlServer(socket, () => 2);
    assert.equal(await queryControl(socket, { command: 'x' }), 2);
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no engine running: a clear error with exit status 3', async () => {
  const { dir, socket } = tempSocket();
  try {
    await assert.rejects(queryControl(socket, { command: 'status' }), (error: VipctlError) => {
      assert.match(error.message, /no vrrp engine is running/);
      assert.equal(error.exitCode, 3);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
