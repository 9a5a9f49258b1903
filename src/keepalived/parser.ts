// The second stage: tokens -> a syntax tree, with the schema deciding (as keepalived does)
// which keywords a block knows and which of them open a block. Error recovery is at block
// boundaries: an unknown keyword followed by `{` skips its whole block with ONE diagnostic, where
// keepalived would read the inner lines in the enclosing block and close that block early.
//
// The tree is kept compact (class Syntax): nodes in pre-order in parallel typed arrays, each
// pointing at its keyword token, with the index just past its subtree (so children are found by
// hopping over subtrees). ConfigNode objects are made only when asked for (Syntax.nodes()).
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { TEMPLATE_PLACEHOLDER } from './reader.js';
import type { KeywordSpec, Schema } from './schema.js';
import { CLOSE, OPEN, QUOTED, LINE_START, type Token, type TokenStore } from './tokens.js';
import { WORDS } from './words.js';

export interface ConfigNode extends Position {
  /** The keyword (for value lines: the first word). */
  keyword: string;
  args: Token[];
  /** 'keywords' / 'values' for blocks, 'value' for a line of a value block, 'leaf' otherwise. */
  kind: 'keywords' | 'values' | 'value' | 'leaf';
  children: ConfigNode[];
  /** The schema entry (undefined for unknown keywords and value lines). */
  spec: KeywordSpec | undefined;
  /**
   * The text after the keyword, kept only when it holds quotes or backslashes: script values
   * are re-read with script quoting from it (otherwise the tokens say everything).
   */
  rawArgs?: string;
  /** Where the block ends (its `}`), for blocks. */
  end?: Position;
}

/** Node kinds in Syntax.kind. */
export const LEAF = 0;
export const KEYWORDS = 1;
export const VALUES = 2;
export const VALUE = 3;
const KIND_NAMES = ['leaf', 'keywords', 'values', 'value'] as const;

