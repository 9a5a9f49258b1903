import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

export default {
  id: 'vs-missing-method',
  severity: 'warning',
  category: 'lvs',
  description: 'A virtual_server without lb_kind / lvs_method (keepalived picks NAT).',
  virtualServers({ report }) {
    return (vs) => {
      if (!vs.methodSet) report(vs.at, `${serviceName(vs)} has no lb_kind: keepalived uses NAT; write NAT, DR or TUN`);
    };
  },
} satisfies Rule;
