// Host tier: virtual_rules side by side with keepalived 2.2.7. Each tool runs alone in a namespace
// of its own (a veth pair to a peer namespace), with the same two instances and the same
// virtual_rules: IPv4 and IPv6, every selector and action keepalived 2.2.7 accepts (from/to/not,
// preference/priority/order, table/lookup, goto, nop, blackhole/prohibit/unreachable, fwmark with
// and without mask, iif/oif, tos, realms, suppress_prefixlength, suppress_ifgroup, l3mdev,
// uidrange, ipproto, sport/dport, protocol with and without no_track, and rules without a
// preference, numbered across the file). The test compares `ip -j rule show` of both families:
// while both instances are MASTER; after a scripted peer's higher priority sends VI_1 to BACKUP
// (its rules gone, VI_2's kept); when VI_1 is MASTER again; and after SIGTERM (all gone).
// The protocol keepalived puts on its rules (keepalived, or none with no_track) and vipctl's
// (118, so that a later run can find leftovers) are the one expected difference.
// A second case (vipctl alone): a SIGHUP aligns a MASTER's rules, and the rules a SIGKILLed run
// left behind are removed by the next run at start-up, while a rule someone else added stays.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn, type Running } from '../../support/process.js';
import { projectRoot } from '../../support/paths.js';
import { operUp, startEngine, stopEngines, until, type RunningEngine } from '../../support/vrrp-engine.js';

const peerScript = path.join(projectRoot, 'dist', 'test', 'support', 'vrrp-peer.js');

const RULES_1 = [
  'from 192.168.2.0/24 table 100 preference 1000',
  'to 192.168.3.0/24 table 101 priority 1001',
  'not from 10.9.0.0/16 to 10.2.0.0/16 lookup 102 order 1002',
  'fwmark 24/0xff table 103 preference 1003',
  'fwmark 0x30 iif lo table 4000000 preference 1004',
  'oif veth0 table 105 preference 1005',
  'from all table main suppress_prefixlength 0 preference 1006',
  'uidrange 10000-19999 table 106 preference 1007',
  'from 10.3.0.0/16 ipproto udp sport 10-20 dport 80-80 table 107 preference 1008',
  'from 10.4.0.0/16 ipproto tcp dport 20-30 table 108 preference 1009',
  'l3mdev preference 1010',
  'tos 0x10 table 110 preference 1011',
  'realms 30/20 table 111 preference 1012',
  'from 10.7.0.0/16 suppress_ifgroup 5 table 112 preference 1013',
  'from 10.5.0.0/16 goto 1100 preference 1014',
  'from 10.6.0.0/16 nop preference 1100',
  'from 10.10.0.0/16 blackhole preference 1015',
  'from 10.11.0.0/16 type prohibit preference 1016',
  'from 10.12.0.0/16 unreachable preference 1017',
  'from 10.8.0.0/16 protocol 12 table 114 preference 1018',
  'from 10.14.0.0/16 table 116 no_track protocol 12 preference 1019',
  'from 10.15.0.0/16 table 117',
  'from 2001:db8:1::/48 table 200 preference 2000',
  'to 2001:db8:2::/48 from 2001:db8:3::/48 table 201 preference 2001',
  'to 1:2:3:4:6:6:7:0/112 from 8:6:5:4:3:2::/96 l3mdev ipproto UDP sport 10-20 dport 20-30 preference 2002',
  'not from 2001:db8:5::/48 fwmark 7/0xf table 205 preference 2003',
  'to ::/0 table 206 preference 2004',
  'from 2001:db8:6::/48 table 207',
];
const RULES_2 = ['from 10.40.0.0/16 table 140', 'from 2001:db8:40::/48 table 240', 'from 10.41.0.0/16 table 141 preference 3000'];

function instance(name: string, vrid: number, vip: string, rules: string[]): string {
  return `vrrp_instance ${name} {
  interface veth0
  state BACKUP
  virtual_router_id ${vrid}
  priority 200
  advert_int 1
  virtual_ipaddress {
    ${vip}/32
  }
  virtual_rules {
${rules.map((r) => `    ${r}\n`).join('')}  }
}
`;
}
const CONFIG = instance('VI_1', 51, '192.0.2.100', RULES_1) + instance('VI_2', 52, '192.0.2.101', RULES_2);

type RuleView = Array<Record<string, unknown>>;

