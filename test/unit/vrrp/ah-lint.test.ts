// What `config lint` says about auth_type AH, against what keepalived 2.2.7 does (measured in
// two namespaces): with state MASTER below priority 255 it logs "Initial state master is
// incompatible with AH authentication - clearing" and starts as BACKUP; an address owner
// (priority 255) keeps state MASTER and takes over at once. vrrp run carries AH out, so it is
// no longer reported by vrrp-run-unsupported.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lintFile } from '../../../src/lint/lint.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-ah-lint-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function rulesFor(state: string, priority: number): string[] {
  const file = path.join(dir, `k-${state}-${priority}.conf`);
  writeFileSync(
    file,
    `vrrp_instance VI_1 {
  state ${state}
  interface eth0
  virtual_router_id 51
  priority ${priority}
  authentication {
    auth_type AH
    auth_pass secret12
  }
  virtual_ipaddress {
    192.0.2.10/24
  }
}
`,
  );
  return lintFile(file, { configId: 'lb1' }).findings.map((f) => f.rule);
}

describe('config lint and auth_type AH', () => {
  it('ah-with-master only below priority 255, where keepalived clears the MASTER state', () => {
    assert.ok(rulesFor('MASTER', 150).includes('ah-with-master'));
    assert.ok(!rulesFor('MASTER', 255).includes('ah-with-master'));
    assert.ok(!rulesFor('BACKUP', 150).includes('ah-with-master'));
  });

  it('AH is no longer named as not carried out by vrrp run', () => {
    assert.ok(!rulesFor('BACKUP', 100).includes('vrrp-run-unsupported'));
  });
});
