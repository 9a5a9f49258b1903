// The reader's output: every token of every logical line in parallel typed arrays (file, line,
// column, flags, word id, where its text is). A 150,000-line file is a few flat arrays instead of
// hundreds of thousands of small objects, which is what made reading big files slow (allocation
// and garbage collection, not the scanning). The arrays are kept few and sized to the file:
// V8 counts array buffers towards its heap limits, and on a big file about 30 MB of them (with
// the heap) set off a full garbage collection in the middle of the lint (12-28 ms here).
//
// Texts are made on demand: a keyword is its interned word (words.ts), any other token of a
// plain line is cut from the file's text only when someone asks (most values are only checked,
// digit by digit, and never needed as strings). Tokens of lines the reader had to rewrite
// (substitutions, quotes, templates) keep their text in `rewritten`.
import type { Position } from './diagnostics.js';
import { findWord, hashRange, WORDS } from './words.js';

/** Written in double quotes. */
export const QUOTED = 1;
/** An unquoted `{`. */
export const OPEN = 2;
/** An unquoted `}`. */
export const CLOSE = 4;
/** The first token of a logical line. */
export const LINE_START = 8;

/** One token as an object, for the few places that want one (tests, the syntax tree on demand). */
export interface Token extends Position {
  text: string;
  /** Written in double quotes (so `{`, `}`, `#` and `!` inside were literal). */
  quoted: boolean;
  /** Offset of the token in its logical line's text, for values re-read with script quoting. */
  offset: number;
}

/**
 * Four decimal octets 0-255 without leading zeros (what ip-text.ts plainIPv4 and node:net
 * isIPv4 accept), matched from lastIndex on. Longer octets are tried first, so the match is as
 * long as the text allows.
 */
const DOTTED_QUAD = /(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)){3}/y;

/** Recently made texts by hash, so repeated values (3, 80, TCP) share one string. */
const TEXT_CACHE_SIZE = 1024;

export class TokenStore {
  count = 0;
  file: Uint16Array;
  line: Int32Array;
  column: Int32Array;
  flags: Uint8Array;
  /** Word id (words.ts) of the token's text, or -1. */
  word: Int32Array;
  /** Start and end of the text in the file's source text; start -1: the text is in `rewritten`. */
  start: Int32Array;
  end: Int32Array;
  /** The files tokens come from, by index, and their texts (what start/end point into). */
  readonly files: string[] = [];
  readonly sources: string[] = [];
  private readonly fileIndexes = new Map<string, number>();
  /** Texts of tokens the reader rewrote (start -1). */
  readonly rewritten = new Map<number, string>();
  /**
   * Offsets in their logical line's text of tokens the reader rewrote; a plain line's token is
   * at column - 1 (its line is the physical line).
   */
  private readonly rewrittenOffsets = new Map<number, number>();
  /**
   * Text of the logical lines that hold quotes or backslashes, by their first token: script
   * values are re-read from it with script quoting. Other lines need no text kept.
   */
  readonly lineText = new Map<number, string>();
  private readonly cache: string[] = new Array<string>(TEXT_CACHE_SIZE).fill('');
  private readonly cacheHashes = new Int32Array(TEXT_CACHE_SIZE);

  constructor(capacity = 1024) {
    const size = Math.max(16, capacity);
    this.file = new Uint16Array(size);
    this.line = new Int32Array(size);
    this.column = new Int32Array(size);
    this.flags = new Uint8Array(size);
    this.word = new Int32Array(size);
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
  }

  /** Index of a file whose tokens point into `source`. */
  fileIndex(file: string, source = ''): number {
    let index = this.fileIndexes.get(file);
    if (index === undefined) {
      index = this.files.length;
      this.files.push(file);
      this.sources.push(source);
      this.fileIndexes.set(file, index);
    } else if (source) {
      // A file read twice (included twice) is the same text.
      this.sources[index] = source;
    }
    return index;
  }

