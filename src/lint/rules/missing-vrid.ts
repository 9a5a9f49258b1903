import { childNodes } from '../helpers.js';
import type { Rule } from '../types.js';

export default {
  id: 'missing-vrid',
  severity: 'error',
  category: 'vrrp',
  description: 'An instance without a valid virtual_router_id (keepalived: "the virtual router id must be set").',
  check({ config, loaded, report }) {
    const syntax = loaded.syntax;
    for (const instance of config.vrrpInstances) {
      if (instance.virtualRouterId !== undefined) continue;
      // An out-of-range value is already reported where it is written.
      const node = syntax.top().find((n) => syntax.keyword(n) === 'vrrp_instance' && syntax.line(n) === instance.at.line && syntax.file(n) === instance.at.file);
      if (node !== undefined && childNodes(syntax, node).some((c) => syntax.keyword(c) === 'virtual_router_id')) continue;
      report(instance.at, `vrrp_instance ${instance.name} has no virtual_router_id (1-255): keepalived refuses the instance`);
    }
  },
} satisfies Rule;
