import type { RealServer } from '../../keepalived/model.js';
import { VirtualServerView } from '../../keepalived/servers.js';
import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'duplicate-real-server',
  severity: 'error',
  category: 'lvs',
  description: 'The same real_server twice in one virtual_server (keepalived removes the second).',
  virtualServers({ report }) {
    // Pairwise for the usual handful of real servers (no key strings, no set), each read once
    // into two lists reused for every server.
    const addresses: string[] = [];
    const ports: number[] = [];
    return (vs) => {
      // A view answers "none alike" from its tokens (nearly every server): no views, no strings.
      if (vs instanceof VirtualServerView && !vs.mayRepeatRealServer()) return;
      const servers = vs.realServers;
      if (servers.length < 2) return;
      const servicePort = vs.port ?? 0;
      for (let i = 0; i < servers.length; i += 1) {
        const rs = servers[i] as RealServer;
        const address = rs.address;
        const port = rs.port ?? servicePort;
        for (let j = 0; j < i; j += 1) {
          if (addresses[j] !== address || ports[j] !== port) continue;
          report(rs.at, `real_server ${address} ${rs.port ?? ''} appears twice in ${serviceName(vs)}: keepalived removes the second`.replace('  ', ' '));
          break;
        }
        addresses[i] = address;
        ports[i] = port;
      }
    };
  },
} satisfies Rule;
