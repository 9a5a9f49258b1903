import type { Rule } from '../types.js';
import { familyOf } from '../../keepalived/build.js';
import { valueLines } from '../helpers.js';

const BLOCKS = new Set(['virtual_routes', 'static_routes', 'virtual_rules', 'static_rules']);
const ADDRESS_AFTER = new Set(['from', 'to', 'via', 'gw', 'src', 'or']);

function validPrefix(text: string): boolean {
  if (text === 'all' || text === 'default') return true;
  const [address = '', prefix] = text.split('/');
  const family = familyOf(address);
  if (!family) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export default {
  id: 'route-syntax',
  severity: 'error',
  category: 'vrrp',
  description: 'An address or prefix in virtual_routes/rules or static_routes/rules that is not valid.',
  check({ loaded, report }) {
    for (const { node, block: parent } of valueLines(loaded.syntax, BLOCKS)) {
      const words = [node.keyword, ...node.args.map((a) => a.text)];
      const tokens = [node, ...node.args];
      const isRule = parent.keyword.endsWith('_rules');
      for (let i = 0; i < words.length; i += 1) {
        const word = words[i] ?? '';
        const previous = i > 0 ? words[i - 1] ?? '' : '';
        const addressExpected = ADDRESS_AFTER.has(previous) || (!isRule && i === 0 && /^[\d:.]/.test(word) && !ADDRESS_AFTER.has(word));
        if (addressExpected && /^[\d:a-fA-F.]+(\/\d*)?$/.test(word) && !validPrefix(word)) {
          report(tokens[i] ?? node, `'${word}' in ${parent.keyword} is not a valid address/prefix`);
        }
      }
    }
  },
} satisfies Rule;
