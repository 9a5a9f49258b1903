import type { RealServer } from '../../keepalived/model.js';
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
      const port = vs.port;
      const realServers = vs.realServers;
      for (let r = 0; r < realServers.length; r += 1) {
        const rs = realServers[r] as RealServer;
        const rsPort = rs.port;
        if (rsPort !== undefined && rsPort !== port) report(rs.at, `real_server ${rs.address} ${rsPort} in ${serviceName(vs)} (${vs.method}): ${vs.method} cannot change the port; keepalived resets it to ${port}`);
      }
    };
  },
} satisfies Rule;
