import type { Rule } from '../types.js';
import { valueLines } from '../helpers.js';

const BLOCKS = new Set(['virtual_routes']);

export default {
  id: 'route-without-interface',
  severity: 'warning',
  category: 'vrrp',
  description: 'A virtual route without dev: keepalived cannot track it.',
  check({ loaded, report }) {
    for (const { node } of valueLines(loaded.syntax, BLOCKS)) {
      const words = [node.keyword, ...node.args.map((a) => a.text)];
      if (!words.includes('dev') && !words.includes('no_track')) report(node, `route '${words.join(' ')}' has no 'dev': keepalived cannot track it (add dev IFNAME or no_track)`);
    }
  },
} satisfies Rule;
