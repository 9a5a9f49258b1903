// virtual_rules lines read into rule specs as keepalived 2.2.7 reads them (each case measured
// in a namespace with `ip -j rule show`), and rule requests decoded back from their bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultPreferences, parseVirtualRule, ruleText } from '../../../src/vrrp/virtual-rules.js';
import { decodeRule, encodeRuleRequest, FIB_RULE_INVERT, RTM_NEWRULE, VIPCTL_RULE_PROTO, type RuleSpec } from '../../../src/rtnl/rules.js';
import { AttributeDecoder } from '../../../src/netlink/attributes.js';
import { kernelObjects } from '../../../src/vrrp/kernel-objects.js';
import { prepareTakeover } from '../../../src/vrrp/takeover.js';
import { decodeHeader } from '../../../src/netlink/header.js';
import { NLMSG_HDRLEN, align4 } from '../../../src/netlink/constants.js';
import type { Link } from '../../../src/rtnl/links.js';

const links = [
  { index: 1, name: 'lo' },
  { index: 2, name: 'eth0' },
  { index: 3, name: 'eth1' },
] as unknown as Link[];
const parse = (line: string, preferences?: DefaultPreferences) => parseVirtualRule(line.split(/\s+/), links, preferences);
const rule = (line: string): RuleSpec => {
  const parsed = parse(line);
  assert.ok('rule' in parsed, `${line}: ${'problem' in parsed ? parsed.problem : ''}`);
  return parsed.rule;
};

test('selectors and actions read as `ip rule add` would', () => {
  assert.deepEqual(rule('from 192.168.2.0/24 table 1 preference 10'), { family: 4, source: '192.168.2.0', sourceLength: 24, table: 1, action: 'table', priority: 10 });
  assert.deepEqual(rule('to 192.168.2.0/24 lookup main priority 11 no_track'), { family: 4, destination: '192.168.2.0', destinationLength: 24, table: 254, action: 'table', priority: 11 });
  assert.deepEqual(rule('not from 10.9.0.0/16 table 107 order 12'), { family: 4, invert: true, source: '10.9.0.0', sourceLength: 16, table: 107, action: 'table', priority: 12 });
  assert.deepEqual(rule('fwmark 24/0xff table 103 preference 1002'), { family: 4, fwmark: 24, fwmask: 0xff, table: 103, action: 'table', priority: 1002 });
  assert.deepEqual(rule('fwmark 0x30 table 104 preference 1003'), { family: 4, fwmark: 0x30, table: 104, action: 'table', priority: 1003 });
  assert.deepEqual(rule('iif lo oif eth1 table 4000000 preference 5'), { family: 4, iif: 'lo', oif: 'eth1', table: 4000000, action: 'table', priority: 5 });
  assert.deepEqual(rule('from all table main suppress_prefixlength 0 preference 1007'), { family: 4, table: 254, action: 'table', suppressPrefixLength: 0, priority: 1007 });
  assert.deepEqual(rule('from 10.7.0.0/16 table 113 suppress_ifgroup default preference 1'), { family: 4, source: '10.7.0.0', sourceLength: 16, table: 113, action: 'table', suppressIfgroup: 0, priority: 1 });
  assert.deepEqual(rule('uidrange 10000-19999 table 108 preference 1008'), { family: 4, uidRange: { start: 10000, end: 19999 }, table: 108, action: 'table', priority: 1008 });
  assert.deepEqual(rule('from 10.3.0.0/16 ipproto UDP sport 10-20 dport 80-80 table 109 preference 9'), {
    family: 4, source: '10.3.0.0', sourceLength: 16, ipProto: 17, sportRange: { start: 10, end: 20 }, dportRange: { start: 80, end: 80 }, table: 109, action: 'table', priority: 9,
  });
  assert.deepEqual(rule('l3mdev preference 1011'), { family: 4, l3mdev: true, action: 'table', priority: 1011 });
  assert.deepEqual(rule('tos 0x10 table 111 preference 1'), { family: 4, tos: 0x10, table: 111, action: 'table', priority: 1 });
  assert.deepEqual(rule('dsfield 4 table 111 preference 1'), { family: 4, tos: 4, table: 111, action: 'table', priority: 1 });
  assert.equal(rule('realms 30/20 table 1 preference 1').realms, (30 << 16) | 20);
  assert.equal(rule('realms 30 table 1 preference 1').realms, 30, 'one realm is the destination realm');
  assert.deepEqual(rule('from 10.5.0.0/16 goto 1100 preference 1020'), { family: 4, source: '10.5.0.0', sourceLength: 16, goto: 1100, action: 'goto', priority: 1020 });
  for (const action of ['nop', 'blackhole', 'unreachable', 'prohibit'] as const) {
    assert.equal(rule(`from 10.0.0.0/8 ${action} preference 1`).action, action);
    assert.equal(rule(`from 10.0.0.0/8 type ${action} preference 1`).action, action);
  }
  assert.deepEqual(rule('from 10.56.0.0 table 156 preference 1'), { family: 4, source: '10.56.0.0', sourceLength: 32, table: 156, action: 'table', priority: 1 });
});

