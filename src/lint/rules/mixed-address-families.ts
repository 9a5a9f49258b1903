import type { Rule } from '../types.js';

export default {
  id: 'mixed-address-families',
  severity: 'error',
  category: 'vrrp',
  description: 'IPv4 and IPv6 addresses mixed in one virtual_ipaddress block (keepalived drops the odd ones).',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      const first = instance.virtualIpAddresses[0];
      if (!first) continue;
      for (const vip of instance.virtualIpAddresses) {
        if (vip.family !== first.family) report(vip.at, `${vip.address} is IPv${vip.family} but vrrp_instance ${instance.name} is IPv${first.family} (from its first address): keepalived ignores it; use virtual_ipaddress_excluded or a second instance`);
      }
    }
  },
} satisfies Rule;
