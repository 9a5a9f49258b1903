// What a user sees when a command fails: one line, a hint, an exit status. BaseCommand uses
// this for every oclif command, and the direct routes of bin/run.js (which start without
// oclif) use it too, so both say the same thing. Nothing here may import oclif.
import { ExitCode, VipctlError, adviceFor, isSystemError, type ExitCodeValue } from './errors.js';
import { isNetlinkError } from './netlink/message.js';

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

/** Writes the error to stderr as text (message, hint, and with debug its detail and stack); returns its exit status. */
export function reportError(error: unknown, debug: boolean): ExitCodeValue {
  const described = describeError(error);
  const where = described.where ? `${described.where}: ` : '';
  process.stderr.write(`vipctl: ${where}${described.message}\n`);
  if (described.hint) process.stderr.write(`  hint: ${described.hint}\n`);
  if (debug && described.detail) process.stderr.write(`  detail: ${described.detail}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return described.exitCode;
}
