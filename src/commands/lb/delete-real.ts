import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { describeDestination } from '../../ipvs/describe.js';
import { defaultDestination } from '../../ipvs/ipvsadm-args.js';
import { normalizeArgv, realAddressFromFlags, requireServiceKey, serviceFlags } from '../../ipvs/flags.js';
import { Flags } from '@oclif/core';

export default class LbDeleteReal extends BaseCommand {
  static override summary = 'Remove a real server from a virtual service (ipvsadm -d).';
  static override examples = [{ command: '<%= config.bin %> lb delete-real -t 10.0.0.1:80 -r 10.0.1.1:8080', description: 'Remove it.' }];
  static override flags = {
    ...serviceFlags,
    'real-server': Flags.string({ char: 'r', summary: 'Real server ADDR[:PORT]; the port defaults to the service\'s.', helpValue: 'ADDR[:PORT]', required: true }),
  };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such service or real server',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<{ deleted: string }> {
    const { flags } = await this.parse(LbDeleteReal, normalizeArgv(this.argv, ''));
    const service = await requireServiceKey(flags);
    const address = await realAddressFromFlags(flags, service);
    const destination = { ...defaultDestination(), af: address.af, address: address.address, port: address.port };
    await withIpvs((client) => client.apply({ op: 'delete-real', service, destination }));
    return { deleted: describeDestination(destination) };
  }
}
