// Host tier: use_vmac side by side with keepalived 2.2.7. One segment (a bridge) with three
// namespaces: keepalived, vipctl and an observer capturing with tcpdump. Both run the same
// instance (VRID 7, use_vmac), keepalived at the higher priority. The test compares what each
// makes of its vmac (kind, mode, MAC, parent, address generation, sysctls of the vmac and of
// its interface), where the VIP goes, the source MAC and address of adverts and gratuitous
// ARPs on the wire, a failover (keepalived stopped: vipctl takes the VIP onto its vmac), and
// that each removes its vmac at SIGTERM. A second case does the same for vmac_xmit_base with
// each tool master of its own VRID.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeSegment } from '../../support/segment.js';
import { inNamespace } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn, type Running } from '../../support/process.js';
import { operUp, startEngine, stopEngines, until, type RunningEngine } from '../../support/vrrp-engine.js';
import { tcpdumpPackets } from '../../support/tcpdump.js';

after(stopEngines);

const KEEPALIVED = '192.0.2.2';
const VIPCTL = '192.0.2.1';
const VMAC_SYSCTLS = ['arp_ignore', 'arp_filter', 'accept_local', 'rp_filter', 'promote_secondaries'];

interface WireEvent {
  kind: 'advert' | 'arp';
  sourceMac: string;
  /** Advert: IP source; ARP: the address announced. */
  source: string;
  vrid?: number;
  priority?: number;
}

/** tcpdump -e -nn -v output (continuation lines joined) as adverts and gratuitous ARPs. */
function wireEvents(text: string): WireEvent[] {
  const events: WireEvent[] = [];
  for (const line of tcpdumpPackets(text)) {
    const advert = /^\S+ (\S+) > \S+, .* (\S+) > \S+: VRRPv\d, Advertisement.*?vrid (\d+), prio (\d+)/.exec(line);
    if (advert) {
      events.push({ kind: 'advert', sourceMac: advert[1] as string, source: advert[2] as string, vrid: Number(advert[3]), priority: Number(advert[4]) });
      continue;
    }
    const garp = /^\S+ (\S+) > ff:ff:ff:ff:ff:ff, .*ARP.*who-has (\S+) .*tell (\S+),/.exec(line);
    if (garp && garp[2] === garp[3]) events.push({ kind: 'arp', sourceMac: garp[1] as string, source: garp[2] as string });
  }
  return events;
}

interface VmacView {
  kind: string | undefined;
  mode: string | undefined;
  mac: string | undefined;
  parent: string | undefined;
  addrGenMode: string | undefined;
  up: boolean;
}

/** The vmac as `ip -d -j link show` describes it, or undefined when there is none. */
function vmacOf(namespace: string, name: string): VmacView | undefined {
  const all = JSON.parse(inNamespace(namespace, 'ip', ['-d', '-j', 'link', 'show'])) as Array<Record<string, unknown>>;
  const link = all.find((l) => l.ifname === name);
  if (!link) return undefined;
  const info = link.linkinfo as { info_kind?: string; info_data?: { mode?: string } } | undefined;
  return {
    kind: info?.info_kind,
    mode: info?.info_data?.mode,
    mac: link.address as string | undefined,
    parent: link.link as string | undefined,
    addrGenMode: link.inet6_addr_gen_mode as string | undefined,
    up: ((link.flags as string[] | undefined) ?? []).includes('UP'),
  };
}

/** sysctls of an interface (IPv4 conf, and IPv6 disable_ipv6), read inside the namespace. */
function sysctls(namespace: string, ifname: string): Record<string, string> {
  const script = [...VMAC_SYSCTLS.map((key) => `echo ${key}=$(cat /proc/sys/net/ipv4/conf/${ifname}/${key})`), `echo disable_ipv6=$(cat /proc/sys/net/ipv6/conf/${ifname}/disable_ipv6)`].join('; ');
  return Object.fromEntries(
    inNamespace(namespace, 'sh', ['-c', script])
      .trim()
      .split('\n')
      .map((line) => line.split('=') as [string, string]),
  );
}

function macOf(namespace: string, ifname: string): string {
  const mac = /link\/ether (\S+)/.exec(inNamespace(namespace, 'ip', ['-o', 'link', 'show', 'dev', ifname]))?.[1];
  assert.ok(mac, `${ifname}'s MAC in ${namespace}`);
  return mac;
}

function holds(namespace: string, ifname: string, cidr: string): boolean {
  try {
    return inNamespace(namespace, 'ip', ['-o', 'addr', 'show', 'dev', ifname]).includes(` ${cidr} `);
  } catch {
    return false;
  }
}

/** Where a namespace holds the VIP: the interfaces whose addresses include it. */
function vipHome(namespace: string, cidr: string): string[] {
  return inNamespace(namespace, 'ip', ['-o', 'addr', 'show'])
    .split('\n')
    .filter((line) => line.includes(` ${cidr} `))
    .map((line) => (line.split(/\s+/)[1] ?? '').replace(/@.*/, ''));
}

