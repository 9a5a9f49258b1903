import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { getInfo, openIpvs, type IpvsInfo } from '../../ipvs/info.js';

export default class LbInfo extends BaseCommand {
  static override summary = 'Show the kernel\'s IPVS version and connection-table size.';
  static override description =
    'Reads IPVS_CMD_GET_INFO over generic netlink. The text form is the first line of `ipvsadm -L`.';
  static override examples = [
    { command: '<%= config.bin %> lb info', description: 'IP Virtual Server version 1.2.1 (size=4096)' },
    { command: '<%= config.bin %> lb info --json', description: 'The same as a JSON object.' },
  ];
  static override exitCodes = {
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'the kernel has no IPVS: modprobe ip_vs',
  };

  async run(): Promise<IpvsInfo> {
    await this.parse(LbInfo);
    const client = await openIpvs();
    try {
      const info = await getInfo(client);
      this.log(`IP Virtual Server version ${info.version} (size=${info.connectionTableSize})`);
      return info;
    } finally {
      client.close();
    }
  }
}
