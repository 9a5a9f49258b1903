// What the kernel's IPVS refusals mean, per operation: one clear line, an exit status,
// and the original errno kept as the cause (BaseCommand shows it under --debug). The
// ipvsadm wording is kept separately for `vipctl ipvsadm`, whose output must match.
import { ExitCode, VipctlError, isSystemError, type ExitCodeValue } from '../errors.js';
import { isNetlinkError } from '../netlink/message.js';
import type { Change } from './client.js';
import { describeService, describeDestination } from './describe.js';

export type IpvsOperation = Change['op'] | 'list' | 'get-service';

/** ipvsadm 1.31's own message for an errno after an operation (its ipvs_strerror table). */
export function ipvsadmMessage(op: IpvsOperation, code: string): string {
  const specific: Record<string, Record<string, string>> = {
    'add-service': { EEXIST: 'Service already exists', ENOENT: 'Scheduler or persistence engine not found' },
    'edit-service': { ESRCH: 'No such service', ENOENT: 'Scheduler or persistence engine not found' },
    'delete-service': { ESRCH: 'No such service' },
    zero: { ESRCH: 'No such service' },
    'add-real': { ESRCH: 'Service not defined', EEXIST: 'Destination already exists' },
    'edit-real': { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
    'delete-real': { ESRCH: 'Service not defined', ENOENT: 'No such destination' },
    'start-daemon': { EEXIST: 'Daemon has already run' },
    'stop-daemon': { ESRCH: 'No daemon is running' },
    'get-service': { ESRCH: 'No such service' },
    list: { ESRCH: 'No such service' },
  };
  const generic: Record<string, string> = {
    EPERM: 'Permission denied (you must be root)',
    EINVAL: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
    ENOPROTOOPT: 'Protocol not available',
    ENOMEM: 'Memory allocation problem',
    EOPNOTSUPP: 'Operation not supported with IPv6',
    EAFNOSUPPORT: 'Operation not supported with specified address family',
    EMSGSIZE: 'Module is wrong version',
  };
  return specific[op]?.[code] ?? generic[code] ?? strerror(code);
}

// strerror(3) texts for the codes IPVS returns that the tables above do not cover.
function strerror(code: string): string {
  const texts: Record<string, string> = {
    ENOENT: 'No such file or directory',
    ESRCH: 'No such process',
    EEXIST: 'File exists',
    EBUSY: 'Device or resource busy',
    ENODEV: 'No such device',
    ENOBUFS: 'No buffer space available',
    ERANGE: 'Numerical result out of range',
    EADDRNOTAVAIL: 'Cannot assign requested address',
  };
  return texts[code] ?? code;
}

/** A VipctlError for a refused IPVS operation; anything that is not a system error passes through. */
export function ipvsError(op: IpvsOperation, error: unknown, change?: Change): unknown {
  if (error instanceof VipctlError || !isSystemError(error)) return error;
  const code = error.code;
  const what = subject(change);
  const make = (message: string, exitCode: ExitCodeValue, hint?: string): VipctlError =>
    new VipctlError(message, { exitCode, cause: error, ...(hint ? { hint } : {}) });
  if (code === 'EPERM' || code === 'EACCES') {
    return make('permission denied changing IPVS', ExitCode.Permission, 'run as root or with CAP_NET_ADMIN');
  }
  switch (op) {
    case 'add-service':
    case 'edit-service':
      if (code === 'EEXIST') return make(`${what} already exists`, ExitCode.Exists);
      if (code === 'ESRCH') return make(`${what} does not exist`, ExitCode.NotFound);
      if (code === 'ENOENT' && change && (change.op === 'add-service' || change.op === 'edit-service')) {
        const { scheduler, peName } = change.service;
        return make(
          `the kernel has no scheduler "${scheduler}"${peName ? ` or persistence engine "${peName}"` : ''} (module ip_vs_${scheduler}${peName ? ` / ip_vs_pe_${peName}` : ''})`,
          ExitCode.Unsupported,
          `load it with \`modprobe ip_vs_${scheduler}\`, or pick another scheduler`,
        );
      }
      break;
    case 'delete-service':
    case 'zero':
    case 'get-service':
      if (code === 'ESRCH') return make(`${what} does not exist`, ExitCode.NotFound);
      break;
    case 'add-real':
    case 'edit-real':
    case 'delete-real':
      if (code === 'ESRCH') {
        const service = change && 'service' in change && change.service ? describeService(change.service) : 'the service';
        return make(`${service} does not exist`, ExitCode.NotFound);
      }
      if (code === 'EEXIST') return make(`${what} already exists`, ExitCode.Exists);
      if (code === 'ENOENT') return make(`${what} does not exist`, ExitCode.NotFound);
      break;
    case 'start-daemon':
      if (code === 'EEXIST') return make('that sync daemon is already running', ExitCode.Exists);
      break;
    case 'stop-daemon':
      if (code === 'ESRCH') return make('no such sync daemon is running', ExitCode.NotFound);
      break;
    default:
      break;
  }
  const reason = isNetlinkError(error) && error.extendedMessage ? error.extendedMessage : ipvsadmMessage(op, code);
  return make(`the kernel refused to ${op.replace('-', ' ')}${what ? ` (${what})` : ''}: ${reason}`, ExitCode.Kernel);
}

function subject(change: Change | undefined): string {
  if (!change) return '';
  if (change.op === 'add-real' || change.op === 'edit-real' || change.op === 'delete-real') {
    return `real server ${describeDestination(change.destination)} of ${describeService(change.service)}`;
  }
  if ('service' in change && change.service) return describeService(change.service);
  return '';
}
