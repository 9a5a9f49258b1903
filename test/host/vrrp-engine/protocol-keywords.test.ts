// Host tier: the small protocol keywords side by side with keepalived 2.2.7. One segment (a
// bridge) with three namespaces: vipctl (VRID 71), keepalived (VRID 72) and a scripted peer
// that captures with tcpdump and sends adverts of its own (test/support/vrrp-peer.ts). Each
// tool runs the same instance and hears the same adverts; the test compares what each then
// puts on the wire, and checks it against keepalived's behaviour as measured:
// - a master hearing a lower priority answers with an advert (lower_prio_no_advert: not) and
//   a burst of garp_lower_prio_repeat gratuitous ARPs, another after garp_lower_prio_delay;
// - higher_prio_send_advert: one advert at its own priority before stepping down;
// - down_timer_adverts: a backup declares its master down after that many intervals;
// - unicast_ttl: the TTL / hop limit of unicast adverts; check_unicast_src: unicast adverts
//   from a source that is no unicast_peer are ignored; unicast_fault_no_peer: FAULT;
// - mcast_dst_ip / vrrp_mcast_group4 / vrrp_mcast_group6: adverts sent to, and heard on, the group.
// Windows are chosen so that each outcome is decided by a margin of about a second.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bridgeSegment, type Segment } from '../../support/segment.js';
import { inNamespace } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn, type Running } from '../../support/process.js';
import { projectRoot } from '../../support/paths.js';
import { operUp, sleep, startEngine, stopEngines, until, type RunningEngine } from '../../support/vrrp-engine.js';
import { tcpdumpPackets } from '../../support/tcpdump.js';

after(stopEngines);

const peerScript = path.join(projectRoot, 'dist', 'test', 'support', 'vrrp-peer.js');

type Who = 'ours' | 'theirs';
interface Tool {
  who: Who;
  vrid: number;
  address: string;
  vip: string;
}
const V4 = {
  ours: { who: 'ours', vrid: 71, address: '192.0.2.1', vip: '192.0.2.71' },
  theirs: { who: 'theirs', vrid: 72, address: '192.0.2.2', vip: '192.0.2.72' },
  peer: '192.0.2.3',
  /** A second address of the peer that no instance lists as a unicast_peer. */
  stranger: '192.0.2.4',
} as const;
const V6 = {
  ours: { who: 'ours', vrid: 71, address: '2001:db8:9::1', vip: '2001:db8:9::71' },
  theirs: { who: 'theirs', vrid: 72, address: '2001:db8:9::2', vip: '2001:db8:9::72' },
  peer: '2001:db8:9::3',
  stranger: '2001:db8:9::4',
} as const;

/** What one tool put on the wire, from the capture. */
interface WireEvent {
  time: number;
  kind: 'advert' | 'arp';
  vrid?: number;
  priority?: number;
  source?: string;
  sourceMac?: string;
  destination?: string;
  destinationMac?: string;
  ttl?: number;
  /** The address a gratuitous ARP announces. */
  address?: string;
}

const ADVERT = /^(\d+\.\d+) (\S+) > (\S+), .*?(?:ttl|hlim) (\d+),.* (\S+) > (\S+): VRRPv\d, Advertisement.*?vrid (\d+), prio (\d+)/;
const GARP = /^(\d+\.\d+) .*ARP.*who-has (\S+) .*tell (\S+),/;

/** tcpdump -e -v output, continuation lines joined, as events. */
function wireEvents(text: string): WireEvent[] {
  const events: WireEvent[] = [];
  for (const line of tcpdumpPackets(text)) {
    const advert = ADVERT.exec(line);
    if (advert) {
      events.push({
        time: Number(advert[1]),
        kind: 'advert',
        sourceMac: advert[2] as string,
        destinationMac: advert[3] as string,
        ttl: Number(advert[4]),
        source: advert[5] as string,
        destination: (advert[6] as string).replace(/:$/, ''),
        vrid: Number(advert[7]),
        priority: Number(advert[8]),
      });
      continue;
    }
    const garp = GARP.exec(line);
    if (garp && garp[2] === garp[3]) events.push({ time: Number(garp[1]), kind: 'arp', address: garp[2] as string });
  }
  return events;
}

