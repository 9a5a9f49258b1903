// SARIF 2.1.0 for code scanning (GitHub, GitLab): one run, the rules that fired, one result
// per finding with a physical location relative to the working directory when possible.
import path from 'node:path';
import type { Finding, Severity } from '../types.js';

/** What SARIF needs of a rule (file rules and cluster rules alike). */
export interface RuleDescription {
  id: string;
  severity: Severity;
  description: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function toSarif(findings: Finding[], rules: RuleDescription[], cwd: string, version: string): object {
  const used = [...new Set(findings.map((f) => f.rule))].sort();
  const index = new Map(used.map((id, i) => [id, i]));
  const uri = (file: string): string => {
    const relative = path.relative(cwd, file);
    return relative.startsWith('..') || path.isAbsolute(relative) ? `file://${file}` : relative.split(path.sep).join('/');
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'vipctl',
            version,
            rules: used.map((id) => {
              const rule = rules.find((r) => r.id === id);
              return {
                id,
                shortDescription: { text: rule?.description ?? id },
                // The rule's page ships in the package: docs/rules/<id>.md.
                help: { text: `${rule?.description ?? id} See docs/rules/${id}.md for a bad and a good example.` },
                defaultConfiguration: { level: LEVEL[rule?.severity ?? 'warning'] },
              };
            }),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file) }, region: { startLine: f.line, startColumn: f.column } } }],
        })),
      },
    ],
  };
}

export function formatSarif(findings: Finding[], rules: RuleDescription[], cwd: string, version: string): string {
  return JSON.stringify(toSarif(findings, rules, cwd, version), null, 2);
}
