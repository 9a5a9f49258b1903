// Host tier: a second `vrrp run` started by mistake on a node whose engine is running (same
// control socket, as with the defaults) must stop before it changes anything. It once started
// its engine first and checked the control socket afterwards: its start-up removed the VIPs it
// took for leftovers of a killed run, i.e. the running master's, and then exited 4.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { namespacePair, type NamespacePair } from '../../support/netns.js';
import { vipctlBin } from '../../support/paths.js';
import { holdsAddress, operUp, sleep, startEngine, stopEngines, until } from '../../support/vrrp-engine.js';

let pair: NamespacePair | undefined;
after(async () => {
  await stopEngines();
  pair?.cleanup();
});

const CONFIG = `vrrp_instance VI_1 {
  state MASTER
  interface veth0
  virtual_router_id 61
  priority 150
  advert_int 1
  virtual_ipaddress {
    198.51.100.61/24
  }
}
`;

describe('a second vrrp run on a running node', () => {
  it('is refused with exit 4 before it touches the running engine\'s VIPs', async () => {
    pair = namespacePair({ addressA: ['198.51.100.1/24'], addressB: ['198.51.100.2/24'], prefix: 'v2e' });
    await operUp(pair.a, pair.ifA);
    const first = startEngine(pair.a, CONFIG);
    await until('the first engine holds the VIP', () => holdsAddress(pair!.a, 'veth0', '198.51.100.61/24'), 10000);
    const configFile = path.join(path.dirname(path.dirname(first.socket)), 'keepalived.conf');
    const second = spawnSync('ip', ['netns', 'exec', pair.a, process.execPath, vipctlBin, 'vrrp', 'run', '-f', configFile, '--control-socket', first.socket], {
      encoding: 'utf8',
      timeout: 20000,
    });
    assert.equal(second.status, 4, second.stderr);
    assert.match(second.stderr, /another vrrp engine is already running/);
    assert.doesNotMatch(second.stderr, /left behind/, 'the second run removed nothing');
    // The running engine is untouched: still master, VIP still on its interface (a removed VIP
    // would not come back by itself: the engine believes it holds it).
    await sleep(300);
    assert.ok(holdsAddress(pair.a, 'veth0', '198.51.100.61/24'), 'the VIP is still held');
    const status = first.instance();
    assert.equal(status.state, 'master');
    assert.equal(status.vipsHeld, true);
  });
});
