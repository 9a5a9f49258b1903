import type { Rule } from '../types.js';
import { valueLines } from '../helpers.js';

const BLOCKS = new Set(['virtual_routes', 'static_routes']);

export default {
  id: 'route-deprecated-syntax',
  severity: 'warning',
  category: 'vrrp',
  description: "Deprecated route words: 'or' (use nexthop) and 'gw' (use via).",
  check({ loaded, report }) {
    for (const { node } of valueLines(loaded.syntax, BLOCKS)) {
      for (const token of node.args) {
        if (token.text === 'or') report(token, `"or" in a route is deprecated; use "nexthop"`);
        if (token.text === 'gw') report(token, `"gw" in a route is deprecated; use "via"`);
      }
    }
  },
} satisfies Rule;
