// Every rule fires on its bad example and stays silent on its good one; every rule has a docs
// page showing that pair; ids are unique and the rule objects are well-formed data.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { lintFile } from '../../../src/lint/lint.js';
import { CLUSTER_RULES } from '../../../src/lint/cluster.js';
import { RULES } from '../../../src/lint/rules/index.js';
import { projectRoot } from '../../support/paths.js';
import { RULE_EXAMPLES } from './rule-examples.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-rules-'));
after(() => rmSync(directory, { recursive: true, force: true }));

let counter = 0;
function lint(text: string, mode = 0o600): ReturnType<typeof lintFile>['findings'] {
  counter += 1;
  const file = path.join(directory, `k${counter}.conf`);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return lintFile(file, { configId: 'lb1' }).findings;
}

describe('lint rules', () => {
  it('have unique ids, a severity, a category and a one-line description', () => {
    const ids = RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const rule of RULES) {
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(['error', 'warning', 'info'].includes(rule.severity), rule.id);
      assert.ok(rule.description.length > 10 && !rule.description.includes('\n'), rule.id);
      if (rule.hostDependent) assert.notEqual(rule.severity, 'error', `${rule.id} depends on the host: at most a warning`);
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const example = RULE_EXAMPLES[rule.id];
      it('has examples', () => assert.ok(example, `no example for ${rule.id}`));
      if (!example) return;
      const mode = rule.id === 'plaintext-auth-readable' ? 0o644 : 0o600;
      it('fires on the bad example', () => {
        const findings = lint(example.bad, mode);
        assert.ok(findings.some((f) => f.rule === rule.id), `${rule.id} did not fire:\n${JSON.stringify(findings, null, 1)}`);
      });
      it('is silent on the good example', () => {
        const findings = lint(example.good, mode);
        assert.deepEqual(findings.filter((f) => f.rule === rule.id), []);
      });
      it('has docs/rules page with both examples', () => {
        const page = path.join(projectRoot, 'docs', 'rules', `${rule.id}.md`);
        assert.ok(existsSync(page), `${page} missing`);
        const text = readFileSync(page, 'utf8');
        assert.match(text, /## Bad/);
        assert.match(text, /## Good/);
        assert.ok(text.includes(example.bad.replace(/^\ufeff/, '').split('\n')[0] ?? ''), 'bad example not in the page');
      });
    });
  }

  it('cluster rules have docs pages and ids distinct from file rules', () => {
    for (const rule of CLUSTER_RULES) {
      assert.ok(!RULES.some((r) => r.id === rule.id), rule.id);
      const text = readFileSync(path.join(projectRoot, 'docs', 'rules', `${rule.id}.md`), 'utf8');
      assert.match(text, /## Bad[\s\S]*## Good/);
    }
    const index = readFileSync(path.join(projectRoot, 'docs', 'rules', 'README.md'), 'utf8');
    for (const rule of [...RULES, ...CLUSTER_RULES]) assert.ok(index.includes(`[${rule.id}](${rule.id}.md)`), `${rule.id} missing from docs/rules/README.md`);
  });

  it('priority-255-not-master: silent without a state line (an owner then takes over at once, as MASTER)', () => {
    const unset = RULE_EXAMPLES['priority-255-not-master']?.bad.replace('  state BACKUP\n', '') ?? '';
    assert.ok(unset.includes('priority 255') && !unset.includes('state'));
    assert.deepEqual(lint(unset).filter((f) => f.rule === 'priority-255-not-master'), []);
  });

  it('the good examples are clean of errors altogether', () => {
    for (const [id, example] of Object.entries(RULE_EXAMPLES)) {
      const errors = lint(example.good).filter((f) => f.severity === 'error');
      assert.deepEqual(errors, [], `good example of ${id}`);
    }
  });
});