  /** Makes room for `more` tokens (exactly that many when that is more than doubling). */
  reserve(more: number): void {
    const needed = this.count + more;
    if (needed <= this.line.length) return;
    const size = Math.max(needed, this.line.length * 2);
    const grow = <T extends Uint16Array | Int32Array | Uint8Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.file = grow(this.file, (n) => new Uint16Array(n));
    this.line = grow(this.line, (n) => new Int32Array(n));
    this.column = grow(this.column, (n) => new Int32Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.word = grow(this.word, (n) => new Int32Array(n));
    this.start = grow(this.start, (n) => new Int32Array(n));
    this.end = grow(this.end, (n) => new Int32Array(n));
  }

  /** Appends a token of a plain line: its text is source[start, end) of its file. */
  pushPlain(file: number, line: number, column: number, flags: number, start: number, end: number, word: number): void {
    if (this.count >= this.line.length) this.reserve(1);
    const i = this.count;
    this.file[i] = file;
    this.line[i] = line;
    this.column[i] = column;
    this.flags[i] = flags;
    this.word[i] = word;
    this.start[i] = start;
    this.end[i] = end;
    this.count = i + 1;
  }

  /** Appends a token whose text the reader made. */
  pushText(file: number, line: number, column: number, offset: number, flags: number, text: string): void {
    if (this.count >= this.line.length) this.reserve(1);
    const i = this.count;
    this.file[i] = file;
    this.line[i] = line;
    this.column[i] = column;
    this.flags[i] = flags;
    this.word[i] = findWord(text);
    this.start[i] = -1;
    this.end[i] = -1;
    this.rewritten.set(i, text);
    this.rewrittenOffsets.set(i, offset);
    this.count = i + 1;
  }

  /** Drops tokens from `count` on (a line the fast path gave up on). */
  truncate(count: number): void {
    for (let i = count; i < this.count; i += 1) {
      this.rewritten.delete(i);
      this.rewrittenOffsets.delete(i);
    }
    this.count = count;
  }

  text(i: number): string {
    const word = this.word[i] as number;
    if (word >= 0) return WORDS[word] as string;
    const start = this.start[i] as number;
    if (start < 0) return this.rewritten.get(i) ?? '';
    const end = this.end[i] as number;
    const source = this.sources[this.file[i] as number] as string;
    const hash = hashRange(source, start, end);
    const slot = hash & (TEXT_CACHE_SIZE - 1);
    const cached = this.cache[slot] as string;
    if (this.cacheHashes[slot] === hash && cached.length === end - start && source.startsWith(cached, start)) return cached;
    const text = source.slice(start, end);
    this.cache[slot] = text;
    this.cacheHashes[slot] = hash;
    return text;
  }

  /** words.ts hashRange of the token's text (equal texts, equal hashes). */
  textHash(i: number): number {
    const start = this.start[i] as number;
    if (start < 0) {
      const text = this.rewritten.get(i) ?? '';
      return hashRange(text, 0, text.length);
    }
    return hashRange(this.sources[this.file[i] as number] as string, start, this.end[i] as number);
  }

  /** Length of the token's text. */
  length(i: number): number {
    const start = this.start[i] as number;
    if (start >= 0) return (this.end[i] as number) - start;
    return this.text(i).length;
  }

  /** Offset of the token in its logical line's text (what lineText holds for its line). */
  offset(i: number): number {
    return (this.start[i] as number) >= 0 ? (this.column[i] as number) - 1 : (this.rewrittenOffsets.get(i) ?? 0);
  }

  /** Whether the text was rewritten by the reader (substitution, quotes, templates). */
  rewrittenText(i: number): boolean {
    return (this.start[i] as number) < 0;
  }

  /**
   * The value of a token made only of decimal digits (at most 15, so exact), or -1 for any other
   * text: the common case of a number checked without making a string.
   */
  digits(i: number): number {
    const start = this.start[i] as number;
    let text: string;
    let from: number;
    let to: number;
    if (start >= 0) {
      text = this.sources[this.file[i] as number] as string;
      from = start;
      to = this.end[i] as number;
    } else {
      text = this.rewritten.get(i) ?? '';
      from = 0;
      to = text.length;
    }
    if (to <= from || to - from > 15) return -1;
    let value = 0;
    for (let c = from; c < to; c += 1) {
      const code = text.charCodeAt(c) - 48;
      if (code < 0 || code > 9) return -1;
      value = value * 10 + code;
    }
    return value;
  }

  /**
   * True when the token is an IPv4 address as node:net isIPv4 accepts it (four decimal octets
   * 0-255, no leading zeros), checked on its characters; false means "not this simple form".
   */
  dottedQuad(i: number): boolean {
    const start = this.start[i] as number;
    if (start < 0) return false;
    const end = this.end[i] as number;
    if (end - start < 7 || end - start > 15) return false;
    // A sticky regular expression from the token's start: V8 runs it as machine code even
    // while the caller is still unoptimised, where a character loop costs a microsecond per
    // address (the model checks 18,000 of them in the bench file before V8 has optimised).
    // A plain token is followed by a space, brace, comment or line end, never a digit, so the
    // match reaches the token's end exactly when the whole token is a dotted quad.
    DOTTED_QUAD.lastIndex = start;
    return DOTTED_QUAD.test(this.sources[this.file[i] as number] as string) && DOTTED_QUAD.lastIndex === end;
  }

  position(i: number): Position {
    return { file: this.files[this.file[i] as number] as string, line: this.line[i] as number, column: this.column[i] as number };
  }

  token(i: number): Token {
    return {
      file: this.files[this.file[i] as number] as string,
      line: this.line[i] as number,
      column: this.column[i] as number,
      text: this.text(i),
      quoted: ((this.flags[i] as number) & QUOTED) !== 0,
      offset: this.offset(i),
    };
  }
}
