// The linter's entry points: lint one file (for one config id), parse --rule overrides.
import { ExitCode, VipctlError } from '../errors.js';
import { loadConfig, type LoadedConfig } from '../keepalived/load.js';
import { CLUSTER_RULES } from './cluster.js';
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
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EPERM' || code === 'ENOTDIR') {
      throw new VipctlError(`cannot read ${file} (${code})`, {
        exitCode: ExitCode.Usage,
        hint: code === 'ENOENT' ? 'give the configuration file to check (keepalived -t would silently pass a missing file)' : 'check the path and permissions',
        cause: error,
      });
    }
    throw error;
  }
}

/** Loads and lints one file; an unreadable main file is a VipctlError with exit status 2. */
export function lintFile(file: string, options: LintFileOptions = {}): LintResult {
  const loaded = readConfigOrFail(file, options);
  const findings = lintLoaded(loaded, options.severities ? { severities: options.severities } : {});
  return { file: loaded.file, configId: loaded.config.configId, findings, loaded };
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
