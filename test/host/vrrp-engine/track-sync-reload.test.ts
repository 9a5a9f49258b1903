// Host tier: the engine's tracking, sync groups and in-place reload, against keepalived 2.2.7
// across a veth pair where a peer is needed.
// - track_script: a vrrp_script whose result the test flips (a flag file) lowers our priority
//   by its weight, and keepalived takes over; with weight 0 the instance goes to FAULT; when
//   the script recovers ours preempts back.
// - vrrp_sync_group: two instances in a group move together: one member's script failing
//   puts both in FAULT and keepalived takes both; when keepalived's master is SIGKILLed our
//   lower-priority group takes over both instances at once.
// - SIGHUP: an unchanged instance keeps its VIP throughout (sampled every few ms), a new VIP
//   and a new instance appear, a broken file is refused with the state kept, a removed
//   instance gives its VIPs back.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { runIn } from '../../support/process.js';
import { holdsAddress, sleep, startEngine, stopEngines, until, type EngineInstanceStatus, type RunningEngine } from '../../support/vrrp-engine.js';

let pair: NamespacePair | undefined;
let keepalived: Keepalived | undefined;
const dirs: string[] = [];
async function cleanup(): Promise<void> {
  await stopEngines();
  await keepalived?.stop();
  keepalived = undefined;
  pair?.cleanup();
  pair = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
afterEach(cleanup);
after(cleanup);

/** A check script that succeeds while its flag file exists; the test flips the flag. */
function flagScript(): { script: string; flag: string; fail(): void; recover(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-chk-'));
  dirs.push(dir);
  chmodSync(dir, 0o755);
  const flag = path.join(dir, 'healthy');
  const script = path.join(dir, 'chk.sh');
  writeFileSync(script, `#!/bin/sh\ntest -f ${flag}\n`);
  chmodSync(script, 0o755);
  writeFileSync(flag, '');
  return { script, flag, fail: () => unlinkSync(flag), recover: () => writeFileSync(flag, '') };
}

interface InstanceOptions {
  name: string;
  iface: string;
  vrid: number;
  priority: number;
  vip: string;
  extra?: string;
}

function instance(o: InstanceOptions): string {
  return `vrrp_instance ${o.name} {
  state BACKUP
  interface ${o.iface}
  virtual_router_id ${o.vrid}
  priority ${o.priority}
  advert_int 0.1
  version 3
  virtual_ipaddress {
    ${o.vip}
  }
${o.extra ?? ''}
}
`;
}

const GLOBALS = 'global_defs {\n  enable_script_security\n  script_user root\n}\n';

function scriptBlock(script: string, weight: number): string {
  return `vrrp_script chk {\n  script "${script}"\n  interval 1\n  fall 1\n  rise 1\n  weight ${weight}\n}\n`;
}

/** Status, or nothing while the engine is still starting (its control socket not there yet). */
function statusOf(engine: RunningEngine): EngineInstanceStatus[] {
  try {
    return engine.status();
  } catch {
    return [];
  }
}
const stateOf = (engine: RunningEngine, name?: string): string => statusOf(engine).find((i) => name === undefined || i.name === name)?.state ?? 'unknown';
const allIn = (engine: RunningEngine, state: string, count = 2): boolean => {
  const instances = statusOf(engine);
  return instances.length === count && instances.every((i) => i.state === state);
};

for (const weight of [-60, 0]) {
  test(`track_script weight ${weight}: a failing check ${weight ? 'lowers our priority' : 'puts us in FAULT'}, keepalived takes over, and we preempt back`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
    const { a, b } = pair;
    const check = flagScript();
    keepalived = await startKeepalived(b, instance({ name: 'VI_1', iface: 'veth1', vrid: 51, priority: 100, vip: '192.0.2.100/32' }));
    const ours = startEngine(a, GLOBALS + scriptBlock(check.script, weight) + instance({ name: 'VI_1', iface: 'veth0', vrid: 51, priority: 150, vip: '192.0.2.100/32', extra: '  track_script {\n    chk\n  }' }));
    await ours.waitFor(/BACKUP -> MASTER/);
    await until('keepalived in BACKUP', () => /Entering BACKUP STATE/.test(keepalived?.log() ?? ''));
    assert.deepEqual(ours.instance().tracked.map((t) => [t.kind, t.name, t.state]), [['interface', 'veth0', 'up'], ['script', 'chk', 'ok']]);

    check.fail();
    await ours.waitFor(/vrrp_script chk failed/, 5000);
    await keepalived.waitFor(/Entering MASTER STATE/, 5000);
    await until('our VIP to go', () => !holdsAddress(a, 'veth0', '192.0.2.100/32'));
    const failed = ours.instance();
    assert.equal(failed.state, weight ? 'backup' : 'fault');
    assert.equal(failed.effectivePriority, weight ? 90 : 150);
    assert.equal(failed.tracked.find((t) => t.kind === 'script')?.state, 'failed');
    assert.ok(holdsAddress(b, 'veth1', '192.0.2.100/32'), 'keepalived holds the VIP');

    check.recover();
    await ours.waitFor(/vrrp_script chk succeeded/, 5000);
    await until('ours to be master again', () => stateOf(ours) === 'master', 5000);
    await until('keepalived to give the VIP up', () => !holdsAddress(b, 'veth1', '192.0.2.100/32'), 5000);
    assert.ok(holdsAddress(a, 'veth0', '192.0.2.100/32'));
    assert.equal(ours.instance().effectivePriority, 150);
  });
}

function group(name: string, members: string[]): string {
  return `vrrp_sync_group ${name} {\n  group {\n${members.map((m) => `    ${m}\n`).join('')}  }\n}\n`;
}

test('vrrp_sync_group: one member failing takes the whole group to FAULT; a dead peer master hands us both at once', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a, b } = pair;
  const check = flagScript();
  const theirs = (priority: number): string =>
    group('G', ['VI_1', 'VI_2']) +
    instance({ name: 'VI_1', iface: 'veth1', vrid: 61, priority, vip: '192.0.2.101/32' }) +
    instance({ name: 'VI_2', iface: 'veth1', vrid: 62, priority, vip: '192.0.2.102/32' });
  keepalived = await startKeepalived(b, theirs(100), 'ka', { args: ['--dont-respawn'] });
  const ours = startEngine(
    a,
    GLOBALS +
      scriptBlock(check.script, -30) +
      group('G', ['VI_1', 'VI_2']) +
      instance({ name: 'VI_1', iface: 'veth0', vrid: 61, priority: 150, vip: '192.0.2.101/32', extra: '  track_script {\n    chk\n  }' }) +
      instance({ name: 'VI_2', iface: 'veth0', vrid: 62, priority: 150, vip: '192.0.2.102/32' }),
  );
  await until('our group master', () => allIn(ours, 'master'), 8000);
  await until('keepalived group backup', () => !holdsAddress(b, 'veth1', '192.0.2.101/32') && !holdsAddress(b, 'veth1', '192.0.2.102/32'), 5000);
  assert.deepEqual(ours.status().map((i) => i.syncGroup), ['G', 'G']);
  // Inside a sync group keepalived counts track_script weights as 0: a failure means FAULT.
  await ours.waitFor(/weight counts as 0 inside a vrrp_sync_group/);

  check.fail();
  await until('both our instances in FAULT', () => allIn(ours, 'fault'), 5000);
  await until('keepalived holding both VIPs', () => holdsAddress(b, 'veth1', '192.0.2.101/32') && holdsAddress(b, 'veth1', '192.0.2.102/32'), 5000);
  assert.ok(!holdsAddress(a, 'veth0', '192.0.2.101/32') && !holdsAddress(a, 'veth0', '192.0.2.102/32'));
  assert.match(ours.instance('VI_2').lastTransition?.reason ?? '', /sync group G: VI_1 in FAULT/);
  await ours.waitFor(/sync group G: FAULT/);

  check.recover();
  await until('our group master again', () => allIn(ours, 'master'), 8000);
  await until('keepalived gave both up', () => !holdsAddress(b, 'veth1', '192.0.2.101/32') && !holdsAddress(b, 'veth1', '192.0.2.102/32'), 5000);
  await stopEngines();
  await until('keepalived master of both', () => holdsAddress(b, 'veth1', '192.0.2.101/32') && holdsAddress(b, 'veth1', '192.0.2.102/32'), 8000);

  // Now ours is the lower-priority group; SIGKILL keepalived's VRRP process: ours takes both.
  const lower = startEngine(
    a,
    GLOBALS +
      group('G', ['VI_1', 'VI_2']) +
      instance({ name: 'VI_1', iface: 'veth0', vrid: 61, priority: 50, vip: '192.0.2.101/32' }) +
      instance({ name: 'VI_2', iface: 'veth0', vrid: 62, priority: 50, vip: '192.0.2.102/32' }),
  );
  await until('ours in BACKUP', () => allIn(lower, 'backup'), 8000);
  await sleep(1000);
  assert.ok(allIn(lower, 'backup'), 'stays backup under a live master');
  const pid = keepalived.vrrpPid();
  assert.ok(pid, 'keepalived VRRP pid');
  process.kill(pid, 'SIGKILL');
  await until('ours master of both', () => allIn(lower, 'master'), 5000);
  assert.ok(holdsAddress(a, 'veth0', '192.0.2.101/32') && holdsAddress(a, 'veth0', '192.0.2.102/32'));
  await lower.waitFor(/sync group G: MASTER/);
});

