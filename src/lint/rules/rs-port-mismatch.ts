import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'rs-port-mismatch',
  severity: 'error',
  category: 'lvs',
  description: 'A DR/TUN real_server whose port differs from the service port (the kernel cannot rewrite it).',
  virtualServers({ report }) {
    return (vs) => {
      if (vs.method === 'NAT' || vs.kind !== 'address' || vs.port === undefined || vs.port === 0) return;
      for (const rs of vs.realServers) {
        if (rs.port !== undefined && rs.port !== vs.port) report(rs.at, `real_server ${rs.address} ${rs.port} in ${serviceName(vs)} (${vs.method}): ${vs.method} cannot change the port; keepalived resets it to ${vs.port}`);
      }
    };
  },
} satisfies Rule;
