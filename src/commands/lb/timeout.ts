import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import type { Timeouts } from '../../ipvs/model.js';
import { timeoutText } from '../../ipvs/text.js';

export default class LbTimeout extends BaseCommand {
  static override summary = 'Show or set the TCP, TCP FIN and UDP connection timeouts (ipvsadm --set, -L --timeout).';
  static override description = 'Without --set, prints the timeouts as ipvsadm -L --timeout does. With --set, 0 leaves a value unchanged.';
  static override examples = [
    { command: '<%= config.bin %> lb timeout', description: 'Timeout (tcp tcpfin udp): 900 120 300' },
    { command: '<%= config.bin %> lb timeout --set 3600 120 300', description: 'Longer TCP sessions.' },
  ];
  static override flags = { set: Flags.boolean({ summary: 'Set the three timeouts given as arguments (seconds).' }) };
  static override args = {
    tcp: Args.integer({ description: 'TCP timeout (with --set)', min: 0, max: 86400 * 31, ignoreStdin: true }),
    tcpfin: Args.integer({ description: 'TCP FIN timeout (with --set)', min: 0, max: 86400 * 31, ignoreStdin: true }),
    udp: Args.integer({ description: 'UDP timeout (with --set)', min: 0, max: 86400 * 31, ignoreStdin: true }),
  };
  static override exitCodes = {
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<Timeouts> {
    const { flags, args } = await this.parse(LbTimeout);
    const given = [args.tcp, args.tcpfin, args.udp].filter((v) => v !== undefined);
    if (flags.set && given.length !== 3) throw new VipctlError('--set needs three values: TCP TCPFIN UDP', { exitCode: ExitCode.Usage });
    if (!flags.set && given.length > 0) throw new VipctlError('timeout values need --set', { exitCode: ExitCode.Usage, hint: 'vipctl lb timeout --set TCP TCPFIN UDP' });
    return withIpvs(async (client) => {
      if (flags.set) await client.apply({ op: 'timeout', timeouts: { tcp: args.tcp ?? 0, tcpFin: args.tcpfin ?? 0, udp: args.udp ?? 0 } });
      const timeouts = await client.timeouts();
      if (!flags.set) this.log(timeoutText(timeouts).trimEnd());
      return timeouts;
    });
  }
}
