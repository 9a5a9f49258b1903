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
      const key = `${vs.kind}/${vs.address ?? ''}/${vs.port ?? ''}/${vs.fwmark ?? ''}/${vs.group ?? ''}/${vs.protocol}`;
      const line = seen.get(key);
      if (line !== undefined) report(vs.at, `${serviceName(vs)} (${vs.protocol}) is already defined on line ${line}`);
      else seen.set(key, vs.at.line);
    };
  },
} satisfies Rule;
