// cannotReadError: the one message and exit status for input files a user names wrongly,
// from the real errors the file system gives.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { ExitCode, VipctlError, cannotReadError } from '../../../src/errors.js';
import { vipctlBin } from '../../support/paths.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-cannot-read-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function readError(file: string): unknown {
  try {
    readFileSync(file);
  } catch (error) {
    return error;
  }
  assert.fail(`${file} was readable`);
}

describe('cannotReadError', () => {
  it('names the file, the cause in words and its code, exit status 2', () => {
    const file = path.join(directory, 'missing.conf');
    const error = cannotReadError(file, readError(file));
    assert.ok(error instanceof VipctlError);
    assert.equal(error.message, `cannot read ${file}: no such file (ENOENT)`);
    assert.equal(error.exitCode, ExitCode.Usage);
    assert.equal(error.hint, 'check the path');
  });

  it('a directory and a path through a file', () => {
    assert.match((cannotReadError(directory, readError(directory)) as Error).message, /: is a directory \(EISDIR\)$/);
    const file = path.join(directory, 'plain');
    writeFileSync(file, 'x');
    const through = path.join(file, 'inside');
    assert.match((cannotReadError(through, readError(through)) as Error).message, /: a part of the path is not a directory \(ENOTDIR\)$/);
  });

  it('keeps a caller-given hint', () => {
    const file = path.join(directory, 'missing2.conf');
    assert.equal((cannotReadError(file, readError(file), 'give the file to check') as VipctlError).hint, 'give the file to check');
  });

  it('gives back an error that is not a system error unchanged (a bug, not the file)', () => {
    const bug = new TypeError('x is undefined');
    assert.equal(cannotReadError('/etc/hosts', bug), bug);
  });

  it('the commands that read a named file say it the same way, exit 2', () => {
    const missing = path.join(directory, 'nope.conf');
    for (const args of [['config', 'lint', missing], ['config', 'dump', missing], ['vrrp', 'run', '-f', missing], ['vrrp', 'sniff', '-r', missing]]) {
      const result = spawnSync(process.execPath, [vipctlBin, ...args], { encoding: 'utf8' });
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`^vipctl: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such file \\(ENOENT\\)\n  hint: `), args.join(' '));
    }
  });
});
