// GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding.
import path from 'node:path';
import type { Finding } from '../types.js';

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(findings: Finding[], cwd: string): string {
  return findings
    .map((f) => {
      const relative = path.relative(cwd, f.file);
      const file = relative.startsWith('..') ? f.file : relative;
      return `::${COMMAND[f.severity]} file=${escapeProperty(file)},line=${f.line},col=${f.column},title=${escapeProperty(f.rule)}::${escapeData(`${f.message} [${f.rule}]`)}`;
    })
    .join('\n');
}
