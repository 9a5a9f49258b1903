import type { Rule } from '../types.js';

// keepalived accepts this silently; the two instances then fight over the address.
export default {
  id: 'duplicate-vip',
  severity: 'error',
  category: 'vrrp',
  description: 'One virtual IP address in two instances.',
  check({ config, report }) {
    const owners = new Map<string, string>();
    for (const instance of config.vrrpInstances) {
      for (const vip of instance.virtualIpAddresses) {
        const key = `${vip.address}`;
        const other = owners.get(key);
        if (other && other !== instance.name) report(vip.at, `${vip.address} is already a virtual address of vrrp_instance ${other}: two instances would add and remove it independently`);
        else owners.set(key, instance.name);
      }
    }
  },
} satisfies Rule;
