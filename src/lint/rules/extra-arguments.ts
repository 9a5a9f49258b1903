import type { KeywordSpec } from '../../keepalived/schema.js';
import type { Rule } from '../types.js';

/**
 * Keywords that take exactly one argument: the schema's argument shape is a single word
 * (INTEGER, IFNAME, MASTER|BACKUP, ...) with no options.
 */
const single = new WeakMap<KeywordSpec, boolean>();
function singleArgument(spec: KeywordSpec): boolean {
  let known = single.get(spec);
  if (known === undefined) {
    known = computeSingleArgument(spec);
    single.set(spec, known);
  }
  return known;
}

function computeSingleArgument(spec: KeywordSpec): boolean {
  const args = spec.args?.trim();
  if (!args || /[\s[\]]/.test(args) || (spec.literals?.length ?? 0) > (spec.enum?.length ?? 0)) return false;
  return !spec.block;
}

// keepalived drops extra words silently: `state MASTER interface eth0` on one line loses the
// interface, and the instance then has none.
export default {
  id: 'extra-arguments',
  severity: 'warning',
  category: 'value',
  description: 'Words after a one-argument keyword, which keepalived silently ignores.',
  check({ loaded, report }) {
    const syntax = loaded.syntax;
    // Most leaves have one argument: the parser lists those with more.
    for (const n of syntax.wideLeaves) {
      const spec = syntax.specOf(n);
      if (!spec || !singleArgument(spec)) continue;
      const node = syntax.view(n);
      const extra = node.args[1];
      if (!extra) continue;
      const rest = node.args.slice(1).map((a) => a.text).join(' ');
      report(extra, `'${node.keyword}' takes one argument; keepalived ignores '${rest}'${loaded.schema.placesOf(extra.text).length > 0 ? ` (is '${extra.text}' meant to be on its own line?)` : ''}`);
    }
  },
} satisfies Rule;
