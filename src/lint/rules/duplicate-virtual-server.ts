import type { Rule } from '../types.js';
import { serviceName } from '../helpers.js';

// keepalived accepts this silently; the later block's settings fight the earlier one's.
export default {
  id: 'duplicate-virtual-server',
  severity: 'error',
  category: 'lvs',
  description: 'Two virtual_server blocks for the same service.',
  virtualServers({ report }) {
    const seen = new Map<string, number>();
    return (vs) => {
      // Kind, then what names the service of that kind, then protocol; spaces never occur in words.
      const protocol = vs.protocol;
      const kind = vs.kind;
      const key = kind === 'address' ? `a ${vs.address ?? ''} ${vs.port ?? ''} ${protocol}` : kind === 'fwmark' ? `f ${vs.fwmark ?? ''} ${protocol}` : `g ${vs.group ?? ''} ${protocol}`;
      const line = seen.get(key);
      if (line !== undefined) report(vs.at, `${serviceName(vs)} (${protocol}) is already defined on line ${line}`);
      else seen.set(key, vs.at.line);
    };
  },
} satisfies Rule;
