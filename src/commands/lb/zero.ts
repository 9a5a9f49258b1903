import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { describeService } from '../../ipvs/describe.js';
import { normalizeArgv, serviceFlags, serviceKeyFromFlags } from '../../ipvs/flags.js';

export default class LbZero extends BaseCommand {
  static override summary = 'Zero the counters of one service or of all (ipvsadm -Z).';
  static override examples = [
    { command: '<%= config.bin %> lb zero', description: 'Every counter.' },
    { command: '<%= config.bin %> lb zero -t 10.0.0.1:80', description: 'One service\'s counters.' },
  ];
  static override flags = { ...serviceFlags };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such service',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<{ zeroed: string }> {
    const { flags } = await this.parse(LbZero, normalizeArgv(this.argv, ''));
    const key = await serviceKeyFromFlags(flags, false);
    await withIpvs((client) => client.apply(key ? { op: 'zero', service: key } : { op: 'zero' }));
    return { zeroed: key ? describeService(key) : 'all' };
  }
}
