// use_vmac without a kernel: the vmac an instance asks for (name, virtual MAC, parent), when an
// existing interface may be reused, and how an instance is prepared on it (VIPs and
// announcements on the vmac, adverts from it or, with vmac_xmit_base, from the interface).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/keepalived/load.js';
import { prepareInstance, sameRouter } from '../../../src/vrrp/instance-setup.js';
import { virtualMac, vmacClash, vmacPlanOf } from '../../../src/vrrp/vmac.js';
import { VipctlError } from '../../../src/errors.js';
import type { Link } from '../../../src/rtnl/links.js';
import type { LinkDetails } from '../../../src/rtnl/macvlan.js';
import type { InterfaceAddress } from '../../../src/rtnl/addresses.js';

const eth0 = { index: 2, name: 'eth0', flags: 0x1043, address: '02:00:00:00:00:01' } as unknown as Link;
const vmac7 = { index: 9, name: 'vrrp.7', flags: 0x1043, address: '00:00:5e:00:01:07' } as unknown as Link;
const named = { index: 10, name: 'vip0', flags: 0x1043, address: '02:00:5e:00:01:07' } as unknown as Link;
const addresses = [
  { ifindex: 2, family: 4, address: '192.0.2.1', prefixLength: 24 },
  { ifindex: 2, family: 6, address: 'fe80::1', prefixLength: 64 },
] as unknown as InterfaceAddress[];

function instanceOf(body: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-vmac-'));
  try {
    const file = path.join(dir, 'k.conf');
    writeFileSync(file, `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 7\n${body}\n}\n`);
    const instance = loadConfig(file, { configId: 'test' }).config.vrrpInstances[0];
    assert.ok(instance);
    return { instance, file };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const v4 = '  virtual_ipaddress {\n    192.0.2.77/32\n  }';

test('the virtual MAC of a VRID (RFC 5798 7.3)', () => {
  assert.equal(virtualMac(7, 4), '00:00:5e:00:01:07');
  assert.equal(virtualMac(255, 4), '00:00:5e:00:01:ff');
  assert.equal(virtualMac(16, 6), '00:00:5e:00:02:10');
});

test('the plan: vrrp.<VRID> with the virtual MAC on the interface, or the name and MAC given; where the keyword is', () => {
  const { instance, file } = instanceOf(`  use_vmac\n${v4}`);
  assert.deepEqual(vmacPlanOf(instance, [eth0]), { instance: 'VI_1', name: 'vrrp.7', mac: '00:00:5e:00:01:07', parent: { index: 2, name: 'eth0' }, family: 4, where: `${file}:4` });
  const given = instanceOf(`  use_vmac vip0 02:00:5E:00:01:07\n${v4}`).instance;
  assert.equal(vmacPlanOf(given, [eth0])?.name, 'vip0');
  assert.equal(vmacPlanOf(given, [eth0])?.mac, '02:00:5e:00:01:07');
  assert.equal(vmacPlanOf(instanceOf(v4).instance, [eth0]), undefined, 'no use_vmac, no vmac');
  assert.equal(vmacPlanOf(instance, []), undefined, 'no interface: prepareInstance reports it');
  assert.equal(vmacPlanOf(instanceOf(`  use_vmac\n  version 3\n  virtual_ipaddress {\n    2001:db8::7/128\n  }`).instance, [eth0]), undefined, 'IPv6: nothing is made');
});

test('an existing interface of the name is reused only as a macvlan of that MAC on that parent', () => {
  const plan = vmacPlanOf(instanceOf(`  use_vmac\n${v4}`).instance, [eth0]);
  assert.ok(plan);
  const base = { index: 9, name: 'vrrp.7', type: 1, flags: 0, operationalState: 'down', address: '00:00:5e:00:01:07', kind: 'macvlan', parentIndex: 2 } as LinkDetails;
  assert.equal(vmacClash(plan, base), undefined);
  assert.match(vmacClash(plan, { ...base, kind: 'dummy' }) ?? '', /is no macvlan \(dummy\)/);
  assert.match(vmacClash(plan, { ...base, kind: undefined } as unknown as LinkDetails) ?? '', /is no macvlan/);
  assert.match(vmacClash(plan, { ...base, parentIndex: 3 }) ?? '', /on another interface than eth0/);
  assert.match(vmacClash(plan, { ...base, address: '02:00:5e:00:01:09' }) ?? '', /with MAC 02:00:5e:00:01:09, not 00:00:5e:00:01:07/);
});

test('prepared on the vmac: VIPs and announcements there, adverts from it with the interface\'s address', () => {
  const setup = prepareInstance(instanceOf(`  use_vmac\n${v4}`).instance, [eth0, vmac7], addresses);
  assert.equal(setup.link.name, 'eth0');
  assert.equal(setup.home.name, 'vrrp.7');
  assert.equal(setup.wire.name, 'vrrp.7');
  assert.equal(setup.source, '192.0.2.1');
  assert.deepEqual(setup.vips.map((v) => v.ifindex), [9]);
  assert.deepEqual(setup.vmac, { name: 'vrrp.7', mac: '00:00:5e:00:01:07', xmitBase: false });
});

test('vmac_xmit_base: adverts from the interface, VIPs still on the vmac; a different router than without it', () => {
  const base = prepareInstance(instanceOf(`  use_vmac\n  vmac_xmit_base\n${v4}`).instance, [eth0, vmac7], addresses);
  assert.equal(base.wire.name, 'eth0');
  assert.equal(base.home.name, 'vrrp.7');
  assert.equal(base.vmac?.xmitBase, true);
  const plain = prepareInstance(instanceOf(`  use_vmac\n${v4}`).instance, [eth0, vmac7], addresses);
  const none = prepareInstance(instanceOf(v4).instance, [eth0, vmac7], addresses);
  assert.equal(sameRouter(base, plain), false);
  assert.equal(sameRouter(plain, none), false);
  assert.equal(none.home.name, 'eth0');
  assert.equal(none.vmac, undefined);
  const other = prepareInstance(instanceOf(`  use_vmac vip0 02:00:5e:00:01:07\n${v4}`).instance, [eth0, named], addresses);
  assert.equal(other.home.name, 'vip0');
});

test('refused: the vmac missing (the engine makes it first), and use_vmac in an IPv6 instance', () => {
  assert.throws(() => prepareInstance(instanceOf(`  use_vmac\n${v4}`).instance, [eth0], addresses), (error: unknown) => error instanceof VipctlError && /use_vmac: no interface vrrp\.7 here/.test(error.message));
  assert.throws(
    () => prepareInstance(instanceOf(`  use_vmac\n  version 3\n  virtual_ipaddress {\n    2001:db8::7/128\n  }`).instance, [eth0, vmac7], addresses),
    (error: unknown) => error instanceof VipctlError && /use_vmac with an IPv6 instance is not carried out/.test(error.message),
  );
});
