import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { availableVersions, DEFAULT_KEEPALIVED_VERSION } from '../../keepalived/schema.js';
import { LINT_FORMATS, runLintCli, type LintFormat } from '../../lint/cli-run.js';
import type { JsonReport } from '../../lint/formatters/json.js';

export default class ConfigLint extends BaseCommand {
  static override summary = 'Check keepalived.conf files for what keepalived -t catches and what it lets through.';
  static override description = [
    "Reads each FILE exactly as keepalived 2.2.7 does (includes, @id lines, $VARIABLES, ~SEQ) and reports syntax and value errors, misplaced and unknown keywords with a did-you-mean, and real defects keepalived accepts silently: priority 255 on a BACKUP, '#' cutting a password, one VIP in two instances, a virtual_server without protocol (UDP!), HTTP_GET without url, undefined track_script, unrendered templates. One mistake gives one finding, not keepalived's cascade.",
    'With --cluster, the files (or one file under several --config-id values) are the nodes of one cluster and every VRID is compared across them: VIPs, advert_int, version, authentication, priorities, one MASTER, unicast peers.',
    'Suppress a finding with a comment: "# vipctl-lint-disable RULE" on the line before (or at the end of the line), "# vipctl-lint-disable-file RULE" anywhere for the whole file. Rule ids and examples: docs/rules/.',
    'Output: text like a compiler (colour only on a terminal, never with NO_COLOR), or --format json ({"findings": [{file, line, column, severity, rule, message}]}), sarif (2.1.0) or github (workflow annotations).',
  ].join('\n\n');
  static override examples = [
    { command: '<%= config.bin %> config lint', description: 'Check /etc/keepalived/keepalived.conf.' },
    { command: '<%= config.bin %> config lint lb1.conf lb2.conf --format github', description: 'Annotations for a GitHub Actions run.' },
    { command: '<%= config.bin %> config lint --cluster master.conf backup.conf', description: 'Find split-brain mismatches between nodes.' },
    { command: '<%= config.bin %> config lint keepalived.conf --cluster --config-id lb1 --config-id lb2', description: 'One templated file, two nodes.' },
    { command: '<%= config.bin %> config lint --rule unused-vrrp-script=off --max-warnings 0 keepalived.conf', description: 'Fail on any warning, ignoring one rule.' },
  ];
  static override strict = false;
  static override usage = 'config lint [FILE...] [FLAGS]';
  static override exitCodes = {
    [ExitCode.Failure]: 'findings at error level, or more warnings than --max-warnings',
    [ExitCode.Usage]: 'bad command line, or a FILE that cannot be read (keepalived -t would exit 0)',
  };
  static override flags = {
    format: Flags.string({ char: 'f', description: 'Output format.', options: [...LINT_FORMATS], default: 'text' }),
    'config-id': Flags.string({ char: 'i', description: 'Config id for @id lines (keepalived -i); default: the host name up to its first dot. Repeat with --cluster to evaluate one file as several nodes.', multiple: true, multipleNonGreedy: true }),
    cluster: Flags.boolean({ description: 'Treat the files (or the --config-id values) as the nodes of one VRRP cluster and compare them.' }),
    'max-warnings': Flags.integer({ description: 'Exit 1 when there are more warnings than this (default: no limit).', min: 0 }),
    rule: Flags.string({ description: 'Set a rule\'s severity: ID=error|warning|info|off (repeatable).', multiple: true, multipleNonGreedy: true }),
    'keepalived-version': Flags.string({ description: 'keepalived version whose keyword schema to check against.', options: availableVersions(), default: DEFAULT_KEEPALIVED_VERSION }),
  };

  async run(): Promise<JsonReport> {
    const { flags, argv } = await this.parse(ConfigLint);
    const { output, exitCode, report } = runLintCli({
      files: argv as string[],
      format: flags.format as LintFormat,
      configIds: flags['config-id'] ?? [],
      cluster: flags.cluster,
      ...(flags['max-warnings'] === undefined ? {} : { maxWarnings: flags['max-warnings'] }),
      rules: flags.rule ?? [],
      keepalivedVersion: flags['keepalived-version'],
      version: this.config.version,
    });
    if (!this.jsonEnabled() && output) this.log(output);
    if (exitCode !== ExitCode.Ok) process.exitCode = exitCode;
    return report;
  }
}
