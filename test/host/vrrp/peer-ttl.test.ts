// Host tier: unicast_peer min_ttl / max_ttl, `vipctl vrrp run` beside keepalived 2.2.7. A
// keepalived master sends unicast adverts with unicast_ttl 200; the receiver, keepalived and
// then ours with the same file, has its peer's window either exclude 200 (250 - 255: the
// advert is dropped, the receiver times out and becomes master too) or hold it exactly
// (200 - 200: it stays backup).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { holdsAddress, operUp, sleep, startEngine, stopEngines, until } from '../../support/vrrp-engine.js';

const VIP = '192.0.2.100/32';
let pair: NamespacePair | undefined;
const daemons: Keepalived[] = [];
afterEach(async () => {
  await stopEngines();
  for (const daemon of daemons.splice(0)) await daemon.stop();
  pair?.cleanup();
  pair = undefined;
});

function conf(options: { iface: string; priority: number; source: string; peer: string; extra?: string }): string {
  return `vrrp_instance VI_1 {
  state BACKUP
  interface ${options.iface}
  virtual_router_id 61
  priority ${options.priority}
  advert_int 1
  unicast_src_ip ${options.source}
  unicast_peer {
    ${options.peer}
  }
  ${options.extra ?? ''}
  virtual_ipaddress {
    ${VIP}
  }
}
`;
}

test('min_ttl / max_ttl: the TTL window of a peer drops or takes its adverts as keepalived does', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'], prefix: 'tt' });
  const { a, b, ifA, ifB } = pair;
  await operUp(a, ifA);
  await operUp(b, ifB);
  const sender = await startKeepalived(a, conf({ iface: ifA, priority: 150, source: '192.0.2.1', peer: '192.0.2.2', extra: 'unicast_ttl 200' }), 'ttl-sender');
  daemons.push(sender);
  await until('the sender master', () => holdsAddress(a, ifA, VIP), 10_000);

  for (const window of [{ min: 250, max: 255, taken: false }, { min: 200, max: 200, taken: true }]) {
    const receiver = conf({ iface: ifB, priority: 100, source: '192.0.2.2', peer: `192.0.2.1 min_ttl ${window.min} max_ttl ${window.max}` });
    const range = `${window.min} - ${window.max}`;

    // keepalived as the receiver.
    const theirs = await startKeepalived(b, receiver, 'ttl-receiver');
    daemons.push(theirs);
    if (window.taken) {
      await sleep(4500);
      assert.doesNotMatch(theirs.log(), /not in range|Entering MASTER STATE/, `keepalived takes TTL 200 within ${range}`);
    } else {
      await theirs.waitFor(new RegExp(`TTL/HL 200 not in range ${range}`));
      await theirs.waitFor(/Entering MASTER STATE/, 6000);
    }
    await theirs.stop();

    // Ours with the same file.
    const ours = startEngine(b, receiver);
    await ours.waitFor(/INIT -> BACKUP/);
    if (window.taken) {
      await until('ours hearing the sender', () => ours.instance().counters.advertsReceived >= 4, 8000);
      assert.doesNotMatch(ours.log(), /-> MASTER|dropped an advert/);
      assert.ok(!holdsAddress(b, ifB, VIP));
    } else {
      await ours.waitFor(new RegExp(`dropped an advert .*reason=ttl detail=TTL 200 not in range ${range} \\(unicast_peer 192\\.0\\.2\\.1\\)`));
      await ours.waitFor(/BACKUP -> MASTER/, 6000);
      assert.equal(ours.instance().counters.advertsReceived, 0);
      assert.ok((ours.instance().counters.drops.ttl ?? 0) >= 3);
    }
    ours.process.kill('SIGTERM');
    assert.equal(await ours.exited, 0);
    await ours.dispose();
  }
});
