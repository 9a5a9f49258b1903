import { realServerCount } from '../../keepalived/servers.js';
import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'vs-no-real-servers',
  severity: 'warning',
  category: 'lvs',
  description: 'A virtual_server with no real_server and no sorry_server (keepalived ignores it).',
  virtualServers({ report }) {
    return (vs) => {
      // Counted without making the real servers' views (most rules never look at them).
      if (realServerCount(vs) === 0 && !vs.sorryServer) report(vs.at, `${serviceName(vs)} has no real_server: keepalived ignores it`);
    };
  },
} satisfies Rule;