interface Bed {
  segment: Segment;
  capture: Running;
  ours: RunningEngine;
  theirs: Keepalived;
  peerNs: string;
  /** Every event so far. */
  events(): WireEvent[];
  /** A tool's adverts (by VRID), and its gratuitous ARPs (by VIP). */
  adverts(tool: Tool): WireEvent[];
  arps(tool: Tool): WireEvent[];
  /** The peer's adverts for a tool's VRID (what was injected), as captured. */
  injected(tool: Tool): WireEvent[];
  /** Runs the peer's advertise command for a tool (until it has sent them all). */
  inject(tool: Tool, o: { priority: number; count: number; gapMs?: number; intervalCs?: number; version?: 2 | 3; destination?: string; source?: string }): Promise<void>;
}

/** A fresh segment with both tools running `config(tool)`, and a capture on the peer. */
async function sideBySide(family: 4 | 6, config: (tool: Tool, ifname: string) => string, body: (bed: Bed) => Promise<void>): Promise<void> {
  const a = family === 6 ? V6 : V4;
  const prefix = family === 6 ? 64 : 24;
  const plus = (address: string): string => `${address}/${prefix}`;
  const segment = bridgeSegment([[plus(a.ours.address)], [plus(a.theirs.address)], [plus(a.peer), plus(a.stranger)]], 'vk');
  let capture: Running | undefined;
  let ours: RunningEngine | undefined;
  let theirs: Keepalived | undefined;
  try {
    for (const ns of segment.routers) await operUp(ns, segment.ifname);
    const [oursNs, theirsNs, peerNs] = segment.routers as [string, string, string];
    capture = runIn(peerNs, 'tcpdump', ['-i', segment.ifname, '-l', '-nn', '-tt', '-e', '-v', 'vrrp or arp or ip6 proto 112']);
    await capture.waitFor(/listening on/, 5000);
    const cap = capture;
    theirs = await startKeepalived(theirsNs, config(a.theirs, segment.ifname));
    ours = startEngine(oursNs, config(a.ours, segment.ifname));
    const events = (): WireEvent[] => wireEvents(cap.stdout());
    // The peer's own adverts are told by its MAC (over IPv6 every router sends from its link-local address).
    const peerMac = /link\/ether (\S+)/.exec(inNamespace(peerNs, 'ip', ['-o', 'link', 'show', 'dev', segment.ifname]))?.[1];
    assert.ok(peerMac, 'the peer\'s MAC');
    const fromPeer = (e: WireEvent): boolean => e.sourceMac === peerMac;
    await body({
      segment,
      capture: cap,
      ours,
      theirs,
      peerNs,
      events,
      adverts: (tool) => events().filter((e) => e.kind === 'advert' && e.vrid === tool.vrid && !fromPeer(e)),
      arps: (tool) => events().filter((e) => e.kind === 'arp' && e.address === tool.vip),
      injected: (tool) => events().filter((e) => e.kind === 'advert' && e.vrid === tool.vrid && fromPeer(e)),
      async inject(tool, o) {
        const version = o.version ?? (family === 6 ? 3 : 2);
        const run = runIn(peerNs, process.execPath, [
          peerScript, 'advertise', segment.ifname, String(family), String(version), String(tool.vrid), String(o.priority), String(o.intervalCs ?? 100),
          String(o.count), tool.vip, '-', o.destination ?? '-', o.source ?? '-', String(o.gapMs ?? 1),
        ]);
        const code = await run.exited;
        assert.equal(code, 0, `vrrp-peer advertise failed: ${run.stderr()}`);
      },
    });
  } finally {
    await ours?.dispose();
    await theirs?.stop('SIGKILL');
    await capture?.stop();
    segment.cleanup();
  }
}

function instance(tool: Tool, ifname: string, lines: string[], globals: string[] = []): string {
  const global = globals.length > 0 ? `global_defs {\n${globals.map((l) => `  ${l}`).join('\n')}\n}\n` : '';
  const v6 = tool.vip.includes(':');
  return `${global}vrrp_instance VI_1 {
  interface ${ifname}
  virtual_router_id ${tool.vrid}
${[...(v6 ? ['version 3'] : []), ...lines].map((l) => `  ${l}`).join('\n')}
  virtual_ipaddress {
    ${tool.vip}/${v6 ? 128 : 32}
  }
}
`;
}

