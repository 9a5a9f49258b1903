import type { Rule } from '../types.js';

export default {
  id: 'missing-vrid',
  severity: 'error',
  category: 'vrrp',
  description: 'An instance without a valid virtual_router_id (keepalived: "the virtual router id must be set").',
  check({ config, loaded, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.virtualRouterId !== undefined) continue;
      // An out-of-range value is already reported where it is written.
      const node = loaded.tree.find((n) => n.keyword === 'vrrp_instance' && n.line === instance.at.line && n.file === instance.at.file);
      if (node?.children.some((c) => c.keyword === 'virtual_router_id')) continue;
      report(instance.at, `vrrp_instance ${instance.name} has no virtual_router_id (1-255): keepalived refuses the instance`);
    }
  },
} satisfies Rule;
