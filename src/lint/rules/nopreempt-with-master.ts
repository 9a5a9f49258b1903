import type { Rule } from '../types.js';

export default {
  id: 'nopreempt-with-master',
  severity: 'warning',
  category: 'vrrp',
  description: 'nopreempt or preempt_delay with state MASTER: keepalived clears them.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.state !== 'MASTER') continue;
      if (instance.nopreempt) report(instance.at, `vrrp_instance ${instance.name}: nopreempt does not work with state MASTER (keepalived clears it); use state BACKUP on every node`);
      if (instance.preemptDelay > 0) report(instance.at, `vrrp_instance ${instance.name}: preempt_delay does not work with state MASTER (keepalived clears it); use state BACKUP`);
    }
  },
} satisfies Rule;
