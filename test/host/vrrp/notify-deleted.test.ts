// Host tier: an instance removed from the file by a reload (SIGHUP), `vipctl vrrp run` beside
// keepalived 2.2.7 in one namespace (VRIDs of their own, a notify fifo and scripts each).
// keepalived 2.2.7 (measured): the generic `notify` script and the fifo get FAULT with the
// instance's priority, and neither notify_fault nor notify_stop runs; with notify_deleted they
// get DELETED instead, and notify_deleted's script (when one is given) runs as written. The
// instance that stays notifies nothing.
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
  fifoLines(): string[];
  notified(): string[];
  /** The file with both instances, and with the first one only. */
  config(withSecond: boolean): string;
}

function side(ifname: string, vrid: number, deleted: string): Side {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-deleted-'));
  dirs.push(dir);
  const script = path.join(dir, 'note.sh');
  const out = path.join(dir, 'note.out');
  writeFileSync(script, `#!/bin/sh\necho "$*" >> ${out}\n`);
  chmodSync(script, 0o755);
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  // Opened read-write: keepalived closes and reopens its fifo on a reload, and a plain reader would see the end.
  const reader = spawn('sh', ['-c', `exec cat 0<>${fifo}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  readers.push(reader);
  let text = '';
  reader.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const instance = (name: string, id: number, extra: string): string => `vrrp_instance ${name} {
  state MASTER
  interface ${ifname}
  virtual_router_id ${id}
  priority ${id === vrid ? 100 : 150}
  advert_int 1
  notify ${script}
  notify_fault "${script} fault-script"
  notify_stop "${script} stop-script"
  ${extra}
  virtual_ipaddress {
    192.0.2.${id}/32
  }
}
`;
  const head = `global_defs {
  script_user root
  enable_script_security
  vrrp_notify_fifo ${fifo}
}
`;
  const deletedLine = deleted === 'script' ? `notify_deleted "${script} deleted-script"` : deleted;
  return {
    config: (withSecond) => head + instance('VI_1', vrid, deletedLine) + (withSecond ? instance('VI_2', vrid + 1, deletedLine) : ''),
    fifoLines: () => text.split('\n').filter(Boolean),
    notified: () => (existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean) : []),
  };
}

const cases: Array<{ deleted: string; state: string; scriptLines: string[] }> = [
  { deleted: '', state: 'FAULT', scriptLines: [] },
  { deleted: 'notify_deleted', state: 'DELETED', scriptLines: [] },
  { deleted: 'script', state: 'DELETED', scriptLines: ['deleted-script'] },
];

for (const { deleted, state, scriptLines } of cases) {
  const title = deleted === '' ? 'without notify_deleted' : deleted === 'script' ? 'notify_deleted "<script>"' : 'notify_deleted';
  test(`${title}: an instance removed by a reload is notified as ${state}, as keepalived`, async () => {
    pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'], prefix: 'nd' });
    const { a, ifA } = pair;
    await operUp(a, ifA);
    const theirs = side(ifA, 61, deleted);
    const ours = side(ifA, 71, deleted);
    keepalived = await startKeepalived(a, theirs.config(true), 'deleted');
    const engine = startEngine(a, ours.config(true));
    const both = [theirs, ours];
    await until('both: VI_2 MASTER', () => both.every((s) => s.fifoLines().includes('INSTANCE "VI_2" MASTER 150')), 10_000);
    await until('both: VI_1 MASTER', () => both.every((s) => s.fifoLines().includes('INSTANCE "VI_1" MASTER 100')), 10_000);
    // The scripts of the start-up transitions have run before the reload.
    await until('both: start-up scripts', () => both.every((s) => s.notified().length === 4), 5000);
    const fifoBefore = both.map((s) => s.fifoLines().length);
    const notifiedBefore = both.map((s) => s.notified().length);
    writeFileSync(path.join(keepalived.dir, 'keepalived.conf'), theirs.config(false));
    process.kill(Number(readFileSync(path.join(keepalived.dir, 'keepalived.pid'), 'utf8').trim()), 'SIGHUP');
    writeFileSync(path.join(path.dirname(path.dirname(engine.socket)), 'keepalived.conf'), ours.config(false));
    engine.process.kill('SIGHUP');
    const line = `INSTANCE "VI_2" ${state} 150`;
    await until(`both fifos: ${line}`, () => both.every((s) => s.fifoLines().includes(line)), 8000);
    const expectedScripts = [`INSTANCE VI_2 ${state} 150`, ...scriptLines].sort();
    await until('both: the scripts of the removal', () => both.every((s, i) => s.notified().length >= (notifiedBefore[i] ?? 0) + expectedScripts.length), 5000);
    // Time for a script or line that should not come (notify_fault, notify_stop, a second line).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    both.forEach((s, i) => {
      const who = i === 0 ? 'keepalived' : 'vipctl';
      assert.deepEqual(s.fifoLines().slice(fifoBefore[i]), [line], `${who} fifo`);
      assert.deepEqual(s.notified().slice(notifiedBefore[i]).sort(), expectedScripts, `${who} scripts`);
    });
  });
}
