import type { Rule } from '../types.js';

export default {
  id: 'no-virtual-ip',
  severity: 'warning',
  category: 'vrrp',
  description: 'An instance with no virtual IP address.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.virtualIpAddresses.length === 0 && instance.excludedIpAddresses.length === 0) report(instance.at, `vrrp_instance ${instance.name} has no virtual_ipaddress: failover moves nothing`);
    }
  },
} satisfies Rule;
