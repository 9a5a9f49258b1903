// Host tier: the hop limit of IPv6 unicast adverts, `vipctl vrrp run` beside keepalived 2.2.7
// in one namespace (each with an instance without unicast_ttl and one with unicast_ttl 200,
// on VRIDs of their own), read by tcpdump on the peer's side. keepalived 2.2.7 (measured)
// sets no hop limit without unicast_ttl, so its adverts leave with the kernel's: the
// interface's hop_limit, 64 by default, and 100 once the sysctl says 100; with unicast_ttl
// they carry that value. IPv4 unicast adverts are 255 whatever ip_default_ttl says (they are
// not tested here; protocol-keywords covers unicast_ttl for IPv4).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn, type Running } from '../../support/process.js';
import { operUp, startEngine, stopEngines, until } from '../../support/vrrp-engine.js';
import { tcpdumpPackets } from '../../support/tcpdump.js';

let pair: NamespacePair | undefined;
let capture: Running | undefined;
let keepalived: Keepalived | undefined;
afterEach(async () => {
  await stopEngines();
  await keepalived?.stop();
  keepalived = undefined;
  await capture?.stop();
  capture = undefined;
  pair?.cleanup();
  pair = undefined;
});

function instance(iface: string, vrid: number, extra: string): string {
  return `vrrp_instance VI_${vrid} {
  state MASTER
  interface ${iface}
  virtual_router_id ${vrid}
  priority 255
  advert_int 1
  version 3
  unicast_src_ip 2001:db8::1
  unicast_peer {
    2001:db8::2
  }
  ${extra}
  virtual_ipaddress {
    2001:db8::${vrid}/128
  }
}
`;
}

/** The hop limit of each advert to the peer, in order, by VRID. */
function hopLimits(text: string): Map<number, number[]> {
  const byVrid = new Map<number, number[]>();
  for (const line of tcpdumpPackets(text)) {
    const match = /hlim (\d+),.*> 2001:db8::2: VRRPv3, Advertisement, .*?vrid (\d+), prio 255/.exec(line);
    if (!match) continue;
    const vrid = Number(match[2]);
    byVrid.set(vrid, [...(byVrid.get(vrid) ?? []), Number(match[1])]);
  }
  return byVrid;
}

test('IPv6 unicast adverts: the kernel\'s hop limit without unicast_ttl, its value with it, as keepalived', async () => {
  pair = namespacePair({ addressA: ['2001:db8::1/64'], addressB: ['2001:db8::2/64'], prefix: 'hl' });
  const { a, b, ifA, ifB } = pair;
  await operUp(a, ifA);
  await operUp(b, ifB);
  capture = runIn(b, 'tcpdump', ['-i', ifB, '-l', '-nn', '-v', 'ip6 proto 112']);
  await capture.waitFor(/listening on/, 5000);
  const cap = capture;
  const THEIRS = { plain: 61, ttl: 63 };
  const OURS = { plain: 62, ttl: 64 };
  keepalived = await startKeepalived(a, instance(ifA, THEIRS.plain, '') + instance(ifA, THEIRS.ttl, 'unicast_ttl 200'), 'hop-limit');
  startEngine(a, instance(ifA, OURS.plain, '') + instance(ifA, OURS.ttl, 'unicast_ttl 200'));
  const all = [THEIRS.plain, THEIRS.ttl, OURS.plain, OURS.ttl];
  await until('two adverts of each instance', () => all.every((vrid) => (hopLimits(cap.stdout()).get(vrid)?.length ?? 0) >= 2), 10_000);
  const first = hopLimits(cap.stdout());
  assert.deepEqual([...new Set(first.get(THEIRS.plain))], [64], 'keepalived without unicast_ttl: the interface\'s hop_limit (64)');
  assert.deepEqual([...new Set(first.get(OURS.plain))], [64], 'vipctl without unicast_ttl: as keepalived');
  assert.deepEqual([...new Set(first.get(THEIRS.ttl))], [200]);
  assert.deepEqual([...new Set(first.get(OURS.ttl))], [200]);

  // The interface's hop_limit changed under both: the adverts without unicast_ttl follow it.
  inNamespace(a, 'sysctl', ['-q', '-w', `net.ipv6.conf.${ifA}.hop_limit=100`]);
  const seen = new Map(all.map((vrid) => [vrid, first.get(vrid)?.length ?? 0]));
  await until('two more adverts of each instance', () => all.every((vrid) => (hopLimits(cap.stdout()).get(vrid)?.length ?? 0) >= (seen.get(vrid) ?? 0) + 2), 10_000);
  const later = hopLimits(cap.stdout());
  for (const vrid of all) {
    const last = later.get(vrid)?.at(-1);
    assert.equal(last, vrid === THEIRS.ttl || vrid === OURS.ttl ? 200 : 100, `VRID ${vrid} after hop_limit 100`);
  }
});
