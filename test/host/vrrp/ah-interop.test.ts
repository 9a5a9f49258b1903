// Host tier: VRRPv2 auth_type AH between `vipctl vrrp run` and keepalived 2.2.7 across a veth
// pair, both ways: one master in steady state, SIGKILL hands over, the higher priority
// preempts on return (the restarted router's adverts taken again: it learns the sequence
// counter while it listens as backup, as keepalived does), replayed adverts refused as
// keepalived refuses them, a wrong auth_pass dropped with reason 'auth' (both master, as two
// keepalived), AH over unicast peers, and tshark's reading of our adverts.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { namespacePair, inNamespace, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { holdsAddress, operUp, sleep, startEngine, stopEngines, until, type RunningEngine } from '../../support/vrrp-engine.js';
import { CaptureFileReader, type CaptureRecord } from '../../../src/capture/file.js';
import { decodeLink, newLinkFrame } from '../../../src/capture/link.js';
import { decodeIpPacket } from '../../../src/vrrp/ip-packet.js';

const SENDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ah-send.js');
const VIP = '192.0.2.100/32';
const OURS = '192.0.2.1';
const THEIRS = '192.0.2.2';

let pair: NamespacePair | undefined;
const daemons: Keepalived[] = [];
const captures: Array<{ stop(): Promise<void> }> = [];
const dirs: string[] = [];
afterEach(async () => {
  await stopEngines();
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const capture of captures.splice(0)) await capture.stop();
  pair?.cleanup();
  pair = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function conf(options: { iface: string; priority: number; pass?: string; unicast?: { source: string; peer: string } }): string {
  return `vrrp_instance VI_1 {
  state BACKUP
  interface ${options.iface}
  virtual_router_id 51
  priority ${options.priority}
  advert_int 1
  authentication {
    auth_type AH
    auth_pass ${options.pass ?? 'secret12'}
  }
${options.unicast ? `  unicast_src_ip ${options.unicast.source}\n  unicast_peer {\n    ${options.unicast.peer}\n  }\n` : ''}  virtual_ipaddress {
    ${VIP}
  }
}
`;
}

async function setUp(): Promise<NamespacePair> {
  pair = namespacePair({ addressA: [`${OURS}/24`], addressB: [`${THEIRS}/24`], prefix: 'ah' });
  await operUp(pair.a, pair.ifA);
  await operUp(pair.b, pair.ifB);
  return pair;
}

async function keepalived(ns: string, config: string): Promise<Keepalived> {
  // --dont-respawn: a SIGKILLed VRRP child stays dead (by default the parent starts another).
  const daemon = await startKeepalived(ns, config, 'ah', { args: ['--dont-respawn'] });
  daemons.push(daemon);
  return daemon;
}

/** tcpdump writing the namespace's protocol-51 traffic to a file; stop() flushes and ends it. */
async function capture(ns: string, ifname: string): Promise<{ file: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-ah-'));
  dirs.push(dir);
  const file = path.join(dir, 'ah.pcap');
  const child = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-i', ifname, '-U', '-w', file, 'ip proto 51'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await until('tcpdump listening', () => /listening on/.test(said), 5000, 20);
  let stopped = false;
  const handle = {
    file,
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGINT');
      await exited;
    },
  };
  captures.push(handle);
  return handle;
}

/** The IP packets a capture holds so far. */
function captured(file: string): Buffer[] {
  const reader = CaptureFileReader.open(file);
  const frame = newLinkFrame();
  const out: Buffer[] = [];
  try {
    for (let r: CaptureRecord | undefined; (r = reader.next()); ) {
      const end = r.dataOffset + r.capturedLength;
      if (decodeLink(r.linkType, r.buffer, r.dataOffset, end, frame)) out.push(Buffer.from(r.buffer.subarray(frame.networkOffset, end)));
    }
  } finally {
    reader.close();
  }
  return out;
}

const sourceOf = (packet: Buffer): string => decodeIpPacket(packet).ip?.source ?? '';
const sequenceOf = (packet: Buffer): number => decodeIpPacket(packet).ah?.sequence ?? -1;

