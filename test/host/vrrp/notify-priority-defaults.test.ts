// Host tier: where notify_priority_changes comes from, `vipctl vrrp run` beside keepalived 2.2.7
// in one namespace (VRIDs of their own, a track file and a notify fifo each). keepalived
// (measured) takes the instance's own setting (on or off), else its sync group's, else global
// vrrp_notify_priority_changes. A sync group member's tracking weights count only with the
// group's sync_group_tracking_weight (without it they are zeroed and the priority never moves),
// so the group cases carry it; the group's own track_file then moves the priority too.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { startKeepalived, type Keepalived } from '../../support/keepalived.js';
import { operUp, startEngine, stopEngines, until } from '../../support/vrrp-engine.js';

let pair: NamespacePair | undefined;
let keepalived: Keepalived | undefined;
const readers: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await stopEngines();
  await keepalived?.stop();
  keepalived = undefined;
  for (const reader of readers.splice(0)) reader.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  pair?.cleanup();
  pair = undefined;
});

interface Levels {
  /** Lines for global_defs, the sync group (undefined: no group), the instance. */
  global: string;
  group?: string;
  instance: string;
  /** The track_file reference is the group's rather than the instance's. */
  groupTracks?: boolean;
}

interface Side {
  trackFile: string;
  fifoLines(): string[];
  config: string;
}

function side(ifname: string, vrid: number, levels: Levels): Side {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-npd-'));
  dirs.push(dir);
  const trackFile = path.join(dir, 'track');
  writeFileSync(trackFile, '0\n');
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  readers.push(reader);
  let text = '';
  reader.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const tracks = '  track_file {\n    tf\n  }\n';
  const group = levels.group === undefined ? '' : `vrrp_sync_group G1 {
  group {
    VI_1
  }
  ${levels.group}
${levels.groupTracks ? tracks : ''}}
`;
  const config = `global_defs {
  script_user root
  enable_script_security
  vrrp_notify_fifo ${fifo}
  ${levels.global}
}
track_file tf {
  file ${trackFile}
  weight 1
}
${group}vrrp_instance VI_1 {
  state BACKUP
  interface ${ifname}
  virtual_router_id ${vrid}
  priority 200
  advert_int 1
  ${levels.instance}
${levels.groupTracks ? '' : tracks}  virtual_ipaddress {
    192.0.2.${vrid}/32
  }
}
`;
  return { trackFile, config, fifoLines: () => text.split('\n').filter(Boolean) };
}

const cases: Array<{ name: string; levels: Levels; notifies: boolean }> = [
  { name: 'the sync group on (sync_group_tracking_weight), the instance silent', levels: { global: '', group: 'notify_priority_changes\n  sync_group_tracking_weight', instance: '' }, notifies: true },
  { name: 'the sync group on, its own track_file (global_tracking)', levels: { global: '', group: 'notify_priority_changes\n  global_tracking', instance: '', groupTracks: true }, notifies: true },
  { name: 'the sync group on, the instance off', levels: { global: '', group: 'notify_priority_changes\n  sync_group_tracking_weight', instance: 'notify_priority_changes off' }, notifies: false },
  { name: 'global on, no sync group', levels: { global: 'vrrp_notify_priority_changes', instance: '' }, notifies: true },
  { name: 'global on, the sync group off', levels: { global: 'vrrp_notify_priority_changes', group: 'notify_priority_changes off\n  sync_group_tracking_weight', instance: '' }, notifies: false },
  { name: 'global on, the instance off', levels: { global: 'vrrp_notify_priority_changes', instance: 'notify_priority_changes off' }, notifies: false },
];

for (const { name, levels, notifies } of cases) {
  test(`${name}: ${notifies ? '' : 'no '}<STATE>_PRIORITY lines, the same fifo lines as keepalived`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'], prefix: 'nd' });
    const { a, ifA } = pair;
    await operUp(a, ifA);
    const theirs = side(ifA, 61, levels);
    const ours = side(ifA, 62, levels);
    keepalived = await startKeepalived(a, theirs.config, 'prio-defaults');
    const engine = startEngine(a, ours.config);
    const both = [theirs, ours];
    const has = (s: Side, line: string): boolean => s.fifoLines().includes(`INSTANCE "VI_1" ${line}`);
    const step = async (value: string, line: string): Promise<void> => {
      for (const s of both) writeFileSync(s.trackFile, `${value}\n`);
      await until(`both fifos: ${line}`, () => both.every((s) => has(s, line)), 8000);
    };
    await until('both fifos: BACKUP 200', () => both.every((s) => has(s, 'BACKUP 200')), 8000);
    await step('5', notifies ? 'BACKUP_PRIORITY 205' : 'BACKUP 200');
    await until('both fifos: MASTER 205', () => both.every((s) => has(s, 'MASTER 205')), 8000);
    await step('-3', notifies ? 'MASTER_PRIORITY 197' : 'MASTER 205');
    if (!notifies) {
      // No line to wait for: ours reports the new priority, and both get time to write one they should not.
      await until('ours at priority 197', () => engine.instance().effectivePriority === 197, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    const instanceLines = (s: Side): string[] => s.fifoLines().filter((l) => l.startsWith('INSTANCE '));
    const expected = (notifies ? ['BACKUP 200', 'BACKUP_PRIORITY 205', 'MASTER 205', 'MASTER_PRIORITY 197'] : ['BACKUP 200', 'MASTER 205']).map((l) => `INSTANCE "VI_1" ${l}`);
    assert.deepEqual(instanceLines(theirs), expected, 'keepalived');
    assert.deepEqual(instanceLines(ours), expected, 'vipctl');
    // The group's own lines (priority 0) are the same set on both sides.
    const groupLines = (s: Side): string[] => s.fifoLines().filter((l) => l.startsWith('GROUP ')).sort();
    assert.deepEqual(groupLines(ours), groupLines(theirs), 'GROUP lines');
    assert.equal(groupLines(ours).length, levels.group === undefined ? 0 : 2);
  });
}
