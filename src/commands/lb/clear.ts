import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';

export default class LbClear extends BaseCommand {
  static override summary = 'Delete every virtual service and real server (ipvsadm -C).';
  static override examples = [{ command: '<%= config.bin %> lb clear', description: 'Empty the table.' }];
  static override exitCodes = {
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<{ cleared: true }> {
    await this.parse(LbClear);
    await withIpvs((client) => client.apply({ op: 'flush' }));
    return { cleared: true };
  }
}
