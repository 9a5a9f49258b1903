// One error type for everything a user can cause or meet, and the exit statuses vipctl
// documents. Commands throw these; the base command turns them into one line, a hint and
// an exit status. Anything else that escapes is a bug and says so.

/** Exit statuses (documented in vipctl(1) and each command's --help). */
export const ExitCode = {
  Ok: 0,
  /** The command ran and found problems (lint errors, a split brain, a refused restore). */
  Failure: 1,
  /** Bad command line or unreadable input: nothing was changed. */
  Usage: 2,
  /** The thing named (service, real server, interface, instance) does not exist. */
  NotFound: 3,
  /** The thing to add is already there. */
  Exists: 4,
  /** Not permitted: needs root or CAP_NET_ADMIN / CAP_NET_RAW. */
  Permission: 5,
  /** The kernel lacks what is needed (no IPVS module, no such scheduler). */
  Unsupported: 6,
  /** The kernel refused the request for another reason. */
  Kernel: 7,
  /** A bug in vipctl: please report it with --debug output. */
  Internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface VipctlErrorOptions {
  hint?: string;
  exitCode?: ExitCodeValue;
  cause?: unknown;
  /** Where the problem is: "file:line" or a flag name, shown before the message. */
  where?: string;
}

export class VipctlError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: ExitCodeValue;
  readonly where: string | undefined;

  constructor(message: string, options: VipctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VipctlError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Failure;
    this.where = options.where;
  }
}

/** A system error as Node and the addon shape them: errno (negative), code, syscall. */
export interface SystemErrorLike extends Error {
  errno: number;
  code: string;
  syscall: string;
}

export function isSystemError(error: unknown): error is SystemErrorLike {
  return (
    error instanceof Error &&
    typeof (error as Partial<SystemErrorLike>).code === 'string' &&
    typeof (error as Partial<SystemErrorLike>).errno === 'number'
  );
}

/** Builds an Error shaped like Node's system errors, for errno values the kernel returns in messages. */
export function systemError(errno: number, syscall: string, detail?: string): SystemErrorLike {
  const positive = Math.abs(errno);
  const code = errnoName(positive);
  const text = errnoText(positive);
  const error = new Error(`${code}: ${text}, ${syscall}${detail ? ` (${detail})` : ''}`) as SystemErrorLike;
  error.errno = -positive;
  error.code = code;
  error.syscall = syscall;
  return error;
}

// Linux errno numbers (asm-generic/errno-base.h, errno.h) for the codes netlink replies carry.
const ERRNO_NAMES: Record<number, [string, string]> = {
  1: ['EPERM', 'operation not permitted'],
  2: ['ENOENT', 'no such file or directory'],
  3: ['ESRCH', 'no such process'],
  4: ['EINTR', 'interrupted system call'],
  5: ['EIO', 'i/o error'],
  6: ['ENXIO', 'no such device or address'],
  7: ['E2BIG', 'argument list too long'],
  9: ['EBADF', 'bad file descriptor'],
  11: ['EAGAIN', 'resource temporarily unavailable'],
  12: ['ENOMEM', 'not enough memory'],
  13: ['EACCES', 'permission denied'],
  14: ['EFAULT', 'bad address'],
  16: ['EBUSY', 'resource busy or locked'],
  17: ['EEXIST', 'file already exists'],
  19: ['ENODEV', 'no such device'],
  22: ['EINVAL', 'invalid argument'],
  28: ['ENOSPC', 'no space left on device'],
  34: ['ERANGE', 'result too large'],
  61: ['ENODATA', 'no data available'],
  71: ['EPROTO', 'protocol error'],
  75: ['EOVERFLOW', 'value too large for defined data type'],
  90: ['EMSGSIZE', 'message too long'],
  92: ['ENOPROTOOPT', 'protocol not available'],
  93: ['EPROTONOSUPPORT', 'protocol not supported'],
  95: ['EOPNOTSUPP', 'operation not supported on socket'],
  97: ['EAFNOSUPPORT', 'address family not supported'],
  98: ['EADDRINUSE', 'address already in use'],
  99: ['EADDRNOTAVAIL', 'address not available'],
  100: ['ENETDOWN', 'network is down'],
  101: ['ENETUNREACH', 'network is unreachable'],
  105: ['ENOBUFS', 'no buffer space available'],
  110: ['ETIMEDOUT', 'connection timed out'],
  113: ['EHOSTUNREACH', 'host is unreachable'],
  114: ['EALREADY', 'connection already in progress'],
  115: ['EINPROGRESS', 'operation in progress'],
  524: ['ENOTSUPP', 'operation not supported'],
};

export function errnoName(errno: number): string {
  return ERRNO_NAMES[Math.abs(errno)]?.[0] ?? `E${Math.abs(errno)}`;
}

function errnoText(errno: number): string {
  return ERRNO_NAMES[Math.abs(errno)]?.[1] ?? `error ${errno}`;
}

/**
 * Advice for a system error a user can fix: the single table that turns codes into hints.
 * Domain code adds its own context (which family, which object) before this is used.
 */
export function adviceFor(error: SystemErrorLike): { message: string; hint?: string; exitCode: ExitCodeValue } {
  switch (error.code) {
    case 'EPERM':
    case 'EACCES':
      return {
        message: `permission denied (${error.syscall})`,
        hint: 'run as root, or give the program CAP_NET_ADMIN (and CAP_NET_RAW for raw sockets)',
        exitCode: ExitCode.Permission,
      };
    case 'EPROTONOSUPPORT':
    case 'EAFNOSUPPORT':
      return { message: `the kernel does not support this socket type (${error.syscall})`, exitCode: ExitCode.Unsupported };
    case 'ENODEV':
      return { message: 'no such network interface', exitCode: ExitCode.NotFound };
    default:
      return { message: error.message, exitCode: ExitCode.Kernel };
  }
}

/** Plain words for the errors of opening or reading a file that a user causes and can mend. */
const FILE_ERROR_WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
};

/**
 * The one error for an input file that cannot be read (exit status 2): "cannot read FILE: no
 * such file (ENOENT)", with a hint (by default one for the cause). An error without a system
 * error code is not the file's but a bug: it is given back unchanged, for the caller to rethrow.
 */
export function cannotReadError(file: string, error: unknown, hint?: string): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return error;
  const words = FILE_ERROR_WORDS[code] ?? (error as Error).message;
  const defaultHint = code === 'EACCES' || code === 'EPERM' ? 'check the permissions (or run as root)' : code in FILE_ERROR_WORDS ? 'check the path' : undefined;
  const options: VipctlErrorOptions = { exitCode: ExitCode.Usage, cause: error };
  if (hint ?? defaultHint) options.hint = hint ?? defaultHint;
  return new VipctlError(`cannot read ${file}: ${words} (${code})`, options);
}
