// Host tier: the engine's lazy reading of adverts (TransportPool). Adverts wait in the kernel
// until the owner drains the socket, except what cannot wait, which wakes the pool at once
// through the alert socket's BPF filter: priority 0 (a master leaving), and every advert of a
// VRID set urgent (an instance that is master). Each advert is handed out exactly once.
// Checked over IPv4 (the filter sees the IP header) and IPv6 (it sees the VRRP message).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';

const helper = path.join(projectRoot, 'dist', 'test', 'host', 'vrrp-engine', 'lazy-pool-peer.js');
const peer = path.join(projectRoot, 'dist', 'test', 'support', 'vrrp-peer.js');
const VRID = 7;

let pair: NamespacePair | undefined;
let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
  pair?.cleanup();
  pair = undefined;
});

interface Line {
  ready?: boolean;
  ack?: string;
  vrid?: number;
  priority?: number;
  during?: 'drain' | 'wake';
  busy?: boolean;
}

/** The helper's output lines so far, and a way to wait for one. */
function lines(process_: ChildProcessWithoutNullStreams): { all: Line[]; next: (predicate: (line: Line) => boolean, what: string) => Promise<Line> } {
  const all: Line[] = [];
  let partial = '';
  process_.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) all.push(JSON.parse(part) as Line);
  });
  const next = (predicate: (line: Line) => boolean, what: string): Promise<Line> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      const look = (): void => {
        const found = all.find(predicate);
        if (found) resolve(found);
        else if (Date.now() - started > 5000) reject(new Error(`no ${what} in ${JSON.stringify(all)}`));
        else setTimeout(look, 10);
      };
      look();
    });
  return { all, next };
}

const adverts = (found: Line[]): Line[] => found.filter((line) => line.vrid !== undefined);

for (const family of [4, 6] as const) {
  test(`IPv${family}: adverts wait for a drain; priority 0 and urgent VRIDs wake the pool; each is handed out once`, async () => {
    pair = namespacePair(family === 4 ? { addressA: ['192.0.2.1/24'], addressB: ['192.0.2.2/24'] } : { addressA: ['2001:db8:7::1/64'], addressB: ['2001:db8:7::2/64'] });
    const { a, b, ifA, ifB } = pair;
    if (family === 6) {
      // Adverts leave from the link-local address, there once both ends are up.
      const linkLocal = (ns: string, ifname: string): boolean => inNamespace(ns, 'ip', ['-o', '-6', 'addr', 'show', 'dev', ifname, 'scope', 'link']).includes('fe80:');
      for (let tries = 0; !(linkLocal(a, ifA) && linkLocal(b, ifB)); tries++) {
        assert.ok(tries < 100, 'no link-local addresses');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    const vip = family === 4 ? '192.0.2.100' : '2001:db8:7::100';
    const send = (priority: number, count: number): string => inNamespace(a, 'node', [peer, 'advertise', ifA, String(family), '3', String(VRID), String(priority), '1', String(count), vip]);
    child = spawn('ip', ['netns', 'exec', b, 'node', helper, ifB, String(family), String(VRID)]);
    const out = lines(child);
    const command = async (text: string): Promise<void> => {
      const before = out.all.length;
      child?.stdin.write(`${text}\n`);
      await out.next((line) => line.ack === text && out.all.indexOf(line) >= before, `ack of ${text}`);
    };
    await out.next((line) => line.ready === true, 'ready');

    // Ordinary adverts stay in the kernel until drained, then come in order.
    send(100, 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(adverts(out.all), []);
    await command('drain');
    assert.deepEqual(adverts(out.all), [1, 2, 3].map(() => ({ vrid: VRID, priority: 100, during: 'drain' })));

    // A master leaving is read at once, and not again by the next drain.
    send(0, 1);
    await out.next((line) => line.priority === 0, 'the priority-0 advert');
    await command('drain');
    assert.deepEqual(adverts(out.all).slice(3), [{ vrid: VRID, priority: 0, during: 'wake' }]);

    // An urgent VRID (an instance that is master) has every advert read at once.
    await command('urgent on');
    send(150, 2);
    await out.next((line) => line.priority === 150 && adverts(out.all).filter((l) => l.priority === 150).length === 2, 'two urgent adverts');
    await command('drain');
    assert.deepEqual(adverts(out.all).slice(4), [1, 2].map(() => ({ vrid: VRID, priority: 150, during: 'wake' })));

    // And no longer once it is not.
    await command('urgent off');
    send(120, 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(adverts(out.all).length, 6);
    await command('drain');
    assert.deepEqual(adverts(out.all).slice(6), [{ vrid: VRID, priority: 120, during: 'drain' }]);

    // Urgent adverts queued on both sockets and read together, while the instance stops being
    // urgent at the first of them (its handler does, as an instance hearing its master): each
    // is still handed out once (the alert copies of the others were once handed out again).
    await command('urgent on');
    await command('urgent off on advert');
    child.stdin.write('busy 2000\n');
    await out.next((line) => line.busy === true, 'the helper blocking');
    send(160, 3);
    await out.next((line) => line.ack === 'busy 2000', 'ack of busy 2000');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await command('drain');
    assert.deepEqual(
      adverts(out.all).filter((line) => line.priority === 160).map((line) => line.priority),
      [160, 160, 160],
    );
  });
}
