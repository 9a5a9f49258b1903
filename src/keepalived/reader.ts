// The first stage of reading keepalived.conf, as keepalived 2.2.7 does it: physical lines
// (CRLF, byte-order mark, 1023-byte line limit), `@id` / `@^id` conditional lines, comments
// (`#` and `!` anywhere outside double quotes), `$NAME=VALUE` definitions (multi-line with a
// trailing backslash) and their substitution, the ~SEQ / ~SEQx / ~LST generators, `include`
// and its variants (globs and csh braces relative to the including file), and finally tokens
// with `{` and `}` split off. The result is a flat store of tokens (tokens.ts), each knowing
// its file, line and column. Nothing here throws on bad input: problems become diagnostics.
// Speed: almost every line of a real file is plain words and braces; such a line is scanned
// once, character by character, straight into the token store (lexPlainLines). Any line with
// something special ($, @, ~, quotes, templates, include, long or non-ASCII lines, a comment
// glued to a word) takes the general path below, which handles everything.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { diagnostic, type Diagnostic, type Position } from './diagnostics.js';
import { SourceFiles } from './sources.js';
import { CLOSE, LINE_START, OPEN, QUOTED, TokenStore, type Token } from './tokens.js';
import { findWordAt, hashRange, mayBeWord } from './words.js';

export type { Token } from './tokens.js';

/** keepalived reads with a 1024-byte buffer: a physical line of 1023 bytes or more is split. */
export const MAX_LINE_BYTES = 1023;
const MAX_INCLUDE_DEPTH = 32;
/** Guards against hostile input (an include of '*' that includes itself by fan-out, $X=$X$X). */
const MAX_FILES_READ = 1000;
const MAX_LOGICAL_LINES = 5_000_000;
const MAX_DEFINITION_LENGTH = 1 << 20;
/** Text put in place of an unrendered template so the structure around it stays intact. */
export const TEMPLATE_PLACEHOLDER = '\u0000template\u0000';


export interface ReadOptions {
  /** The `-i` config id for @id lines; defaults to the host name's first label. */
  configId?: string;
  /** Replaceable for tests and for linting content that is not on disk. */
  readFile?: (file: string) => Buffer;
}

export interface ReadResult {
  /** Every token of every logical line, in order. */
  tokens: TokenStore;
  diagnostics: Diagnostic[];
  /** Text of every file read, for showing source lines with findings. */
  sources: SourceFiles;
  /** Files read, in order (the main file first). */
  files: string[];
  /** Lines holding unrendered template text, per file (findings there are consequences). */
  templateLines: Map<string, Set<number>>;
  configId: string;
}

/** The id keepalived uses when -i is not given: the host name up to its first dot. */
export function defaultConfigId(): string {
  return os.hostname().split('.')[0] ?? '';
}