const both = (a: typeof V4 | typeof V6): Tool[] => [a.ours, a.theirs];
const within = (events: WireEvent[], from: number, to: number): WireEvent[] => events.filter((e) => e.time > from && e.time <= to);

describe('a master hearing a lower priority', { concurrency: 2 }, () => {
  // The address owner is master at once; advert_int 3 keeps its own adverts well clear of the
  // half second after the injected one, where an answer is looked for.
  const cases: Array<{ name: string; lines: string[]; globals?: string[]; answers: boolean; burst: number; delayed: number; delayMs: number }> = [
    { name: 'defaults: an advert, garp_master_repeat GARPs and as many after vrrp_garp_master_delay', lines: [], globals: ['vrrp_garp_master_delay 1'], answers: true, burst: 5, delayed: 5, delayMs: 1000 },
    { name: 'lower_prio_no_advert, garp_lower_prio_repeat 2, garp_lower_prio_delay 1: GARPs but no advert', lines: ['lower_prio_no_advert', 'garp_lower_prio_repeat 2', 'garp_lower_prio_delay 1'], globals: ['vrrp_garp_master_delay 1'], answers: false, burst: 2, delayed: 2, delayMs: 1000 },
    { name: 'garp_lower_prio_repeat 0: an advert and no GARPs', lines: ['garp_lower_prio_repeat 0'], globals: ['vrrp_garp_master_delay 1'], answers: true, burst: 0, delayed: 0, delayMs: 1000 },
    { name: 'the vrrp_ globals: vrrp_lower_prio_no_advert, vrrp_garp_lower_prio_repeat 1, vrrp_garp_lower_prio_delay 1', lines: [], globals: ['vrrp_lower_prio_no_advert', 'vrrp_garp_lower_prio_repeat 1', 'vrrp_garp_lower_prio_delay 1', 'vrrp_garp_master_delay 1'], answers: false, burst: 1, delayed: 1, delayMs: 1000 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await sideBySide(4, (tool, ifname) => instance(tool, ifname, ['state MASTER', 'priority 255', 'advert_int 3', ...c.lines], c.globals), async (bed) => {
        const seen: Record<Who, { answers: boolean; burst: number; delayed: number }> = {} as never;
        // Past the takeover's own bursts (the second one comes after garp_master_delay, 1 s here).
        await until('both masters advertising', () => both(V4).every((t) => bed.adverts(t).length >= 1), 10_000);
        await sleep(1500);
        for (const tool of both(V4)) {
          // Right after one of its own adverts, so that the next is nearly 3 s away.
          const count = bed.adverts(tool).length;
          await until(`${tool.who} advertising again`, () => bed.adverts(tool).length > count, 5000);
          await bed.inject(tool, { priority: 50, count: 1, intervalCs: 300 });
        }
        await sleep(c.delayMs + 1000);
        for (const tool of both(V4)) {
          const at = bed.injected(tool)[0]?.time;
          assert.ok(at !== undefined, `the injected advert for ${tool.who} is in the capture`);
          const answer = within(bed.adverts(tool), at, at + 0.5);
          seen[tool.who] = {
            answers: answer.length > 0 && answer.every((e) => e.priority === 255),
            burst: within(bed.arps(tool), at, at + 0.5).length,
            delayed: within(bed.arps(tool), at + 0.5, at + c.delayMs / 1000 + 0.5).length,
          };
        }
        // VIPCTL_DEBUG_WIRE=FILE keeps the parsed capture, to look at a failure.
        if (process.env.VIPCTL_DEBUG_WIRE) writeFileSync(process.env.VIPCTL_DEBUG_WIRE, JSON.stringify(bed.events()));
        assert.deepEqual(seen.ours, seen.theirs, 'vipctl does what keepalived does');
        assert.deepEqual(seen.theirs, { answers: c.answers, burst: c.burst, delayed: c.delayed }, 'keepalived as measured');
      });
    });
  }
});

