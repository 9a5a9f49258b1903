import type { Rule } from '../types.js';

export default {
  id: 'sync-group-unknown-instance',
  severity: 'error',
  category: 'vrrp',
  description: 'A vrrp_sync_group naming an instance that does not exist.',
  check({ config, report }) {
    const names = new Set(config.vrrpInstances.map((i) => i.name));
    for (const group of config.syncGroups) {
      for (const member of group.members) if (!names.has(member.name)) report(member.at, `vrrp_sync_group ${group.name} names ${member.name}, which is not a vrrp_instance: keepalived ignores it`);
    }
  },
} satisfies Rule;
