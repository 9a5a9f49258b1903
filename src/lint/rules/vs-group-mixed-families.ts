import type { Rule } from '../types.js';
import { familyOf } from '../../keepalived/build.js';

export default {
  id: 'vs-group-mixed-families',
  severity: 'error',
  category: 'lvs',
  description: 'A virtual_server_group with IPv4 and IPv6 addresses and fwmarks together (keepalived removes it).',
  check({ config, report }) {
    for (const group of config.virtualServerGroups) {
      const families = new Set(group.entries.map((e) => (e.address ? familyOf(e.address) : undefined)).filter((f) => f !== undefined));
      const marks = group.entries.some((e) => e.kind === 'fwmark');
      if (families.size > 1 && marks) report(group.at, `virtual_server_group ${group.name} mixes IPv4, IPv6 and fwmark entries: keepalived removes the group; split it by family`);
    }
  },
} satisfies Rule;