/** Replays packets from a namespace (heard across the link only). */
function replay(ns: string, ifname: string, packets: Buffer[]): void {
  inNamespace(ns, process.execPath, [SENDER, ifname, ...packets.map((p) => p.toString('hex'))]);
}

/** Exactly one of the two holds the VIP, again and again over `ms`. */
async function steadyMaster(holder: [string, string], other: [string, string], ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    assert.ok(holdsAddress(holder[0], holder[1], VIP), `${holder[0]} holds the VIP`);
    assert.ok(!holdsAddress(other[0], other[1], VIP), `${other[0]} does not hold the VIP`);
    await sleep(250);
  }
}

const count = (text: string, pattern: RegExp): number => [...text.matchAll(new RegExp(pattern.source, 'g'))].length;

interface AhStatus {
  counters: { advertsSent: number; advertsReceived: number; drops: Record<string, number> };
  ah?: { sequence: number; refused: Record<string, number> };
}
const statusOf = (engine: RunningEngine): AhStatus => engine.instance() as unknown as AhStatus;

describe('VRRPv2 auth_type AH with keepalived 2.2.7', () => {
  test('ours master, keepalived backup: one master; replays refused by keepalived; SIGKILL hands over; the restart preempts; tshark reads our AH', async () => {
    const { a, b, ifA, ifB } = await setUp();
    const wire = await capture(b, ifB);
    // Ours first: keepalived then starts under its adverts (started together, both could time
    // out at the same moment and send the same sequence number, which each would refuse).
    let ours = startEngine(a, conf({ iface: ifA, priority: 150 }));
    await ours.waitFor(/BACKUP -> MASTER/, 10_000);
    const theirs = await keepalived(b, conf({ iface: ifB, priority: 100 }));
    await theirs.waitFor(/Entering BACKUP STATE/);
    await until('keepalived backup, ours holding the VIP', () => holdsAddress(a, ifA, VIP) && !holdsAddress(b, ifB, VIP));
    await steadyMaster([a, ifA], [b, ifB], 3000);
    assert.doesNotMatch(theirs.log(), /IPSEC|auth/i, 'keepalived takes every advert of ours');
    assert.equal(statusOf(ours).counters.drops.auth, 0);

    // Our first two adverts again: keepalived has counted on from them and refuses them.
    const first = captured(wire.file).filter((p) => sourceOf(p) === OURS).slice(0, 2);
    assert.equal(first.length, 2);
    replay(a, ifA, first);
    await theirs.waitFor(/sequence number 2 already processed/, 5000);
    assert.match(theirs.log(), /IPSEC-AH : sequence number 1 already processed/);
    await steadyMaster([a, ifA], [b, ifB], 1000);

    // SIGKILL: keepalived takes over.
    ours.process.kill('SIGKILL');
    await ours.exited;
    await until('keepalived holding the VIP', () => holdsAddress(b, ifB, VIP), 8000);
    const preempted = count(theirs.log(), /Master received advert from 192\.0\.2\.1 with higher priority 150/);

    // The restart listens as backup (taking keepalived's numbers), then preempts: keepalived
    // takes its adverts. A left-behind VIP is removed at start first.
    ours = startEngine(a, conf({ iface: ifA, priority: 150 }));
    await ours.waitFor(/BACKUP -> MASTER/, 10_000);
    await until('keepalived back to backup', () => count(theirs.log(), /Master received advert from 192\.0\.2\.1 with higher priority 150/) > preempted, 5000);
    await until('ours holding the VIP alone', () => holdsAddress(a, ifA, VIP) && !holdsAddress(b, ifB, VIP));
    await steadyMaster([a, ifA], [b, ifB], 2000);
    assert.equal(count(theirs.log(), /already processed/), 2, 'only the two replays were refused');
    assert.doesNotMatch(theirs.log(), /invalid IPSEC/);
    const status = statusOf(ours);
    assert.ok(status.counters.advertsReceived >= 1, 'it heard keepalived before preempting');
    assert.equal(status.counters.drops.auth, 0);

    // SIGTERM: priority 0, keepalived takes over.
    ours.process.kill('SIGTERM');
    assert.equal(await ours.exited, 0);
    await until('keepalived holding the VIP after our priority 0', () => holdsAddress(b, ifB, VIP), 3000);
    // Its adverts as master on the wire too (the VIP may come a moment before the first one).
    await until('keepalived advertising', () => captured(wire.file).at(-1) !== undefined && sourceOf(captured(wire.file).at(-1) as Buffer) === THEIRS, 3000);
    await wire.stop();

    // The wire: one sequence, counting on across the handovers (the replays aside), and each
    // advert of ours as tshark reads it.
    const packets = captured(wire.file);
    const replayed = new Set(first.map((p) => p.toString('hex')));
    const seen = new Set<string>();
    const order = packets.filter((p) => {
      const hex = p.toString('hex');
      const again = replayed.has(hex) && seen.has(hex);
      seen.add(hex);
      return !again;
    });
    const sequences = order.map(sequenceOf);
    for (let i = 1; i < sequences.length; i++) assert.ok((sequences[i] as number) > (sequences[i - 1] as number), `sequence ${sequences.join(',')} grows at ${i}`);
    const senders = order.map(sourceOf).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    assert.deepEqual(senders, [OURS, THEIRS, OURS, THEIRS], 'ours, keepalived after the SIGKILL, ours again, keepalived after the SIGTERM');
    const text = execFileSync('tshark', ['-r', wire.file, '-V', '-Y', `ip.src == ${OURS}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const frames = text.split(/^Frame \d+:/m).slice(1);
    assert.equal(frames.length, packets.filter((p) => sourceOf(p) === OURS).length);
    for (const frame of frames) {
      assert.match(frame, /Differentiated Services Field: 0xc0/);
      assert.match(frame, /Time to Live: 255/);
      assert.match(frame, /Protocol: Authentication Header \(51\)/);
      assert.match(frame, /Next header: VRRP \(112\)/);
      assert.match(frame, /Length: 4 \(24 bytes\)/);
      assert.match(frame, /AH SPI: 0xc0000201/, 'SPI = our address 192.0.2.1');
      assert.match(frame, /AH ICV: [0-9a-f]{24}\n/);
      assert.match(frame, /Auth Type: IP Authentication Header/);
      assert.match(frame, /\[Checksum Status: Good\]/);
      assert.match(frame, /IP Address: 192\.0\.2\.100/);
    }
  });

  test('keepalived master, ours backup: ours takes its adverts and refuses replays; SIGKILL hands over; keepalived preempts on return', async () => {
    const { a, b, ifA, ifB } = await setUp();
    const wire = await capture(a, ifA);
    let theirs = await keepalived(b, conf({ iface: ifB, priority: 150 }));
    await until('keepalived holding the VIP', () => holdsAddress(b, ifB, VIP), 10_000);
    const ours = startEngine(a, conf({ iface: ifA, priority: 100 }));
    await ours.waitFor(/INIT -> BACKUP/);
    await steadyMaster([b, ifB], [a, ifA], 3000);
    assert.doesNotMatch(ours.log(), /-> MASTER|dropped an advert/);
    let status = statusOf(ours);
    assert.ok(status.counters.advertsReceived >= 3);
    const heard = captured(wire.file).filter((p) => sourceOf(p) === THEIRS);
    assert.ok((status.ah?.sequence ?? 0) >= sequenceOf(heard.at(-1) as Buffer) - 1, 'our counter follows keepalived\'s numbers');

    // keepalived's first two adverts again: refused (a backup keepalived logs "already
    // processed" for these), counted as 'auth', and nothing changes.
    const transitions = ours.transitions();
    replay(b, ifB, heard.slice(0, 2));
    await until('two replays refused', () => statusOf(ours).ah?.refused.sequence === 2, 5000);
    status = statusOf(ours);
    assert.equal(status.counters.drops.auth, 2);
    assert.equal(ours.transitions(), transitions);
    await ours.waitFor(/dropped an advert .*reason=auth detail=AH sequence number 1 already seen/);
    await steadyMaster([b, ifB], [a, ifA], 1000);

    // SIGKILL keepalived: ours takes over.
    const pid = theirs.vrrpPid();
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await ours.waitFor(/BACKUP -> MASTER/, 8000);
    await until('ours holding the VIP', () => holdsAddress(a, ifA, VIP));
    await theirs.stop();

    // keepalived again: it listens as backup (taking our numbers), then preempts; ours takes
    // its adverts (no new refusal).
    theirs = await keepalived(b, conf({ iface: ifB, priority: 150 }));
    await ours.waitFor(/MASTER -> BACKUP/, 10_000);
    await until('keepalived holding the VIP alone', () => holdsAddress(b, ifB, VIP) && !holdsAddress(a, ifA, VIP));
    await steadyMaster([b, ifB], [a, ifA], 2000);
    assert.doesNotMatch(theirs.log(), /IPSEC|already processed/);
    status = statusOf(ours);
    assert.equal(status.counters.drops.auth, 2, 'no advert of the restarted keepalived refused');
  });

  test('a wrong auth_pass: dropped with reason auth (ICV), both master, as two keepalived', async () => {
    const { a, b, ifA, ifB } = await setUp();
    const theirs = await keepalived(b, conf({ iface: ifB, priority: 100, pass: 'secret12' }));
    const ours = startEngine(a, conf({ iface: ifA, priority: 150, pass: 'wrongpw1' }));
    await until('both holding the VIP', () => holdsAddress(a, ifA, VIP) && holdsAddress(b, ifB, VIP), 10_000);
    // (A keepalived master restarts its advert timer on every advert it refuses, ours
    // included, so it sends only now and then: measured, as between two keepalived.)
    await until('an advert of keepalived refused', () => (statusOf(ours).counters.drops.auth ?? 0) >= 1, 8000);
    await sleep(2000);
    assert.ok(holdsAddress(a, ifA, VIP) && holdsAddress(b, ifB, VIP), 'split brain, as between two keepalived');
    assert.equal(ours.transitions(), 2, 'INIT -> BACKUP -> MASTER, nothing more');
    const status = statusOf(ours);
    assert.equal(status.counters.advertsReceived, 0);
    assert.equal(status.ah?.refused.icv, status.counters.drops.auth);
    assert.equal(count(ours.log(), /dropped an advert .*reason=auth/), 1, 'logged once per kind');
    assert.match(ours.log(), /detail=AH ICV does not match/);
    assert.match(theirs.log(), /IPSEC-AH : invalid IPSEC HMAC-MD5 value/);
  });

  test('AH over unicast peers: one master both ways, the TTL left out of the ICV as keepalived leaves it', async () => {
    const { a, b, ifA, ifB } = await setUp();
    const ours = startEngine(a, conf({ iface: ifA, priority: 150, unicast: { source: OURS, peer: THEIRS } }));
    await ours.waitFor(/BACKUP -> MASTER/, 10_000);
    const theirs = await keepalived(b, conf({ iface: ifB, priority: 100, unicast: { source: THEIRS, peer: OURS } }));
    await theirs.waitFor(/Entering BACKUP STATE/);
    await until('keepalived backup', () => holdsAddress(a, ifA, VIP) && !holdsAddress(b, ifB, VIP));
    await steadyMaster([a, ifA], [b, ifB], 2500);
    assert.doesNotMatch(theirs.log(), /IPSEC/);
    ours.process.kill('SIGTERM');
    assert.equal(await ours.exited, 0);
    await until('keepalived master after our priority 0', () => holdsAddress(b, ifB, VIP), 3000);
    // And the reverse: ours backup under keepalived's unicast adverts, none refused.
    const again = startEngine(a, conf({ iface: ifA, priority: 50, unicast: { source: OURS, peer: THEIRS } }));
    await again.waitFor(/INIT -> BACKUP/);
    await until('ours hearing keepalived', () => statusOf(again).counters.advertsReceived >= 3, 8000);
    assert.doesNotMatch(again.log(), /-> MASTER|dropped an advert/);
    assert.equal(statusOf(again).counters.drops.auth, 0);
  });
});
