// The language as keepalived 2.2.7 reads it: comments, quoting, braces, includes, @id lines,
// $NAME definitions, generators, CRLF, BOM, long lines; positions on every node.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/keepalived/load.js';
import { expandBraces, stripComment, tokenize } from '../../../src/keepalived/reader.js';
import { loadSchema, schemaFile } from '../../../src/keepalived/schema.js';
import { projectRoot } from '../../support/paths.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-reader-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let n = 0;
function load(text: string | Buffer, configId = 'lb1', name?: string): ReturnType<typeof loadConfig> {
  n += 1;
  const file = path.join(directory, name ?? `c${n}.conf`);
  writeFileSync(file, text);
  return loadConfig(file, { configId });
}
const rules = (r: ReturnType<typeof loadConfig>): string[] => r.diagnostics.map((d) => `${d.line}:${d.rule}`);

describe('keyword data', () => {
  it('the vendored JSON equals ../shared/data when that file exists', () => {
    const shared = path.resolve(projectRoot, '../shared/data/keepalived-keywords-2.2.7.json');
    const vendored = path.join(projectRoot, 'src/keepalived/data/keepalived-keywords-2.2.7.json');
    if (existsSync(shared)) assert.equal(readFileSync(vendored, 'utf8'), readFileSync(shared, 'utf8'));
    assert.deepEqual(JSON.parse(readFileSync(schemaFile(), 'utf8')), JSON.parse(readFileSync(vendored, 'utf8')));
  });
  it('knows blocks, arguments and suggestions', () => {
    const schema = loadSchema();
    const instance = schema.lookup(undefined, 'vrrp_instance');
    assert.equal(instance?.block, 'keywords');
    assert.equal(schema.lookup(instance, 'priority')?.minArgs, 1);
    assert.equal(schema.lookup(instance, 'nopreempt')?.minArgs, 0);
    assert.equal(schema.suggest('Priority', instance), 'priority');
    assert.equal(schema.suggest('virtual_ipadress', instance), 'virtual_ipaddress');
    assert.deepEqual(schema.placesOf('router_id'), [['global_defs']]);
  });
});

