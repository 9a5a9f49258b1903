import { KEYWORDS, LEAF, type Syntax } from '../../keepalived/parser.js';
import { wordId, WORDS } from '../../keepalived/words.js';
import type { Rule } from '../types.js';

/**
 * Reports a leaf keyword set twice among the children first .. end of one block, then visits
 * the keyword blocks among them (each node is looked at once, by a function called per block,
 * which V8 optimises soon). `firsts` and `stamps` remember, per word id, the node where the
 * keyword was first set in the block being visited (stamp = which block), so no map is made
 * per block.
 */
function visit(syntax: Syntax, first: number, end: number, state: { firsts: Int32Array; stamps: Int32Array; stamp: number }, report: (node: number, line: number) => void): void {
  state.stamp += 1;
  const stamp = state.stamp;
  const { next, kind, tok } = syntax;
  const words = syntax.tokens.word;
  let blocks = false;
  let firsts = state.firsts;
  let stamps = state.stamps;
  for (let child = first; child < end; child = next[child] as number) {
    if (kind[child] !== LEAF) {
      if (kind[child] === KEYWORDS) blocks = true;
      continue;
    }
    let word = words[tok[child] as number] as number;
    if (word < 0) word = wordId(syntax.keyword(child));
    if (word >= firsts.length) {
      const grownFirsts = new Int32Array(word + 256);
      const grownStamps = new Int32Array(word + 256);
      grownFirsts.set(firsts);
      grownStamps.set(stamps);
      state.firsts = firsts = grownFirsts;
      state.stamps = stamps = grownStamps;
    }
    // The first node is noted, its line looked up only for a finding (no call per keyword).
    if (stamps[word] === stamp) report(child, syntax.line(firsts[word] as number));
    else {
      stamps[word] = stamp;
      firsts[word] = child;
    }
  }
  if (!blocks) return;
  for (let child = first; child < end; child = next[child] as number) if (kind[child] === KEYWORDS) visit(syntax, child + 1, next[child] as number, state, report);
}

// keepalived keeps the last value of a keyword written twice in one block, silently.
export default {
  id: 'repeated-keyword',
  severity: 'warning',
  category: 'value',
  description: 'A keyword written twice in one block: keepalived silently uses the last one.',
  check({ loaded, report }) {
    const syntax = loaded.syntax;
    const state = { firsts: new Int32Array(WORDS.length + 256), stamps: new Int32Array(WORDS.length + 256), stamp: 0 };
    const found = (node: number, line: number): void => report(syntax.position(node), `'${syntax.keyword(node)}' is already set on line ${line} of this block; keepalived uses this later value`);
    visit(syntax, 0, syntax.count, state, found);
  },
} satisfies Rule;
