// Script values as keepalived reads them (notify scripts, vrrp_script, misc_path, quorum_up):
// the words it execs without a shell, and the user and group that may follow.
import type { ScriptCommand, SourceRef } from './model.js';
import type { ConfigNode } from './parser.js';
import { hasTemplate } from './validate.js';

export function ref(node: { file: string; line: number; column: number; end?: { line: number } }): SourceRef {
  const at: SourceRef = { file: node.file, line: node.line, column: node.column };
  if (node.end && node.end.line > node.line) at.endLine = node.end.line;
  return at;
}

/**
 * Splits a script value into words the way keepalived does for script keywords (it execs the
 * command without a shell): single and double quotes group, backslash escapes the next character.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i += 1) {
    const c = command[i] ?? '';
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) current += command[++i];
      else current += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/**
 * Words of a script value with script quoting: '...' and "..." group, a backslash escapes the
 * next character. Each word says whether it was (wholly) quoted.
 */
function scriptWords(text: string): { word: string; quoted: boolean }[] {
  const words: { word: string; quoted: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[ \t]/.test(text[i] ?? '')) i += 1;
    if (i >= text.length) break;
    const startsQuoted = text[i] === '"' || text[i] === "'";
    let word = '';
    let quote: string | undefined;
    for (; i < text.length; i += 1) {
      const c = text[i] ?? '';
      if (quote) {
        if (c === quote) quote = undefined;
        else word += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && i + 1 < text.length) word += text[++i];
      else if (c === ' ' || c === '\t') break;
      else word += c;
    }
    words.push({ word, quoted: startsQuoted });
  }
  return words;
}

/**
 * A script value: `"cmd args" [user [group]]`, `'cmd args' [user [group]]` or `cmd [user [group]]`
 * (notify scripts, quorum_up/down); with takesUser false (script, misc_path) every word is
 * part of the command.
 */
export function scriptOf(node: ConfigNode | undefined, takesUser = true): ScriptCommand | undefined {
  if (!node || node.args.length === 0 || hasTemplate(node.args)) return undefined;
  const first = node.args[0];
  if (!first) return undefined;
  // Re-read the rest of the line with script quoting (the tokenizer knows only double quotes).
  const rest = node.rawArgs ?? node.args.map((a) => a.text).join(' ');
  const words = scriptWords(rest);
  const head = words[0];
  if (!head) return undefined;
  let command: string;
  let argv: string[];
  let extra: string[];
  if (takesUser) {
    command = head.word;
    argv = head.quoted ? splitCommand(head.word) : [head.word];
    extra = words.slice(1).map((w) => w.word);
  } else {
    command = words.length === 1 ? head.word : rest.trim();
    argv = words.length === 1 && head.quoted ? splitCommand(head.word) : words.map((w) => w.word);
    extra = [];
  }
  const script: ScriptCommand = { command, argv, at: ref(first) };
  if (extra[0] !== undefined) script.user = extra[0];
  if (extra[1] !== undefined) script.group = extra[1];
  return script;
}
