import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { describeService } from '../../ipvs/describe.js';
import { normalizeArgv, requireServiceKey, serviceFlags } from '../../ipvs/flags.js';

export default class LbDeleteService extends BaseCommand {
  static override summary = 'Delete a virtual service and its real servers (ipvsadm -D).';
  static override examples = [{ command: '<%= config.bin %> lb delete-service -t 10.0.0.1:80', description: 'Remove the service.' }];
  static override flags = { ...serviceFlags };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such service',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<{ deleted: string }> {
    const { flags } = await this.parse(LbDeleteService, normalizeArgv(this.argv, ''));
    const key = await requireServiceKey(flags);
    await withIpvs((client) => client.apply({ op: 'delete-service', service: key }));
    return { deleted: describeService(key) };
  }
}
