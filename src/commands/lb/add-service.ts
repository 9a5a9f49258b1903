import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { mergeServiceFlags, newService, normalizeArgv, serviceFlags, requireServiceKey, serviceOptionFlags } from '../../ipvs/flags.js';
import { serviceJson, type ServiceJson } from '../../ipvs/json.js';

export default class LbAddService extends BaseCommand {
  static override summary = 'Add a virtual service (ipvsadm -A).';
  static override description =
    'Adds a TCP, UDP or SCTP service (ADDR:PORT, IPv6 in brackets) or a firewall-mark service, with ipvsadm\'s defaults: ' +
    'scheduler wlc, not persistent; -p alone means a 360 s persistence timeout.';
  static override examples = [
    { command: '<%= config.bin %> lb add-service -t 10.0.0.1:80 -s rr', description: 'A round-robin TCP service.' },
    { command: '<%= config.bin %> lb add-service -u [2001:db8::1]:53 -s sh -b sh-fallback,sh-port', description: 'IPv6 UDP with source hashing.' },
    { command: '<%= config.bin %> lb add-service -f 7 -6 -p 600 -M 64', description: 'An IPv6 firewall-mark service, persistent per /64.' },
  ];
  static override flags = { ...serviceFlags, ...serviceOptionFlags };
  static override exitCodes = {
    [ExitCode.Exists]: 'the service already exists',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel (modprobe ip_vs), or no such scheduler module (ip_vs_NAME)',
    [ExitCode.Kernel]: 'the kernel refused the service',
  };

  async run(): Promise<ServiceJson> {
    const { flags } = await this.parse(LbAddService, normalizeArgv(this.argv, 'o', { '-p': '360', '--persistent': '360' }));
    const key = await requireServiceKey(flags);
    const service = mergeServiceFlags(newService(key), flags);
    await withIpvs((client) => client.apply({ op: 'add-service', service }));
    return serviceJson(service, []);
  }
}
