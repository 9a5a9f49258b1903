// The base of every vipctl command: --json through oclif's enableJsonFlag, --debug, and
// the one place where errors become a one-line message, a hint and an exit status.
import { Command, Flags } from '@oclif/core';
import { ExitCode, VipctlError, adviceFor, isSystemError, type ExitCodeValue } from './errors.js';
import { isNetlinkError } from './netlink/message.js';

/** Exit statuses every command can return; commands add their own in `exitCodes`. */
export const COMMON_EXIT_CODES: Record<number, string> = {
  [ExitCode.Ok]: 'success',
  [ExitCode.Usage]: 'bad command line or unreadable input; nothing was changed',
  [ExitCode.Internal]: 'internal error (a bug): run again with --debug and report the output',
};

export interface DescribedError {
  message: string;
  hint?: string;
  exitCode: ExitCodeValue;
  where?: string;
  /** errno code and kernel text, shown with --debug. */
  detail?: string;
}

/** Turns anything thrown into what the user sees. Exported for commands that report per item. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof VipctlError) {
    const described: DescribedError = { message: error.message, exitCode: error.exitCode };
    if (error.hint) described.hint = error.hint;
    if (error.where) described.where = error.where;
    const cause = error.cause;
    if (isSystemError(cause)) {
      described.detail = `${cause.code} (errno ${cause.errno}) from ${cause.syscall}`;
      if (isNetlinkError(cause) && cause.extendedMessage) described.detail += `; kernel says: ${cause.extendedMessage}`;
    }
    return described;
  }
  // oclif's own parsing errors (unknown flag, missing argument, bad option value).
  const oclif = (error as { oclif?: { exit?: number } } | undefined)?.oclif;
  if (error instanceof Error && oclif && typeof oclif.exit === 'number') {
    return {
      message: error.message.split('\n')[0] ?? error.message,
      hint: usageHint(error.message),
      exitCode: ExitCode.Usage,
    };
  }
  if (isSystemError(error)) {
    const advice = adviceFor(error);
    const described: DescribedError = { message: advice.message, exitCode: advice.exitCode, detail: error.message };
    if (advice.hint) described.hint = advice.hint;
    return described;
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: `internal error: ${message}`,
    hint: 'this is a bug in vipctl; run again with --debug and report the output',
    exitCode: ExitCode.Internal,
  };
}

function usageHint(message: string): string {
  const more = message.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim();
  if (!more) return 'see --help';
  return /--help/.test(more) ? more : `${more}; see --help`;
}

export function debugRequested(argv: string[]): boolean {
  return argv.includes('--debug') || /(^|,)\s*vipctl/.test(process.env.DEBUG ?? '');
}

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
    const described = describeError(error);
    const debug = debugRequested(this.argv);
    if (this.jsonEnabled()) {
      const payload: Record<string, unknown> = { message: described.message, exitCode: described.exitCode };
      if (described.hint) payload.hint = described.hint;
      if (described.where) payload.where = described.where;
      if (described.detail) payload.detail = described.detail;
      this.logJson({ error: payload });
    } else {
      const where = described.where ? `${described.where}: ` : '';
      process.stderr.write(`vipctl: ${where}${described.message}\n`);
      if (described.hint) process.stderr.write(`  hint: ${described.hint}\n`);
      if (debug && described.detail) process.stderr.write(`  detail: ${described.detail}\n`);
    }
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = described.exitCode;
    return undefined;
  }
}
