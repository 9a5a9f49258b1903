import type { Rule } from '../types.js';

export default {
  id: 'ah-with-master',
  severity: 'warning',
  category: 'vrrp',
  description: 'auth_type AH with initial state MASTER: keepalived clears the MASTER state.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.authentication?.type === 'AH' && instance.state === 'MASTER' && instance.version === 2) {
        report(instance.at, `vrrp_instance ${instance.name}: initial state MASTER is incompatible with AH authentication; keepalived starts it as BACKUP`);
      }
    }
  },
} satisfies Rule;