/** Cheap test for anything a template pattern could match (most lines have none). */
const TEMPLATE_HINT = /[{<]%|\{\{|\{#|@@|%%|__|\$\{|<[A-Z]/;
const INCLUDE_KEYWORDS = new Set(['include', 'includer', 'includem', 'includew', 'includeb', 'includea']);
const NAME = '[A-Za-z_][A-Za-z0-9_]*';
const DEFINITION = new RegExp(`^\\s*\\$(${NAME})\\s*=(.*)$`);
const GENERATOR = /^\s*~(SEQx?|LST)\(([^)]*)\)(.*)$/;
/** Template syntaxes that must be rendered before keepalived sees the file. */
const TEMPLATE_PATTERNS: { pattern: RegExp; name: string }[] = [
  { pattern: /\{\{.*?\}\}|\{\{/, name: 'Jinja/Go/Mustache {{ }}' },
  { pattern: /\{%.*?%\}|\{%/, name: 'Jinja {% %}' },
  { pattern: /\{#.*?#\}/, name: 'Jinja comment {# #}' },
  { pattern: /<%.*?%>|<%/, name: 'ERB/EJS <% %>' },
  { pattern: /@@[A-Za-z_][A-Za-z0-9_.]*@@/, name: '@@PLACEHOLDER@@' },
  { pattern: /%%[A-Za-z_][A-Za-z0-9_.]*%%/, name: '%%PLACEHOLDER%%' },
  { pattern: /__[A-Z][A-Z0-9_]*__/, name: '__PLACEHOLDER__' },
  { pattern: /<[A-Z][A-Z0-9_]*>/, name: '<PLACEHOLDER>' },
  // Shell parameter expansion (envsubst, docker entrypoints): never keepalived syntax.
  { pattern: /\$\{[A-Za-z_][A-Za-z0-9_]*[:?+=-][^}]*\}/, name: '${VAR:-default}' },
];

const QUOTING = /["'\\]/;

/** Character classes of the plain-line lexer (ASCII only; anything else is SPECIAL). */
const WORD = 0;
const SPACE = 1;
const BRACE = 2;
const COMMENT = 3;
/** Starts a template when followed by the right character: % _ <. */
const HINT = 4;
/** Needs the general path: $ @ ~ quotes, backslash, control characters, DEL. */
const SPECIAL = 5;
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c += 1) {
  if (c === 32 || (c >= 9 && c <= 13)) CHAR_CLASS[c] = SPACE;
  else if (c < 32 || c === 127) CHAR_CLASS[c] = SPECIAL;
}
CHAR_CLASS[123] = BRACE;
CHAR_CLASS[125] = BRACE;
CHAR_CLASS[35] = COMMENT;
CHAR_CLASS[33] = COMMENT;
for (const c of '%_<') CHAR_CLASS[c.charCodeAt(0)] = HINT;
for (const c of '$@~"\'\\') CHAR_CLASS[c.charCodeAt(0)] = SPECIAL;

class Reader {
  readonly tokens: TokenStore;
  /** Logical lines with at least one token (keepalived's limit guard counts these). */
  private logicalLines = 0;
  readonly diagnostics: Diagnostic[] = [];
  readonly sources = new SourceFiles();
  readonly files: string[] = [];
  private readonly definitions = new Map<string, string>();
  private readonly includeStack: string[] = [];
  private readonly templateFiles = new Set<string>();
  /** Lines holding unrendered template text, per file. */
  readonly templateLines = new Map<string, Set<number>>();
  private readonly readFile: ((file: string) => Buffer) | undefined;

  constructor(readonly configId: string, readFile?: (file: string) => Buffer) {
    this.readFile = readFile;
    this.tokens = new TokenStore();
  }

  /**
   * The text of a file, decoded as UTF-8 (invalid bytes become U+FFFD). Files on disk are read
   * straight into a string: no Buffer of the whole file is kept waiting for the garbage
   * collector (array buffers count towards V8's heap limits).
   */
  private readText(file: string): string {
    return this.readFile ? this.readFile(file).toString('utf8') : readFileSync(file, 'utf8');
  }

  readMain(file: string): void {
    this.readOne(path.resolve(file), undefined);
  }

  private readCount = 0;
  private limitReported = false;

  private limit(at: Position | undefined, what: string): void {
    if (this.limitReported || !at) return;
    this.limitReported = true;
    this.diagnostics.push(diagnostic(at, 'include-error', `${what}: the rest is not read`));
  }

  private readOne(file: string, includedAt: Position | undefined): boolean {
    if (this.readCount >= MAX_FILES_READ || this.logicalLines >= MAX_LOGICAL_LINES) {
      this.limit(includedAt, `more than ${MAX_FILES_READ} files or ${MAX_LOGICAL_LINES} lines read`);
      return false;
    }
    this.readCount += 1;
    if (this.includeStack.includes(file)) {
      if (includedAt) this.diagnostics.push(diagnostic(includedAt, 'include-error', `'${file}' includes itself (include loop); skipped`));
      return false;
    }
    if (this.includeStack.length >= MAX_INCLUDE_DEPTH) {
      if (includedAt) this.diagnostics.push(diagnostic(includedAt, 'include-error', `includes nested more than ${MAX_INCLUDE_DEPTH} deep; '${file}' skipped`));
      return false;
    }
    let text: string;
    try {
      text = this.readText(file);
    } catch (error) {
      if (includedAt) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        this.diagnostics.push(diagnostic(includedAt, 'include-error', `cannot read included file '${file}' (${code})`));
        return false;
      }
      throw error;
    }
    this.files.push(file);
    this.includeStack.push(file);
    try {
      this.readSource(file, text);
    } finally {
      this.includeStack.pop();
    }
    return true;
  }

  private readSource(file: string, decoded: string): void {
    let text = decoded;
    // U+FEFF first: the file starts with the bytes EF BB BF.
    if (text.charCodeAt(0) === 0xfeff) {
      // keepalived reads the BOM as part of the first keyword, which then is unknown.
      this.diagnostics.push(diagnostic({ file, line: 1, column: 1 }, 'byte-order-mark', 'the file starts with a UTF-8 byte-order mark: keepalived reads it as part of the first keyword; save the file without BOM'));
      text = text.slice(1);
    }
    this.sources.set(file, text);
    const fileIndex = this.tokens.fileIndex(file, text);
    // About one token per 8 characters: reserve once instead of growing many times.
    this.tokens.reserve(Math.ceil(text.length / 8));
    // Lines are cut one at a time (no array of every line): big files stay cheap.
    let position = 0;
    let index = -1;
    const nextLine = (): string | undefined => {
      if (position >= text.length) return undefined;
      let end = text.indexOf('\n', position);
      if (end < 0) end = text.length;
      let line = text.slice(position, end);
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      position = end + 1;
      index += 1;
      return line;
    };

    while (position < text.length) {
      // Plain lines first (no string is cut for a line, only for some tokens), then one line
      // by the general path.
      position = this.lexPlainLines(text, position, fileIndex, index + 2);
      index += this.plainLinesRead;
      if (position >= text.length) break;
      const physicalLine = nextLine() as string;
      const lineNumber = index + 1;
      let raw = physicalLine;
      // Nearly every line is short: no splitting, no array.
      if (raw.length * 3 < MAX_LINE_BYTES) {
        const definitionMatch = raw.includes('$') ? DEFINITION.exec(stripComment(raw).code) : null;
        if (!definitionMatch) {
          this.processLine(file, lineNumber, raw, 0);
          continue;
        }
      }
      const pieces = splitLongLine(raw);
      if (pieces.length > 1) {
        this.diagnostics.push(diagnostic({ file, line: lineNumber, column: MAX_LINE_BYTES + 1 }, 'line-too-long', `line is ${Buffer.byteLength(raw)} bytes: keepalived splits lines of ${MAX_LINE_BYTES} bytes or more, so the rest becomes a separate line`));
      }
      for (let p = 0; p < pieces.length; p += 1) {
        raw = pieces[p] ?? '';
        const columnBase = p === 0 ? 0 : MAX_LINE_BYTES * p;
        // A $NAME= definition continues over lines ending in a backslash.
        const definitionMatch = raw.includes('$') ? DEFINITION.exec(stripComment(raw).code) : null;
        if (definitionMatch) {
          const name = definitionMatch[1] ?? '';
          let value = (definitionMatch[2] ?? '').trim();
          const parts: string[] = [];
          while (value.endsWith('\\')) {
            const head = value.slice(0, -1).trim();
            if (head) parts.push(head);
            const continuation = nextLine();
            if (continuation === undefined) break;
            value = stripComment(continuation).code.trim();
          }
          if (value.endsWith('\\')) value = value.slice(0, -1).trim();
          if (value) parts.push(value);
          const definition = parts.map((part) => this.substitute(part)).join('\n');
          this.definitions.set(name, definition.length > MAX_DEFINITION_LENGTH ? definition.slice(0, MAX_DEFINITION_LENGTH) : definition);
          continue;
        }
        this.processLine(file, lineNumber, raw, columnBase);
      }
    }
  }

  private processLine(file: string, line: number, raw: string, columnBase: number): void {
    let text = raw;
    let column = columnBase;
    // @ID keeps the line only for that config id; @^ID only for every other id.
    const conditional = text.includes('@') ? /^(\s*)@(\^?)(\S+)\s?/.exec(text) : null;
    if (conditional) {
      const negated = conditional[2] === '^';
      const matches = conditional[3] === this.configId;
      if (matches === negated) return;
      column += conditional[0].length;
      text = text.slice(conditional[0].length);
    }
    // Templates first: `{# ... #}` contains a comment character, and `{{ x }}` braces must not
    // split the line. Template spans become one placeholder token.
    if (TEMPLATE_HINT.test(text)) text = this.neutraliseTemplates(file, line, column, text);
    const { code, commentAt } = stripComment(text);
    if (commentAt > 0 && /\S/.test(text[commentAt - 1] ?? '')) {
      const previous = text.slice(0, commentAt).trimStart();
      // Only a comment character glued to a value (auth_pass ab#cd) truncates something.
      if (previous.length > 0) {
        const character = text[commentAt];
        this.diagnostics.push(diagnostic({ file, line, column: column + commentAt + 1 }, 'comment-in-value', `'${character}' starts a comment even inside a word: the value is cut to '${lastWord(previous)}'; put the value in double quotes if '${character}' is part of it`));
      }
    }
    text = code;

    const generator = text.includes('~') ? GENERATOR.exec(text) : null;
    if (generator) {
      for (const expanded of this.expandGenerator(file, line, column, generator)) this.emit(file, line, column, expanded);
      return;
    }
    this.emit(file, line, column, text);
  }

  /**
   * Replaces every template span outside comments with a placeholder and reports the first
   * template of a file once. Undefined ${NAME} counts: keepalived would leave it verbatim.
   */
  private neutraliseTemplates(file: string, line: number, column: number, text: string): string {
    let result = text;
    for (let round = 0; round < 200; round += 1) {
      const commentAt = stripComment(result).commentAt;
      let earliest: { index: number; length: number; name: string } | undefined;
      for (const { pattern, name } of TEMPLATE_PATTERNS) {
        const match = pattern.exec(result);
        if (match && (!earliest || match.index < earliest.index)) earliest = { index: match.index, length: match[0].length, name };
      }
      const dollar = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
      for (let m = dollar.exec(result); m !== null; m = dollar.exec(result)) {
        const name = m[1] ?? '';
        if (this.definitions.has(name) || BUILTIN_NAMES.has(name)) continue;
        if (!earliest || m.index < earliest.index) earliest = { index: m.index, length: m[0].length, name: `\${${name}}` };
        break;
      }
      // A template inside a comment is harmless: keepalived never sees it.
      if (!earliest || earliest.length === 0 || (commentAt >= 0 && earliest.index > commentAt)) break;
      if (round === 0) this.reportTemplate(file, line, column + earliest.index + 1, earliest.name);
      result = result.slice(0, earliest.index) + TEMPLATE_PLACEHOLDER + result.slice(earliest.index + earliest.length);
    }
    return result;
  }

  private reportTemplate(file: string, line: number, column: number, name: string): void {
    const lines = this.templateLines.get(file) ?? new Set<number>();
    lines.add(line);
    this.templateLines.set(file, lines);
    if (this.templateFiles.has(file)) return;
    this.templateFiles.add(file);
    this.diagnostics.push(diagnostic({ file, line, column }, 'unrendered-template', `unrendered template (${name}): this file must be rendered before keepalived reads it; other findings in template lines are not reported`));
  }

  private expandGenerator(file: string, line: number, column: number, match: RegExpExecArray): string[] {
    const kind = match[1] ?? 'SEQ';
    const args = (match[2] ?? '').split(',').map((a) => this.substitute(a.trim()));
    const body = match[3] ?? '';
    const variable = args[0] ?? '';
    const at = { file, line, column: column + 1 };
    if (!new RegExp(`^${NAME}$`).test(variable)) {
      this.diagnostics.push(diagnostic(at, 'generator-syntax', `~${kind} needs a variable name as its first argument`));
      return [];
    }
    let values: string[];
    if (kind === 'LST') {
      values = args.slice(1);
    } else {
      const numbers = args.slice(1).map((a) => (/^-?\d+$/.test(a) ? Number(a) : Number.NaN));
      let startValue = 0;
      let step = 1;
      let end: number;
      if (numbers.length === 1) [end] = numbers as [number];
      else if (numbers.length === 2) [startValue, end] = numbers as [number, number];
      else if (numbers.length === 3) [startValue, step, end] = numbers as [number, number, number];
      else end = Number.NaN;
      if (![startValue, step, end].every(Number.isFinite) || step === 0) {
        this.diagnostics.push(diagnostic(at, 'generator-syntax', `~${kind}(var, [start, [step,]] end) needs whole numbers and a non-zero step`));
        return [];
      }
      values = [];
      for (let v = startValue; step > 0 ? v <= end : v >= end; v += step) {
        values.push(kind === 'SEQx' ? v.toString(16) : String(v));
        if (values.length > 100000) break;
      }
    }
    const saved = this.definitions.get(variable);
    const lines: string[] = [];
    for (const value of values) {
      this.definitions.set(variable, value);
      lines.push(this.substitute(body));
    }
    if (saved === undefined) this.definitions.delete(variable);
    else this.definitions.set(variable, saved);
    return lines;
  }

  /** Replaces $NAME and ${NAME} with their definitions; unknown names stay as written. */
  substitute(text: string): string {
    if (!text.includes('$')) return text;
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, braced?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      const value = this.definitions.get(name) ?? this.builtin(name);
      return value ?? whole;
    });
  }

  private builtin(name: string): string | undefined {
    if (name === '_PWD') return path.dirname(this.includeStack[this.includeStack.length - 1] ?? '.');
    if (name === '_INSTANCE') return this.configId;
    return undefined;
  }

  private emit(file: string, line: number, column: number, text: string): void {
    if (this.logicalLines >= MAX_LOGICAL_LINES) return;
    let substituted = this.substitute(text);
    if (substituted.length > MAX_DEFINITION_LENGTH) substituted = substituted.slice(0, MAX_DEFINITION_LENGTH);
    // A multi-line definition turns one line into several.
    if (!substituted.includes('\n')) {
      this.emitPart(file, line, column, substituted);
      return;
    }
    for (const part of substituted.split('\n')) this.emitPart(file, line, column, part);
  }

  private emitPart(file: string, line: number, column: number, part: string): void {
    // include lines are read before braces split anything: csh braces belong to the pattern.
    const includeMatch = part.includes('include') ? /^(\s*)(include[rmwba]?)(?=\s|$)/.exec(part) : null;
    if (includeMatch && INCLUDE_KEYWORDS.has(includeMatch[2] ?? '')) {
      const keyword: Token = { file, line, column: column + (includeMatch[1]?.length ?? 0) + 1, text: includeMatch[2] ?? 'include', quoted: false, offset: 0 };
      const rest = part.slice(includeMatch[0].length);
      const args = splitWords(rest).map((word) => ({ ...word, file, line, column: column + includeMatch[0].length + word.offset + 1 }));
      this.include(keyword, args);
      return;
    }
    const first = this.tokens.count;
    lexInto(this.tokens, part, this.tokens.fileIndex(file), line, column, this.diagnostics);
    if (this.tokens.count === first) return;
    this.logicalLines += 1;
    this.tokens.flags[first] = (this.tokens.flags[first] as number) | LINE_START;
    if (QUOTING.test(part)) this.tokens.lineText.set(first, part);
  }

  /** Physical lines lexPlainLines went through in its last call. */
  private plainLinesRead = 0;

  /**
   * Tokenises plain physical lines (words and braces, comments after a space) from text[position]
   * on, straight into the store, exactly as the general path would; stops at the first line that
   * needs the general path ($, @, ~, quotes, backslashes, template openers, non-ASCII or control
   * characters, an include, a comment glued to a word, a long line) and returns where that line
   * starts (or the end). The characters of a line are read by lexPlainLine: a small function
   * called once per line, which V8 optimises after a few hundred lines, where one big loop here
   * ran unoptimised for the first tenth of a big file waiting for its on-stack replacement.
   */
  private lexPlainLines(text: string, position: number, fileIndex: number, lineNumber: number): number {
    const store = this.tokens;
    const length = text.length;
    let lines = 0;
    while (position < length) {
      let end = text.indexOf('\n', position);
      if (end < 0) end = length;
      const next = end + 1;
      if (end > position && text.charCodeAt(end - 1) === 13) end -= 1;
      // Long lines are split by bytes; past the line limit only the general path knows what
      // still counts.
      if ((end - position) * 3 >= MAX_LINE_BYTES || this.logicalLines >= MAX_LOGICAL_LINES) break;
      const first = store.count;
      if (!lexPlainLine(store, text, position, end, fileIndex, lineNumber)) {
        // A line for the general path: drop what was stored of it.
        store.truncate(first);
        break;
      }
      if (store.count > first) {
        this.logicalLines += 1;
        store.flags[first] = (store.flags[first] as number) | LINE_START;
      }
      position = next;
      lineNumber += 1;
      lines += 1;
    }
    this.plainLinesRead = lines;
    return position;
  }

  private include(keyword: Token, args: Token[]): void {
    const pattern = args[0];
    if (!pattern) {
      this.diagnostics.push(diagnostic(keyword, 'missing-argument', `'${keyword.text}' needs a file name or pattern`));
      return;
    }
    const base = path.dirname(keyword.file);
    const matches: string[] = [];
    for (const alternative of expandBraces(pattern.text)) {
      const absolute = path.isAbsolute(alternative) ? alternative : path.join(base, alternative);
      matches.push(...globFiles(absolute));
    }
    if (matches.length === 0) {
      this.diagnostics.push(diagnostic(pattern, 'include-error', `'${keyword.text} ${pattern.text}' matches no file (keepalived -e fails; without -e it only logs "Config files missing")`));
      return;
    }
    for (const file of [...new Set(matches)]) this.readOne(file, pattern);
  }
}

/**
 * The tokens of one plain physical line text[position, end) into the store; false (tokens
 * partly stored) when the line needs the general path. A word's id is looked up only when its
 * first character can start a known word (wordStarts): most values (numbers, addresses) cannot.
 */
function lexPlainLine(store: TokenStore, text: string, position: number, end: number, fileIndex: number, lineNumber: number): boolean {
  const first = store.count;
  let i = position;
  while (i < end) {
    let c = text.charCodeAt(i);
    let kind = c < 128 ? (CHAR_CLASS[c] as number) : SPECIAL;
    if (kind === SPACE) {
      i += 1;
      continue;
    }
    if (kind === BRACE) {
      // {{ {% {# open templates.
      const after = text.charCodeAt(i + 1);
      if (c === 123 && (after === 123 || after === 37 || after === 35)) return false;
      store.pushPlain(fileIndex, lineNumber, i - position + 1, c === 123 ? OPEN : CLOSE, i, i + 1, -1);
      i += 1;
      continue;
    }
    if (kind === COMMENT) {
      // After a space (or first on the line) a comment ends the line; glued to a brace it
      // cuts a value (reported by the general path).
      return i === position || (CHAR_CLASS[text.charCodeAt(i - 1)] as number) === SPACE;
    }
    // A word: up to a space, brace or the end of the line.
    const wordStart = i;
    for (;;) {
      if (kind !== WORD) {
        if (kind !== HINT) break;
        // %% __ <% <X open templates.
        const after = text.charCodeAt(i + 1);
        if (c === 60 ? after === 37 || (after >= 65 && after <= 90) : after === c) return false;
      }
      i += 1;
      if (i >= end) break;
      c = text.charCodeAt(i);
      kind = c < 128 ? (CHAR_CLASS[c] as number) : SPECIAL;
    }
    // A comment character glued to the word, or anything special in it.
    if (i < end && kind !== SPACE && kind !== BRACE) return false;
    if (store.count === first && i - wordStart >= 7 && text.startsWith('include', wordStart)) return false;
    store.pushPlain(fileIndex, lineNumber, wordStart - position + 1, 0, wordStart, i, mayBeWord(text.charCodeAt(wordStart)) ? findWordAt(text, wordStart, i, hashRange(text, wordStart, i)) : -1);
  }
  return true;
}

const BUILTIN_NAMES = new Set(['_PWD', '_INSTANCE']);

function lastWord(text: string): string {
  const words = text.trim().split(/\s+/);
  return words[words.length - 1] ?? '';
}

/** Splits a physical line as keepalived's 1024-byte read buffer does. */
function splitLongLine(line: string): string[] {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short lines need no byte count.
  if (line.length * 3 < MAX_LINE_BYTES || Buffer.byteLength(line) < MAX_LINE_BYTES) return [line];
  const bytes = Buffer.from(line, 'utf8');
  const pieces: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += MAX_LINE_BYTES) pieces.push(bytes.subarray(offset, offset + MAX_LINE_BYTES).toString('utf8'));
  return pieces;
}

/** The line without its comment: `#` or `!` outside double quotes ends it. */
export function stripComment(line: string): { code: string; commentAt: number } {
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (!quoted && (c === 35 /* # */ || c === 33) /* ! */) return { code: line.slice(0, i), commentAt: i };
  }
  return { code: line, commentAt: -1 };
}

/** C isspace() as keepalived uses it: ASCII space, \t, \n, \v, \f, \r only (not U+FEFF, U+00A0). */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Splits a line into tokens: whitespace separates, a token starting with `"` runs to the next
 * `"` (quotes removed), and `{` / `}` outside quotes are tokens of their own.
 */
export function tokenize(text: string, file: string, line: number, columnBase: number, diagnostics?: Diagnostic[]): Token[] {
  const store = new TokenStore(16);
  lexInto(store, text, store.fileIndex(file, text), line, columnBase, diagnostics);
  const tokens: Token[] = [];
  for (let i = 0; i < store.count; i += 1) tokens.push(store.token(i));
  return tokens;
}

/** tokenize() into a token store (the reader's general path). */
function lexInto(tokens: TokenStore, text: string, fileIndex: number, line: number, columnBase: number, diagnostics?: Diagnostic[]): void {
  const file = tokens.files[fileIndex] as string;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      i += 1;
      continue;
    }
    const c = text[i] ?? '';
    const start = i;
    if (c === '{' || c === '}') {
      tokens.pushText(fileIndex, line, columnBase + i + 1, i, c === '{' ? OPEN : CLOSE, c);
      i += 1;
      continue;
    }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) {
        diagnostics?.push(diagnostic({ file, line, column: columnBase + i + 1 }, 'unterminated-quote', 'double quote is not closed on this line: the value runs to the end of the line'));
        tokens.pushText(fileIndex, line, columnBase + i + 1, start, QUOTED, text.slice(i + 1));
        break;
      }
      tokens.pushText(fileIndex, line, columnBase + i + 1, start, QUOTED, text.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    for (; i < text.length; i += 1) {
      const d = text.charCodeAt(i);
      if (isSpace(d) || d === 123 /* { */ || d === 125 /* } */) break;
    }
    tokens.pushText(fileIndex, line, columnBase + start + 1, start, 0, text.slice(start, i));
  }
}

