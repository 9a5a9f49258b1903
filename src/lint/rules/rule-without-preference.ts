import type { Rule } from '../types.js';
import { valueLines } from '../helpers.js';

const BLOCKS = new Set(['virtual_rules', 'static_rules']);

export default {
  id: 'rule-without-preference',
  severity: 'warning',
  category: 'vrrp',
  description: 'An ip rule in virtual_rules/static_rules without preference (keepalived picks one).',
  check({ loaded, report }) {
    for (const { node } of valueLines(loaded.syntax, BLOCKS)) {
      const words = [node.keyword, ...node.args.map((a) => a.text)];
      if (!words.some((w) => w === 'preference' || w === 'pref' || w === 'priority')) report(node, `rule '${words.join(' ')}' has no preference: keepalived assigns one that is probably not what you want`);
    }
  },
} satisfies Rule;