test('SIGHUP reloads in place: unchanged VIPs never drop, new ones come, a broken file is refused, removed instances clean up', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a } = pair;
  const vi1 = (vips: string): string => instance({ name: 'VI_1', iface: 'veth0', vrid: 71, priority: 150, vip: vips });
  const vi2 = instance({ name: 'VI_2', iface: 'veth0', vrid: 72, priority: 150, vip: '192.0.2.112/32' });
  const ours = startEngine(a, vi1('192.0.2.110/32'));
  await until('master', () => stateOf(ours) === 'master', 8000);
  const file = path.join(path.dirname(path.dirname(ours.socket)), 'keepalived.conf');
  const transitionBefore = ours.instance('VI_1').lastTransition?.at;

  // Watch the unchanged VIP the whole time while the file changes under it.
  let missing = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      if (!holdsAddress(a, 'veth0', '192.0.2.110/32')) missing += 1;
      await sleep(5);
    }
  })();
  try {
    writeFileSync(file, vi1('192.0.2.110/32\n    192.0.2.111/32') + vi2);
    ours.process.kill('SIGHUP');
    await ours.waitFor(/SIGHUP: reloaded/);
    await until('the new instance master', () => allIn(ours, 'master', 2), 8000);
    await until('the added VIPs', () => holdsAddress(a, 'veth0', '192.0.2.111/32') && holdsAddress(a, 'veth0', '192.0.2.112/32'), 3000);
    assert.equal(ours.instance('VI_1').lastTransition?.at, transitionBefore, 'VI_1 kept its state: no new transition');

    // A broken file: refused, nothing changes.
    writeFileSync(file, vi1('192.0.2.110/32') + 'vrrp_instance VI_3 {\n  virtual_router_id 999\n');
    ours.process.kill('SIGHUP');
    await ours.waitFor(/SIGHUP: the file was refused/);
    assert.equal(ours.status().length, 2);
    assert.ok(holdsAddress(a, 'veth0', '192.0.2.111/32') && holdsAddress(a, 'veth0', '192.0.2.112/32'));

    // VI_2 removed and VI_1's second VIP dropped.
    writeFileSync(file, vi1('192.0.2.110/32'));
    ours.process.kill('SIGHUP');
    await until('VI_2 gone', () => statusOf(ours).length === 1, 5000);
    await until('the removed VIPs gone', () => !holdsAddress(a, 'veth0', '192.0.2.111/32') && !holdsAddress(a, 'veth0', '192.0.2.112/32'), 3000);
  } finally {
    watching = false;
    await watcher;
  }
  assert.equal(missing, 0, 'the unchanged VIP never left during the reloads');
  assert.equal(stateOf(ours, 'VI_1'), 'master');
  await ours.waitFor(/removed=\["VI_2"\]/);
});

