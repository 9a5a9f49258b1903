import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { canonicalAddress } from '../../ipvs/address.js';
import { IP_VS_STATE_BACKUP, IP_VS_STATE_MASTER } from '../../ipvs/constants.js';
import type { Daemon } from '../../ipvs/model.js';
import { daemonText } from '../../ipvs/text.js';

export default class LbDaemon extends BaseCommand {
  static override summary = 'Start, stop or show the connection-sync daemons (ipvsadm --start-daemon, --stop-daemon, -L --daemon).';
  static override examples = [
    { command: '<%= config.bin %> lb daemon start master --mcast-interface eth1 --syncid 7', description: 'Send connection state.' },
    { command: '<%= config.bin %> lb daemon start backup --mcast-interface eth1 --syncid 7', description: 'Receive it.' },
    { command: '<%= config.bin %> lb daemon show', description: 'master sync daemon (mcast=eth1, syncid=7)' },
    { command: '<%= config.bin %> lb daemon stop master', description: 'Stop sending.' },
  ];
  static override args = {
    action: Args.string({ description: 'start, stop or show', options: ['start', 'stop', 'show'], default: 'show', ignoreStdin: true }),
    role: Args.string({ description: 'master or backup (start and stop)', options: ['master', 'backup'], ignoreStdin: true }),
  };
  static override flags = {
    'mcast-interface': Flags.string({ summary: 'Interface for the sync messages (default eth0).', default: 'eth0' }),
    syncid: Flags.integer({ summary: 'Sync id, 0..255 (default 0).', min: 0, max: 255, default: 0 }),
    'sync-maxlen': Flags.integer({ summary: 'Largest sync message payload in bytes.', min: 1, max: 65507 }),
    'mcast-group': Flags.string({ summary: 'Multicast group, IPv4 or IPv6 (default 224.0.0.81).' }),
    'mcast-port': Flags.integer({ summary: 'UDP port (default 8848).', min: 1, max: 65535 }),
    'mcast-ttl': Flags.integer({ summary: 'Multicast TTL (default 1).', min: 1, max: 255 }),
  };
  static override exitCodes = {
    [ExitCode.NotFound]: 'no such daemon is running (stop)',
    [ExitCode.Exists]: 'that daemon is already running (start)',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
    [ExitCode.Kernel]: 'the kernel refused (for example, no such interface)',
  };

  async run(): Promise<{ daemons: Daemon[] }> {
    const { flags, args } = await this.parse(LbDaemon);
    if (args.action !== 'show' && !args.role) throw new VipctlError(`daemon ${args.action} needs master or backup`, { exitCode: ExitCode.Usage });
    let group = '';
    if (flags['mcast-group'] !== undefined) {
      const parsed = canonicalAddress(flags['mcast-group']);
      if (!parsed) throw new VipctlError(`bad multicast group "${flags['mcast-group']}"`, { exitCode: ExitCode.Usage, where: '--mcast-group' });
      group = parsed.address;
    }
    const daemon: Daemon = {
      state: args.role === 'backup' ? IP_VS_STATE_BACKUP : IP_VS_STATE_MASTER,
      interface: flags['mcast-interface'],
      syncId: flags.syncid,
      syncMaxLen: flags['sync-maxlen'] ?? 0,
      group,
      port: flags['mcast-port'] ?? 0,
      ttl: flags['mcast-ttl'] ?? 0,
    };
    return withIpvs(async (client) => {
      if (args.action === 'start') await client.apply({ op: 'start-daemon', daemon });
      if (args.action === 'stop') await client.apply({ op: 'stop-daemon', daemon });
      const daemons = await client.daemons();
      if (args.action === 'show') {
        const text = daemonText(daemons);
        if (text) this.log(text.trimEnd());
      }
      return { daemons };
    });
  }
}
