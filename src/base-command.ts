// The base of every vipctl command: --json through oclif's enableJsonFlag, --debug, and
// the one place where errors become a one-line message, a hint and an exit status.
import { Command, Flags } from '@oclif/core';
import { ExitCode } from './errors.js';
import { debugRequested, describeError, reportError } from './error-report.js';

/** Exit statuses every command can return; commands add their own in `exitCodes`. */
export const COMMON_EXIT_CODES: Record<number, string> = {
  [ExitCode.Ok]: 'success',
  [ExitCode.Usage]: 'bad command line or unreadable input; nothing was changed',
  [ExitCode.Internal]: 'internal error (a bug): run again with --debug and report the output',
};

// Error wording lives in error-report.ts (the direct routes of bin/run.js share it).
export { debugRequested, describeError, type DescribedError } from './error-report.js';

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    debug: Flags.boolean({
      description: 'Show stack traces and the kernel\'s raw error codes (also DEBUG=vipctl*).',
      helpGroup: 'GLOBAL',
    }),
  };

  /** Exit statuses this command documents, beyond COMMON_EXIT_CODES (shown in --help and man). */
  static exitCodes: Record<number, string> = {};

  protected override async catch(error: Error & { oclif?: { exit?: number } }): Promise<unknown> {
    // this.exit(n) is an ExitError: let oclif finish it.
    if (error.message?.startsWith('EEXIT:')) throw error;
    const debug = debugRequested(this.argv);
    if (!this.jsonEnabled()) {
      process.exitCode = reportError(error, debug);
      return undefined;
    }
    const described = describeError(error);
    const payload: Record<string, unknown> = { message: described.message, exitCode: described.exitCode };
    if (described.hint) payload.hint = described.hint;
    if (described.where) payload.where = described.where;
    if (described.detail) payload.detail = described.detail;
    this.logJson({ error: payload });
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = described.exitCode;
    return undefined;
  }
}