/** Leaves and value lines share one frozen empty list (150,000 lines, 150,000 fewer arrays). */
const NO_CHILDREN: ConfigNode[] = Object.freeze([]) as unknown as ConfigNode[];
const QUOTING = /["'\\]/;

/** The syntax tree: nodes in pre-order, in parallel arrays. */
export class Syntax {
  count = 0;
  // The arrays grow while parsing (add), so they are not readonly: read them from the Syntax
  // after parsing, not from a copy taken before.
  /** Keyword token (tokens.ts index). */
  tok: Int32Array;
  /** One past the last argument token: arguments are tok + 1 .. argEnd - 1. */
  argEnd: Int32Array;
  /** LEAF, KEYWORDS, VALUES or VALUE. */
  kind: Uint8Array;
  /** Schema spec id, or -1 (unknown keyword, value line). */
  spec: Int32Array;
  /** One past the last node of the subtree: the next sibling, if any. */
  next: Int32Array;
  /** Token of the closing `}`, or -1. */
  close: Int32Array;
  /** Parent node, or -1 at the top level. */
  parent: Int32Array;
  /** Text after the keyword for nodes whose line holds quotes or backslashes. */
  readonly rawArgs = new Map<number, string>();
  /**
   * Indexes kept while parsing, for rules about a few nodes (a walk over every node of a big
   * file costs more, on a VM that has not optimised the walk yet): the value blocks, and the
   * leaves with two or more arguments, in order.
   */
  readonly valueBlocks: number[] = [];
  readonly wideLeaves: number[] = [];
  private materialized: ConfigNode[] | undefined;

  constructor(
    readonly tokens: TokenStore,
    readonly schema: Schema,
    capacity: number,
  ) {
    const size = Math.max(1, capacity);
    this.tok = new Int32Array(size);
    this.argEnd = new Int32Array(size);
    this.kind = new Uint8Array(size);
    this.spec = new Int32Array(size);
    this.next = new Int32Array(size);
    this.close = new Int32Array(size);
    this.parent = new Int32Array(size);
  }

  /**
   * Room for twice as many nodes. Parsers start with room for half the tokens (a node has a
   * keyword and, nearly always, an argument or a brace): sized by the token count, the arrays
   * held 2.6 times the nodes of a big file, memory that counts towards V8's heap limits.
   */
  private grow(): void {
    const size = this.tok.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.tok = grown(this.tok, new Int32Array(size));
    this.argEnd = grown(this.argEnd, new Int32Array(size));
    this.kind = grown(this.kind, new Uint8Array(size));
    this.spec = grown(this.spec, new Int32Array(size));
    this.next = grown(this.next, new Int32Array(size));
    this.close = grown(this.close, new Int32Array(size));
    this.parent = grown(this.parent, new Int32Array(size));
  }

  add(tok: number, argEnd: number, kind: number, spec: number, parent: number): number {
    const n = this.count;
    if (n >= this.tok.length) this.grow();
    // The keyword index, kept while parsing (a separate pass costs more on a cold VM).
    const word = this.tokens.word[tok] as number;
    if (word >= 0 && word < this.counts.length) this.counts[word] = (this.counts[word] as number) + 1;
    this.tok[n] = tok;
    this.argEnd[n] = argEnd;
    this.kind[n] = kind;
    this.spec[n] = spec;
    this.next[n] = n + 1;
    this.close[n] = -1;
    this.parent[n] = parent;
    this.count = n + 1;
    if (kind === VALUES) this.valueBlocks.push(n);
    else if (kind === LEAF && argEnd - tok > 2) this.wideLeaves.push(n);
    return n;
  }

  keyword(n: number): string {
    return this.tokens.text(this.tok[n] as number);
  }

  /** Word id of the keyword (words.ts), or -1. */
  word(n: number): number {
    return this.tokens.word[this.tok[n] as number] as number;
  }

  specOf(n: number): KeywordSpec | undefined {
    const id = this.spec[n] as number;
    return id < 0 ? undefined : this.schema.specs[id];
  }

  argCount(n: number): number {
    return (this.argEnd[n] as number) - (this.tok[n] as number) - 1;
  }

  /** Text of argument i (0-based), or undefined. */
  arg(n: number, i: number): string | undefined {
    const t = (this.tok[n] as number) + 1 + i;
    return t < (this.argEnd[n] as number) ? this.tokens.text(t) : undefined;
  }

  /** Token index of argument i (0-based), or -1. */
  argToken(n: number, i: number): number {
    const t = (this.tok[n] as number) + 1 + i;
    return t < (this.argEnd[n] as number) ? t : -1;
  }

  file(n: number): string {
    return this.tokens.files[this.tokens.file[this.tok[n] as number] as number] as string;
  }

  line(n: number): number {
    return this.tokens.line[this.tok[n] as number] as number;
  }

  column(n: number): number {
    return this.tokens.column[this.tok[n] as number] as number;
  }

  /** Line of the closing brace, or undefined. */
  endLine(n: number): number | undefined {
    const close = this.close[n] as number;
    return close < 0 ? undefined : (this.tokens.line[close] as number);
  }

  position(n: number): Position {
    return this.tokens.position(this.tok[n] as number);
  }

  private topNodes: number[] | undefined;
  /** Nodes per keyword word id (see keywordCounts). */
  private readonly counts = new Int32Array(WORDS.length + 1);

  /** The top-level nodes, in order (one shared array: do not modify). */
  top(): number[] {
    if (!this.topNodes) {
      const result: number[] = [];
      for (let n = 0; n < this.count; n = this.next[n] as number) result.push(n);
      this.topNodes = result;
    }
    return this.topNodes;
  }

  /**
   * How many nodes have each keyword, by word id (words.ts); keywords without an id are not
   * counted. An index, so a rule about keywords the file never uses knows at once that it has
   * nothing to look at.
   */
  keywordCounts(): Int32Array {
    return this.counts;
  }

  /** Whether any node has one of these keywords (word ids). */
  uses(words: readonly number[]): boolean {
    const counts = this.keywordCounts();
    for (let i = 0; i < words.length; i += 1) {
      const word = words[i] as number;
      if (word >= 0 && word < counts.length && (counts[word] as number) > 0) return true;
    }
    return false;
  }

  /** The tree as ConfigNode objects (made once, on first use). */
  nodes(): ConfigNode[] {
    if (!this.materialized) {
      const result: ConfigNode[] = [];
      for (let n = 0; n < this.count; n = this.next[n] as number) result.push(this.materialize(n));
      this.materialized = result;
    }
    return this.materialized;
  }

  /** One node as an object, without its children (for code that reads a few nodes this way). */
  view(n: number): ConfigNode {
    return this.materialize(n, false);
  }

  private materialize(n: number, withChildren = true): ConfigNode {
    const tokens = this.tokens;
    const tok = this.tok[n] as number;
    const args: Token[] = [];
    for (let t = tok + 1; t < (this.argEnd[n] as number); t += 1) args.push(tokens.token(t));
    const kind = KIND_NAMES[this.kind[n] as number] as ConfigNode['kind'];
    const block = kind === 'keywords' || kind === 'values';
    const node: ConfigNode = {
      file: tokens.files[tokens.file[tok] as number] as string,
      line: tokens.line[tok] as number,
      column: tokens.column[tok] as number,
      keyword: tokens.text(tok),
      args,
      kind,
      children: block ? [] : NO_CHILDREN,
      spec: this.specOf(n),
    };
    const raw = this.rawArgs.get(n);
    if (raw !== undefined) node.rawArgs = raw;
    if (block && withChildren) for (let c = n + 1; c < (this.next[n] as number); c = this.next[c] as number) node.children.push(this.materialize(c));
    const close = this.close[n] as number;
    if (close >= 0) node.end = tokens.position(close);
    return node;
  }
}

/**
 * The last child of a block per keyword (keepalived: a repeated keyword's last value wins),
 * found by word id in O(1). One index per nesting level the builder reads at once (a
 * virtual_server, its real_server, its checker, its url), reused for every block of that level.
 * Keywords without a word id (words.ts) are not indexed.
 */
export class ChildIndex {
  private slots = new Int32Array(0);
  private stamps = new Int32Array(0);
  private stamp = 0;

  constructor(private readonly syntax: Syntax) {}

  of(node: number): this {
    const syntax = this.syntax;
    if (this.slots.length < WORDS.length) {
      this.slots = new Int32Array(WORDS.length + 256);
      this.stamps = new Int32Array(WORDS.length + 256);
      this.stamp = 0;
    }
    this.stamp += 1;
    const stamp = this.stamp;
    const next = syntax.next;
    const end = next[node] as number;
    for (let c = node + 1; c < end; c = next[c] as number) {
      const word = syntax.word(c);
      if (word >= 0 && word < this.slots.length) {
        this.slots[word] = c;
        this.stamps[word] = stamp;
      }
    }
    return this;
  }

  /** The last child with this keyword, or -1. */
  get(word: number): number {
    return this.stamps[word] === this.stamp ? (this.slots[word] as number) : -1;
  }
}

export interface SyntaxTree {
  syntax: Syntax;
  diagnostics: Diagnostic[];
}

const STMT = 0;
const OPEN_ITEM = 1;
const CLOSE_ITEM = 2;

/** Statements and braces in order (braces split lines, as in keepalived), as parallel arrays. */
class Items {
  count = 0;
  readonly type: Uint8Array;
  /** First token (the brace itself for braces). */
  readonly from: Int32Array;
  /** One past the last token. */
  readonly to: Int32Array;
  /** First token of the item's logical line. */
  readonly lineStart: Int32Array;

  constructor(tokens: TokenStore) {
    const size = Math.max(1, tokens.count);
    this.type = new Uint8Array(size);
    this.from = new Int32Array(size);
    this.to = new Int32Array(size);
    this.lineStart = new Int32Array(size);
    const flags = tokens.flags;
    let runStart = -1;
    let lineStart = 0;
    for (let t = 0; t < tokens.count; t += 1) {
      const f = flags[t] as number;
      if (f & LINE_START) {
        if (runStart >= 0) this.push(STMT, runStart, t, lineStart);
        runStart = -1;
        lineStart = t;
      }
      if (f & (OPEN | CLOSE)) {
        if (runStart >= 0) this.push(STMT, runStart, t, lineStart);
        runStart = -1;
        this.push(f & OPEN ? OPEN_ITEM : CLOSE_ITEM, t, t + 1, lineStart);
      } else if (runStart < 0) {
        runStart = t;
      }
    }
    if (runStart >= 0) this.push(STMT, runStart, tokens.count, lineStart);
  }

  private push(type: number, from: number, to: number, lineStart: number): void {
    const i = this.count;
    this.type[i] = type;
    this.from[i] = from;
    this.to[i] = to;
    this.lineStart[i] = lineStart;
    this.count = i + 1;
  }
}

class Parser {
  private index = 0;
  readonly diagnostics: Diagnostic[] = [];
  /** Problems after which keepalived mis-nests the rest of the top-level block. */
  private readonly cascading = new Set<Diagnostic>();
  readonly syntax: Syntax;
  private readonly tokens: TokenStore;

  private cascade(d: Diagnostic): void {
    this.diagnostics.push(d);
    this.cascading.add(d);
  }

  constructor(
    private readonly items: Items,
    tokens: TokenStore,
    private readonly schema: Schema,
    /**
     * Second pass after a block was never closed: a top-level block keyword followed by '{'
     * (vrrp_instance, virtual_server, ...) met inside a block closes the open blocks, so a
     * single missing '}' gives a single finding instead of misplacing everything after it.
     */
    private readonly closeAtTopLevelBlocks = false,
  ) {
    this.tokens = tokens;
    this.syntax = new Syntax(tokens, schema, items.count >> 1);
  }

  /** The keyword blocks being parsed, outermost first. */
  private readonly openBlocks: KeywordSpec[] = [];

  /** Set when a block reached the end of the input unclosed (worth a second pass). */
  unclosedAtEnd = false;
  private get lastLine(): number {
    return this.items.count > 0 ? this.lineOf(this.items.count - 1) : 0;
  }

  private lineOf(item: number): number {
    return this.tokens.line[this.items.from[item] as number] as number;
  }

  private at(token: number): Position {
    return this.tokens.position(token);
  }

  parseTop(): void {
    const items = this.items;
    while (this.index < items.count) {
      const item = this.index;
      if (items.type[item] === CLOSE_ITEM) {
        this.diagnostics.push(diagnostic(this.at(items.from[item] as number), 'unbalanced-braces', "'}' closes no block: there is an extra '}' or a missing '{'"));
        this.index += 1;
        continue;
      }
      const before = this.diagnostics.length;
      this.parseItem(undefined, -1);
      // keepalived re-synchronises only at the top level: a brace or block mistake confuses it
      // up to the end of this top-level statement. Record that span on the cause.
      if (this.diagnostics.length === before) continue;
      const lastItem = this.index - 1;
      const lastToken = lastItem >= 0 ? (items.to[lastItem] as number) - 1 : -1;
      const endLine = lastToken >= 0 ? this.tokens.line[lastToken] : undefined;
      const endFile = lastToken >= 0 ? this.tokens.files[this.tokens.file[lastToken] as number] : undefined;
      for (let d = before; d < this.diagnostics.length; d += 1) {
        const found = this.diagnostics[d] as Diagnostic;
        if (this.cascading.has(found) && endLine !== undefined && endLine > found.line && found.file === endFile) found.endLine = endLine;
      }
    }
  }

  /** Parses the inside of a keywords block up to its `}`; returns the closing token or -1. */
  private parseBlockBody(parent: KeywordSpec, open: number, into: number): number {
    this.openBlocks.push(parent);
    try {
      return this.parseBlockBodyInner(parent, open, into);
    } finally {
      this.openBlocks.pop();
    }
  }

  private parseBlockBodyInner(parent: KeywordSpec, open: number, into: number): number {
    const items = this.items;
    while (this.index < items.count) {
      const item = this.index;
      if (items.type[item] === CLOSE_ITEM) {
        this.index += 1;
        return items.from[item] as number;
      }
      if (this.closeAtTopLevelBlocks && this.belongsOutside(parent, item)) {
        const d = diagnostic(this.at(open), 'unbalanced-braces', `'${parent.keyword}' block opened here is not closed before line ${this.lineOf(item)}: a '}' is missing`);
        // keepalived reads the rest of the file inside this block: the whole rest is its cascade.
        if (this.lastLine > d.line) d.endLine = this.lastLine;
        this.diagnostics.push(d);
        return -1;
      }
      this.parseItem(parent, into);
    }
    this.unclosedAtEnd = true;
    this.cascade(diagnostic(this.at(open), 'unbalanced-braces', `'${parent.keyword}' block opened here is never closed: a '}' is missing`));
    return -1;
  }

  /**
   * A statement not valid in this block that belongs to a block still open around it, or
   * that starts a top-level block: the sign of a '}' missing before it.
   */
  private belongsOutside(parent: KeywordSpec, item: number): boolean {
    if (this.items.type[item] !== STMT) return false;
    const keyword = this.items.from[item] as number;
    const text = this.tokens.text(keyword);
    if ((this.tokens.flags[keyword] as number) & QUOTED || parent.children.has(text)) return false;
    const enclosing = this.openBlocks.slice(0, -1);
    if (enclosing.some((block) => block.children.has(text))) return true;
    const top = this.schema.lookup(undefined, text);
    return Boolean(top?.block) && this.items.type[item + 1] === OPEN_ITEM && item + 1 < this.items.count;
  }

  private parseValueBody(owner: number, open: number): number {
    const items = this.items;
    while (this.index < items.count) {
      const item = this.index;
      this.index += 1;
      const type = items.type[item];
      if (type === CLOSE_ITEM) return items.from[item] as number;
      if (type === OPEN_ITEM) {
        this.cascade(diagnostic(this.at(items.from[item] as number), 'unexpected-brace', `'{' inside the value block '${this.syntax.keyword(owner)}': value blocks do not nest; the nested block is skipped`));
        this.skipBlock();
        continue;
      }
      this.syntax.add(items.from[item] as number, items.to[item] as number, VALUE, -1, owner);
    }
    this.cascade(diagnostic(this.at(open), 'unbalanced-braces', `'${this.syntax.keyword(owner)}' block opened here is never closed: a '}' is missing`));
    return -1;
  }

  /** Skips a `{ ... }` whose `{` was just consumed, nested braces included. */
  private skipBlock(): void {
    const items = this.items;
    let depth = 1;
    while (this.index < items.count && depth > 0) {
      const type = items.type[this.index];
      if (type === OPEN_ITEM) depth += 1;
      else if (type === CLOSE_ITEM) depth -= 1;
      this.index += 1;
    }
  }

  /** The `{` item at the current index, or -1. */
  private nextIsOpen(): number {
    return this.index < this.items.count && this.items.type[this.index] === OPEN_ITEM ? this.index : -1;
  }

  private parseItem(parent: KeywordSpec | undefined, into: number): void {
    const items = this.items;
    const tokens = this.tokens;
    const item = this.index;
    this.index += 1;
    const type = items.type[item];
    if (type === OPEN_ITEM) {
      this.cascade(diagnostic(this.at(items.from[item] as number), 'unexpected-brace', "'{' opens no block here (keepalived: \"Unexpected '{' - ignoring\"); the block is skipped"));
      this.skipBlock();
      return;
    }
    if (type === CLOSE_ITEM) return;
    const keywordToken = items.from[item] as number;
    const argEnd = items.to[item] as number;
    const word = tokens.word[keywordToken] as number;
    if (word < 0 && tokens.rewrittenText(keywordToken) && tokens.text(keywordToken).includes(TEMPLATE_PLACEHOLDER)) {
      // An unrendered template line ({% for %}, {{ key }} value): reported once by the reader.
      if (this.nextIsOpen() >= 0) {
        this.index += 1;
        this.skipBlock();
      }
      return;
    }
    const quoted = ((tokens.flags[keywordToken] as number) & QUOTED) !== 0;
    const spec = quoted ? undefined : word >= 0 ? this.schema.lookupWord(parent, word) : this.schema.lookup(parent, tokens.text(keywordToken));
    if (!spec) {
      this.unknownKeyword(parent, keywordToken);
      if (this.nextIsOpen() >= 0) {
        const last = this.diagnostics[this.diagnostics.length - 1];
        if (last) this.cascading.add(last);
        this.index += 1;
        this.skipBlock();
      }
      return;
    }
    const syntax = this.syntax;
    const kind = spec.block === 'keywords' ? KEYWORDS : spec.block === 'values' ? VALUES : LEAF;
    const node = syntax.add(keywordToken, argEnd, kind, spec.id, into);
    if (argEnd > keywordToken + 1) {
      const lineText = tokens.lineText.get(items.lineStart[item] as number);
      if (lineText !== undefined && QUOTING.test(lineText)) syntax.rawArgs.set(node, lineText.slice(tokens.offset(keywordToken + 1)));
    }
    if (!spec.block) {
      const open = this.nextIsOpen();
      if (open >= 0) {
        this.cascade(diagnostic(this.at(items.from[open] as number), 'unexpected-brace', `'${spec.keyword}' takes no block (keepalived: "Unexpected '{' - ignoring"); the block is skipped`));
        this.index += 1;
        this.skipBlock();
      }
      return;
    }
    const open = this.nextIsOpen();
    let close: number;
    if (open < 0) {
      this.cascade(diagnostic(this.at(keywordToken), 'missing-brace', `'${spec.keyword}' must be followed by '{'`));
      // Recover as if the '{' were there when what follows belongs inside this block.
      const next = this.index < items.count && items.type[this.index] === STMT ? (items.from[this.index] as number) : -1;
      const nextKeyword = next >= 0 ? tokens.text(next) : undefined;
      const belongsInside = nextKeyword !== undefined && (spec.block === 'values' || spec.children.has(nextKeyword)) && !this.schema.lookup(parent, nextKeyword);
      if (!belongsInside) return;
      close = spec.block === 'values' ? this.parseValueBody(node, keywordToken) : this.parseBlockBody(spec, keywordToken, node);
    } else {
      this.index += 1;
      const openToken = items.from[open] as number;
      close = spec.block === 'values' ? this.parseValueBody(node, openToken) : this.parseBlockBody(spec, openToken, node);
    }
    syntax.next[node] = syntax.count;
    if (close >= 0) syntax.close[node] = close;
  }

  private unknownKeyword(parent: KeywordSpec | undefined, token: number): void {
    const keyword = this.tokens.text(token);
    const at = this.at(token);
    const where = parent ? `in ${parent.keyword}` : 'at the top level';
    const retired = this.schema.retiredKeyword(keyword, parent);
    if (retired) {
      this.diagnostics.push(diagnostic(at, retired.status === 'removed' ? 'removed-keyword' : 'deprecated-keyword', retired.message));
      return;
    }
    const places = this.schema.placesOf(keyword);
    if (places.length > 0) {
      const names = [...new Set(places.map((p) => (p.length === 0 ? 'the top level' : p[p.length - 1])))];
      this.diagnostics.push(diagnostic(at, 'misplaced-keyword', `'${keyword}' is not valid ${where}; it belongs in ${names.slice(0, 4).join(', ')}`));
      return;
    }
    const suggestion = this.schema.suggest(keyword, parent);
    const hint = suggestion ? `; did you mean '${suggestion}'?` : '';
    this.diagnostics.push(diagnostic(at, 'unknown-keyword', `unknown keyword '${printable(keyword)}' ${where}${hint}`));
  }
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Where parseClean is: the open blocks (node and spec id; none at the top level). */
class CleanState {
  readonly openNodes = new Int32Array(64);
  readonly openSpecs = new Int32Array(64);
  depth = 0;
  parent = -1;
  parentSpec: KeywordSpec | undefined = undefined;
  parentKind = KEYWORDS;
  /** First token of the logical line being read. */
  lineStart = 0;

  constructor(
    readonly syntax: Syntax,
    readonly tokens: TokenStore,
    readonly schema: Schema,
  ) {}
}

/**
 * The parse of a file without mistakes: every keyword known in its block, blocks opened and
 * closed where they should be. Returns undefined at the first thing that would need a
 * diagnostic or recovery (the full parser then reads the file), so its result is exactly the
 * full parser's. The work per statement is cleanStep, a small function called once per
 * statement, which V8 optimises soon (one big loop here waited for on-stack replacement).
 */
function parseClean(tokens: TokenStore, schema: Schema): Syntax | undefined {
  const state = new CleanState(new Syntax(tokens, schema, tokens.count >> 1), tokens, schema);
  const count = tokens.count;
  let t = 0;
  while (t < count) {
    t = cleanStep(state, t);
    if (t < 0) return undefined;
  }
  return state.depth === 0 ? state.syntax : undefined;
}

/** Reads the `}` or the statement (with its `{`) at token t; the next token, or -1 to give up. */
function cleanStep(state: CleanState, t: number): number {
  const tokens = state.tokens;
  const flags = tokens.flags;
  const syntax = state.syntax;
  const f = flags[t] as number;
  if (f & LINE_START) state.lineStart = t;
  if (f & CLOSE) {
    let depth = state.depth;
    if (depth === 0) return -1;
    const parent = state.parent;
    syntax.next[parent] = syntax.count;
    syntax.close[parent] = t;
    depth -= 1;
    state.depth = depth;
    const outer = depth > 0 ? (state.openNodes[depth - 1] as number) : -1;
    const specId = depth > 0 ? (state.openSpecs[depth - 1] as number) : -1;
    state.parent = outer;
    state.parentSpec = specId >= 0 ? state.schema.specs[specId] : undefined;
    state.parentKind = outer >= 0 ? (syntax.kind[outer] as number) : KEYWORDS;
    return t + 1;
  }
  if (f & OPEN) return -1;
  // A statement: up to the next brace or logical line.
  const count = tokens.count;
  let end = t + 1;
  while (end < count && ((flags[end] as number) & (LINE_START | OPEN | CLOSE)) === 0) end += 1;
  if (state.parentKind === VALUES) {
    syntax.add(t, end, VALUE, -1, state.parent);
    return end;
  }
  const word = tokens.word[t] as number;
  if (f & QUOTED || word < 0) return -1;
  const spec = state.schema.lookupWord(state.parentSpec, word);
  if (!spec) return -1;
  const opens = end < count && ((flags[end] as number) & OPEN) !== 0;
  const kind = spec.block === 'keywords' ? KEYWORDS : spec.block === 'values' ? VALUES : LEAF;
  if ((kind !== LEAF) !== opens) return -1;
  const node = syntax.add(t, end, kind, spec.id, state.parent);
  if (end > t + 1 && tokens.lineText.size > 0) {
    const lineText = tokens.lineText.get(state.lineStart);
    if (lineText !== undefined && QUOTING.test(lineText)) syntax.rawArgs.set(node, lineText.slice(tokens.offset(t + 1)));
  }
  if (kind === LEAF) return end;
  const depth = state.depth;
  if (depth === state.openNodes.length) return -1;
  state.openNodes[depth] = node;
  state.openSpecs[depth] = spec.id;
  state.depth = depth + 1;
  state.parent = node;
  state.parentSpec = spec;
  state.parentKind = kind;
  return end + 1;
}

export function parseTokens(tokens: TokenStore, schema: Schema): SyntaxTree {
  const clean = parseClean(tokens, schema);
  if (clean) return { syntax: clean, diagnostics: [] };
  const items = new Items(tokens);
  let parser = new Parser(items, tokens, schema);
  parser.parseTop();
  if (parser.unclosedAtEnd) {
    // One missing '}' swallows every later block; read again closing blocks at the next
    // top-level block keyword, which pins the mistake to the block that lacks its '}'.
    parser = new Parser(items, tokens, schema, true);
    parser.parseTop();
  }
  return { syntax: parser.syntax, diagnostics: parser.diagnostics };
}