test('IPv6 rules take their family from their addresses; rules with none are IPv4 (as keepalived)', () => {
  assert.deepEqual(rule('to 1:2:3:4:6:6:7:0/112 from 8:6:5:4:3:2::/96 l3mdev ipproto udp preference 2002'), {
    family: 6, destination: '1:2:3:4:6:6:7:0', destinationLength: 112, source: '8:6:5:4:3:2::', sourceLength: 96, l3mdev: true, ipProto: 17, action: 'table', priority: 2002,
  });
  assert.deepEqual(rule('to ::/0 table 206 preference 2004'), { family: 6, destination: '::', destinationLength: 0, table: 206, action: 'table', priority: 2004 });
  assert.equal(rule('fwmark 9 table 300 preference 3000').family, 4);
});

test('the protocol written is kept only with no_track (keepalived puts its own on rules it tracks)', () => {
  assert.equal(rule('from 10.8.0.0/16 protocol 12 table 114 preference 1').protocol, undefined);
  assert.equal(rule('from 10.8.0.0/16 protocol 12 table 114 preference 1 no_track').protocol, 12);
});

test('rules without a preference get 16384, 16383, ... per family, in file order (keepalived 2.2.7)', () => {
  const preferences = new DefaultPreferences();
  const take = (line: string): number | undefined => {
    const parsed = parse(line, preferences);
    return 'rule' in parsed ? parsed.rule.priority : undefined;
  };
  assert.equal(take('from 10.24.0.0/16 table 124'), 16384);
  assert.equal(take('from 10.1.0.0/16 table 1 preference 7'), 7, 'a written preference takes no number');
  assert.equal(take('from 2001:db8:6::/48 table 207'), 16384);
  assert.equal(take('from 10.40.0.0/16 table 140'), 16383);
  assert.equal(take('from 2001:db8:40::/48 table 240'), 16383);
});