describe('higher_prio_send_advert', { concurrency: 2 }, () => {
  for (const send of [false, true]) {
    it(`${send ? 'with' : 'without'} it a master ${send ? 'sends one advert at its own priority' : 'sends nothing'} before stepping down`, async () => {
      await sideBySide(4, (tool, ifname) => instance(tool, ifname, ['state MASTER', 'priority 100', 'advert_int 1', ...(send ? ['higher_prio_send_advert'] : [])]), async (bed) => {
        await until('both masters advertising', () => both(V4).every((t) => bed.adverts(t).length >= 1), 10_000);
        for (const tool of both(V4)) await bed.inject(tool, { priority: 200, count: 1 });
        // A backup again: nothing of its own until Master_Down_Interval (3.6 s) has passed.
        await sleep(1500);
        const seen: Record<Who, number[]> = { ours: [], theirs: [] };
        for (const tool of both(V4)) {
          const at = bed.injected(tool)[0]?.time;
          assert.ok(at !== undefined);
          seen[tool.who] = within(bed.adverts(tool), at, at + 1.4).map((e) => e.priority ?? -1);
        }
        assert.deepEqual(seen.ours, seen.theirs, 'vipctl does what keepalived does');
        assert.deepEqual(seen.theirs, send ? [100] : []);
        assert.equal(bed.ours.instance().state, 'backup');
      });
    });
  }
});

describe('down_timer_adverts', { concurrency: 2 }, () => {
  // A master at priority 200 advertising every 2.5 s: more than 1 interval + skew (1.61 s)
  // but less than 3 intervals + skew (3.61 s).
  for (const c of [
    { name: 'default 3: a backup hearing a master every 2.5 s stays backup', lines: [], globals: [], takesOver: false },
    { name: 'down_timer_adverts 1: the same backup takes over between its adverts', lines: ['down_timer_adverts 1'], globals: [], takesOver: true },
    { name: 'vrrp_down_timer_adverts 1 in global_defs: the same', lines: [], globals: ['vrrp_down_timer_adverts 1'], takesOver: true },
  ]) {
    it(c.name, async () => {
      await sideBySide(4, (tool, ifname) => instance(tool, ifname, ['state BACKUP', 'priority 100', 'advert_int 1', ...c.lines], c.globals), async (bed) => {
        await Promise.all(both(V4).map((tool) => bed.inject(tool, { priority: 200, count: 4, gapMs: 2500 })));
        const seen: Record<Who, boolean> = { ours: false, theirs: false };
        for (const tool of both(V4)) {
          const injected = bed.injected(tool);
          const first = injected[0]?.time ?? 0;
          const last = injected[injected.length - 1]?.time ?? 0;
          seen[tool.who] = within(bed.adverts(tool), first, last).length > 0;
        }
        assert.deepEqual(seen, { ours: c.takesOver, theirs: c.takesOver });
      });
    });
  }
});

