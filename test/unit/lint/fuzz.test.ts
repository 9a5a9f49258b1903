// Mutated keepalived samples and random bytes never crash the linter: every input gives
// findings, never an exception (an internal error would be a bug).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { lintFile } from '../../../src/lint/lint.js';
import { fixture } from '../../support/paths.js';
import { RULE_EXAMPLES } from './rule-examples.js';
import { seededRandom } from '../../support/random.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-fuzz-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const samplesDir = '/usr/share/doc/keepalived/samples';
const corpus: Buffer[] = [
  ...(existsSync(samplesDir) ? readdirSync(samplesDir).filter((f) => f.startsWith('keepalived.conf')).map((f) => readFileSync(path.join(samplesDir, f))) : []),
  ...Object.values(RULE_EXAMPLES).map((e) => Buffer.from(e.bad)),
];
const brokenDir = fixture('keepalived', 'broken');
if (existsSync(brokenDir)) for (const f of readdirSync(brokenDir).filter((name) => name.endsWith('.conf'))) corpus.push(readFileSync(path.join(brokenDir, f)));
const SPICE = ['{', '}', '"', '#', '!', '\n', '$X', '${Y}', '@lb1 ', '~SEQ(i,1,2)', 'include *', '\\', '\r', '\ufeff', '{{', '%}', '-1', '999999999999999999999', '\t'];

function mutate(input: Buffer, next: () => number): Buffer {
  const bytes = [...input];
  const edits = 1 + Math.floor(next() * 8);
  for (let e = 0; e < edits; e += 1) {
    const at = Math.floor(next() * (bytes.length + 1));
    const choice = next();
    if (choice < 0.3) bytes.splice(at, 1 + Math.floor(next() * 20));
    else if (choice < 0.6) bytes.splice(at, 0, ...Buffer.from(SPICE[Math.floor(next() * SPICE.length)] ?? ''));
    else if (choice < 0.8) bytes[at] = Math.floor(next() * 256);
    else {
      const from = Math.floor(next() * bytes.length);
      bytes.splice(at, 0, ...bytes.slice(from, from + Math.floor(next() * 200)));
    }
  }
  return Buffer.from(bytes);
}

function lintBytes(bytes: Buffer, index: number): void {
  const file = path.join(directory, `f${index}.conf`);
  writeFileSync(file, bytes);
  try {
    const result = lintFile(file, { configId: 'lb1' });
    for (const f of result.findings) {
      assert.ok(Number.isInteger(f.line) && f.line >= 1, `bad line in ${JSON.stringify(f)}`);
      assert.ok(Number.isInteger(f.column) && f.column >= 1, `bad column in ${JSON.stringify(f)}`);
    }
  } catch (error) {
    writeFileSync(path.join(os.tmpdir(), `vipctl-fuzz-crash-${index}.conf`), bytes);
    throw error;
  }
}

describe('fuzz', () => {
  it('mutated samples never crash the linter', () => {
    assert.ok(corpus.length > 20);
    const next = seededRandom(0x5eed);
    for (let i = 0; i < 400; i += 1) lintBytes(mutate(corpus[i % corpus.length] as Buffer, next), i);
  });
  it('random bytes never crash the linter', () => {
    const next = seededRandom(0xbad);
    for (let i = 0; i < 100; i += 1) {
      const length = Math.floor(next() * 2000);
      const bytes = Buffer.alloc(length);
      for (let b = 0; b < length; b += 1) bytes[b] = next() < 0.3 ? ' {}"#!\n$@~'.charCodeAt(Math.floor(next() * 11)) : Math.floor(next() * 256);
      lintBytes(bytes, 1000 + i);
    }
  });
});