describe('lexing', () => {
  it('comments start anywhere outside double quotes', () => {
    assert.equal(stripComment('auth_pass ab#cd').code, 'auth_pass ab');
    assert.equal(stripComment('auth_pass "ab#cd" # c').code, 'auth_pass "ab#cd" ');
    assert.equal(stripComment("auth_pass 'ab!cd'").code, "auth_pass 'ab");
  });
  it('braces split tokens and quotes group', () => {
    const tokens = tokenize('vrrp_instance VI_1{ notify "/bin/x a b" }', 'f', 1, 0);
    assert.deepEqual(tokens.map((t) => t.text), ['vrrp_instance', 'VI_1', '{', 'notify', '/bin/x a b', '}']);
    assert.deepEqual(tokens.map((t) => t.column), [1, 15, 19, 21, 28, 41]);
  });
  it('expands csh braces', () => assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']));
});

describe('parsing', () => {
  it('one-line blocks, { on the next line, text after }', () => {
    const r = load('global_defs { router_id a }\nvrrp_instance VI_1\n{\n interface eth0 } vrrp_script s {\n script /bin/true\n}\n');
    assert.deepEqual(rules(r), []);
    assert.equal(r.config.global.routerId, 'a');
    assert.equal(r.config.vrrpInstances[0]?.interface, 'eth0');
    assert.equal(r.config.vrrpScripts[0]?.script?.command, '/bin/true');
    assert.deepEqual(r.config.vrrpScripts[0]?.at, { file: r.file, line: 4, column: 19, endLine: 6 });
  });
  it('CRLF is fine; a BOM is one diagnostic', () => {
    assert.deepEqual(rules(load('global_defs {\r\n router_id a\r\n}\r\n')), []);
    assert.deepEqual(rules(load(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('global_defs {\n}\n')]))), ['1:byte-order-mark']);
  });
  it('keywords are case-sensitive and block-scoped; an unknown block is skipped with one diagnostic', () => {
    const r = load('global_defs {\n  vrrp_instance VI_1 {\n    state MASTER\n    priority 100\n  }\n  router_id a\n}\n');
    assert.deepEqual(rules(r), ['2:misplaced-keyword']);
    assert.equal(r.config.global.routerId, 'a');
  });
  it('one missing } is one diagnostic, pinned to the block that lacks it', () => {
    const text = 'vrrp_instance VI_1 {\n interface eth0\n authentication {\n  auth_type PASS\n virtual_ipaddress {\n  192.0.2.1\n }\n}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n}\n';
    const r = load(text);
    assert.deepEqual(rules(r), ['3:unbalanced-braces']);
    assert.equal(r.config.vrrpInstances[0]?.virtualIpAddresses[0]?.address, '192.0.2.1');
    assert.equal(r.config.virtualServers.length, 1);
  });
  it('unbalanced braces', () => {
    assert.deepEqual(rules(load('global_defs {\n router_id a\n')), ['1:unbalanced-braces']);
    assert.deepEqual(rules(load('global_defs {\n}\n}\n')), ['3:unbalanced-braces']);
  });
  it('include with globs and braces, relative to the including file', () => {
    const sub = path.join(directory, 'inc');
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, 'a.conf'), 'vrrp_script a {\n script /bin/a\n}\n');
    writeFileSync(path.join(sub, 'b.conf'), 'vrrp_script b {\n script /bin/b\n}\n');
    writeFileSync(path.join(sub, 'c.txt'), 'vrrp_script c {\n script /bin/c\n}\n');
    const r = load('include inc/*.conf\ninclude inc/{c}.txt\ninclude inc/none-*.conf\n', 'lb1', 'main-inc.conf');
    assert.deepEqual(r.config.vrrpScripts.map((s) => s.name), ['a', 'b', 'c']);
    assert.deepEqual(rules(r), ['3:include-error']);
    assert.equal(r.config.vrrpScripts[1]?.at.file, path.join(sub, 'b.conf'));
  });
  it('@id and @^id lines follow the config id', () => {
    const text = 'global_defs {\n@lb1 router_id one\n@^lb1 router_id other\n}\n';
    assert.equal(load(text, 'lb1').config.global.routerId, 'one');
    assert.equal(load(text, 'lb2').config.global.routerId, 'other');
  });
  it('$NAME definitions, multi-line, ${NAME}; undefined names stay', () => {
    const r = load('$IF=eth1\n$BODY= \\\n  state MASTER \\\n  priority 120\nvrrp_instance VI_1 {\n  interface ${IF}\n  $BODY\n  virtual_router_id 7\n}\n');
    const instance = r.config.vrrpInstances[0];
    assert.equal(instance?.interface, 'eth1');
    assert.equal(instance?.state, 'MASTER');
    assert.equal(instance?.priority, 120);
  });
  it('~SEQ, ~SEQx and ~LST generate lines', () => {
    const r = load('~SEQ(i, 1, 2, 5) vrrp_script s$i { script /bin/$i }\n~LST(n, a, b) vrrp_script t_$n { script /bin/$n }\n~SEQx(h, 10, 1, 11) vrrp_script x$h { script /bin/true }\n');
    assert.deepEqual(r.config.vrrpScripts.map((s) => s.name), ['s1', 's3', 's5', 't_a', 't_b', 'xa', 'xb']);
  });
  it('over-long lines are split like keepalived and reported', () => {
    const r = load(`global_defs {\n router_id ${'x'.repeat(1500)}\n}\n`);
    assert.ok(rules(r).includes('2:line-too-long'));
  });
  it('script values: double and single quotes, backslash escapes, user and group', () => {
    const r = load(`vrrp_script a {\n  script "/bin/x 'd e' f\\ g"\n}\nvrrp_script b {\n  script /bin/y\\ z w\n}\nvrrp_instance VI_1 {\n  notify_master '/bin/n o' nobody nogroup\n}\n`);
    assert.deepEqual(r.config.vrrpScripts.map((s) => s.script?.argv), [['/bin/x', 'd e', 'f g'], ['/bin/y z', 'w']]);
    const notify = r.config.vrrpInstances[0]?.notify.master;
    assert.deepEqual([notify?.argv, notify?.user, notify?.group], [['/bin/n', 'o'], 'nobody', 'nogroup']);
  });
  it('an unrendered template is one finding, not a cascade', async () => {
    const { lintFile } = await import('../../../src/lint/lint.js');
    const file = path.join(projectRoot, 'test/fixtures/keepalived/broken/131-template-jinja-erb.conf');
    const findings = lintFile(file, { configId: 'lb1' }).findings.filter((f) => f.severity !== 'info' && f.rule !== 'plaintext-auth-readable');
    assert.deepEqual(findings.map((f) => `${f.line}:${f.rule}`), ['3:unrendered-template']);
  });
  it('global settings flow into instances; strict mode turns accept off; use_vmac', () => {
    const r = load('global_defs {\n vrrp_strict\n vrrp_garp_master_delay 2\n lvs_sync_daemon eth1 VI_1\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n use_vmac vrrp.1 02:00:5e:00:01:01\n}\n');
    const i = r.config.vrrpInstances[0];
    assert.deepEqual([i?.strictMode, i?.acceptMode, i?.garpMasterDelay], [true, false, 2]);
    assert.deepEqual(i?.vmac, { name: 'vrrp.1', mac: '02:00:5e:00:01:01' });
    assert.deepEqual(r.config.global.lvsSyncDaemon, { interface: 'eth1', instance: 'VI_1' });
  });
  it('defaults are keepalived\'s', () => {
    const r = load('vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 1\n}\nvirtual_server 192.0.2.1 80 {\n real_server 192.0.2.2 80 {\n  TCP_CHECK {\n  }\n }\n}\n');
    const i = r.config.vrrpInstances[0];
    assert.equal(i?.state, 'BACKUP');
    assert.equal(i?.priority, 100);
    assert.equal(i?.advertInt, 1);
    assert.equal(i?.version, 2);
    assert.deepEqual([i?.garpMasterDelay, i?.garpMasterRepeat, i?.garpMasterRefresh, i?.unicastTtl, i?.downTimerAdverts, i?.acceptMode], [5, 5, 0, 255, 3, true]);
    assert.equal(r.config.global.defaultInterface, 'eth0');
    const vs = r.config.virtualServers[0];
    assert.equal(vs?.protocol, 'UDP');
    assert.equal(vs?.scheduler, 'wlc');
    assert.equal(vs?.method, 'NAT');
    assert.equal(vs?.delayLoop, 60);
    assert.equal(vs?.realServers[0]?.weight, 1);
    assert.equal(vs?.realServers[0]?.checkers[0]?.connectTimeout, 5);
  });
});
