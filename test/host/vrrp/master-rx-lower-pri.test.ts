// Host tier: notify_master_rx_lower_pri and the MASTER_RX_LOWER_PRI fifo line, `vipctl vrrp run`
// beside keepalived 2.2.7. The subject in namespace a is the unicast master (priority 255) of
// a peer address nobody holds, so the keepalived in namespace b never hears it, becomes master
// at priority 100 and keeps sending its adverts to a. keepalived 2.2.7 (measured) then runs
// notify_master_rx_lower_pri for every such advert with no arguments added, writes
// `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 255` to the notify fifo each time, and does not call
// the generic `notify` script for it. keepalived runs as the subject first, then ours, on
// the same file.
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
const daemons: Keepalived[] = [];
const readers: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await stopEngines();
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const reader of readers.splice(0)) reader.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  pair?.cleanup();
  pair = undefined;
});

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

test('a master hearing a lower priority: notify_master_rx_lower_pri and the fifo line, as keepalived', async () => {
  pair = namespacePair({ addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'], prefix: 'rx' });
  const { a, b, ifA, ifB } = pair;
  await operUp(a, ifA);
  await operUp(b, ifB);
  const lower = await startKeepalived(
    b,
    `vrrp_instance VI_1 {\n  state BACKUP\n  interface ${ifB}\n  virtual_router_id 51\n  priority 100\n  advert_int 1\n  unicast_src_ip 192.0.2.2\n  unicast_peer {\n    192.0.2.1\n  }\n  virtual_ipaddress {\n    192.0.2.100/32\n  }\n}\n`,
    'rx-lower',
  );
  daemons.push(lower);

  for (const who of ['keepalived', 'vipctl'] as const) {
    const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-rx-'));
    dirs.push(dir);
    const script = (name: string): string => {
      const file = path.join(dir, `${name}.sh`);
      writeFileSync(file, `#!/bin/sh\necho "$#:$*" >> ${path.join(dir, `${name}.out`)}\n`);
      chmodSync(file, 0o755);
      return file;
    };
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '0600', fifo]);
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
    readers.push(reader);
    let fifoText = '';
    reader.stdout.on('data', (chunk: Buffer) => (fifoText += chunk.toString()));
    const config = `global_defs {
  script_user root
  enable_script_security
  vrrp_notify_fifo ${fifo}
}
vrrp_instance VI_1 {
  state MASTER
  interface ${ifA}
  virtual_router_id 51
  priority 255
  advert_int 1
  unicast_src_ip 192.0.2.1
  unicast_peer {
    192.0.2.9
  }
  notify_master_rx_lower_pri ${script('rx')}
  notify ${script('any')}
  virtual_ipaddress {
    192.0.2.100/32
  }
}
`;
    if (who === 'keepalived') daemons.push(await startKeepalived(a, config, 'rx-master'));
    else startEngine(a, config);
    const rxLines = (): string[] => fifoText.split('\n').filter((l) => l.includes('MASTER_RX_LOWER_PRI'));
    await until(`${who}: three lower-priority adverts reported`, () => lines(path.join(dir, 'rx.out')).length >= 3 && rxLines().length >= 3, 15_000);
    assert.deepEqual([...new Set(lines(path.join(dir, 'rx.out')))], ['0:'], `${who} runs the script with no arguments`);
    assert.deepEqual([...new Set(rxLines())], ['INSTANCE "VI_1" MASTER_RX_LOWER_PRI 255'], `${who}'s fifo lines`);
    assert.ok(fifoText.startsWith('INSTANCE "VI_1" MASTER 255\n'), `${who}: the fifo starts with the MASTER line: ${fifoText}`);
    assert.deepEqual(lines(path.join(dir, 'any.out')), ['4:INSTANCE VI_1 MASTER 255'], `${who}: the generic notify only for MASTER`);
    if (who === 'keepalived') await daemons.pop()?.stop();
    else await stopEngines();
    reader.kill('SIGKILL');
  }
});
