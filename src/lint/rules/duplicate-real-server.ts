import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'duplicate-real-server',
  severity: 'error',
  category: 'lvs',
  description: 'The same real_server twice in one virtual_server (keepalived removes the second).',
  check({ config, report }) {
    for (const vs of config.virtualServers) {
      const seen = new Set<string>();
      for (const rs of vs.realServers) {
        const key = `${rs.address}:${rs.port ?? vs.port ?? 0}`;
        if (seen.has(key)) report(rs.at, `real_server ${rs.address} ${rs.port ?? ''} appears twice in ${serviceName(vs)}: keepalived removes the second`.replace('  ', ' '));
        seen.add(key);
      }
    }
  },
} satisfies Rule;