for (const dontTrackPrimary of [false, true]) {
  test(`the instance's own interface going down ${dontTrackPrimary ? 'is ignored with dont_track_primary' : 'means FAULT, as in keepalived'}`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
    const { a } = pair;
    const ours = startEngine(a, instance({ name: 'VI_1', iface: 'veth0', vrid: 81, priority: 150, vip: '192.0.2.120/32', extra: dontTrackPrimary ? '  dont_track_primary' : '' }));
    await until('master', () => stateOf(ours) === 'master', 8000);
    inNamespace(a, 'ip', ['link', 'set', 'veth0', 'down']);
    if (dontTrackPrimary) {
      await sleep(1000);
      assert.equal(stateOf(ours), 'master');
    } else {
      await until('fault', () => stateOf(ours) === 'fault', 5000);
      assert.match(ours.instance().lastTransition?.reason ?? '', /interface veth0 failed/);
      inNamespace(a, 'ip', ['link', 'set', 'veth0', 'up']);
      await until('master again', () => stateOf(ours) === 'master', 8000);
    }
  });
}

test('takeover announcements: garp_master_repeat rounds spaced by vrrp_garp_interval, then garp_master_refresh while master (tcpdump counts them)', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a, b } = pair;
  const tcpdump = runIn(b, 'tcpdump', ['-i', 'veth1', '-l', '-nn', '-tt', '-c', '7', 'arp and arp[24:4] == 0xc0000282']);
  try {
    await tcpdump.waitFor(/listening on/, 5000);
    const ours = startEngine(
      a,
      'global_defs {\n  vrrp_garp_interval 0.02\n}\n' +
        instance({ name: 'VI_1', iface: 'veth0', vrid: 91, priority: 150, vip: '192.0.2.130/32', extra: '  garp_master_delay 0\n  garp_master_repeat 3\n  garp_master_refresh 1\n  garp_master_refresh_repeat 2' }),
    );
    await until('master', () => stateOf(ours) === 'master', 8000);
    await until('7 gratuitous ARPs (3 at takeover, 2 per refresh)', () => tcpdump.child.exitCode !== null, 10_000);
    assert.equal(await tcpdump.exited, 0);
    const output = tcpdump.stdout();
    const lines = output.split('\n').filter((line) => /who-has 192\.0\.2\.130 tell 192\.0\.2\.130/.test(line));
    assert.equal(lines.length, 7, output);
    assert.doesNotMatch(ours.log(), /not carried out by vrrp run/);
  } finally {
    await tcpdump.stop();
  }
});

