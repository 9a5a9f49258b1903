import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { mergeServiceFlags, normalizeArgv, serviceFlags, requireServiceKey, serviceOptionFlags } from '../../ipvs/flags.js';
import { serviceJson, type ServiceJson } from '../../ipvs/json.js';

export default class LbEditService extends BaseCommand {
  static override summary = 'Change options of a virtual service, keeping the rest (ipvsadm -E, but merging).';
  static override description =
    'Reads the service from the kernel, changes only the options given, and writes it back. ' +
    '(ipvsadm -E replaces the whole service: options left out return to their defaults; `vipctl ipvsadm -E` keeps that behaviour.)';
  static override examples = [
    { command: '<%= config.bin %> lb edit-service -t 10.0.0.1:80 -s wrr', description: 'Switch the scheduler; persistence and flags stay.' },
    { command: '<%= config.bin %> lb edit-service -f 7 -p 900', description: 'Make a mark service persistent for 900 s.' },
  ];
  static override flags = { ...serviceFlags, ...serviceOptionFlags };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such service',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel (modprobe ip_vs), or no such scheduler module (ip_vs_NAME)',
    [ExitCode.Kernel]: 'the kernel refused the change',
  };

  async run(): Promise<ServiceJson> {
    const { flags } = await this.parse(LbEditService, normalizeArgv(this.argv, 'o', { '-p': '360', '--persistent': '360' }));
    const key = await requireServiceKey(flags);
    return withIpvs(async (client) => {
      const current = await client.service(key);
      const service = mergeServiceFlags(current, flags);
      await client.apply({ op: 'edit-service', service });
      return serviceJson(service, []);
    });
  }
}
