// The stable JSON contract: {"findings": [{file, line, column, severity, rule, message}]}.
import type { Finding } from '../types.js';

export interface JsonReport {
  findings: Finding[];
}

export function toJsonReport(findings: Finding[]): JsonReport {
  return {
    findings: findings.map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      severity: f.severity,
      rule: f.rule,
      message: f.message,
      ...(f.endLine === undefined ? {} : { endLine: f.endLine }),
    })),
  };
}

export function formatJson(findings: Finding[]): string {
  return JSON.stringify(toJsonReport(findings), null, 2);
}
