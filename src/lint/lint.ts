// The linter's entry points: lint one file (for one config id), parse --rule overrides.
import { ExitCode, VipctlError, cannotReadError } from '../errors.js';
import { loadConfig, type LoadedConfig } from '../keepalived/load.js';
import { SourceFiles } from '../keepalived/sources.js';
import { CLUSTER_RULES, lintCluster } from './cluster.js';
import { lintLoaded, ruleById, type SeverityOverride } from './engine.js';
import type { Finding } from './types.js';

export interface LintFileOptions {
  configId?: string;
  keepalivedVersion?: string;
  severities?: Record<string, SeverityOverride>;
}

export interface LintResult {
  file: string;
  configId: string;
  findings: Finding[];
  loaded: LoadedConfig;
}

/** Loads one file; an unreadable main file is a VipctlError with exit status 2. */
export function readConfigOrFail(file: string, options: Omit<LintFileOptions, 'severities'> = {}): LoadedConfig {
  try {
    return loadConfig(file, {
      ...(options.configId === undefined ? {} : { configId: options.configId }),
      ...(options.keepalivedVersion === undefined ? {} : { keepalivedVersion: options.keepalivedVersion }),
    });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw cannotReadError(file, error, missing ? 'give the configuration file to check (keepalived -t would silently pass a missing file)' : undefined);
  }
}

/** Loads and lints one file; an unreadable main file is a VipctlError with exit status 2. */
export function lintFile(file: string, options: LintFileOptions = {}): LintResult {
  const loaded = readConfigOrFail(file, options);
  const findings = lintLoaded(loaded, options.severities ? { severities: options.severities } : {});
  return { file: loaded.file, configId: loaded.config.configId, findings, loaded };
}

export interface LintRunOptions {
  files: string[];
  /** Config ids to read every file with (none: keepalived's default, the host name). */
  configIds: string[];
  /** Compare the files (or the config ids) as the nodes of one cluster. */
  cluster: boolean;
  keepalivedVersion?: string;
  severities?: Record<string, SeverityOverride>;
}

export interface LintRunResult {
  /** Every finding once, file findings first, then cluster findings. */
  findings: Finding[];
  /** Text of every file read, for showing source lines. */
  sources: SourceFiles;
}

/** What `vipctl config lint` does: lint every file (for every config id), then the cluster. */
export function lintRun(options: LintRunOptions): LintRunResult {
  if (options.configIds.length > 1 && !options.cluster) {
    throw new VipctlError('several --config-id values need --cluster', { exitCode: ExitCode.Usage, hint: 'without --cluster give at most one --config-id' });
  }
  const ids: (string | undefined)[] = options.configIds.length > 0 ? options.configIds : [undefined];
  if (options.cluster && options.files.length * ids.length < 2) {
    throw new VipctlError('--cluster needs at least two nodes', { exitCode: ExitCode.Usage, hint: 'give two or more files, or one file with two or more --config-id values' });
  }
  const runs: LintResult[] = [];
  const sources = new SourceFiles();
  for (const file of options.files) {
    for (const configId of ids) {
      const result = lintFile(file, {
        ...(configId === undefined ? {} : { configId }),
        ...(options.keepalivedVersion === undefined ? {} : { keepalivedVersion: options.keepalivedVersion }),
        ...(options.severities === undefined ? {} : { severities: options.severities }),
      });
      runs.push(result);
      sources.merge(result.loaded.sources);
    }
  }
  // The same file under two config ids (or included twice) reports a shared line once.
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const run of runs) {
    for (const f of run.findings) {
      const key = `${f.file}:${f.line}:${f.column}:${f.rule}:${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  if (options.cluster) {
    const nodes = runs.map((r) => ({ name: ids.length > 1 ? `${r.file} (id ${r.configId})` : r.file, config: r.loaded.config }));
    findings.push(...lintCluster(nodes, options.severities ?? {}));
  }
  return { findings, sources };
}

/** Parses `--rule ID=SEVERITY` flags (severity: error, warning, info, off). */
export function parseRuleOverrides(values: string[]): Record<string, SeverityOverride> {
  const result: Record<string, SeverityOverride> = {};
  for (const value of values) {
    const match = /^([a-z0-9-]+)=(error|warning|info|off)$/.exec(value.trim());
    if (!match) throw new VipctlError(`--rule ${value}: expected ID=error|warning|info|off`, { exitCode: ExitCode.Usage, hint: 'for example --rule unused-vrrp-script=off' });
    const id = match[1] as string;
    if (!ruleById(id) && !CLUSTER_RULES.some((rule) => rule.id === id)) throw new VipctlError(`--rule ${value}: no rule '${id}'`, { exitCode: ExitCode.Usage, hint: 'the rule ids are listed in docs/rules/' });
    result[id] = match[2] as SeverityOverride;
  }
  return result;
}
