import type { Rule } from '../types.js';

export default {
  id: 'ah-with-master',
  severity: 'warning',
  category: 'vrrp',
  description: 'auth_type AH with initial state MASTER below priority 255: keepalived clears the MASTER state.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      // keepalived 2.2.7 (measured): an address owner (priority 255) keeps state MASTER and takes over at once.
      if (instance.authentication?.type === 'AH' && instance.state === 'MASTER' && instance.version === 2 && instance.priority < 255) {
        report(instance.at, `vrrp_instance ${instance.name}: initial state MASTER is incompatible with AH authentication; keepalived starts it as BACKUP`);
      }
    }
  },
} satisfies Rule;
