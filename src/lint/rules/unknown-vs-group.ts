import type { Rule } from '../types.js';

export default {
  id: 'unknown-vs-group',
  severity: 'error',
  category: 'lvs',
  description: 'virtual_server group NAME naming a virtual_server_group that is not defined.',
  virtualServers({ config, report }) {
    const groups = new Set(config.virtualServerGroups.map((g) => g.name));
    return (vs) => {
      if (vs.kind === 'group' && vs.group !== undefined && !groups.has(vs.group)) report(vs.at, `virtual_server group ${vs.group}: no virtual_server_group ${vs.group} is defined`);
    };
  },
} satisfies Rule;
