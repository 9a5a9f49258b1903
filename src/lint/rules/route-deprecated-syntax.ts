import type { Rule } from '../types.js';
import { walk } from '../helpers.js';

export default {
  id: 'route-deprecated-syntax',
  severity: 'warning',
  category: 'vrrp',
  description: "Deprecated route words: 'or' (use nexthop) and 'gw' (use via).",
  check({ loaded, report }) {
    for (const { node, parents } of walk(loaded.tree)) {
      const parent = parents[parents.length - 1];
      if (node.kind !== 'value' || !parent || !parent.keyword.endsWith('_routes')) continue;
      for (const token of node.args) {
        if (token.text === 'or') report(token, `"or" in a route is deprecated; use "nexthop"`);
        if (token.text === 'gw') report(token, `"gw" in a route is deprecated; use "via"`);
      }
    }
  },
} satisfies Rule;
