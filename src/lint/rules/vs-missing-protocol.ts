import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

// keepalived 2.2.7 creates such a service as UDP: a TCP service silently stops working.
export default {
  id: 'vs-missing-protocol',
  severity: 'error',
  category: 'lvs',
  description: 'A virtual_server without protocol: keepalived 2.2.7 makes it UDP, not TCP.',
  virtualServers({ report }) {
    return (vs) => {
      if (!vs.protocolSet && vs.kind !== 'fwmark') report(vs.at, `${serviceName(vs)} has no protocol: keepalived creates it as UDP; write 'protocol TCP' (or UDP/SCTP)`);
    };
  },
} satisfies Rule;
