import type { Rule } from '../types.js';
import { walk } from '../helpers.js';

export default {
  id: 'rule-without-preference',
  severity: 'warning',
  category: 'vrrp',
  description: 'An ip rule in virtual_rules/static_rules without preference (keepalived picks one).',
  check({ loaded, report }) {
    for (const { node, parents } of walk(loaded.tree)) {
      const parent = parents[parents.length - 1];
      if (node.kind !== 'value' || !parent || !parent.keyword.endsWith('_rules')) continue;
      const words = [node.keyword, ...node.args.map((a) => a.text)];
      if (!words.some((w) => w === 'preference' || w === 'pref' || w === 'priority')) report(node, `rule '${words.join(' ')}' has no preference: keepalived assigns one that is probably not what you want`);
    }
  },
} satisfies Rule;