/** `ip -j rule show` of both families, the protocol of the tools' own rules left out. */
function rules(namespace: string): { 4: RuleView; 6: RuleView } {
  const read = (family: '-4' | '-6'): RuleView =>
    (JSON.parse(inNamespace(namespace, 'ip', [family, '-j', 'rule', 'show'])) as RuleView).map((rule) => {
      const { protocol, ...rest } = rule;
      return protocol === undefined || protocol === 'keepalived' || protocol === '118' ? rest : { ...rest, protocol };
    });
  return { 4: read('-4'), 6: read('-6') };
}
const count = (view: { 4: RuleView; 6: RuleView }): number => view[4].length + view[6].length;

interface Tool {
  name: string;
  pair: NamespacePair;
  baseline: { 4: RuleView; 6: RuleView };
  /** Whether the tool says the instance is in this state. */
  isIn(instance: string, state: 'master' | 'backup'): boolean;
  sigterm(): Promise<void>;
  problems(): string;
}

const pairs: NamespacePair[] = [];
const daemons: Keepalived[] = [];
const peers: Running[] = [];
after(async () => {
  for (const peer of peers) await peer.stop('SIGKILL');
  for (const daemon of daemons) await daemon.stop();
  await stopEngines();
  for (const pair of pairs) pair.cleanup();
});

async function setUp(): Promise<{ pair: NamespacePair; baseline: { 4: RuleView; 6: RuleView } }> {
  const pair = namespacePair({ prefix: 'vr', addressA: ['192.0.2.1/24', '2001:db8::1/64'], addressB: ['192.0.2.2/24'] });
  pairs.push(pair);
  await operUp(pair.a, pair.ifA);
  await operUp(pair.b, pair.ifB);
  return { pair, baseline: rules(pair.a) };
}

async function keepalivedTool(): Promise<Tool> {
  const { pair, baseline } = await setUp();
  const daemon = await startKeepalived(pair.a, CONFIG, 'vrules');
  daemons.push(daemon);
  const states = (instanceName: string): string[] => [...daemon.log().matchAll(new RegExp(`\\(${instanceName}\\) Entering (MASTER|BACKUP) STATE`, 'g'))].map((m) => (m[1] ?? '').toLowerCase());
  return {
    name: 'keepalived',
    pair,
    baseline,
    isIn: (instanceName, state) => states(instanceName).at(-1) === state,
    sigterm: () => daemon.stop('SIGTERM'),
    // Anything keepalived refused or the kernel refused it: the config must be accepted whole.
    problems: () => [...daemon.log().matchAll(/^.*(Unknown rule|[Ii]nvalid|Netlink: error|not found).*$/gm)].map((m) => m[0]).join('\n'),
  };
}

async function vipctlTool(): Promise<Tool> {
  const { pair, baseline } = await setUp();
  const engine: RunningEngine = startEngine(pair.a, CONFIG);
  return {
    name: 'vipctl',
    pair,
    baseline,
    isIn: (instanceName, state) => {
      try {
        return engine.instance(instanceName).state === state;
      } catch {
        return false;
      }
    },
    sigterm: async () => {
      engine.process.kill('SIGTERM');
      assert.equal(await engine.exited, 0, engine.log());
    },
    problems: () => [...engine.log().matchAll(/^.*change failed.*$/gm)].map((m) => m[0]).join('\n'),
  };
}

const added = RULES_1.length + RULES_2.length;

