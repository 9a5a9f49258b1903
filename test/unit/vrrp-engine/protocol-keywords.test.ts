// The small protocol keywords of a vrrp_instance and their global_defs defaults, as vrrp run
// reads and decides them: mcast_dst_ip / vrrp_mcast_group4/6, unicast_ttl, check_unicast_src,
// lower_prio_no_advert, higher_prio_send_advert, down_timer_adverts, garp_lower_prio_delay /
// _repeat and unicast_fault_no_peer. The defaults and their precedence are keepalived 2.2.7's
// as measured (test/host/vrrp-engine/protocol-keywords.test.ts compares the wire).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/keepalived/load.js';
import type { KeepalivedConfig } from '../../../src/keepalived/model.js';
import { prepareInstance, sameRouter } from '../../../src/vrrp/instance-setup.js';
import { judgeAdvert } from '../../../src/vrrp/accept.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { createMachine, masterDownIntervalMs, step, type Machine, type MachineConfig, type MachineEvent } from '../../../src/vrrp/state-machine.js';
import { unsupportedKeywords } from '../../../src/vrrp/support.js';
import type { Link } from '../../../src/rtnl/links.js';
import type { InterfaceAddress } from '../../../src/rtnl/addresses.js';

const links = [{ index: 2, name: 'eth0', flags: 0x1043, address: '02:00:00:00:00:01' }] as unknown as Link[];
const addresses = [
  { ifindex: 2, family: 4, address: '192.0.2.1', prefixLength: 24 },
  { ifindex: 2, family: 6, address: 'fe80::1', prefixLength: 64 },
] as unknown as InterfaceAddress[];

