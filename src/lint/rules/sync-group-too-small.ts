import type { Rule } from '../types.js';

export default {
  id: 'sync-group-too-small',
  severity: 'warning',
  category: 'vrrp',
  description: 'A vrrp_sync_group with fewer than two existing instances (or no group block).',
  check({ config, report }) {
    const names = new Set(config.vrrpInstances.map((i) => i.name));
    for (const group of config.syncGroups) {
      const existing = group.members.filter((m) => names.has(m.name)).length;
      if (existing === 0) report(group.at, `vrrp_sync_group ${group.name} has no existing instance in a 'group { }' block: keepalived removes it`);
      else if (existing === 1) report(group.at, `vrrp_sync_group ${group.name} has only one instance: a group syncs nothing`);
    }
  },
} satisfies Rule;
