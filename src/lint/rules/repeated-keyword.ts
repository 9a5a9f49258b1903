import type { Rule } from '../types.js';
import { forEachNode } from '../helpers.js';

// keepalived keeps the last value of a keyword written twice in one block, silently.
export default {
  id: 'repeated-keyword',
  severity: 'warning',
  category: 'value',
  description: 'A keyword written twice in one block: keepalived silently uses the last one.',
  check({ loaded, report }) {
    const visit = (children: { keyword: string; kind: string; line: number; file: string; column: number; spec?: unknown }[]): void => {
      const seen = new Map<string, number>();
      for (const child of children) {
        if (child.kind !== 'leaf' || !child.spec) continue;
        const first = seen.get(child.keyword);
        if (first !== undefined) report(child, `'${child.keyword}' is already set on line ${first} of this block; keepalived uses this later value`);
        else seen.set(child.keyword, child.line);
      }
    };
    visit(loaded.tree);
    forEachNode(loaded.tree, (node) => {
      if (node.kind === 'keywords') visit(node.children);
    });
  },
} satisfies Rule;
