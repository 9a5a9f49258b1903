// Host tier: `vipctl vrrp run` against keepalived 2.2.7 across a veth pair: exactly one
// master, failover on SIGKILL, leftover VIPs removed at start-up, preemption on return,
// status over the control socket, and a priority-0 handover on SIGTERM.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { vipctlBin } from '../../support/paths.js';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';

let pair: NamespacePair | undefined;
let keepalived: Keepalived | undefined;
const engines: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) engine.kill('SIGKILL');
  await keepalived?.stop();
  keepalived = undefined;
  pair?.cleanup();
  pair = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function conf(options: { version: 2 | 3; priority: number; interval: string; iface: string; auth?: string; state?: string }): string {
  return `vrrp_instance VI_1 {
  state ${options.state ?? 'BACKUP'}
  interface ${options.iface}
  virtual_router_id 42
  priority ${options.priority}
  advert_int ${options.interval}
  version ${options.version}
  ${options.auth ? `authentication {\n    auth_type PASS\n    auth_pass ${options.auth}\n  }` : ''}
  virtual_ipaddress {
    192.0.2.100/32
  }
}
`;
}

interface Engine {
  process: ChildProcess;
  socket: string;
  log(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

function startEngine(ns: string, config: string): Engine {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-engine-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'keepalived.conf'), config);
  const socket = path.join(dir, 'ctl', 'vrrp.sock');
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, vipctlBin, 'vrrp', 'run', '-f', path.join(dir, 'keepalived.conf'), '--control-socket', socket], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  engines.push(child);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    socket,
    log: () => output,
    exited,
    async waitFor(pattern, timeoutMs = 8000) {
      const start = Date.now();
      while (!pattern.test(output)) {
        if (Date.now() - start > timeoutMs) throw new Error(`vrrp run did not log ${pattern}; it logged:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

const holdsVip = (ns: string, iface: string): boolean => inNamespace(ns, 'ip', ['-o', 'addr', 'show', 'dev', iface]).includes('192.0.2.100/32');

test('ours (v3, 0.1 s) and keepalived: one master, failover on SIGKILL, cleanup and preemption on return', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a, b } = pair;
  keepalived = await startKeepalived(b, conf({ version: 3, priority: 100, interval: '0.1', iface: 'veth1' }));
  let ours = startEngine(a, conf({ version: 3, priority: 150, interval: '0.1', iface: 'veth0' }));
  await ours.waitFor(/BACKUP -> MASTER/);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.ok(holdsVip(a, 'veth0'), 'ours holds the VIP');
  assert.ok(!holdsVip(b, 'veth1'), 'keepalived does not');
  assert.doesNotMatch(keepalived.log().split('Entering BACKUP STATE').at(-1) ?? '', /Entering MASTER STATE/);

  // SIGKILL: keepalived takes over; our VIP is left behind on veth0 (a duplicate) ...
  ours.process.kill('SIGKILL');
  await ours.exited;
  // (keepalived may have logged MASTER once already, at start-up before ours took over: wait
  // for the VIP itself rather than for a log line.)
  for (const start = Date.now(); !holdsVip(b, 'veth1'); ) {
    assert.ok(Date.now() - start < 5000, `keepalived did not take the VIP over:\n${keepalived.log().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(holdsVip(a, 'veth0'), 'a killed run cannot clean up after itself');

  // ... which the next run removes at once, then it preempts keepalived.
  ours = startEngine(a, conf({ version: 3, priority: 150, interval: '0.1', iface: 'veth0' }));
  await ours.waitFor(/removed a VIP left behind by an earlier run/);
  await ours.waitFor(/BACKUP -> MASTER/);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.ok(holdsVip(a, 'veth0'));
  assert.ok(!holdsVip(b, 'veth1'), 'keepalived gave the VIP up');

  // Status over the control socket: no secrets, the counters move.
  const status = JSON.parse(inNamespace(a, process.execPath, [vipctlBin, 'vrrp', 'status', '--json', '--control-socket', ours.socket])) as Array<Record<string, unknown>>;
  assert.equal(status.length, 1);
  assert.equal(status[0]?.state, 'master');
  assert.equal(status[0]?.vipsHeld, true);
  assert.ok(((status[0]?.counters as { advertsSent: number }).advertsSent) > 5);

  // SIGTERM: priority 0, VIP removed, exit 0, and keepalived takes over after Skew_Time.
  ours.process.kill('SIGTERM');
  assert.equal(await ours.exited, 0);
  assert.ok(!holdsVip(a, 'veth0'), 'VIP removed on exit');
  await keepalived.waitFor(/Entering MASTER STATE[\s\S]*Entering BACKUP STATE[\s\S]*Entering MASTER STATE/, 2000);
});

test('v2 PASS: keepalived master, ours backup; ours takes over when keepalived stops', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
  const { a, b } = pair;
  keepalived = await startKeepalived(b, conf({ version: 2, priority: 200, interval: '1', iface: 'veth1', auth: 'pass1234', state: 'MASTER' }));
  await keepalived.waitFor(/Entering MASTER STATE/, 8000);
  const ours = startEngine(a, conf({ version: 2, priority: 100, interval: '1', iface: 'veth0', auth: 'pass1234' }));
  await ours.waitFor(/INIT -> BACKUP/);
  await new Promise((resolve) => setTimeout(resolve, 4500));
  assert.doesNotMatch(ours.log(), /-> MASTER/, 'ours stays backup under keepalived\'s adverts');
  assert.doesNotMatch(ours.log(), /dropped an advert/);
  await keepalived.stop();
  keepalived = undefined;
  await ours.waitFor(/BACKUP -> MASTER/, 3000);
  assert.ok(holdsVip(a, 'veth0'));
});

for (const weight of [undefined, -60] as const) {
  test(`track_interface${weight === undefined ? ' (FAULT)' : ` weight ${weight}`}: a tracked link going down hands over to keepalived, and back`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] });
    const { a, b } = pair;
    // A second link inside our namespace to track (both ends stay inside it).
    inNamespace(a, 'ip', ['link', 'add', 'trk0', 'type', 'veth', 'peer', 'name', 'trk1']);
    inNamespace(a, 'ip', ['link', 'set', 'trk0', 'up']);
    inNamespace(a, 'ip', ['link', 'set', 'trk1', 'up']);
    keepalived = await startKeepalived(b, conf({ version: 3, priority: 100, interval: '0.1', iface: 'veth1' }));
    const tracked = conf({ version: 3, priority: 150, interval: '0.1', iface: 'veth0' }).replace(
      'virtual_ipaddress {',
      `track_interface {\n    trk0${weight === undefined ? '' : ` weight ${weight}`}\n  }\n  virtual_ipaddress {`,
    );
    const ours = startEngine(a, tracked);
    await ours.waitFor(/BACKUP -> MASTER/);
    assert.doesNotMatch(ours.log(), /not supported by vrrp run yet/);

    inNamespace(a, 'ip', ['link', 'set', 'trk0', 'down']);
    await keepalived.waitFor(/Entering MASTER STATE/, 3000);
    await ours.waitFor(weight === undefined ? /MASTER -> FAULT/ : /MASTER -> BACKUP/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(!holdsVip(a, 'veth0') && holdsVip(b, 'veth1'), 'keepalived holds the VIP now');
    const status = JSON.parse(inNamespace(a, process.execPath, [vipctlBin, 'vrrp', 'status', '--json', '--control-socket', ours.socket])) as Array<{
      effectivePriority: number;
      tracked: Array<{ name: string; state: string }>;
    }>;
    // The instance's own interface is tracked too, as keepalived does (no dont_track_primary).
    assert.deepEqual(status[0]?.tracked, [
      { name: 'veth0', kind: 'interface', state: 'up', weight: 0 },
      { name: 'trk0', kind: 'interface', state: 'down', weight: weight ?? 0 },
    ]);
    assert.equal(status[0]?.effectivePriority, weight === undefined ? 150 : 90);

    inNamespace(a, 'ip', ['link', 'set', 'trk0', 'up']);
    // Master a second time: it preempted keepalived again.
    await ours.waitFor(/-> MASTER[\s\S]*-> MASTER/, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(holdsVip(a, 'veth0') && !holdsVip(b, 'veth1'), 'ours preempted again');
  });
}