function load(text: string): { config: KeepalivedConfig; syntax: ReturnType<typeof loadConfig>['syntax'] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-keywords-'));
  try {
    const file = path.join(dir, 'k.conf');
    writeFileSync(file, text);
    const loaded = loadConfig(file, { configId: 'test' });
    return { config: loaded.config, syntax: loaded.syntax };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function instance(body: string, name = 'VI_1', vip = '192.0.2.100/32'): string {
  return `vrrp_instance ${name} {\n  interface eth0\n  virtual_router_id 7\n  priority 100\n  virtual_ipaddress {\n    ${vip}\n  }\n${body}\n}\n`;
}

function setupOf(text: string, index = 0) {
  const { config } = load(text);
  const found = config.vrrpInstances[index];
  assert.ok(found);
  return prepareInstance(found, links, addresses, { groups: { 4: config.global.vrrpMcastGroup4, 6: config.global.vrrpMcastGroup6 } });
}

const globals = (lines: string): string => `global_defs {\n${lines}\n}\n`;

test('the model: instance keywords over their vrrp_ globals, over keepalived\'s defaults', () => {
  const { config } = load(
    globals('  vrrp_down_timer_adverts 2\n  vrrp_garp_master_delay 3\n  vrrp_garp_master_repeat 4\n  vrrp_garp_lower_prio_repeat 1\n  vrrp_check_unicast_src\n  vrrp_higher_prio_send_advert') +
      instance('  lower_prio_no_advert\n  unicast_fault_no_peer\n  garp_master_delay 9', 'A') +
      instance('  higher_prio_send_advert off\n  down_timer_adverts 4\n  garp_lower_prio_delay 8\n  garp_lower_prio_repeat 0', 'B'),
  );
  const [a, b] = config.vrrpInstances;
  // The lower-priority GARP delay falls back on the global vrrp_garp_master_delay, not on the
  // instance's own garp_master_delay (measured).
  assert.deepEqual(
    [a?.downTimerAdverts, a?.checkUnicastSrc, a?.lowerPrioNoAdvert, a?.higherPrioSendAdvert, a?.garpLowerPrioDelay, a?.garpLowerPrioRepeat, a?.unicastFaultNoPeer],
    [2, true, true, true, 3, 1, true],
  );
  assert.deepEqual(
    [b?.downTimerAdverts, b?.checkUnicastSrc, b?.lowerPrioNoAdvert, b?.higherPrioSendAdvert, b?.garpLowerPrioDelay, b?.garpLowerPrioRepeat, b?.unicastFaultNoPeer],
    [4, true, false, false, 8, 0, false],
  );
  const plain = load(instance('')).config.vrrpInstances[0];
  assert.deepEqual(
    [plain?.downTimerAdverts, plain?.checkUnicastSrc, plain?.lowerPrioNoAdvert, plain?.higherPrioSendAdvert, plain?.garpLowerPrioDelay, plain?.garpLowerPrioRepeat],
    [3, false, false, false, 5, 5],
  );
  // Strict mode: no advert and no GARPs for a lower priority, no advert before stepping down.
  const strict = load(instance('  strict_mode\n  higher_prio_send_advert\n  lower_prio_no_advert off\n  garp_lower_prio_repeat 2')).config.vrrpInstances[0];
  assert.deepEqual([strict?.lowerPrioNoAdvert, strict?.higherPrioSendAdvert, strict?.garpLowerPrioRepeat], [true, false, 0]);
});

test('the multicast group: mcast_dst_ip, else vrrp_mcast_group4/6, else 224.0.0.18 / ff02::12', () => {
  assert.equal(setupOf(instance('')).group, '224.0.0.18');
  assert.equal(setupOf(instance('  mcast_dst_ip 224.0.0.19')).group, '224.0.0.19');
  assert.equal(setupOf(globals('  vrrp_mcast_group4 224.0.0.20') + instance('')).group, '224.0.0.20');
  assert.equal(setupOf(globals('  vrrp_mcast_group4 224.0.0.20') + instance('  mcast_dst_ip 224.0.0.19')).group, '224.0.0.19');
  assert.equal(setupOf(instance('  version 3', 'V6', '2001:db8::100/128')).group, 'ff02::12');
  assert.equal(setupOf(globals('  vrrp_mcast_group6 FF02::0014') + instance('  version 3', 'V6', '2001:db8::100/128')).group, 'ff02::14');
  // A changed group is another router on the wire: a reload opens it afresh.
  assert.equal(sameRouter(setupOf(instance('')), setupOf(instance('  mcast_dst_ip 224.0.0.19'))), false);
});

const unicast = (extra = ''): string => instance(`  unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2\n    2001:DB8:0::3\n  }\n${extra}`);

test('unicast_ttl is the setup\'s unicast TTL (255 by default for IPv4, the kernel\'s hop limit for IPv6) and part of what makes the router', () => {
  assert.equal(setupOf(unicast()).unicastTtl, 255);
  assert.equal(setupOf(unicast('  unicast_ttl 10')).unicastTtl, 10);
  assert.equal(sameRouter(setupOf(unicast()), setupOf(unicast('  unicast_ttl 10'))), false);
  // IPv6: keepalived 2.2.7 sets no hop limit without unicast_ttl (its adverts leave with the
  // interface's hop_limit, 64 by default; measured), so the setup leaves it to the kernel.
  const unicast6 = (extra = ''): string => instance(`  unicast_peer {\n    fe80::2\n  }\n${extra}`, 'V6', '2001:db8::100/128');
  assert.equal(setupOf(unicast6()).family, 6);
  assert.equal(setupOf(unicast6()).unicastTtl, undefined);
  assert.equal(setupOf(unicast6('  unicast_ttl 255')).unicastTtl, 255);
  assert.equal(setupOf(unicast6('  unicast_ttl 200')).unicastTtl, 200);
  assert.equal(sameRouter(setupOf(unicast6()), setupOf(unicast6('  unicast_ttl 255'))), false);
});

test('check_unicast_src: unicast adverts only from a listed peer (peers compared in canonical text)', () => {
  assert.equal(setupOf(unicast()).policy.allowedSources, undefined);
  const policy = setupOf(unicast('  check_unicast_src')).policy;
  assert.deepEqual(policy.allowedSources, ['192.0.2.2', '2001:db8::3']);
  assert.deepEqual(setupOf(globals('  vrrp_check_unicast_src') + unicast()).policy.allowedSources, ['192.0.2.2', '2001:db8::3']);
  // Multicast instances have no peers to check against.
  assert.equal(setupOf(instance('  check_unicast_src')).policy.allowedSources, undefined);
  const advert = (source: string): Buffer => encodeAdvertisement({ version: 2, vrid: 7, priority: 150, addresses: ['192.0.2.100'], interval: 100 }, { source, destination: '192.0.2.1' });
  const verdict = (source: string, checked: boolean): string => {
    const result = judgeAdvert(advert(source), { source, destination: '192.0.2.1', ttl: 255 }, checked ? policy : { ...policy, allowedSources: undefined });
    return result.accept ? 'accept' : result.reason;
  };
  assert.equal(verdict('192.0.2.2', true), 'accept');
  assert.equal(verdict('192.0.2.3', true), 'source');
  assert.equal(verdict('192.0.2.3', false), 'accept');
});

test('unicast_fault_no_peer: no peer means a configuration fault; without it the instance multicasts', () => {
  assert.equal(setupOf(instance('  unicast_fault_no_peer')).configFault, 'no unicast peer (unicast_fault_no_peer)');
  assert.equal(setupOf(instance('  unicast_src_ip 192.0.2.1\n  unicast_fault_no_peer')).configFault, 'no unicast peer (unicast_fault_no_peer)');
  assert.equal(setupOf(unicast('  unicast_fault_no_peer')).configFault, undefined);
  const multicast = setupOf(instance('  unicast_src_ip 192.0.2.1'));
  assert.equal(multicast.configFault, undefined);
  assert.deepEqual([multicast.peers, multicast.group, multicast.source], [[], '224.0.0.18', '192.0.2.1']);
});

const base: MachineConfig = { version: 2, priority: 100, advertIntervalMs: 1000, preempt: true, preemptDelayMs: 0, localAddress: '192.0.2.1' };

function masterOf(config: Partial<MachineConfig>): Machine {
  let machine = step(createMachine({ ...base, ...config }), { type: 'startup' }, 0).machine;
  machine = step(machine, { type: 'tick' }, 10_000).machine;
  assert.equal(machine.state, 'master');
  return machine;
}
const advertFrom = (priority: number, from = '192.0.2.2'): MachineEvent => ({ type: 'advert', advert: { priority, advertIntervalMs: 1000, from } });

test('a master hearing a lower priority answers at once and counts its next advert from then; lower_prio_no_advert keeps silent', () => {
  const master = masterOf({});
  const answered = step(master, advertFrom(50), 10_400);
  assert.deepEqual(answered.actions, [{ type: 'send-advert', priority: 100 }, { type: 'heard-lower-priority', from: '192.0.2.2', priority: 50 }]);
  assert.equal(answered.machine.advertAt, 11_400);
  assert.equal(answered.machine.state, 'master');
  const silent = step(masterOf({ lowerPrioNoAdvert: true }), advertFrom(50), 10_400);
  // GARPs still follow (garp_lower_prio_repeat), the schedule does not move.
  assert.deepEqual(silent.actions, [{ type: 'heard-lower-priority', from: '192.0.2.2', priority: 50 }]);
  assert.equal(silent.machine.advertAt, 11_000);
  // An equal priority from a lower address is a lower master too; priority 0 is not.
  assert.deepEqual(step(master, advertFrom(100, '192.0.2.0'), 10_400).actions.map((a) => a.type), ['send-advert', 'heard-lower-priority']);
  assert.deepEqual(step(master, advertFrom(0), 10_400).actions.map((a) => a.type), ['send-advert']);
});

test('higher_prio_send_advert: one advert at our priority, then BACKUP; without it BACKUP in silence', () => {
  const quiet = step(masterOf({}), advertFrom(150), 10_400);
  assert.deepEqual(quiet.actions.map((a) => a.type), ['transition']);
  const loud = step(masterOf({ higherPrioSendAdvert: true }), advertFrom(150), 10_400);
  assert.deepEqual(loud.actions.map((a) => (a.type === 'send-advert' ? `advert ${a.priority}` : a.type)), ['advert 100', 'transition']);
  assert.equal(loud.machine.state, 'backup');
});

test('down_timer_adverts replaces the 3 of Master_Down_Interval (v2 and v3)', () => {
  const backup = (config: Partial<MachineConfig>): Machine => step(createMachine({ ...base, ...config }), { type: 'startup' }, 0).machine;
  assert.equal(masterDownIntervalMs(backup({})), 3000 + 609.375);
  assert.equal(masterDownIntervalMs(backup({ downTimerAdverts: 1 })), 1000 + 609.375);
  assert.equal(masterDownIntervalMs(backup({ downTimerAdverts: 5 })), 5000 + 609.375);
  assert.equal(masterDownIntervalMs(backup({ version: 3, advertIntervalMs: 100, downTimerAdverts: 2 })), 200 + 60.9375);
  // A backup hearing its master counts that many intervals from the advert.
  const heard = step(backup({ downTimerAdverts: 1 }), advertFrom(150), 500).machine;
  assert.equal(heard.masterDownAt, 500 + 1000 + 609.375);
});

test('none of these keywords is reported as unsupported any more', () => {
  const { syntax } = load(
    globals('  vrrp_mcast_group4 224.0.0.20\n  vrrp_mcast_group6 ff02::14\n  vrrp_check_unicast_src\n  vrrp_lower_prio_no_advert\n  vrrp_higher_prio_send_advert\n  vrrp_down_timer_adverts 3\n  vrrp_garp_lower_prio_delay 5\n  vrrp_garp_lower_prio_repeat 5') +
      instance('  mcast_dst_ip 224.0.0.19\n  unicast_ttl 10\n  check_unicast_src\n  lower_prio_no_advert\n  higher_prio_send_advert\n  down_timer_adverts 3\n  garp_lower_prio_delay 5\n  garp_lower_prio_repeat 5\n  unicast_fault_no_peer'),
  );
  assert.deepEqual(unsupportedKeywords(syntax).map((u) => u.what), []);
});
