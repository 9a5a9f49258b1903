import { readFile } from 'node:fs/promises';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { applyBulkRestore, compileBulkRestore } from '../../ipvs/bulk-restore.js';
import { applyRestore, planRestore, type RestoreResult } from '../../ipvs/restore.js';

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new VipctlError(`cannot read ${file}`, { exitCode: ExitCode.Usage, cause: error });
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface RestoreSummary {
  applied: number;
  dryRun: boolean;
  plan?: Array<{ line: number; op: string; rule: string }>;
}

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
    const text = await readInput(args.file);
    const where = args.file === '-' ? 'stdin' : args.file;
    return withIpvs(async (client) => {
      const table = await client.snapshot(false);
      // Files of saved add lines (the big ones) take the quick way; the rest, and --dry-run, the planner.
      const bulk = flags['dry-run'] ? undefined : compileBulkRestore(text, table, client.genl.family);
      let result: RestoreResult;
      if (bulk) {
        result = await this.withProgress(bulk.lines.length, (onProgress) => applyBulkRestore(client, bulk, { onProgress }));
      } else {
        const plan = await planRestore(text, { table, timeouts: await client.timeouts(), daemons: await client.daemons() });
        if (plan.errors.length > 0) {
          const first = plan.errors[0] as (typeof plan.errors)[number];
          if (plan.errors.length === 1) {
            throw new VipctlError(first.message, { where: `${where}:${first.line}`, exitCode: first.exitCode, hint: 'nothing was changed' });
          }
          // Every bad line, in order, then one summary (the first error's status).
          for (const error of plan.errors.slice(0, 20)) process.stderr.write(`vipctl: ${where}:${error.line}: ${error.message}\n`);
          if (plan.errors.length > 20) process.stderr.write(`vipctl: ... and ${plan.errors.length - 20} more\n`);
          throw new VipctlError(`${plan.errors.length} lines of ${where} have errors`, { exitCode: first.exitCode, hint: 'nothing was changed' });
        }
        if (flags['dry-run']) {
          for (const change of plan.changes) this.log(`${where}:${change.line}: ${change.change.op} ${change.text}`);
          return { applied: 0, dryRun: true, plan: plan.changes.map((c) => ({ line: c.line, op: c.change.op, rule: c.text })) };
        }
        result = await this.withProgress(plan.changes.length, (onProgress) => applyRestore(client, plan.changes, { onProgress }));
      }
      if (result.refused) {
        for (const failure of result.undoFailures) process.stderr.write(`vipctl: undo failed: ${failure}\n`);
        throw new VipctlError(`the kernel refused this line: ${result.refused.text}: ${result.refused.error.message}`, {
          where: `${where}:${result.refused.line}`,
          exitCode: ExitCode.Failure,
          cause: result.refused.error.cause,
          hint:
            result.undoFailures.length === 0
              ? 'every change of this restore was undone; the table is as it was'
              : 'some changes could not be undone (see above); check the table',
        });
      }
      return { applied: result.applied, dryRun: false };
    });
  }

  /** A spinner on a terminal for big restores (not under --json). */
  private async withProgress(changes: number, apply: (onProgress: ((done: number, total: number) => void) | undefined) => Promise<RestoreResult>): Promise<RestoreResult> {
    const spinner = process.stderr.isTTY && !this.jsonEnabled() && changes > 500 ? (await import('ora')).default({ stream: process.stderr }) : undefined;
    spinner?.start(`restoring ${changes} changes`);
    return apply(spinner ? (done, total) => (spinner.text = `restoring: ${done}/${total} changes`) : undefined).finally(() => spinner?.stop());
  }
}
