import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { readRestoreInput, restoreProgress, runRestore, type RestoreSummary } from '../../ipvs/tasks.js';

export type { RestoreSummary } from '../../ipvs/tasks.js';

export default class LbRestore extends BaseCommand {
  static override summary = 'Restore ipvsadm rules (ipvsadm -R), all or nothing.';
  static override description =
    'Reads rules in the ipvsadm -S / -R format (comments and blank lines allowed) from FILE or standard input. Every line ' +
    'is parsed and checked first, against the table as it will be at that line; any error names its line and nothing ' +
    'changes. The changes then go to the kernel in batches over one socket. If the kernel refuses one, everything this ' +
    'restore changed is undone, the line and the kernel\'s reason are reported, and the table is left as it was. ' +
    'Counters zeroed by -Z lines cannot be put back.';
  static override examples = [
    { command: '<%= config.bin %> lb restore /etc/ipvsadm.rules', description: 'Load a saved table.' },
    { command: 'ipvsadm -S -n | <%= config.bin %> lb restore', description: 'From standard input.' },
    { command: '<%= config.bin %> lb restore --dry-run rules.txt', description: 'Check the file and print the plan.' },
  ];
  static override args = { file: Args.string({ description: 'rules file, or - for standard input', default: '-', ignoreStdin: true }) };
  static override flags = {
    'dry-run': Flags.boolean({ summary: 'Check everything and print the changes, but change nothing.' }),
  };
  static override exitCodes = {
    [ExitCode.Failure]: 'the kernel refused a line; every change was undone',
    [ExitCode.NotFound]: 'a line names a service or real server that will not exist at that point',
    [ExitCode.Exists]: 'a line adds something that will already exist at that point',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<RestoreSummary> {
    const { flags, args } = await this.parse(LbRestore);
    const text = await readRestoreInput(args.file);
    return withIpvs((client) =>
      runRestore(client, text, {
        dryRun: flags['dry-run'],
        where: args.file === '-' ? 'stdin' : args.file,
        log: (line) => this.log(line),
        progress: (changes, apply) => restoreProgress(this.jsonEnabled(), changes, apply),
      }),
    );
  }
}
