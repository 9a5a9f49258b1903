// Which `config lint` command lines the direct route takes (and how it reads them), and which
// it leaves to oclif: anything it does not take must come back undefined, never be guessed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLintCommandLine } from '../../../src/direct/lint.js';

describe('parseLintCommandLine', () => {
  it('reads files and every flag in its three spellings', () => {
    const line = parseLintCommandLine(['a.conf', '--format', 'json', '-i', 'lb1', '--config-id=lb2', '--cluster', 'b.conf', '--max-warnings=0', '--rule', 'x=off', '--rule=y=info', '--keepalived-version', '2.2.7']);
    assert.ok(line);
    assert.deepEqual(line.files, ['a.conf', 'b.conf']);
    assert.deepEqual(Object.fromEntries(line.values), {
      format: ['json'],
      'config-id': ['lb1', 'lb2'],
      cluster: [''],
      'max-warnings': ['0'],
      rule: ['x=off', 'y=info'],
      'keepalived-version': ['2.2.7'],
    });
  });
  it('no arguments: no files (the command reads keepalived\'s default file)', () => {
    assert.deepEqual(parseLintCommandLine([]), { files: [], values: new Map() });
  });
  it('leaves to oclif what it does not take', () => {
    for (const args of [
      ['--help'],
      ['-h'],
      ['--json'],
      ['--debug', 'a.conf'],
      ['--bogus'],
      ['-x'],
      ['--format', 'xml'],
      ['--format'],
      ['--format', '--cluster'],
      ['--format', 'json', '--format', 'text'],
      ['--cluster=yes'],
      ['--cluster', '--cluster'],
      ['--max-warnings', '-1'],
      ['--max-warnings', '1.5'],
      ['--max-warnings', 'many'],
      ['--keepalived-version', '1.0'],
      ['--', 'a.conf'],
      ['-'],
      ['-fjson'],
    ]) {
      assert.equal(parseLintCommandLine(args), undefined, args.join(' '));
    }
  });
});
