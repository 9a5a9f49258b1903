import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import type { KeepalivedConfig } from '../../keepalived/model.js';
import { readConfigOrFail } from '../../lint/lint.js';

export default class ConfigDump extends BaseCommand {
  static override summary = 'Print the resolved keepalived configuration model as JSON.';
  static override description = [
    "Reads FILE as keepalived 2.2.7 does (includes expanded, @id lines chosen, $VARIABLES and ~SEQ substituted) and prints the typed model with keepalived's defaults applied: VRRP instances, sync groups, scripts, virtual servers and groups, real servers and checkers.",
    'Every object carries "at" (file, line, column). Problems in the file do not stop the dump; use "config lint" to see them.',
  ].join('\n\n');
  static override examples = [
    { command: '<%= config.bin %> config dump /etc/keepalived/keepalived.conf', description: 'The whole model.' },
    { command: '<%= config.bin %> config dump keepalived.conf -i lb2 | jq \'.vrrpInstances[].priority\'', description: 'Priorities as node lb2 sees them.' },
  ];
  static override args = {
    file: Args.string({ description: 'keepalived.conf to read', default: '/etc/keepalived/keepalived.conf' }),
  };
  static override exitCodes = {
    [ExitCode.Usage]: 'bad command line, or FILE cannot be read',
  };
  static override flags = {
    'config-id': Flags.string({ char: 'i', description: 'Config id for @id lines (keepalived -i); default: the host name up to its first dot.' }),
  };

  async run(): Promise<KeepalivedConfig> {
    const { args, flags } = await this.parse(ConfigDump);
    const loaded = readConfigOrFail(args.file, flags['config-id'] === undefined ? {} : { configId: flags['config-id'] });
    this.log(JSON.stringify(loaded.config, null, 2));
    return loaded.config;
  }
}
