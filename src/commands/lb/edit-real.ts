import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { describeDestination, describeService } from '../../ipvs/describe.js';
import { mergeRealFlags, normalizeArgv, realAddressFromFlags, realFlags, requireServiceKey, serviceFlags } from '../../ipvs/flags.js';
import { destinationJson, type DestinationJson } from '../../ipvs/json.js';

export default class LbEditReal extends BaseCommand {
  static override summary = 'Change options of a real server, keeping the rest (ipvsadm -e, but merging).';
  static override description =
    'Reads the real server from the kernel, changes only the options given (weight, thresholds, forwarding, tunnel), and ' +
    'writes it back. Without a port in -r, the real server is found by address alone when that is unambiguous.';
  static override examples = [
    { command: '<%= config.bin %> lb edit-real -t 10.0.0.1:80 -r 10.0.1.1:8080 -w 0', description: 'Drain a real server; thresholds and method stay.' },
  ];
  static override flags = { ...serviceFlags, ...realFlags };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such service or real server',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
    [ExitCode.Kernel]: 'the kernel refused the change',
  };

  async run(): Promise<DestinationJson> {
    const { flags } = await this.parse(LbEditReal, normalizeArgv(this.argv, 'gim'));
    const service = await requireServiceKey(flags);
    const address = await realAddressFromFlags(flags, service);
    return withIpvs(async (client) => {
      const current = await client.destinations(await client.service(service));
      const sameHost = current.filter((d) => d.af === address.af && d.address === address.address);
      const exact = sameHost.find((d) => d.port === address.port);
      const found = exact ?? (!address.portGiven && sameHost.length === 1 ? sameHost[0] : undefined);
      if (!found) {
        throw new VipctlError(`real server ${describeDestination(address)} of ${describeService(service)} does not exist`, {
          exitCode: ExitCode.NotFound,
          ...(sameHost.length > 1 ? { hint: 'several real servers have that address: give the port' } : {}),
        });
      }
      const destination = mergeRealFlags(found, flags, service);
      await client.apply({ op: 'edit-real', service, destination });
      return destinationJson(destination);
    });
  }
}
