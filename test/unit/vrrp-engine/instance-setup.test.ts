import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/keepalived/load.js';
import { prepareInstance, sameRouter } from '../../../src/vrrp/instance-setup.js';
import { VipctlError } from '../../../src/errors.js';
import { VIPCTL_ADDRESS_PROTO } from '../../../src/rtnl/constants.js';
import type { Link } from '../../../src/rtnl/links.js';
import type { InterfaceAddress } from '../../../src/rtnl/addresses.js';

const links = [
  { index: 2, name: 'eth0', flags: 0x1043, address: '02:00:00:00:00:01' },
  { index: 3, name: 'eth1', flags: 0x1043, address: '02:00:00:00:00:02' },
] as unknown as Link[];
const addresses = [
  { ifindex: 2, family: 4, address: '192.0.2.1', prefixLength: 24 },
  { ifindex: 2, family: 6, address: 'fe80::1', prefixLength: 64 },
  { ifindex: 2, family: 4, address: '192.0.2.100', prefixLength: 32, proto: VIPCTL_ADDRESS_PROTO },
] as unknown as InterfaceAddress[];

function instanceOf(body: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-setup-'));
  try {
    const file = path.join(dir, 'k.conf');
    writeFileSync(file, `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n  priority 120\n${body}\n}\n`);
    const instance = loadConfig(file, { configId: 'test' }).config.vrrpInstances[0];
    assert.ok(instance);
    return instance;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('VIPs of the other family and virtual_ipaddress_excluded are added but not advertised', () => {
  const setup = prepareInstance(
    instanceOf(`  virtual_ipaddress {\n    192.0.2.100/32\n    2001:db8::100/64\n    192.0.2.101/24 dev eth1 label eth1:vip\n  }\n  virtual_ipaddress_excluded {\n    198.51.100.7\n  }`),
    links,
    addresses,
  );
  assert.equal(setup.family, 4);
  assert.equal(setup.source, '192.0.2.1', 'our own address, never a VIP we added');
  assert.deepEqual(setup.advertised, ['192.0.2.100', '192.0.2.101']);
  assert.deepEqual(setup.vips.map((v) => `${v.ifindex} ${v.address}/${v.prefixLength}${v.label ? ` ${v.label}` : ''}`), [
    '2 192.0.2.100/32',
    '2 2001:db8::100/64',
    '3 192.0.2.101/24 eth1:vip',
    '2 198.51.100.7/32',
  ]);
  assert.equal(setup.policy.addressCount, 2);
  assert.equal(setup.policy.vrid, 7);
});

test('priority 255: only state BACKUP (or an unknown state, read as BACKUP) starts the owner as a backup; nopreempt is reset', () => {
  const vip = '  virtual_ipaddress {\n    192.0.2.100\n  }';
  const setup = (lines: string) => prepareInstance(instanceOf(`  priority 255\n${lines}${vip}`), links, addresses).machine;
  assert.equal(setup('  state BACKUP\n').startBackup, true);
  assert.equal(setup('  state foo\n').startBackup, true);
  assert.equal(setup('  state MASTER\n').startBackup, undefined);
  assert.equal(setup('').startBackup, undefined);
  // keepalived 2.2.7: "nopreempt is incompatible with priority 255. resetting nopreempt".
  assert.equal(setup('  state BACKUP\n  nopreempt\n').preempt, true);
  assert.equal(prepareInstance(instanceOf(`  state BACKUP\n  nopreempt\n${vip}`), links, addresses).machine.preempt, false);
});

test('v2 rounds the interval to seconds, v3 keeps centiseconds; nopreempt needs state BACKUP', () => {
  const v2 = prepareInstance(instanceOf('  advert_int 0.5\n  virtual_ipaddress {\n    192.0.2.100\n  }'), links, addresses);
  assert.equal(v2.policy.intervalCs, 100);
  const v3 = prepareInstance(instanceOf('  version 3\n  advert_int 0.25\n  nopreempt\n  state BACKUP\n  virtual_ipaddress {\n    192.0.2.100\n  }'), links, addresses);
  assert.equal(v3.policy.intervalCs, 25);
  assert.equal(v3.machine.preempt, false);
  const master = prepareInstance(instanceOf('  nopreempt\n  state MASTER\n  virtual_ipaddress {\n    192.0.2.100\n  }'), links, addresses);
  assert.equal(master.machine.preempt, true);
});

test('IPv6 instances send from the link-local address', () => {
  const setup = prepareInstance(instanceOf('  version 3\n  virtual_ipaddress {\n    2001:db8::100/64\n  }'), links, addresses);
  assert.equal(setup.family, 6);
  assert.equal(setup.source, 'fe80::1');
});

test('a missing interface is refused with the place and a hint', () => {
  const instance = instanceOf('  virtual_ipaddress {\n    192.0.2.100\n  }');
  const error = (() => {
    try {
      prepareInstance({ ...instance, interface: 'eth9' }, links, addresses);
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  assert.ok(error instanceof VipctlError);
  assert.match(error.message, /vrrp_instance VI_1: no interface eth9 here/);
});

test('the same router survives changes of VIPs and priority, not of VRID or peers', () => {
  const a = prepareInstance(instanceOf('  virtual_ipaddress {\n    192.0.2.100\n  }'), links, addresses);
  const b = prepareInstance(instanceOf('  priority 90\n  virtual_ipaddress {\n    192.0.2.100\n    192.0.2.102\n  }'), links, addresses);
  assert.equal(sameRouter(a, b), true);
  const c = prepareInstance({ ...a.instance, virtualRouterId: 8 }, links, addresses);
  assert.equal(sameRouter(a, c), false);
  const d = prepareInstance(instanceOf('  unicast_peer {\n    192.0.2.2\n  }\n  virtual_ipaddress {\n    192.0.2.100\n  }'), links, addresses);
  assert.equal(sameRouter(a, d), false);
  // keepalived skips the TTL check for unicast peers (their adverts may cross routers).
  assert.equal(d.policy.unicast, true);
  assert.equal(a.policy.unicast, undefined);
});

test('virtual_routes become route specs; one vrrp run cannot honour refuses the instance, naming the line', () => {
  const setup = prepareInstance(
    instanceOf('  virtual_ipaddress {\n    192.0.2.100\n  }\n  virtual_routes {\n    src 192.0.2.100 to 10.9.0.0/16 via 192.0.2.254 dev eth0\n    blackhole 10.10.0.0/16\n  }'),
    links,
    addresses,
  );
  assert.deepEqual(setup.routes, [
    { source: '192.0.2.100', destination: '10.9.0.0', prefixLength: 16, family: 4, gateway: '192.0.2.254', ifindex: 2 },
    { type: 'blackhole', destination: '10.10.0.0', prefixLength: 16, family: 4 },
  ]);
  assert.throws(
    () => prepareInstance(instanceOf('  virtual_ipaddress {\n    192.0.2.100\n  }\n  virtual_routes {\n    10.9.0.0/16 via 192.0.2.254 or 192.0.2.253\n  }'), links, addresses),
    (error: unknown) => error instanceof VipctlError && /virtual_routes `10.9.0.0\/16 via 192.0.2.254 or 192.0.2.253`: `or` is not supported/.test(error.message) && /k\.conf:9$/.test(error.where ?? ''),
  );
});

test('a unicast_src_ip the host does not have is a FAULT that tracking cannot clear (keepalived: src address not configured)', () => {
  const vip = '  virtual_ipaddress {\n    192.0.2.100\n  }';
  const peers = '  unicast_peer {\n    192.0.2.2\n  }\n';
  const setup = (lines: string) => prepareInstance(instanceOf(`${lines}${vip}`), links, addresses);
  assert.match(setup(`  unicast_src_ip 192.0.2.9\n${peers}`).configFault ?? '', /unicast_src_ip 192\.0\.2\.9 is not an address of this host/);
  assert.equal(setup(`  unicast_src_ip 192.0.2.1\n${peers}`).configFault, undefined);
  // One of our own VIPs is not the host's address: it goes away with the instance.
  assert.match(setup(`  unicast_src_ip 192.0.2.100\n${peers}`).configFault ?? '', /not an address of this host/);
  // A missing mcast_src_ip, or a unicast_src_ip without peers (multicast then), changes nothing in keepalived.
  assert.equal(setup('  mcast_src_ip 192.0.2.9\n').configFault, undefined);
  assert.equal(setup('  unicast_src_ip 192.0.2.9\n').configFault, undefined);
});
