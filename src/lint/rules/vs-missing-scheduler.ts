import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'vs-missing-scheduler',
  severity: 'warning',
  category: 'lvs',
  description: 'A virtual_server without lb_algo / lvs_sched (keepalived picks wlc).',
  virtualServers({ report }) {
    return (vs) => {
      if (!vs.schedulerSet) report(vs.at, `${serviceName(vs)} has no lb_algo: keepalived uses wlc; write the scheduler you mean`);
    };
  },
} satisfies Rule;
