import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { savedRules } from '../../ipvs/tasks.js';

export default class LbSave extends BaseCommand {
  static override summary = 'Print the table as ipvsadm rules (ipvsadm -S), losslessly.';
  static override description =
    'The output is what ipvsadm -S prints for the same table, plus what ipvsadm loses, so that save then restore gives ' +
    'the same table: real-server thresholds (-x, -y) and firewall marks above 2^31 (unsigned). Feed it to ' +
    '`vipctl lb restore` or `ipvsadm -R`.';
  static override examples = [
    { command: '<%= config.bin %> lb save -n > /etc/ipvsadm.rules', description: 'Save numerically.' },
    { command: '<%= config.bin %> lb save -n | ssh backup vipctl lb restore', description: 'Copy the table to another director.' },
  ];
  static manNotes = [
    'Differences from ipvsadm -S, all of them so that nothing is lost on the way back:',
    '1. A real server with an upper or lower connection threshold gets " -x N" and/or " -y N" at the end of its -a line (ipvsadm -S drops thresholds; ipvsadm -R reads these options).',
    '2. Firewall marks above 2147483647 are written unsigned (-f 4294967295); ipvsadm writes them as negative numbers, which its own -R refuses.',
    '3. Services are written in correct order (mark, family, protocol, address bytes, port); ipvsadm\'s sort can overflow (see vipctl lb list).',
  ].join('\n\n');
  static override flags = {
    numeric: Flags.boolean({ char: 'n', summary: 'Numeric addresses and ports (recommended for files).' }),
  };
  static override exitCodes = {
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<{ rules: string }> {
    const { flags } = await this.parse(LbSave);
    const saved = await withIpvs((client) => savedRules(client, flags.numeric));
    const rules = String(saved);
    if (!this.jsonEnabled()) process.stdout.write(saved);
    return { rules };
  }
}
