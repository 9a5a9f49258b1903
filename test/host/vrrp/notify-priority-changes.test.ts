// Host tier: notify_priority_changes, `vipctl vrrp run` beside keepalived 2.2.7 in one namespace
// (VRIDs of their own, a track file and a notify fifo each). keepalived 2.2.7 (measured) writes
// `INSTANCE "VI_1" BACKUP_PRIORITY 205` / `MASTER_PRIORITY 210` to the fifo when tracking moves
// the effective priority, with the new priority, and runs no script for it (the generic notify
// script sees only the state changes); without the keyword no such line is written.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

interface Side {
  dir: string;
  trackFile: string;
  fifoLines(): string[];
  notified(): string[];
  config: string;
}

function side(ifname: string, vrid: number, keyword: string): Side {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-prio-'));
  dirs.push(dir);
  const trackFile = path.join(dir, 'track');
  writeFileSync(trackFile, '0\n');
  const script = path.join(dir, 'any.sh');
  const out = path.join(dir, 'any.out');
  writeFileSync(script, `#!/bin/sh\necho "$*" >> ${out}\n`);
  chmodSync(script, 0o755);
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
  readers.push(reader);
  let text = '';
  reader.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const config = `global_defs {
  script_user root
  enable_script_security
  vrrp_notify_fifo ${fifo}
}
track_file tf {
  file ${trackFile}
  weight 1
}
vrrp_instance VI_1 {
  state BACKUP
  interface ${ifname}
  virtual_router_id ${vrid}
  priority 200
  advert_int 1
  ${keyword}
  notify ${script}
  track_file {
    tf
  }
  virtual_ipaddress {
    192.0.2.${vrid}/32
  }
}
`;
  return {
    dir,
    trackFile,
    config,
    fifoLines: () => text.split('\n').filter(Boolean),
    notified: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []),
  };
}

for (const keyword of ['notify_priority_changes', '']) {
  test(`${keyword || 'without notify_priority_changes'}: the fifo lines of priority changes as backup and as master, as keepalived`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'], prefix: 'np' });
    const { a, ifA } = pair;
    await operUp(a, ifA);
    const theirs = side(ifA, 51, keyword);
    const ours = side(ifA, 52, keyword);
    keepalived = await startKeepalived(a, theirs.config, 'prio-changes');
    const engine = startEngine(a, ours.config);
    const both = [theirs, ours];
    const has = (s: Side, line: string): boolean => s.fifoLines().includes(`INSTANCE "VI_1" ${line}`);
    const step = async (value: string, line: string): Promise<void> => {
      for (const s of both) writeFileSync(s.trackFile, `${value}\n`);
      await until(`both fifos: ${line}`, () => both.every((s) => has(s, line)), 8000);
    };
    await until('both fifos: BACKUP 200', () => both.every((s) => has(s, 'BACKUP 200')), 8000);
    // Still backups (Master_Down_Interval is 3.2 s): the change is a backup's.
    await step('5', keyword ? 'BACKUP_PRIORITY 205' : 'BACKUP 200');
    await until('both fifos: MASTER 205', () => both.every((s) => has(s, 'MASTER 205')), 8000);
    await step('10', keyword ? 'MASTER_PRIORITY 210' : 'MASTER 205');
    await step('-3', keyword ? 'MASTER_PRIORITY 197' : 'MASTER 205');
    // Without the keyword there is no line to wait for: ours reports the new priority, and both
    // get time to write a line they should not.
    if (!keyword) {
      await until('ours at priority 197', () => engine.instance().effectivePriority === 197, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    const expected = keyword
      ? ['BACKUP 200', 'BACKUP_PRIORITY 205', 'MASTER 205', 'MASTER_PRIORITY 210', 'MASTER_PRIORITY 197']
      : ['BACKUP 200', 'MASTER 205'];
    assert.deepEqual(theirs.fifoLines(), expected.map((l) => `INSTANCE "VI_1" ${l}`), 'keepalived');
    assert.deepEqual(ours.fifoLines(), expected.map((l) => `INSTANCE "VI_1" ${l}`), 'vipctl');
    for (const s of both) assert.deepEqual(s.notified(), ['INSTANCE VI_1 BACKUP 200', 'INSTANCE VI_1 MASTER 205']);
  });
}
