import type { Rule } from '../types.js';

export default {
  id: 'duplicate-vrid',
  severity: 'error',
  category: 'vrrp',
  description: 'Two instances with the same virtual_router_id and address family on one interface.',
  check({ config, report }) {
    const seen = new Map<string, string>();
    for (const instance of config.vrrpInstances) {
      if (instance.virtualRouterId === undefined) continue;
      const family = instance.virtualIpAddresses[0]?.family ?? 4;
      const key = `${instance.interface ?? ''}/${family}/${instance.virtualRouterId}/${instance.unicastPeers.map((p) => p.address).sort().join(',')}`;
      const other = seen.get(key);
      if (other) report(instance.at, `vrrp_instance ${instance.name} uses VRID ${instance.virtualRouterId} with IPv${family} on ${instance.interface ?? 'the default interface'}, like ${other}: their adverts mix`);
      else seen.set(key, instance.name);
    }
  },
} satisfies Rule;