test('virtual_routes follow MASTER and notify_fifo gets keepalived lines; a killed run\'s routes are removed at start-up', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a } = pair;
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-fifo-'));
  dirs.push(dir);
  const fifo = path.join(dir, 'vrrp.fifo');
  execFileSync('mkfifo', [fifo]);
  // The reader opens first (its open completes when the engine opens the write side).
  const reader = createReadStream(fifo);
  let fifoText = '';
  reader.on('data', (chunk) => (fifoText += chunk.toString()));
  const config =
    `global_defs {\n  vrrp_notify_fifo ${fifo}\n}\n` +
    instance({ name: 'VI_1', iface: 'veth0', vrid: 95, priority: 150, vip: '192.0.2.140/32', extra: '  virtual_routes {\n    src 192.0.2.140 10.95.0.0/16 via 192.0.2.2 dev veth0\n    blackhole 10.96.0.0/16\n  }' });
  const routes = (): string => inNamespace(a, 'ip', ['route', 'show']);
  const hasRoutes = (): boolean => /10\.95\.0\.0\/16 via 192\.0\.2\.2 dev veth0 proto 118 src 192\.0\.2\.140/.test(routes()) && /blackhole 10\.96\.0\.0\/16 proto 118/.test(routes());
  try {
    let ours = startEngine(a, config);
    await until('master with its routes', () => stateOf(ours) === 'master' && hasRoutes(), 8000);
    ours.process.kill('SIGTERM');
    assert.equal(await ours.exited, 0);
    assert.doesNotMatch(routes(), /10\.95\.0\.0|10\.96\.0\.0/, 'routes removed on exit');
    await until('the fifo lines', () => fifoText.includes('STOP'), 3000);
    assert.equal(fifoText, 'INSTANCE "VI_1" BACKUP 150\nINSTANCE "VI_1" MASTER 150\nINSTANCE "VI_1" STOP 150\n');

    // SIGKILL leaves the routes behind; the next run removes them before anything else.
    ours = startEngine(a, config);
    await until('master with its routes again', () => stateOf(ours) === 'master' && hasRoutes(), 8000);
    ours.process.kill('SIGKILL');
    await ours.exited;
    assert.ok(hasRoutes(), 'a killed run cannot clean up');
    ours = startEngine(a, instance({ name: 'VI_1', iface: 'veth0', vrid: 95, priority: 150, vip: '192.0.2.140/32' }));
    await ours.waitFor(/removed a route left behind by an earlier run route=10\.95\.0\.0\/16 via 192\.0\.2\.2/);
    await until('master without routes', () => stateOf(ours) === 'master', 8000);
    assert.doesNotMatch(routes(), /10\.95\.0\.0|10\.96\.0\.0/);
  } finally {
    reader.destroy();
  }
});

test('vrrp_sync_group track_interface applies to every member: the link going down puts the whole group in FAULT', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a } = pair;
  // A second link inside our namespace to track (both ends stay inside it).
  inNamespace(a, 'ip', ['link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
  inNamespace(a, 'ip', ['link', 'set', 'trk1', 'up']);
  inNamespace(a, 'ip', ['link', 'set', 'trk0', 'up']);
  await until('trk0 running', () => /state UP/.test(inNamespace(a, 'ip', ['link', 'show', 'trk0'])), 5000);
  const ours = startEngine(
    a,
    `vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  track_interface {\n    trk0\n  }\n}\n` +
      instance({ name: 'VI_1', iface: 'veth0', vrid: 101, priority: 150, vip: '192.0.2.150/32' }) +
      instance({ name: 'VI_2', iface: 'veth0', vrid: 102, priority: 150, vip: '192.0.2.151/32' }),
  );
  await until('group master', () => allIn(ours, 'master'), 8000);
  assert.deepEqual(ours.instance('VI_2').tracked.map((t) => `${t.kind} ${t.name}`), ['interface veth0', 'interface trk0']);
  inNamespace(a, 'ip', ['link', 'set', 'trk0', 'down']);
  await until('group in FAULT', () => allIn(ours, 'fault'), 5000);
  assert.ok(!holdsAddress(a, 'veth0', '192.0.2.150/32') && !holdsAddress(a, 'veth0', '192.0.2.151/32'));
  inNamespace(a, 'ip', ['link', 'set', 'trk0', 'up']);
  await until('group master again', () => allIn(ours, 'master'), 8000);
});
