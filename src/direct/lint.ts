// Direct route for `vipctl config lint`: CI runs it on every change, and oclif's start-up
// (loading and setting up the framework, reading the manifest) was a fifth of a lint of a
// 150,000-line file. bin/run.js offers `vipctl config ...` command lines here first. Only
// the flags below, spelt `--flag VALUE`, `--flag=VALUE` or `-f VALUE`, each non-repeatable
// flag once and every value valid, are taken; anything else (--help, --json, --debug, an
// unknown flag, a bad value, `--`, a FILE starting with '-') returns false and oclif parses
// it, with its own messages. The work is src/lint/cli-run.ts, which the oclif command runs
// too, and errors are worded by src/error-report.ts. Nothing here may import oclif.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportError } from '../error-report.js';
import { availableVersions, DEFAULT_KEEPALIVED_VERSION } from '../keepalived/schema.js';
import { LINT_FORMATS, runLintCli, type LintFormat } from '../lint/cli-run.js';

interface FlagSpec {
  name: string;
  takesValue: boolean;
  multiple?: boolean;
  /** False when oclif would refuse the value (it then words the error). */
  valid?: (value: string) => boolean;
}

const FLAGS: FlagSpec[] = [
  { name: 'format', takesValue: true, valid: (value) => (LINT_FORMATS as readonly string[]).includes(value) },
  { name: 'config-id', takesValue: true, multiple: true },
  { name: 'cluster', takesValue: false },
  // oclif's integer flag: digits only, and at least 0 here.
  { name: 'max-warnings', takesValue: true, valid: (value) => /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) },
  { name: 'rule', takesValue: true, multiple: true },
  { name: 'keepalived-version', takesValue: true, valid: (value) => availableVersions().includes(value) },
];
const SHORT: Record<string, string> = { '-f': 'format', '-i': 'config-id' };

interface LintCommandLine {
  files: string[];
  values: Map<string, string[]>;
}

/** The command line in the grammar above, or undefined for oclif to parse. */
export function parseLintCommandLine(args: string[]): LintCommandLine | undefined {
  const files: string[] = [];
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-')) {
      files.push(arg);
      continue;
    }
    let name: string;
    let value: string | undefined;
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      if (equals >= 0) value = arg.slice(equals + 1);
    } else {
      const long = SHORT[arg];
      if (long === undefined) return undefined;
      name = long;
    }
    const spec = FLAGS.find((flag) => flag.name === name);
    if (!spec) return undefined;
    if (spec.takesValue && value === undefined) {
      const next = args[i + 1];
      // A missing value, or one that looks like a flag: oclif's message.
      if (next === undefined || next.startsWith('-')) return undefined;
      value = next;
      i++;
    }
    if (!spec.takesValue && value !== undefined) return undefined;
    const seen = values.get(name) ?? [];
    if (seen.length > 0 && !spec.multiple) return undefined;
    if (value !== undefined && spec.valid && !spec.valid(value)) return undefined;
    seen.push(value ?? '');
    values.set(name, seen);
  }
  return { files, values };
}

/**
 * vipctl's version from its package.json (only SARIF output needs it), found upwards from
 * this module: dist/src/direct/ when compiled, dist/cli/ or dist/cli/chunks/ when bundled.
 */
function packageVersion(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = path.join(directory, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
    directory = path.dirname(directory);
  }
  return '0.0.0';
}

/** Runs `vipctl config lint ARGS...` when the command line is in the grammar; false: let oclif run it. */
export async function runDirectLint(args: string[]): Promise<boolean> {
  const line = parseLintCommandLine(args);
  if (!line) return false;
  const one = (name: string): string | undefined => line.values.get(name)?.[0];
  const format = (one('format') ?? 'text') as LintFormat;
  const maxWarnings = one('max-warnings');
  try {
    const { output, exitCode } = runLintCli({
      files: line.files,
      format,
      configIds: line.values.get('config-id') ?? [],
      cluster: line.values.has('cluster'),
      ...(maxWarnings === undefined ? {} : { maxWarnings: Number(maxWarnings) }),
      rules: line.values.get('rule') ?? [],
      keepalivedVersion: one('keepalived-version') ?? DEFAULT_KEEPALIVED_VERSION,
      version: format === 'sarif' ? packageVersion() : '',
    });
    if (output) process.stdout.write(`${output}\n`);
    if (exitCode !== 0) process.exitCode = exitCode;
  } catch (error) {
    process.exitCode = reportError(error, false);
  }
  return true;
}
