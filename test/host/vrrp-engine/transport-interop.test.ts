// Host tier: the engine's transport and codec against real keepalived 2.2.7 in network
// namespaces: what keepalived sends we receive and decode cleanly, and what we send
// keepalived accepts (it yields to our higher priority, or stays backup under our adverts).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';

const peer = path.join(projectRoot, 'dist', 'test', 'support', 'vrrp-peer.js');
let pair: NamespacePair | undefined;
let keepalived: Keepalived | undefined;
afterEach(async () => {
  await keepalived?.stop();
  keepalived = undefined;
  pair?.cleanup();
  pair = undefined;
});

function instance(options: { version: 2 | 3; state: string; priority: number; interval: string; vip: string; auth?: string }): string {
  return `vrrp_instance VI_1 {
    state ${options.state}
    interface veth0
    virtual_router_id 51
    priority ${options.priority}
    advert_int ${options.interval}
    version ${options.version}
    ${options.auth ? `authentication {\n      auth_type PASS\n      auth_pass ${options.auth}\n    }` : ''}
    virtual_ipaddress {
      ${options.vip}
    }
  }
`;
}

interface Heard {
  source: string;
  ttl: number;
  version: number;
  vrid: number;
  priority: number;
  interval: number;
  addresses: string[];
  authType: number;
  problems: string[];
  checksum: { valid: boolean; form?: string };
}

function listen(ns: string, family: 4 | 6, ms: number): Heard[] {
  return inNamespace(ns, 'node', [peer, 'listen', 'veth1', String(family), String(ms)])
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Heard);
}

for (const family of [4, 6] as const) {
  test(`we receive and decode keepalived's VRRPv3 adverts over IPv${family}`, async () => {
    pair = namespacePair({ addressA: family === 4 ? ['192.0.2.1/24'] : ['2001:db8:5::1/64'], addressB: family === 4 ? ['192.0.2.2/24'] : ['2001:db8:5::2/64'] });
    const vip = family === 4 ? '192.0.2.100/32' : '2001:db8:5::100/128';
    keepalived = await startKeepalived(pair.a, instance({ version: 3, state: 'MASTER', priority: 200, interval: '0.1', vip }));
    await keepalived.waitFor(/Entering MASTER STATE/);
    const heard = listen(pair.b, family, 1000);
    assert.ok(heard.length >= 5, `heard ${heard.length} adverts in 1 s at 0.1 s intervals`);
    for (const advert of heard) {
      assert.deepEqual(
        { version: advert.version, vrid: advert.vrid, priority: advert.priority, interval: advert.interval, addresses: advert.addresses, ttl: advert.ttl },
        { version: 3, vrid: 51, priority: 200, interval: 10, addresses: [vip.split('/')[0]], ttl: 255 },
      );
      assert.deepEqual(advert.problems, []);
      assert.deepEqual(advert.checksum, { checked: true, valid: true, form: 'pseudo-header' });
      if (family === 4) assert.equal(advert.source, '192.0.2.1');
      else assert.match(advert.source, /^fe80::/);
    }
  });
}

test('keepalived yields to our higher-priority VRRPv3 adverts', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  keepalived = await startKeepalived(pair.a, instance({ version: 3, state: 'MASTER', priority: 200, interval: '0.1', vip: '192.0.2.100/32' }));
  await keepalived.waitFor(/Entering MASTER STATE/);
  inNamespace(pair.b, 'node', [peer, 'advertise', 'veth1', '4', '3', '51', '254', '10', '10', '192.0.2.100']);
  await keepalived.waitFor(/Entering BACKUP STATE/, 3000);
  assert.doesNotMatch(keepalived.log(), /bad checksum|invalid|mismatch/i);
});

test('keepalived accepts our VRRPv2 PASS adverts as its master and stays backup', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  keepalived = await startKeepalived(pair.a, instance({ version: 2, state: 'BACKUP', priority: 100, interval: '1', vip: '192.0.2.100/32', auth: 'secret12' }));
  await keepalived.waitFor(/Entering BACKUP STATE/);
  // Five seconds of our adverts outlast its Master_Down_Interval (3.6 s) if it ignored them.
  inNamespace(pair.b, 'node', [peer, 'advertise', 'veth1', '4', '2', '51', '200', '100', '5', '192.0.2.100', 'secret12']);
  assert.doesNotMatch(keepalived.log(), /Entering MASTER STATE/);
  assert.doesNotMatch(keepalived.log(), /authentication|bad checksum|invalid/i);
  // And with a wrong password it does not accept them: it takes over.
  inNamespace(pair.b, 'node', [peer, 'advertise', 'veth1', '4', '2', '51', '200', '100', '5', '192.0.2.100', 'wrongpwd']);
  await keepalived.waitFor(/Entering MASTER STATE/, 2000);
});
