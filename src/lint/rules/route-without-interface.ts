import type { Rule } from '../types.js';
import { walk } from '../helpers.js';

export default {
  id: 'route-without-interface',
  severity: 'warning',
  category: 'vrrp',
  description: 'A virtual route without dev: keepalived cannot track it.',
  check({ loaded, report }) {
    for (const { node, parents } of walk(loaded.tree)) {
      const parent = parents[parents.length - 1];
      if (node.kind !== 'value' || parent?.keyword !== 'virtual_routes') continue;
      const words = [node.keyword, ...node.args.map((a) => a.text)];
      if (!words.includes('dev') && !words.includes('no_track')) report(node, `route '${words.join(' ')}' has no 'dev': keepalived cannot track it (add dev IFNAME or no_track)`);
    }
  },
} satisfies Rule;
