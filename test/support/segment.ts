// One Ethernet segment for host tests with more than two routers: a bridge in a namespace of
// its own, and N router namespaces, each with an `eth0` whose other end is a port of that
// bridge. Names are unique per run; cleanup() deletes every namespace (and so every link)
// and is safe to call twice.
import { spawnSync } from 'node:child_process';
import { inNamespace, noDad, run, uniqueName } from './netns.js';

export interface Segment {
  bridge: string;
  /** Router namespaces, in the order of the addresses given. */
  routers: string[];
  /** The routers' interface name (the same in each namespace). */
  ifname: string;
  cleanup(): void;
}

export function bridgeSegment(addresses: string[][], prefix = 'vs'): Segment {
  const bridge = uniqueName(`${prefix}br`);
  const routers = addresses.map((_, index) => uniqueName(`${prefix}${index + 1}`));
  const ifname = 'eth0';
  const cleanup = (): void => {
    for (const ns of [...routers, bridge]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  };
  try {
    run('ip', ['netns', 'add', bridge]);
    inNamespace(bridge, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    // No multicast snooping and no STP delays: every advert reaches every port at once.
    inNamespace(bridge, 'ip', ['link', 'set', 'br0', 'type', 'bridge', 'mcast_snooping', '0', 'stp_state', '0', 'forward_delay', '0']);
    inNamespace(bridge, 'ip', ['link', 'set', 'br0', 'up']);
    routers.forEach((ns, index) => {
      run('ip', ['netns', 'add', ns]);
      noDad(ns);
      const port = `p${index + 1}`;
      const temporary = uniqueName('vx');
      // Created inside the bridge namespace, the far end moved straight into the router's.
      inNamespace(bridge, 'ip', ['link', 'add', port, 'type', 'veth', 'peer', 'name', temporary, 'netns', ns]);
      inNamespace(bridge, 'ip', ['link', 'set', port, 'master', 'br0']);
      inNamespace(bridge, 'ip', ['link', 'set', port, 'up']);
      inNamespace(ns, 'ip', ['link', 'set', temporary, 'name', ifname]);
      inNamespace(ns, 'ip', ['link', 'set', 'lo', 'up']);
      for (const address of addresses[index] ?? []) inNamespace(ns, 'ip', ['addr', 'add', address, 'dev', ifname, 'nodad']);
      inNamespace(ns, 'ip', ['link', 'set', ifname, 'up']);
    });
  } catch (error) {
    cleanup();
    throw error;
  }
  return { bridge, routers, ifname, cleanup };
}
