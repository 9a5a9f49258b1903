import type { Rule } from '../types.js';

// keepalived accepts this silently: priority 255 means "address owner", which takes over at once
// and preempts whatever state was written, so the BACKUP in the file is not what happens.
export default {
  id: 'priority-255-not-master',
  severity: 'error',
  category: 'vrrp',
  description: 'Priority 255 (address owner) on an instance whose state is not MASTER.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.priority === 255 && instance.state !== 'MASTER') {
        report(instance.at, `vrrp_instance ${instance.name} has priority 255 (address owner) but state ${instance.stateSet ? 'BACKUP' : 'BACKUP (the default)'}: it will take over at once anyway; use state MASTER, or a priority below 255`);
      }
    }
  },
} satisfies Rule;
