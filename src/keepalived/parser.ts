// The second stage: logical lines -> a syntax tree, with the schema deciding (as keepalived
// does) which keywords a block knows and which of them open a block. Error recovery is at block
// boundaries: an unknown keyword followed by `{` skips its whole block with ONE diagnostic, where
// keepalived would read the inner lines in the enclosing block and close that block early.
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { TEMPLATE_PLACEHOLDER, type LogicalLine, type Token } from './reader.js';
import type { KeywordSpec, Schema } from './schema.js';

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

export interface SyntaxTree {
  nodes: ConfigNode[];
  diagnostics: Diagnostic[];
}

/** Leaves and value lines share one frozen empty list (150,000 lines, 150,000 fewer arrays). */
const NO_CHILDREN: ConfigNode[] = Object.freeze([]) as unknown as ConfigNode[];
const QUOTING = /["'\\]/;

type Item =
  | { type: 'stmt'; tokens: Token[]; line: LogicalLine }
  | { type: 'open'; token: Token; line: LogicalLine }
  | { type: 'close'; token: Token; line: LogicalLine };

/** Statements and braces in order: braces split lines, as in keepalived. */
function items(lines: LogicalLine[]): Item[] {
  const result: Item[] = [];
  for (const line of lines) {
    // Most lines hold no brace but a trailing '{' or none at all: no copying then.
    const tokens = line.tokens;
    const lastToken = tokens[tokens.length - 1];
    let braces = 0;
    for (const token of tokens) if (!token.quoted && (token.text === '{' || token.text === '}')) braces += 1;
    if (braces === 0) {
      result.push({ type: 'stmt', tokens, line });
      continue;
    }
    if (braces === 1 && lastToken && lastToken.text === '{' && !lastToken.quoted && tokens.length > 1) {
      result.push({ type: 'stmt', tokens: tokens.slice(0, -1), line }, { type: 'open', token: lastToken, line });
      continue;
    }
    let current: Token[] = [];
    for (const token of line.tokens) {
      if (!token.quoted && (token.text === '{' || token.text === '}')) {
        if (current.length > 0) result.push({ type: 'stmt', tokens: current, line });
        current = [];
        result.push({ type: token.text === '{' ? 'open' : 'close', token, line });
      } else {
        current.push(token);
      }
    }
    if (current.length > 0) result.push({ type: 'stmt', tokens: current, line });
  }
  return result;
}

class Parser {
  private index = 0;
  readonly diagnostics: Diagnostic[] = [];
  /** Problems after which keepalived mis-nests the rest of the top-level block. */
  private readonly cascading = new Set<Diagnostic>();

  private cascade(d: Diagnostic): void {
    this.diagnostics.push(d);
    this.cascading.add(d);
  }

  constructor(
    private readonly items: Item[],
    private readonly schema: Schema,
    /**
     * Second pass after a block was never closed: a top-level block keyword followed by '{'
     * (vrrp_instance, virtual_server, ...) met inside a block closes the open blocks, so a
     * single missing '}' gives a single finding instead of misplacing everything after it.
     */
    private readonly closeAtTopLevelBlocks = false,
  ) {}

  /** The keyword blocks being parsed, outermost first. */
  private readonly openBlocks: KeywordSpec[] = [];

  /** Set when a block reached the end of the input unclosed (worth a second pass). */
  unclosedAtEnd = false;
  private get lastLine(): number {
    const last = this.items[this.items.length - 1];
    return last ? lineOf(last) : 0;
  }

  parseTop(): ConfigNode[] {
    const nodes: ConfigNode[] = [];
    while (this.index < this.items.length) {
      const item = this.items[this.index] as Item;
      if (item.type === 'close') {
        this.diagnostics.push(diagnostic(item.token, 'unbalanced-braces', "'}' closes no block: there is an extra '}' or a missing '{'"));
        this.index += 1;
        continue;
      }
      const before = this.diagnostics.length;
      this.parseItem(undefined, nodes);
      // keepalived re-synchronises only at the top level: a brace or block mistake confuses it
      // up to the end of this top-level statement. Record that span on the cause.
      const lastItem = this.items[this.index - 1];
      const endLine = lastItem ? (lastItem.type === 'stmt' ? lastItem.tokens[lastItem.tokens.length - 1]?.line : lastItem.token.line) : undefined;
      for (let d = before; d < this.diagnostics.length; d += 1) {
        const found = this.diagnostics[d] as Diagnostic;
        if (this.cascading.has(found) && endLine !== undefined && endLine > found.line && found.file === lastItem?.line.file) found.endLine = endLine;
      }
    }
    return nodes;
  }

  /** Parses the inside of a keywords block up to its `}`; returns where it closed. */
  private parseBlockBody(parent: KeywordSpec, open: Token, into: ConfigNode[]): Position | undefined {
    this.openBlocks.push(parent);
    try {
      return this.parseBlockBodyInner(parent, open, into);
    } finally {
      this.openBlocks.pop();
    }
  }

  private parseBlockBodyInner(parent: KeywordSpec, open: Token, into: ConfigNode[]): Position | undefined {
    while (this.index < this.items.length) {
      const item = this.items[this.index] as Item;
      if (item.type === 'close') {
        this.index += 1;
        return item.token;
      }
      if (this.closeAtTopLevelBlocks && this.belongsOutside(parent, item)) {
        const d = diagnostic(open, 'unbalanced-braces', `'${parent.keyword}' block opened here is not closed before line ${lineOf(item)}: a '}' is missing`);
        // keepalived reads the rest of the file inside this block: the whole rest is its cascade.
        if (this.lastLine > d.line) d.endLine = this.lastLine;
        this.diagnostics.push(d);
        return undefined;
      }
      this.parseItem(parent, into);
    }
    this.unclosedAtEnd = true;
    this.cascade(diagnostic(open, 'unbalanced-braces', `'${parent.keyword}' block opened here is never closed: a '}' is missing`));
    return undefined;
  }

  /**
   * A statement not valid in this block that belongs to a block still open around it, or
   * that starts a top-level block: the sign of a '}' missing before it.
   */
  private belongsOutside(parent: KeywordSpec, item: Item): boolean {
    if (item.type !== 'stmt') return false;
    const keyword = item.tokens[0];
    if (!keyword || keyword.quoted || parent.children.has(keyword.text)) return false;
    const enclosing = this.openBlocks.slice(0, -1);
    if (enclosing.some((block) => block.children.has(keyword.text))) return true;
    const top = this.schema.lookup(undefined, keyword.text);
    return Boolean(top?.block) && this.items[this.index + 1]?.type === 'open';
  }

  private parseValueBody(owner: ConfigNode, open: Token): Position | undefined {
    while (this.index < this.items.length) {
      const item = this.items[this.index] as Item;
      this.index += 1;
      if (item.type === 'close') return item.token;
      if (item.type === 'open') {
        this.cascade(diagnostic(item.token, 'unexpected-brace', `'{' inside the value block '${owner.keyword}': value blocks do not nest; the nested block is skipped`));
        this.skipBlock();
        continue;
      }
      const first = item.tokens[0];
      if (!first) continue;
      owner.children.push({ file: first.file, line: first.line, column: first.column, keyword: first.text, args: item.tokens.slice(1), kind: 'value', children: NO_CHILDREN, spec: undefined });
    }
    this.cascade(diagnostic(open, 'unbalanced-braces', `'${owner.keyword}' block opened here is never closed: a '}' is missing`));
    return undefined;
  }

  /** Skips a `{ ... }` whose `{` was just consumed, nested braces included. */
  private skipBlock(): void {
    let depth = 1;
    while (this.index < this.items.length && depth > 0) {
      const item = this.items[this.index] as Item;
      if (item.type === 'open') depth += 1;
      else if (item.type === 'close') depth -= 1;
      this.index += 1;
    }
  }

  private nextIsOpen(): Item | undefined {
    const next = this.items[this.index];
    return next && next.type === 'open' ? next : undefined;
  }

  private parseItem(parent: KeywordSpec | undefined, into: ConfigNode[]): void {
    const item = this.items[this.index] as Item;
    this.index += 1;
    if (item.type === 'open') {
      this.cascade(diagnostic(item.token, 'unexpected-brace', "'{' opens no block here (keepalived: \"Unexpected '{' - ignoring\"); the block is skipped"));
      this.skipBlock();
      return;
    }
    if (item.type === 'close') return;
    const keywordToken = item.tokens[0];
    if (!keywordToken) return;
    const args = item.tokens.slice(1);
    const keyword = keywordToken.text;
    if (keyword.includes(TEMPLATE_PLACEHOLDER)) {
      // An unrendered template line ({% for %}, {{ key }} value): reported once by the reader.
      if (this.nextIsOpen()) {
        this.index += 1;
        this.skipBlock();
      }
      return;
    }
    const spec = keywordToken.quoted ? undefined : this.schema.lookup(parent, keyword);
    const at: Position = { file: keywordToken.file, line: keywordToken.line, column: keywordToken.column };
    if (!spec) {
      this.unknownKeyword(parent, keywordToken);
      if (this.nextIsOpen()) {
        const last = this.diagnostics[this.diagnostics.length - 1];
        if (last) this.cascading.add(last);
        this.index += 1;
        this.skipBlock();
      }
      return;
    }
    const node: ConfigNode = { file: at.file, line: at.line, column: at.column, keyword, args, kind: spec.block ?? 'leaf', children: spec.block ? [] : NO_CHILDREN, spec };
    const firstArg = args[0];
    if (firstArg && QUOTING.test(item.line.text)) node.rawArgs = item.line.text.slice(firstArg.offset);
    into.push(node);
    if (!spec.block) {
      const open = this.nextIsOpen();
      if (open && open.type === 'open') {
        this.cascade(diagnostic(open.token, 'unexpected-brace', `'${keyword}' takes no block (keepalived: "Unexpected '{' - ignoring"); the block is skipped`));
        this.index += 1;
        this.skipBlock();
      }
      return;
    }
    const open = this.nextIsOpen();
    if (!open || open.type !== 'open') {
      this.cascade(diagnostic(at, 'missing-brace', `'${keyword}' must be followed by '{'`));
      // Recover as if the '{' were there when what follows belongs inside this block.
      const next = this.items[this.index];
      const nextKeyword = next?.type === 'stmt' ? next.tokens[0] : undefined;
      const belongsInside = nextKeyword !== undefined && (spec.block === 'values' || spec.children.has(nextKeyword.text)) && !this.schema.lookup(parent, nextKeyword.text);
      if (!belongsInside) return;
      const end = spec.block === 'values' ? this.parseValueBody(node, keywordToken) : this.parseBlockBody(spec, keywordToken, node.children);
      if (end) node.end = { file: end.file, line: end.line, column: end.column };
      return;
    }
    this.index += 1;
    const end = spec.block === 'values' ? this.parseValueBody(node, open.token) : this.parseBlockBody(spec, open.token, node.children);
    if (end) node.end = { file: end.file, line: end.line, column: end.column };
  }

  private unknownKeyword(parent: KeywordSpec | undefined, token: Token): void {
    const keyword = token.text;
    const where = parent ? `in ${parent.keyword}` : 'at the top level';
    const retired = this.schema.retiredKeyword(keyword, parent);
    if (retired) {
      this.diagnostics.push(diagnostic(token, retired.status === 'removed' ? 'removed-keyword' : 'deprecated-keyword', retired.message));
      return;
    }
    const places = this.schema.placesOf(keyword);
    if (places.length > 0) {
      const names = [...new Set(places.map((p) => (p.length === 0 ? 'the top level' : p[p.length - 1])))];
      this.diagnostics.push(diagnostic(token, 'misplaced-keyword', `'${keyword}' is not valid ${where}; it belongs in ${names.slice(0, 4).join(', ')}`));
      return;
    }
    const suggestion = this.schema.suggest(keyword, parent);
    const hint = suggestion ? `; did you mean '${suggestion}'?` : '';
    this.diagnostics.push(diagnostic(token, 'unknown-keyword', `unknown keyword '${printable(keyword)}' ${where}${hint}`));
  }
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function lineOf(item: Item): number {
  return item.type === 'stmt' ? (item.tokens[0]?.line ?? 0) : item.token.line;
}

export function parseLines(lines: LogicalLine[], schema: Schema): SyntaxTree {
  const list = items(lines);
  let parser = new Parser(list, schema);
  let nodes = parser.parseTop();
  if (parser.unclosedAtEnd) {
    // One missing '}' swallows every later block; read again closing blocks at the next
    // top-level block keyword, which pins the mistake to the block that lacks its '}'.
    parser = new Parser(list, schema, true);
    nodes = parser.parseTop();
  }
  return { nodes, diagnostics: parser.diagnostics };
}