test('virtual_rules: the same rules as keepalived 2.2.7 on MASTER, gone on BACKUP and after SIGTERM', async () => {
  // One tool after the other: each is alone on its wire, so both are MASTER of both VRIDs.
  const views: Record<string, Record<string, { 4: RuleView; 6: RuleView }>> = {};
  for (const make of [keepalivedTool, vipctlTool]) {
    const tool = await make();
    const { a, b, ifB } = tool.pair;
    const seen: Record<string, { 4: RuleView; 6: RuleView }> = {};
    await until(`${tool.name}: both instances MASTER with their rules`, () => tool.isIn('VI_1', 'master') && tool.isIn('VI_2', 'master') && count(rules(a)) === count(tool.baseline) + added, 15_000);
    seen.master = rules(a);
    // A peer of higher priority for VRID 51: VI_1 goes BACKUP and removes its rules (VI_2's stay).
    const peer = runIn(b, process.execPath, [peerScript, 'advertise', ifB, '4', '2', '51', '250', '100', '4', '192.0.2.100']);
    peers.push(peer);
    await until(`${tool.name}: VI_1 BACKUP without its rules`, () => tool.isIn('VI_1', 'backup') && count(rules(a)) === count(tool.baseline) + RULES_2.length, 15_000);
    seen.backup = rules(a);
    assert.equal(await peer.exited, 0, peer.stderr());
    // The peer gone, VI_1 takes over again and puts its rules back.
    await until(`${tool.name}: VI_1 MASTER again with its rules`, () => tool.isIn('VI_1', 'master') && count(rules(a)) === count(tool.baseline) + added, 15_000);
    seen.again = rules(a);
    await tool.sigterm();
    seen.stopped = rules(a);
    assert.deepEqual(seen.stopped, tool.baseline, `${tool.name}: every rule removed at SIGTERM`);
    assert.equal(tool.problems(), '', `${tool.name} refused nothing`);
    views[tool.name] = seen;
  }
  const keepalived = views.keepalived ?? {};
  const vipctl = views.vipctl ?? {};
  for (const phase of ['master', 'backup', 'again', 'stopped']) {
    assert.deepEqual(vipctl[phase], keepalived[phase], `ip -j rule show (both families), ${phase}`);
  }
  // What the comparison covered, as keepalived made it.
  const master = keepalived.master ?? { 4: [], 6: [] };
  const priorities = (family: 4 | 6): unknown[] => master[family].map((r) => r.priority);
  assert.ok(priorities(4).includes(16384) && priorities(4).includes(16383), 'IPv4 rules without preference: 16384, then 16383 in the next instance');
  assert.ok(priorities(6).includes(16384) && priorities(6).includes(16383), 'IPv6 numbered on their own');
  assert.deepEqual(
    master[4].find((r) => r.priority === 1019),
    { priority: 1019, src: '10.14.0.0', srclen: 16, table: '116', protocol: 'bird' },
    'protocol kept with no_track',
  );
  assert.equal(master[4].find((r) => r.priority === 1018)?.protocol, undefined, 'protocol replaced by the tool\'s own without no_track');
  assert.equal(master[4].length + master[6].length, count(keepalived.stopped ?? { 4: [], 6: [] }) + added);
});

test('virtual_rules: a SIGHUP aligns the rules of a MASTER; a killed run\'s rules are removed by the next run at start-up', async () => {
  const { pair, baseline } = await setUp();
  const { a } = pair;
  const has = (family: 4 | 6, priority: number): boolean => rules(a)[family].some((r) => r.priority === priority);
  const first = instance('VI_1', 51, '192.0.2.100', ['from 10.1.0.0/16 table 101 preference 1001', 'from 10.2.0.0/16 table 102 preference 1002', 'from 2001:db8:1::/48 table 201 preference 2001']);
  let engine = startEngine(a, first);
  // The control socket answers once the engine has started.
  const state = (): string | undefined => {
    try {
      return engine.instance('VI_1').state;
    } catch {
      return undefined;
    }
  };
  await until('MASTER with three rules', () => state() === 'master' && count(rules(a)) === count(baseline) + 3, 15_000);
  // Reload: 1002 goes, 1003 comes, the others stay; the instance stays MASTER.
  const file = path.join(path.dirname(path.dirname(engine.socket)), 'keepalived.conf');
  writeFileSync(file, instance('VI_1', 51, '192.0.2.100', ['from 10.1.0.0/16 table 101 preference 1001', 'from 10.3.0.0/16 table 103 preference 1003', 'from 2001:db8:1::/48 table 201 preference 2001']));
  engine.process.kill('SIGHUP');
  await until('the reloaded rules', () => has(4, 1003) && !has(4, 1002), 8000);
  assert.ok(has(4, 1001) && has(6, 2001), 'unchanged rules kept');
  assert.equal(state(), 'master');
  // SIGKILL cannot clean up; the next run removes what carries vipctl's protocol, and nothing else.
  inNamespace(a, 'ip', ['rule', 'add', 'from', '10.99.0.0/16', 'table', '199', 'preference', '1099']);
  engine.process.kill('SIGKILL');
  await engine.exited;
  assert.ok(has(4, 1001) && has(4, 1003) && has(6, 2001), 'a killed run leaves its rules');
  engine = startEngine(a, instance('VI_1', 51, '192.0.2.100', []).replace(/ {2}virtual_rules \{\n {2}\}\n/, ''));
  await engine.waitFor(/removed a rule left behind by an earlier run rule=1001: from 10\.1\.0\.0\/16 lookup 101/);
  await until('the leftovers gone', () => !has(4, 1001) && !has(4, 1003) && !has(6, 2001), 8000);
  assert.ok(has(4, 1099), 'a rule vipctl did not add is left alone');
  engine.process.kill('SIGTERM');
  assert.equal(await engine.exited, 0);
});