/** Whitespace-separated words (double quotes group), braces kept inside words. */
function splitWords(text: string): { text: string; quoted: boolean; offset: number }[] {
  const words: { text: string; quoted: boolean; offset: number }[] = [];
  const pattern = /"([^"]*)"?|([^ \t\r\v\f]+)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) words.push({ text: match[1] ?? match[2] ?? '', quoted: match[1] !== undefined, offset: match.index });
  return words;
}

/** csh brace expansion: a{b,c}d -> abd acd (nested braces allowed). */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '{') {
      if (depth === 0) open = i;
      depth += 1;
    } else if (c === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0 && open >= 0) {
        const inner = pattern.slice(open + 1, i);
        const alternatives: string[] = [];
        let level = 0;
        let last = 0;
        for (let j = 0; j < inner.length; j += 1) {
          if (inner[j] === '{') level += 1;
          else if (inner[j] === '}') level -= 1;
          else if (inner[j] === ',' && level === 0) {
            alternatives.push(inner.slice(last, j));
            last = j + 1;
          }
        }
        alternatives.push(inner.slice(last));
        const prefix = pattern.slice(0, open);
        const suffix = pattern.slice(i + 1);
        return alternatives.flatMap((alt) => expandBraces(prefix + alt + suffix));
      }
    }
  }
  return [pattern];
}