describe('unicast', { concurrency: 2 }, () => {
  for (const family of [4, 6] as const) {
    const a = family === 6 ? V6 : V4;
    it(`unicast_ttl 10: the TTL / hop limit of IPv${family} unicast adverts`, async () => {
      const lines = (tool: Tool): string[] => ['state MASTER', 'priority 255', 'advert_int 1', `unicast_src_ip ${tool.address}`, 'unicast_peer {', `  ${a.peer}`, '}', 'unicast_ttl 10'];
      await sideBySide(family, (tool, ifname) => instance(tool, ifname, lines(tool)), async (bed) => {
        await until('two unicast adverts from each', () => both(a).every((t) => bed.adverts(t).length >= 2), 10_000);
        for (const tool of both(a)) {
          const adverts = bed.adverts(tool);
          assert.deepEqual([...new Set(adverts.map((e) => `${e.destination} ttl ${e.ttl}`))], [`${a.peer} ttl 10`], tool.who);
        }
      });
    });
  }

  for (const check of [false, true]) {
    it(`check_unicast_src ${check ? 'on' : 'off'}: adverts from an address that is no unicast_peer are ${check ? 'ignored' : 'heeded'}`, async () => {
      const lines = (tool: Tool): string[] => ['state BACKUP', 'priority 100', 'advert_int 1', `unicast_src_ip ${tool.address}`, 'unicast_peer {', `  ${V4.peer}`, '}', ...(check ? ['check_unicast_src'] : [])];
      await sideBySide(4, (tool, ifname) => instance(tool, ifname, lines(tool)), async (bed) => {
        await Promise.all(both(V4).map((tool) => bed.inject(tool, { priority: 200, count: 7, gapMs: 1000, destination: tool.address, source: V4.stranger })));
        const seen: Record<Who, boolean> = { ours: false, theirs: false };
        for (const tool of both(V4)) {
          const injected = bed.injected(tool);
          // From the second injected advert on: the first may have come after a start-up takeover.
          seen[tool.who] = within(bed.adverts(tool), injected[1]?.time ?? 0, injected[injected.length - 1]?.time ?? 0).length > 0;
        }
        assert.deepEqual(seen, { ours: check, theirs: check }, 'a master (advertising) only when the stranger is ignored');
        if (check) {
          assert.match(bed.theirs.log(), /unicast source address 192\.0\.2\.4 not a unicast peer/);
          assert.ok((bed.ours.instance().counters.drops.source ?? 0) > 0, 'counted as a drop by source');
        }
      });
    });
  }

  it('unicast_fault_no_peer without unicast_peer: FAULT, no adverts', async () => {
    await sideBySide(4, (tool, ifname) => instance(tool, ifname, ['state MASTER', 'priority 255', 'advert_int 1', `unicast_src_ip ${tool.address}`, 'unicast_fault_no_peer']), async (bed) => {
      await bed.theirs.waitFor(/Cannot use unicast without any peers - going to fault state/);
      await until('ours in FAULT', () => bed.ours.loggedState() === 'fault');
      await sleep(2500);
      assert.equal(bed.ours.instance().state, 'fault');
      assert.deepEqual(both(V4).map((t) => bed.adverts(t).length), [0, 0]);
    });
  });

  it('a unicast_src_ip the host does not have: FAULT, no adverts, no VIP (not a master beside the real one)', async () => {
    const missing = '192.0.2.99';
    await sideBySide(4, (tool, ifname) => instance(tool, ifname, ['state MASTER', 'priority 255', 'advert_int 1', `unicast_src_ip ${missing}`, 'unicast_peer {', `  ${V4.peer}`, '}']), async (bed) => {
      await bed.theirs.waitFor(/src address not configured/);
      await until('ours in FAULT', () => bed.ours.loggedState() === 'fault');
      await sleep(2500);
      assert.equal(bed.ours.instance().state, 'fault');
      assert.equal(bed.ours.instance().vipsHeld, false);
      assert.deepEqual(both(V4).map((t) => bed.adverts(t).length), [0, 0]);
    });
  });
});

describe('the multicast group', { concurrency: 2 }, () => {
  const cases = [
    { name: 'mcast_dst_ip 224.0.0.19', family: 4 as const, lines: ['mcast_dst_ip 224.0.0.19'], globals: [], group: '224.0.0.19', mac: '01:00:5e:00:00:13' },
    { name: 'vrrp_mcast_group4 224.0.0.20', family: 4 as const, lines: [], globals: ['vrrp_mcast_group4 224.0.0.20'], group: '224.0.0.20', mac: '01:00:5e:00:00:14' },
    { name: 'IPv6 mcast_dst_ip ff02::13', family: 6 as const, lines: ['mcast_dst_ip ff02::13'], globals: [], group: 'ff02::13', mac: '33:33:00:00:00:13' },
    { name: 'vrrp_mcast_group6 ff02::14', family: 6 as const, lines: [], globals: ['vrrp_mcast_group6 ff02::14'], group: 'ff02::14', mac: '33:33:00:00:00:14' },
  ];
  for (const c of cases) {
    it(`${c.name}: a master heard on the group keeps both backup; once it stops they advertise to the group`, async () => {
      const a = c.family === 6 ? V6 : V4;
      await sideBySide(c.family, (tool, ifname) => instance(tool, ifname, ['state BACKUP', 'priority 100', 'advert_int 1', ...c.lines], c.globals), async (bed) => {
        await Promise.all(both(a).map((tool) => bed.inject(tool, { priority: 200, count: 5, gapMs: 1000, destination: c.group })));
        await until('both advertising after the peer stopped', () => both(a).every((t) => bed.adverts(t).length >= 2), 10_000);
        for (const tool of both(a)) {
          const injected = bed.injected(tool);
          assert.equal(injected.length, 5);
          assert.deepEqual(within(bed.adverts(tool), injected[0]?.time ?? 0, injected[4]?.time ?? 0), [], `${tool.who} stays backup while the group master speaks`);
          assert.deepEqual([...new Set(bed.adverts(tool).map((e) => `${e.destinationMac} ${e.destination}`))], [`${c.mac} ${c.group}`], tool.who);
        }
      });
    });
  }
});
