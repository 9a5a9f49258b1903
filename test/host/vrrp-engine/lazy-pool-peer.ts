// Helper for lazy-read.test.ts, run inside a test namespace: a TransportPool in its default
// (lazy) mode with one attachment, driven over stdin, reporting over stdout (JSON lines).
//   lazy-pool-peer.js IFNAME 4|6 VRID
// stdin: `drain`, `urgent on`, `urgent off`, `urgent off on advert` (the next advert handed out
// turns urgent off, as an instance does when its master's advert comes), `busy MS` (the event
// loop blocked, so that what arrives meanwhile is read at once afterwards). stdout:
// {"ready":true}, then one line per advert handed out ({vrid, priority, during: "drain" |
// "wake"}), {"busy":true} when blocking starts and {"ack": COMMAND} per command.
import { createInterface } from 'node:readline';
import { addon } from '../../../src/native/addon.js';
import { TransportPool } from '../../../src/vrrp/transport.js';

const [ifname = '', familyText = '4', vridText = '1'] = process.argv.slice(2);
const family = familyText === '6' ? 6 : 4;
const vrid = Number(vridText);
const pool = new TransportPool();
const attachment = pool.attach({ family, ifname, ifindex: addon().ifNameToIndex(ifname), multicast: true, vrid });
let draining = false;
let offOnAdvert = false;
const say = (value: unknown): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);
attachment.listen((view) => {
  say({ vrid: view.bytes[view.start + 1], priority: view.bytes[view.start + 2], during: draining ? 'drain' : 'wake' });
  if (offOnAdvert) {
    offOnAdvert = false;
    attachment.setUrgent(false);
  }
});
createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'drain') {
    draining = true;
    pool.drain();
    draining = false;
  } else if (command === 'urgent on' || command === 'urgent off') {
    attachment.setUrgent(command === 'urgent on');
  } else if (command === 'urgent off on advert') {
    offOnAdvert = true;
  } else if (command.startsWith('busy ')) {
    say({ busy: true });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(command.slice(5)));
  } else if (command === 'quit') {
    attachment.close();
    process.exit(0);
  }
  say({ ack: command });
});
say({ ready: true });