/** Files matching a glob (`*`, `?`, `[...]` per path segment), sorted like glob(3). */
export function globFiles(pattern: string): string[] {
  const segments = pattern.split('/');
  let current: string[] = [pattern.startsWith('/') ? '/' : '.'];
  for (let s = pattern.startsWith('/') ? 1 : 0; s < segments.length; s += 1) {
    const segment = segments[s] ?? '';
    if (segment === '') continue;
    const next: string[] = [];
    if (!/[*?[]/.test(segment)) {
      for (const dir of current) next.push(path.join(dir, segment));
    } else {
      const isMatch = picomatch(segment, { dot: false, nobrace: true, noextglob: true });
      for (const dir of current) {
        let entries: string[];
        try {
          entries = readdirSync(dir);
        } catch {
          continue;
        }
        for (const entry of entries.sort()) if (isMatch(entry)) next.push(path.join(dir, entry));
      }
    }
    current = next;
  }
  return current.filter((file) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** Reads a configuration and everything it includes into tokens. */
export function readConfig(file: string, options: ReadOptions = {}): ReadResult {
  const reader = new Reader(options.configId ?? defaultConfigId(), options.readFile);
  reader.readMain(file);
  return {
    tokens: reader.tokens,
    diagnostics: reader.diagnostics,
    sources: reader.sources,
    files: reader.files,
    templateLines: reader.templateLines,
    configId: reader.configId,
  };
}