function config(o: { vrid: number; priority: number; vip: string; lines?: string[] }): string {
  return `vrrp_instance VI_1 {
  interface eth0
  state BACKUP
  virtual_router_id ${o.vrid}
  priority ${o.priority}
  advert_int 1
  use_vmac
${(o.lines ?? []).map((l) => `  ${l}\n`).join('')}  virtual_ipaddress {
    ${o.vip}/32
  }
}
`;
}

describe('use_vmac side by side with keepalived 2.2.7', { concurrency: 2 }, () => {
  it('the vmac, its sysctls, the VIP on it, adverts and GARPs from the virtual MAC, failover onto the other vmac, gone at SIGTERM', async () => {
    const segment = bridgeSegment([[`${VIPCTL}/24`], [`${KEEPALIVED}/24`], ['192.0.2.3/24']], 'vv');
    const [oursNs, theirsNs, observerNs] = segment.routers as [string, string, string];
    let capture: Running | undefined;
    let theirs: Keepalived | undefined;
    let ours: RunningEngine | undefined;
    try {
      for (const ns of segment.routers) await operUp(ns, segment.ifname);
      capture = runIn(observerNs, 'tcpdump', ['-i', segment.ifname, '-l', '-nn', '-e', '-v', 'vrrp or arp']);
      await capture.waitFor(/listening on/, 5000);
      const cap = capture;
      const vip = '192.0.2.77/32';
      const before = { ours: sysctls(oursNs, 'eth0'), theirs: sysctls(theirsNs, 'eth0') };
      assert.deepEqual(before.ours, before.theirs, 'the two interfaces start alike');
      theirs = await startKeepalived(theirsNs, config({ vrid: 7, priority: 200, vip: '192.0.2.77' }), 'vmac');
      await until('keepalived master with the VIP', () => holds(theirsNs, 'vrrp.7', vip), 10_000);
      ours = startEngine(oursNs, config({ vrid: 7, priority: 100, vip: '192.0.2.77' }));
      await until('vipctl backup', () => ours?.loggedState() === 'backup', 10_000);
      await until('vipctl\'s vmac up', () => vmacOf(oursNs, 'vrrp.7')?.up === true, 5000);

      // The link, as each made it.
      const link = { ours: vmacOf(oursNs, 'vrrp.7'), theirs: vmacOf(theirsNs, 'vrrp.7') };
      assert.deepEqual(link.ours, link.theirs, 'vipctl\'s vmac is keepalived\'s');
      assert.deepEqual(link.theirs, { kind: 'macvlan', mode: 'private', mac: '00:00:5e:00:01:07', parent: 'eth0', addrGenMode: 'none', up: true }, 'keepalived as measured');
      // The sysctls of the vmac and of its interface.
      assert.deepEqual(sysctls(oursNs, 'vrrp.7'), sysctls(theirsNs, 'vrrp.7'));
      assert.deepEqual(sysctls(theirsNs, 'vrrp.7'), { arp_ignore: '1', arp_filter: '0', accept_local: '1', rp_filter: '0', promote_secondaries: '1', disable_ipv6: '1' });
      assert.deepEqual(sysctls(oursNs, 'eth0'), sysctls(theirsNs, 'eth0'));
      assert.deepEqual({ arp_ignore: sysctls(theirsNs, 'eth0').arp_ignore, arp_filter: sysctls(theirsNs, 'eth0').arp_filter }, { arp_ignore: '1', arp_filter: '1' });
      const promiscuity = (ns: string): number => (JSON.parse(inNamespace(ns, 'ip', ['-d', '-j', 'link', 'show', 'dev', 'eth0'])) as Array<{ promiscuity?: number }>)[0]?.promiscuity ?? -1;
      assert.equal(promiscuity(oursNs), promiscuity(theirsNs), 'the interface\'s promiscuity');
      assert.equal(ours.instance().vmac, 'vrrp.7');

      // Failover: keepalived stops (priority 0), vipctl takes the VIP onto its vmac.
      await until('keepalived\'s adverts and GARPs captured', () => wireEvents(cap.stdout()).some((e) => e.kind === 'arp'), 10_000);
      await theirs.stop('SIGTERM');
      await until('vipctl master with the VIP on its vmac', () => holds(oursNs, 'vrrp.7', vip), 10_000);
      assert.deepEqual(vipHome(oursNs, vip), ['vrrp.7']);
      assert.equal(vmacOf(theirsNs, 'vrrp.7'), undefined, 'keepalived removed its vmac at SIGTERM');
      assert.deepEqual(vipHome(theirsNs, vip), []);
      await until('vipctl\'s adverts and GARPs captured', () => wireEvents(cap.stdout()).some((e) => e.kind === 'arp' && wireEvents(cap.stdout()).some((a) => a.kind === 'advert' && a.source === VIPCTL && a.priority === 100)), 10_000);

      const exit = ours.exited;
      ours.process.kill('SIGTERM');
      assert.equal(await exit, 0);
      assert.equal(vmacOf(oursNs, 'vrrp.7'), undefined, 'vipctl removed its vmac at SIGTERM');
      assert.deepEqual(vipHome(oursNs, vip), []);
      assert.equal(promiscuity(oursNs), promiscuity(theirsNs), 'the interface\'s promiscuity after stop');
      assert.deepEqual(sysctls(oursNs, 'eth0'), sysctls(theirsNs, 'eth0'), 'what each leaves on its interface');

      // On the wire: every advert and GARP of each from the virtual MAC, adverts from its own address.
      const events = wireEvents(cap.stdout());
      const adverts = (from: string): WireEvent[] => events.filter((e) => e.kind === 'advert' && e.source === from);
      const seen = (from: string) => ({
        advertMacs: [...new Set(adverts(from).map((e) => e.sourceMac))],
        garpMacs: [...new Set(events.filter((e) => e.kind === 'arp' && e.source === '192.0.2.77').map((e) => e.sourceMac))],
      });
      assert.ok(adverts(KEEPALIVED).length > 0 && adverts(VIPCTL).length > 0, 'adverts of both captured');
      assert.deepEqual(seen(VIPCTL).advertMacs, seen(KEEPALIVED).advertMacs);
      assert.deepEqual(seen(KEEPALIVED).advertMacs, ['00:00:5e:00:01:07']);
      assert.deepEqual(seen(KEEPALIVED).garpMacs, ['00:00:5e:00:01:07'], 'GARPs (of both) from the virtual MAC');
    } finally {
      await ours?.dispose();
      await theirs?.stop('SIGKILL');
      await capture?.stop();
      segment.cleanup();
    }
  });

  it('vmac_xmit_base: adverts from the interface\'s MAC, GARPs from the vmac, the VIP on the vmac', async () => {
    const segment = bridgeSegment([[`${VIPCTL}/24`], [`${KEEPALIVED}/24`], ['192.0.2.3/24']], 'vx');
    const [oursNs, theirsNs, observerNs] = segment.routers as [string, string, string];
    let capture: Running | undefined;
    let theirs: Keepalived | undefined;
    let ours: RunningEngine | undefined;
    try {
      for (const ns of segment.routers) await operUp(ns, segment.ifname);
      capture = runIn(observerNs, 'tcpdump', ['-i', segment.ifname, '-l', '-nn', '-e', '-v', 'vrrp or arp']);
      await capture.waitFor(/listening on/, 5000);
      const cap = capture;
      // Each the master of its own VRID (priority 255; written as BACKUP, so after Master_Down_Interval, ~3 s).
      const tools = [
        { who: 'ours', ns: oursNs, address: VIPCTL, vrid: 71, vip: '192.0.2.71' },
        { who: 'theirs', ns: theirsNs, address: KEEPALIVED, vrid: 72, vip: '192.0.2.72' },
      ];
      theirs = await startKeepalived(theirsNs, config({ vrid: 72, priority: 255, vip: '192.0.2.72', lines: ['vmac_xmit_base'] }), 'vmacx');
      ours = startEngine(oursNs, config({ vrid: 71, priority: 255, vip: '192.0.2.71', lines: ['vmac_xmit_base'] }));
      for (const tool of tools) await until(`${tool.who} holding its VIP on vrrp.${tool.vrid}`, () => holds(tool.ns, `vrrp.${tool.vrid}`, `${tool.vip}/32`), 10_000);
      await until('adverts and GARPs of both', () => tools.every((t) => wireEvents(cap.stdout()).some((e) => e.kind === 'arp' && e.source === t.vip) && wireEvents(cap.stdout()).some((e) => e.kind === 'advert' && e.vrid === t.vrid)), 10_000);
      const events = wireEvents(cap.stdout());
      const seen = tools.map((tool) => {
        const own = macOf(tool.ns, 'eth0');
        const vmac = vmacOf(tool.ns, `vrrp.${tool.vrid}`)?.mac;
        const name = (mac: string): string => (mac === own ? 'interface' : mac === vmac ? 'vmac' : mac);
        return {
          adverts: [...new Set(events.filter((e) => e.kind === 'advert' && e.vrid === tool.vrid).map((e) => `${name(e.sourceMac)} ${e.source === tool.address ? 'own address' : e.source}`))],
          garps: [...new Set(events.filter((e) => e.kind === 'arp' && e.source === tool.vip).map((e) => name(e.sourceMac)))],
          vipOn: vipHome(tool.ns, `${tool.vip}/32`),
        };
      });
      assert.deepEqual(seen[0], { ...seen[1], vipOn: ['vrrp.71'] }, 'vipctl does what keepalived does');
      assert.deepEqual(seen[1], { adverts: ['interface own address'], garps: ['vmac'], vipOn: ['vrrp.72'] }, 'keepalived as measured');
      const exit = ours.exited;
      ours.process.kill('SIGTERM');
      assert.equal(await exit, 0);
      assert.equal(vmacOf(oursNs, 'vrrp.71'), undefined, 'vipctl removed its vmac at SIGTERM');
      await theirs.stop('SIGTERM');
      assert.equal(vmacOf(theirsNs, 'vrrp.72'), undefined, 'keepalived removed its vmac at SIGTERM');
    } finally {
      await ours?.dispose();
      await theirs?.stop('SIGKILL');
      await capture?.stop();
      segment.cleanup();
    }
  });
});
