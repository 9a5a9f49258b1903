import type { Rule } from '../types.js';

export default {
  id: 'mixed-address-families',
  severity: 'error',
  category: 'vrrp',
  description: 'IPv4 and IPv6 addresses mixed in one virtual_ipaddress block (keepalived drops the odd ones).',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      const source = instance.family === 6 && instance.virtualIpAddresses[0]?.family !== 6 ? 'native_ipv6' : 'its first address';
      for (const vip of instance.virtualIpAddresses) {
        if (vip.family !== instance.family) report(vip.at, `${vip.address} is IPv${vip.family} but vrrp_instance ${instance.name} is IPv${instance.family} (from ${source}): keepalived ignores it; use virtual_ipaddress_excluded or a second instance`);
      }
    }
  },
} satisfies Rule;
