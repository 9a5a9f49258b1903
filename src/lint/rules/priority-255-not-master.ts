import type { Rule } from '../types.js';

// keepalived accepts this silently. Priority 255 marks the address owner. Measured on keepalived
// 2.2.7: with state BACKUP written it starts as backup, discards every lower-priority advert,
// stays silent for Master_Down_Interval (about three advert intervals) and then takes over and
// preempts the running master, nopreempt or not ("resetting nopreempt"). So the BACKUP in the
// file is not what happens: the node is the master, a few seconds late. Without a state line
// an owner takes over at once, like MASTER: nothing misleading is written, so nothing to report.
export default {
  id: 'priority-255-not-master',
  severity: 'error',
  category: 'vrrp',
  description: 'Priority 255 (address owner) on an instance whose state is written as BACKUP.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.priority === 255 && instance.stateSet && instance.state !== 'MASTER') {
        report(
          instance.at,
          `vrrp_instance ${instance.name} has priority 255 (address owner) but state ${instance.state}: it still takes over and preempts, only after Master_Down_Interval (about 3 advert intervals), and nopreempt does not apply at 255; use state MASTER, or a priority below 255`,
        );
      }
    }
  },
} satisfies Rule;
