// `vipctl config lint` from parsed flags to the text it prints and its exit status. The oclif
// command (src/commands/config/lint.ts) and the direct route of bin/run.js
// (src/direct/lint.ts) both run this, so the two cannot drift apart. Nothing here may
// import oclif.
import { ExitCode, type ExitCodeValue } from '../errors.js';
import { CLUSTER_RULES } from './cluster.js';
import { formatGithub } from './formatters/github.js';
import { formatJson, toJsonReport, type JsonReport } from './formatters/json.js';
import { formatSarif } from './formatters/sarif.js';
import { formatText } from './formatters/text.js';
import { lintRun, parseRuleOverrides } from './lint.js';
import { RULES } from './rules/index.js';

export const LINT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/** Where lint reads when no FILE is given: keepalived's own default. */
export const DEFAULT_CONFIG_FILE = '/etc/keepalived/keepalived.conf';

export interface LintCliOptions {
  files: string[];
  format: LintFormat;
  configIds: string[];
  cluster: boolean;
  maxWarnings?: number;
  rules: string[];
  keepalivedVersion: string;
  /** vipctl's version, for SARIF's tool description. */
  version: string;
}

export interface LintCliResult {
  /** What to print (without the final end of line); empty: nothing to print. */
  output: string;
  exitCode: ExitCodeValue;
  report: JsonReport;
}

/** Lints the files; throws VipctlError (exit status 2) for a bad --rule or an unreadable FILE. */
export function runLintCli(options: LintCliOptions): LintCliResult {
  const files = options.files.length > 0 ? options.files : [DEFAULT_CONFIG_FILE];
  const { findings, sources } = lintRun({
    files,
    configIds: options.configIds,
    cluster: options.cluster,
    keepalivedVersion: options.keepalivedVersion,
    severities: parseRuleOverrides(options.rules),
  });
  const cwd = process.cwd();
  let output: string;
  switch (options.format) {
    case 'json':
      output = formatJson(findings);
      break;
    case 'sarif':
      output = formatSarif(findings, [...RULES, ...CLUSTER_RULES], cwd, options.version);
      break;
    case 'github':
      output = formatGithub(findings, cwd);
      break;
    default: {
      // Colour only for a person at a terminal, and never against NO_COLOR.
      const color = Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
      output = formatText(findings, { color, sources, cwd });
    }
  }
  let errors = 0;
  let warnings = 0;
  for (const finding of findings) {
    if (finding.severity === 'error') errors++;
    else if (finding.severity === 'warning') warnings++;
  }
  const tooManyWarnings = options.maxWarnings !== undefined && warnings > options.maxWarnings;
  return { output, exitCode: errors > 0 || tooManyWarnings ? ExitCode.Failure : ExitCode.Ok, report: toJsonReport(findings) };
}
