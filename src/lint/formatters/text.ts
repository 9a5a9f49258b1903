// Compiler-style text: `file:line:col: severity: message [rule]`, the source line and a caret.
// Colour only when the caller says so (a TTY without NO_COLOR).
import { Chalk } from 'chalk';
import type { SourceFiles } from '../../keepalived/sources.js';
import type { Finding } from '../types.js';

export interface TextOptions {
  color: boolean;
  sources: SourceFiles;
  /** Shown instead of absolute paths when set (paths are made relative to it). */
  cwd?: string;
}

export function displayPath(file: string, cwd: string | undefined): string {
  if (!cwd) return file;
  return file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
}

export function formatText(findings: Finding[], options: TextOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint = { error: chalk.red.bold, warning: chalk.yellow.bold, info: chalk.cyan.bold };
  const out: string[] = [];
  for (const f of findings) {
    const where = chalk.bold(`${displayPath(f.file, options.cwd)}:${f.line}:${f.column}:`);
    out.push(`${where} ${paint[f.severity](`${f.severity}:`)} ${f.message} ${chalk.dim(`[${f.rule}]`)}`);
    const source = options.sources.line(f.file, f.line);
    if (source !== undefined) {
      const shown = source.replace(/\t/g, ' ');
      out.push(`  ${shown}`);
      out.push(`  ${' '.repeat(Math.max(0, Math.min(f.column - 1, shown.length)))}${paint[f.severity]('^')}`);
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const infos = findings.length - errors - warnings;
  if (findings.length > 0) {
    const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
    out.push(`${plural(findings.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos ? `, ${infos} info` : ''})`);
  }
  return out.join('\n');
}
