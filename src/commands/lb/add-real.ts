import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { defaultDestination } from '../../ipvs/ipvsadm-args.js';
import { mergeRealFlags, normalizeArgv, realAddressFromFlags, realFlags, requireServiceKey, serviceFlags } from '../../ipvs/flags.js';
import { destinationJson, type DestinationJson } from '../../ipvs/json.js';

export default class LbAddReal extends BaseCommand {
  static override summary = 'Add a real server to a virtual service (ipvsadm -a).';
  static override description =
    'Forwarding defaults to direct routing (-g) and the weight to 1, as in ipvsadm. Under direct routing and tunnelling the ' +
    'real server\'s port is the service\'s. A real server of the other address family needs tunnelling (-i).';
  static override examples = [
    { command: '<%= config.bin %> lb add-real -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3', description: 'A NAT real server with weight 3.' },
    { command: '<%= config.bin %> lb add-real -t 10.0.0.1:80 -r 10.0.1.2 -i --tun-type gue --tun-port 6080 --tun-csum', description: 'A GUE tunnel.' },
    { command: '<%= config.bin %> lb add-real -t 10.0.0.1:80 -r 10.0.1.3 -m -x 1000 -y 800', description: 'With connection thresholds.' },
  ];
  static override flags = { ...serviceFlags, ...realFlags };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such service',
    [ExitCode.Exists]: 'the real server is already there',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
    [ExitCode.Kernel]: 'the kernel refused the real server',
  };

  async run(): Promise<DestinationJson> {
    const { flags } = await this.parse(LbAddReal, normalizeArgv(this.argv, 'gim'));
    const service = await requireServiceKey(flags);
    const address = await realAddressFromFlags(flags, service);
    const destination = mergeRealFlags({ ...defaultDestination(), af: address.af, address: address.address, port: address.port }, flags, service);
    await withIpvs((client) => client.apply({ op: 'add-real', service, destination }));
    return destinationJson(destination);
  }
}