test('what keepalived would drop, refuse or add differently is a problem naming it', () => {
  const problem = (line: string): string => {
    const parsed = parse(line);
    assert.ok('problem' in parsed, `${line} should be refused`);
    return parsed.problem;
  };
  assert.match(problem('fwmark 24/0xff table 103 pref 1002'), /`pref` is not supported/);
  assert.match(problem('from 10.3.0.0/16 ip_proto udp table 1'), /`ip_proto` is not supported/);
  assert.match(problem('from 10.0.0.0/8 table 1 track_group G1'), /`track_group` is not supported/);
  assert.match(problem('from 10.4.0.0/16 ipproto tcp dport 80 table 110'), /dport needs START-END/);
  assert.match(problem('from 10.63.0.0/16 table 163 sport 5-70000'), /sport needs START-END up to 65535/);
  assert.match(problem('from 10.75.0.0/16 table 175 sport 20-10'), /sport needs START-END/);
  assert.match(problem('uidrange 1000 table 122'), /uidrange needs START-END/);
  assert.match(problem('from 10.50.0.0/16 preference 5000'), /no action/);
  assert.match(problem('from 10.51.0.0/16 iif nosuch0 table 151'), /no interface nosuch0 here/);
  assert.match(problem('from 10.57.0.0/16 to 2001:db8::/32 table 157'), /mixed IPv4 and IPv6/);
  assert.match(problem('from 10.59.0.0/16 type unicast'), /invalid rule action unicast/);
  assert.match(problem('from 10.29.0.0/16 throw'), /`throw` is not supported/);
  assert.match(problem('from 10.30.0.0/16 table toString'), /unknown table toString/);
  assert.match(problem('from 10.60.0.0/16 table 160 realms 7/'), /invalid realms 7\//);
  assert.match(problem('from 10.61.0.0/16 table mytab'), /unknown table mytab/);
  assert.match(problem('from 10.64.0.0/16 table 0'), /table 0 is not valid/);
  assert.match(problem('from 10.5.0.0/16 goto 1000 preference 1013'), /goto 1000 is not after/);
  assert.match(problem('from 10.72.0.0/16 table 172 protocol bird no_track'), /protocol needs a number/);
  assert.match(problem('from 10.0.0.0/33 table 1'), /from needs ADDRESS/);
  assert.match(problem('from 10.0.0.0/8 table 1 blackhole'), /two actions/);
  assert.match(problem('fwmark 010 table 1'), /fwmark needs/);
});

test('rules encode as fib_rule_hdr + FRA_* attributes and decode back, marked with our protocol', () => {
  const specs = [
    rule('not from 10.1.0.0/16 to 10.2.0.0/16 table 102 preference 1001'),
    rule('fwmark 24/0xff iif lo oif eth1 tos 0x10 table 4000000 preference 1002'),
    rule('realms 30/20 suppress_prefixlength 0 suppress_ifgroup 5 table main preference 1003'),
    rule('uidrange 10000-19999 ipproto tcp sport 10-20 dport 20-30 l3mdev preference 1004'),
    rule('to 1:2:3:4:6:6:7:0/112 from 8:6:5:4:3:2::/96 goto 3000 preference 2002'),
    rule('from 10.10.0.0/16 blackhole preference 1017'),
    rule('from 10.25.0.0/16 table 125 no_track protocol 12 preference 1028'),
  ];
  for (const spec of specs) {
    const payload = encodeRuleRequest(spec);
    const decoded = decodeRule({ header: { length: payload.length + NLMSG_HDRLEN, type: RTM_NEWRULE, flags: 0, seq: 1, portId: 0 }, payload });
    assert.deepEqual(decoded, { ...spec, protocol: spec.protocol ?? VIPCTL_RULE_PROTO, flags: spec.invert ? FIB_RULE_INVERT : 0 }, ruleText(spec));
    // The attributes are well formed for the existing decoder (no problem noted).
    const attributes = new AttributeDecoder(payload.subarray(12), 'rule');
    assert.equal(attributes.problem, undefined);
  }
  const big = encodeRuleRequest(specs[1] as RuleSpec);
  assert.equal(big.readUInt8(4), 0, 'a table above 255 goes in FRA_TABLE only');
  assert.equal(new AttributeDecoder(big.subarray(12)).u32(15), 4000000);
  assert.equal(new AttributeDecoder(big.subarray(12)).string(3), 'lo', 'FRA_IIFNAME');
  const small = encodeRuleRequest(specs[2] as RuleSpec);
  assert.equal(small.readUInt8(4), 254, 'a small table also in the header, as ip rule sends it');
  assert.equal(small.readUInt8(7), 1, 'FR_ACT_TO_TBL');
  assert.equal(encodeRuleRequest(specs[0] as RuleSpec).readUInt8(2), 16, 'src_len');
  assert.equal(encodeRuleRequest(specs[0] as RuleSpec).readUInt8(1), 16, 'dst_len');
  assert.equal(encodeRuleRequest(specs[4] as RuleSpec).readUInt8(0), 10, 'AF_INET6');
  // Hostile bytes: short or foreign messages give undefined, never an exception.
  assert.equal(decodeRule({ header: { length: 20, type: RTM_NEWRULE, flags: 0, seq: 1, portId: 0 }, payload: Buffer.alloc(4) }), undefined);
  const foreign = Buffer.alloc(12);
  foreign.writeUInt8(128, 0); // RTNL_FAMILY_IPMR
  assert.equal(decodeRule({ header: { length: 28, type: RTM_NEWRULE, flags: 0, seq: 1, portId: 0 }, payload: foreign }), undefined);
  const truncated = Buffer.concat([encodeRuleRequest(specs[0] as RuleSpec).subarray(0, 12), Buffer.from([8, 0, 6, 0, 1])]);
  assert.doesNotThrow(() => decodeRule({ header: { length: truncated.length + 16, type: RTM_NEWRULE, flags: 0, seq: 1, portId: 0 }, payload: truncated }));
});

test('a takeover carries the rules after the routes, as RTM_NEWRULE requests', () => {
  const rules = [rule('from 10.24.0.0/16 table 124 preference 1000'), rule('from 2001:db8:6::/48 table 207 preference 1001')];
  const objects = kernelObjects([{ family: 4, destination: '198.51.100.0', prefixLength: 24, gateway: '192.0.2.254' }], rules);
  const { messages, what } = prepareTakeover([], objects);
  const types: number[] = [];
  for (let offset = 0; offset < messages.length; ) {
    const header = decodeHeader(messages, offset);
    types.push(header.type);
    offset += align4(header.length);
  }
  assert.deepEqual(types, [24, RTM_NEWRULE, RTM_NEWRULE]);
  assert.deepEqual(what.slice(1), ['rule 1000: from 10.24.0.0/16 lookup 124', 'rule 1001: from 2001:db8:6::/48 lookup 207']);
});
