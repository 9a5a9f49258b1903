// unicast_peer's min_ttl / max_ttl as keepalived 2.2.7 applies them (measured in two
// namespaces, a unicast master sending with unicast_ttl 200):
// - `10.9.0.1 min_ttl 250 max_ttl 255`: "TTL/HL 200 not in range 250 - 255", dropped (the
//   backup times out and becomes master); `min_ttl 200 max_ttl 200` takes it (inclusive);
//   `min_ttl 201` alone: range 201 - 255; `max_ttl 199` alone: range 0 - 199.
// - any peer with a window (even `min_ttl 0`) turns check_unicast_src on for the instance:
//   "unicast source address 10.9.0.11 not a unicast peer"; without one, any source is taken.
// - a peer without a window takes any TTL, beside one that has a window.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/keepalived/load.js';
import { prepareInstance } from '../../../src/vrrp/instance-setup.js';
import { judgeAdvert, type AcceptPolicy } from '../../../src/vrrp/accept.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import type { Link } from '../../../src/rtnl/links.js';
import type { InterfaceAddress } from '../../../src/rtnl/addresses.js';

const links = [{ index: 2, name: 'eth0', flags: 0x1043, address: '02:00:00:00:00:01' }] as unknown as Link[];
const addresses = [{ ifindex: 2, family: 4, address: '10.9.0.2', prefixLength: 24 }] as unknown as InterfaceAddress[];
const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-peer-ttl-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function policyOf(peers: string, extra = ''): AcceptPolicy {
  const file = path.join(dir, `k${(files += 1)}.conf`);
  writeFileSync(
    file,
    `vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 61\n  priority 100\n  unicast_src_ip 10.9.0.2\n  unicast_peer {\n${peers}\n  }\n${extra}  virtual_ipaddress {\n    10.9.0.101/24\n  }\n}\n`,
  );
  const instance = loadConfig(file, { configId: 'test' }).config.vrrpInstances[0];
  assert.ok(instance);
  return prepareInstance(instance, links, addresses).policy;
}

function verdict(policy: AcceptPolicy, source: string, ttl: number): string {
  const advert = encodeAdvertisement({ version: 2, vrid: 61, priority: 150, addresses: ['10.9.0.101'], interval: 100 });
  const result = judgeAdvert(advert, { source, destination: '10.9.0.2', ttl }, policy);
  return result.accept ? 'accept' : `${result.reason}: ${result.detail}`;
}

describe('unicast_peer min_ttl / max_ttl', () => {
  it('the model keeps each peer\'s window as written', () => {
    const file = path.join(dir, 'model.conf');
    writeFileSync(file, 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 61\n  unicast_peer {\n    10.9.0.1 min_ttl 250 max_ttl 255\n    10.9.0.3 max_ttl 9\n    10.9.0.4\n  }\n}\n');
    const peers = loadConfig(file, { configId: 'test' }).config.vrrpInstances[0]?.unicastPeers.map(({ address, minTtl, maxTtl }) => ({ address, minTtl, maxTtl }));
    assert.deepEqual(peers, [
      { address: '10.9.0.1', minTtl: 250, maxTtl: 255 },
      { address: '10.9.0.3', minTtl: undefined, maxTtl: 9 },
      { address: '10.9.0.4', minTtl: undefined, maxTtl: undefined },
    ]);
  });

  it('an advert outside its peer\'s window is dropped (reason ttl), inside it (inclusive) taken', () => {
    assert.equal(verdict(policyOf('    10.9.0.1 min_ttl 250 max_ttl 255'), '10.9.0.1', 200), 'ttl: TTL 200 not in range 250 - 255 (unicast_peer 10.9.0.1)');
    assert.equal(verdict(policyOf('    10.9.0.1 min_ttl 200 max_ttl 200'), '10.9.0.1', 200), 'accept');
    assert.equal(verdict(policyOf('    10.9.0.1 min_ttl 201'), '10.9.0.1', 200), 'ttl: TTL 200 not in range 201 - 255 (unicast_peer 10.9.0.1)');
    assert.equal(verdict(policyOf('    10.9.0.1 max_ttl 199'), '10.9.0.1', 200), 'ttl: TTL 200 not in range 0 - 199 (unicast_peer 10.9.0.1)');
    assert.equal(verdict(policyOf('    10.9.0.1 max_ttl 199'), '10.9.0.1', 1), 'accept');
  });

  it('a window on any peer turns the source check on; a peer without one takes any TTL', () => {
    assert.equal(verdict(policyOf('    10.9.0.1'), '10.9.0.11', 200), 'accept', 'no window, no check_unicast_src: any source');
    assert.match(verdict(policyOf('    10.9.0.1 min_ttl 0 max_ttl 255'), '10.9.0.11', 200), /^source: /);
    assert.match(verdict(policyOf('    10.9.0.1\n    10.9.0.5 min_ttl 0'), '10.9.0.11', 200), /^source: /);
    assert.equal(verdict(policyOf('    10.9.0.1\n    10.9.0.11 min_ttl 250'), '10.9.0.1', 200), 'accept');
    assert.match(verdict(policyOf('    10.9.0.1\n    10.9.0.11 min_ttl 250'), '10.9.0.11', 200), /^ttl: /);
  });
});
