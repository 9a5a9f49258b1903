import type { RealServer } from '../../keepalived/model.js';
import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'duplicate-real-server',
  severity: 'error',
  category: 'lvs',
  description: 'The same real_server twice in one virtual_server (keepalived removes the second).',
  virtualServers({ report }) {
    return (vs) => {
      const servers = vs.realServers;
      // Pairwise for the usual handful of real servers: no key strings, no set.
      for (let i = 1; i < servers.length; i += 1) {
        const rs = servers[i] as RealServer;
        const port = rs.port ?? vs.port ?? 0;
        for (let j = 0; j < i; j += 1) {
          const other = servers[j] as RealServer;
          if (other.address !== rs.address || (other.port ?? vs.port ?? 0) !== port) continue;
          report(rs.at, `real_server ${rs.address} ${rs.port ?? ''} appears twice in ${serviceName(vs)}: keepalived removes the second`.replace('  ', ' '));
          break;
        }
      }
    };
  },
} satisfies Rule;
