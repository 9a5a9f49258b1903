// Interned words: every keyword of the schema (and the enumerated values) gets a small integer
// id once per process. The lexer hashes each token from its length and a few of its characters
// and finds the word without cutting a string out of the line, so the 150,000 keywords of a big
// file cost no allocation, and later stages compare integers instead of strings.

/** The word of each id. */
export const WORDS: string[] = [];
const hashes: number[] = [];
const byText = new Map<string, number>();
/** 1 for each ASCII character some word starts with. */
const starts = new Uint8Array(128);
/** Open addressing table: id + 1 per slot, 0 = empty. */
let table = new Int32Array(1024);
let mask = table.length - 1;

/**
 * Hash of text[start, end): its length and its first, middle and last characters. Constant time
 * per word (the lexer hashes every token it stores); words that share all four are told apart
 * by comparing their text.
 */
export function hashRange(text: string, start: number, end: number): number {
  const length = end - start;
  if (length <= 0) return 0;
  return (Math.imul(length, 0x9e3779b1) ^ Math.imul(text.charCodeAt(start), 0x85ebca6b) ^ Math.imul(text.charCodeAt(end - 1), 0xc2b2ae35) ^ Math.imul(text.charCodeAt((start + end) >> 1), 0x27d4eb2f)) | 0;
}

function hashOf(text: string): number {
  return hashRange(text, 0, text.length);
}

function insert(id: number, hash: number): void {
  let slot = hash & mask;
  while (table[slot] !== 0) slot = (slot + 1) & mask;
  table[slot] = id + 1;
}

/** The id of a word, assigned on first use. */
export function wordId(text: string): number {
  const known = byText.get(text);
  if (known !== undefined) return known;
  const id = WORDS.length;
  const hash = hashOf(text);
  WORDS.push(text);
  hashes.push(hash);
  const first = text.charCodeAt(0);
  if (first < 128) starts[first] = 1;
  byText.set(text, id);
  if (WORDS.length * 2 > table.length) {
    table = new Int32Array(table.length * 2);
    mask = table.length - 1;
    for (let i = 0; i < WORDS.length; i += 1) insert(i, hashes[i] as number);
  } else {
    insert(id, hash);
  }
  return id;
}

/**
 * False when no word starts with this character (most values: numbers, addresses), so a
 * lexer can skip the lookup. True for anything outside ASCII (not tracked).
 */
export function mayBeWord(firstCharacter: number): boolean {
  return firstCharacter >= 128 || starts[firstCharacter] === 1;
}

/** The id of a known word, or -1 (never assigns). */
export function findWord(text: string): number {
  return byText.get(text) ?? -1;
}

/** The id of the known word source[start, end) whose hash is `hash`, or -1. */
export function findWordAt(source: string, start: number, end: number, hash: number): number {
  let slot = hash & mask;
  const length = end - start;
  for (;;) {
    const entry = table[slot] as number;
    if (entry === 0) return -1;
    const id = entry - 1;
    if (hashes[id] === hash) {
      const word = WORDS[id] as string;
      if (word.length === length && source.startsWith(word, start)) return id;
    }
    slot = (slot + 1) & mask;
  }
}
