// `vipctl config lint` and `config dump` as users and CI run them: exit statuses, the JSON
// contract, SARIF, GitHub annotations, colour rules, suppression comments, --rule, --cluster.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { vipctlBin } from '../../support/paths.js';
import { instance } from './rule-examples.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-cli-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(directory, name);
  writeFileSync(file, text);
  chmodSync(file, 0o600);
  return file;
}

function vipctl(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [vipctlBin, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const clean = write('clean.conf', `global_defs {\n  router_id lb1\n}\n${instance()}`);
const broken = write('broken.conf', `global_defs {\n  router_id lb1\n}\n${instance('  Priority 100\n')}`);
const warnOnly = write('warn.conf', instance('  virtual_ipaddress {\n  }\n'));

describe('config lint exit status', () => {
  it('0 on a clean file, with no output', () => {
    const r = vipctl(['config', 'lint', clean]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });
  it('1 on an error, with file:line:col: severity: message [rule], the line and a caret', () => {
    const r = vipctl(['config', 'lint', broken]);
    assert.equal(r.status, 1);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `${broken}:9:3: error: unknown keyword 'Priority' in vrrp_instance; did you mean 'priority'? [unknown-keyword]`);
    assert.equal(lines[1], '    Priority 100');
    assert.equal(lines[2], '    ^');
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when stdout is not a TTY');
  });
  it('0 with warnings only, 1 over --max-warnings', () => {
    assert.equal(vipctl(['config', 'lint', warnOnly]).status, 0);
    assert.equal(vipctl(['config', 'lint', warnOnly, '--max-warnings', '0']).status, 1);
    assert.equal(vipctl(['config', 'lint', warnOnly, '--max-warnings', '5']).status, 0);
  });
  it('2 on a missing file (keepalived -t says 0) and on bad flags', () => {
    const missing = vipctl(['config', 'lint', path.join(directory, 'nope.conf')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*nope\.conf: no such file \(ENOENT\)/);
    assert.equal(vipctl(['config', 'lint', clean, '--rule', 'no-such-rule=off']).status, 2);
    assert.equal(vipctl(['config', 'lint', clean, '--format', 'xml']).status, 2);
  });
  it('-i ID before the file takes one value', () => {
    assert.equal(vipctl(['config', 'lint', '-i', 'lb1', broken]).status, 1);
    assert.equal(vipctl(['config', 'lint', '--rule', 'unknown-keyword=off', broken]).status, 0);
  });
  it('--rule changes a severity or turns a rule off', () => {
    assert.equal(vipctl(['config', 'lint', broken, '--rule', 'unknown-keyword=warning']).status, 0);
    const off = vipctl(['config', 'lint', broken, '--rule', 'unknown-keyword=off', '--format', 'json']);
    assert.deepEqual(JSON.parse(off.stdout), { findings: [] });
  });
});

describe('config lint formats', () => {
  it('json is the stable contract', () => {
    const r = vipctl(['config', 'lint', broken, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    assert.deepEqual(report.findings, [{ file: broken, line: 9, column: 3, severity: 'error', rule: 'unknown-keyword', message: "unknown keyword 'Priority' in vrrp_instance; did you mean 'priority'?" }]);
    const viaJsonFlag = JSON.parse(vipctl(['config', 'lint', broken, '--json']).stdout) as unknown;
    assert.deepEqual(viaJsonFlag, report);
  });
  it('sarif 2.1.0', () => {
    const r = vipctl(['config', 'lint', broken, '--format', 'sarif']);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run?.tool.driver.name, 'vipctl');
    assert.deepEqual(run?.tool.driver.rules.map((rule) => rule.id), ['unknown-keyword']);
    assert.equal(run?.results[0]?.level, 'error');
    assert.deepEqual(run?.results[0]?.locations[0]?.physicalLocation.region, { startLine: 9, startColumn: 3 });
  });
  it('github workflow annotations', () => {
    const r = vipctl(['config', 'lint', broken, '--format', 'github']);
    assert.match(r.stdout, /^::error file=[^,]*broken\.conf,line=9,col=3,title=unknown-keyword::unknown keyword 'Priority'.*\[unknown-keyword\]$/m);
  });
  it('colour never with NO_COLOR, even when forced', () => {
    const r = vipctl(['config', 'lint', broken], { NO_COLOR: '1', FORCE_COLOR: '1' });
    assert.ok(!r.stdout.includes('\u001b['));
  });
});

describe('suppression comments', () => {
  it('# vipctl-lint-disable ID on the line before, or at the end of the line', () => {
    const before = write('s1.conf', instance('  # vipctl-lint-disable unknown-keyword\n  Priority 100\n'));
    assert.equal(vipctl(['config', 'lint', before]).status, 0);
    const same = write('s2.conf', instance('  Priority 100 # vipctl-lint-disable unknown-keyword\n'));
    assert.equal(vipctl(['config', 'lint', same]).status, 0);
    const other = write('s3.conf', instance('  # vipctl-lint-disable duplicate-vip\n  Priority 100\n'));
    assert.equal(vipctl(['config', 'lint', other]).status, 1);
  });
  it('# vipctl-lint-disable-file ID for the whole file', () => {
    const file = write('s4.conf', `# vipctl-lint-disable-file unknown-keyword\n${instance('  Priority 100\n  Advert_int 1\n')}`);
    assert.equal(vipctl(['config', 'lint', file]).status, 0);
  });
});

describe('cluster lint', () => {
  const node = (state: string, priority: number, extra = ''): string => instance(extra).replace('BACKUP', state).replace('priority 100', `priority ${priority}`);
  it('finds the mismatches that make a split brain', () => {
    const master = write('m.conf', `global_defs {\n  router_id lb\n}\n${node('MASTER', 150, '  advert_int 1\n')}`);
    const backup = write('b.conf', `global_defs {\n  router_id lb\n}\n${node('MASTER', 150, '  advert_int 2\n')}`);
    const r = vipctl(['config', 'lint', '--cluster', master, backup, '--format', 'json']);
    assert.equal(r.status, 1);
    const rules = (JSON.parse(r.stdout) as { findings: { rule: string; message: string }[] }).findings.map((f) => `${f.rule}: ${f.message}`);
    assert.ok(rules.some((m) => m.startsWith('cluster-mismatch: VRID 51/IPv4: advert_int differ')), rules.join('\n'));
    assert.ok(rules.some((m) => m.startsWith('cluster-priority:') && m.includes('both have priority 150')), rules.join('\n'));
    assert.ok(rules.some((m) => m.startsWith('cluster-priority:') && m.includes('2 nodes have state MASTER')), rules.join('\n'));
    assert.ok(rules.some((m) => m.startsWith('cluster-router-id:')), rules.join('\n'));
  });
  it('one templated file under several --config-id values', () => {
    const file = write('t.conf', `global_defs {\n@lb1 router_id lb1\n@lb2 router_id lb2\n}\n${instance().replace('  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n', '@lb1 state MASTER\n@lb2 state BACKUP\n  interface eth0\n  virtual_router_id 51\n@lb1 priority 150\n@lb2 priority 100\n')}`);
    const ok = vipctl(['config', 'lint', '--cluster', file, '-i', 'lb1', '-i', 'lb2']);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const same = write('t2.conf', file.length > 0 ? `${instance()}` : '');
    const bad = vipctl(['config', 'lint', '--cluster', same, '-i', 'lb1', '-i', 'lb2', '--format', 'json']);
    assert.match(bad.stdout, /cluster-priority/);
    assert.equal(vipctl(['config', 'lint', same, '-i', 'lb1', '-i', 'lb2']).status, 2, 'several ids need --cluster');
    assert.equal(vipctl(['config', 'lint', '--cluster', same]).status, 2, 'a cluster needs two nodes');
  });
  it('unicast peers must list each other', () => {
    const a = write('u1.conf', instance('  unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2\n  }\n').replace('BACKUP', 'MASTER').replace('priority 100', 'priority 150'));
    const b = write('u2.conf', instance('  unicast_src_ip 192.0.2.2\n  unicast_peer {\n    192.0.2.3\n  }\n'));
    const r = vipctl(['config', 'lint', '--cluster', a, b, '--format', 'json']);
    assert.match(r.stdout, /does not list 192\.0\.2\.1/);
  });
});

describe('config dump', () => {
  it('prints the resolved model with defaults', () => {
    const file = write('d.conf', '$IF=eth1\nvrrp_instance VI_1 {\n  interface $IF\n  virtual_router_id 9\n}\nvirtual_server 192.0.2.1 80 {\n  real_server 192.0.2.2 80 {\n  }\n}\n');
    const r = vipctl(['config', 'dump', file]);
    assert.equal(r.status, 0, r.stderr);
    const model = JSON.parse(r.stdout) as { vrrpInstances: { interface: string; priority: number; state: string }[]; virtualServers: { protocol: string; scheduler: string; method: string }[] };
    assert.deepEqual([model.vrrpInstances[0]?.interface, model.vrrpInstances[0]?.priority, model.vrrpInstances[0]?.state], ['eth1', 100, 'BACKUP']);
    assert.deepEqual([model.virtualServers[0]?.protocol, model.virtualServers[0]?.scheduler, model.virtualServers[0]?.method], ['UDP', 'wlc', 'NAT']);
    assert.equal(vipctl(['config', 'dump', path.join(directory, 'nope.conf')]).status, 2);
  });
});

describe('config lint: the direct route and oclif answer alike', () => {
  // bin/run.js runs plain command lines without oclif (src/direct/lint.ts); VIPCTL_NO_DIRECT=1
  // sends every command line through oclif. Same output, same status, either way.
  const lines: string[][] = [
    ['config', 'lint', clean],
    ['config', 'lint', broken],
    ['config', 'lint', broken, '--format', 'json'],
    ['config', 'lint', broken, '--format=github'],
    ['config', 'lint', '-f', 'sarif', broken],
    ['config', 'lint', warnOnly, '--max-warnings', '0'],
    ['config', 'lint', warnOnly, '--max-warnings=3'],
    ['config', 'lint', broken, '--rule', 'unknown-keyword=warning', '--rule', 'unused-vrrp-script=off'],
    ['config', 'lint', '-i', 'lb1', broken, '--keepalived-version', '2.2.7'],
    ['config', 'lint', '--cluster', clean, broken],
    ['config', 'lint', clean, '--config-id', 'a', '--config-id', 'b'],
    ['config', 'lint', path.join(directory, 'nope.conf')],
    ['config', 'lint', clean, '--rule', 'no-such-rule=off'],
    ['config', 'lint', clean, '--format', 'xml'],
    ['config', 'lint', clean, '--format', 'json', '--format', 'text'],
    ['config', 'lint', clean, '--max-warnings', '-1'],
    ['config', 'lint', clean, '--bogus'],
  ];
  for (const line of lines) {
    it(line.slice(2).join(' ').replaceAll(directory, 'DIR'), () => {
      const direct = vipctl(line);
      const viaOclif = vipctl(line, { VIPCTL_NO_DIRECT: '1' });
      assert.equal(direct.status, viaOclif.status, `${direct.stderr}\n${viaOclif.stderr}`);
      assert.equal(direct.stdout, viaOclif.stdout);
      assert.equal(direct.stderr, viaOclif.stderr);
    });
  }
});
