import { KEYWORDS, LEAF, type Syntax } from '../../keepalived/parser.js';
import { wordId, WORDS } from '../../keepalived/words.js';
import type { Rule } from '../types.js';

/** Which keywords a block has set so far (by word id), without a Map per block. */
class Seen {
  private lines = new Int32Array(0);
  private stamps = new Int32Array(0);
  private stamp = 0;

  reset(words: number): void {
    if (this.lines.length < words) {
      this.lines = new Int32Array(words + 256);
      this.stamps = new Int32Array(words + 256);
      this.stamp = 0;
    }
    this.stamp += 1;
  }

  /** Line where the word was first set in this block, or -1 (and remembers it). */
  firstLine(word: number, line: number): number {
    if (word >= this.lines.length) {
      const lines = new Int32Array(word + 256);
      const stamps = new Int32Array(word + 256);
      lines.set(this.lines);
      stamps.set(this.stamps);
      this.lines = lines;
      this.stamps = stamps;
    }
    if (this.stamps[word] === this.stamp) return this.lines[word] as number;
    this.stamps[word] = this.stamp;
    this.lines[word] = line;
    return -1;
  }
}

function visit(syntax: Syntax, first: number, end: number, seen: Seen, report: (node: number, line: number) => void): void {
  seen.reset(WORDS.length);
  for (let child = first; child < end; child = syntax.next[child] as number) {
    if (syntax.kind[child] !== LEAF) continue;
    let word = syntax.word(child);
    if (word < 0) word = wordId(syntax.keyword(child));
    const line = seen.firstLine(word, syntax.line(child));
    if (line >= 0) report(child, line);
  }
}

// keepalived keeps the last value of a keyword written twice in one block, silently.
export default {
  id: 'repeated-keyword',
  severity: 'warning',
  category: 'value',
  description: 'A keyword written twice in one block: keepalived silently uses the last one.',
  check({ loaded, report }) {
    const syntax = loaded.syntax;
    const seen = new Seen();
    const found = (node: number, line: number): void => report(syntax.position(node), `'${syntax.keyword(node)}' is already set on line ${line} of this block; keepalived uses this later value`);
    visit(syntax, 0, syntax.count, seen, found);
    for (let node = 0; node < syntax.count; node += 1) if (syntax.kind[node] === KEYWORDS) visit(syntax, node + 1, syntax.next[node] as number, seen, found);
  },
} satisfies Rule;
