import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode } from '../../errors.js';
import { DEFAULT_CONTROL_SOCKET, queryControl } from '../../vrrp/control.js';
import type { InstanceStatus } from '../../vrrp/engine.js';

export default class VrrpStatus extends BaseCommand {
  static override summary = 'Show the state of a running `vipctl vrrp run`, per instance.';
  static override description =
    'State, configured and effective priority, master address, advert interval in use, VIPs held, the last transition and why, tracked interfaces, scripts and files with their state and weight (and the number of a track file), the sync group, and counters (adverts sent and received, drops by reason). Instances with auth_type AH also show their AH sequence counter (the last number sent or taken; an advert from a peer is taken only above it) and the adverts refused by kind: icv (wrong auth_pass, or changed on the way), spi (not the address of the sender), sequence (a replay or an old number), malformed. Secrets such as auth_pass never appear. A table on a terminal; --json gives a stable schema: an array of instance objects.';
  static override examples = [
    { command: '<%= config.bin %> vrrp status', description: 'Every instance.' },
    { command: '<%= config.bin %> vrrp status VI_1 --json', description: 'One instance as JSON.' },
  ];
  static override exitCodes = {
    [ExitCode.NotFound]: 'no engine is running (or no such instance)',
    [ExitCode.Permission]: 'the control socket is root-only',
  };
  static override args = { instance: Args.string({ description: 'Only this vrrp_instance.' }) };
  static override flags = {
    'control-socket': Flags.string({ description: 'Path of the control socket.', default: DEFAULT_CONTROL_SOCKET }),
  };

  async run(): Promise<InstanceStatus[]> {
    const { args, flags } = await this.parse(VrrpStatus);
    const request = args.instance ? { command: 'status', instance: args.instance } : { command: 'status' };
    const instances = (await queryControl(flags['control-socket'], request)) as InstanceStatus[];
    if (!this.jsonEnabled()) await this.print(instances);
    return instances;
  }

  private async print(instances: InstanceStatus[]): Promise<void> {
    const rows = instances.map((i) => [
      i.name,
      i.state.toUpperCase(),
      `${i.interface}${i.vmac ? ` (vmac ${i.vmac})` : ''} vrid ${i.vrid} v${i.version}`,
      i.effectivePriority === i.configuredPriority ? String(i.configuredPriority) : `${i.effectivePriority} (${i.configuredPriority})`,
      i.masterAddress ?? '-',
      `${i.advertIntervalCs / 100}s`,
      i.vipsHeld ? i.vips.join(' ') : '-',
      i.lastTransition ? `${i.lastTransition.at} ${i.lastTransition.reason}` : '-',
      [...i.tracked.map((t) => `${t.kind} ${t.name} ${t.state}${t.value !== undefined ? ` value ${t.value}` : ''}${t.weight ? ` (weight ${t.weight})` : ''}`), ...(i.syncGroup ? [`group ${i.syncGroup}`] : [])].join(', ') || '-',
      `sent ${i.counters.advertsSent} recv ${i.counters.advertsReceived}` +
        Object.entries(i.counters.drops)
          .filter(([, n]) => n > 0)
          .map(([reason, n]) => ` drop-${reason} ${n}`)
          .join('') +
        (i.ah
          ? ` ah-seq ${i.ah.sequence}` +
            Object.entries(i.ah.refused)
              .filter(([, n]) => n > 0)
              .map(([kind, n]) => ` ah-${kind} ${n}`)
              .join('')
          : ''),
    ]);
    const head = ['instance', 'state', 'where', 'priority', 'master', 'interval', 'VIPs held', 'last transition', 'tracking', 'counters'];
    if (process.stdout.isTTY) {
      const { default: Table } = await import('cli-table3');
      const table = new Table({ head });
      table.push(...rows);
      this.log(table.toString());
    } else {
      for (const row of rows) this.log(head.map((h, index) => `${h}: ${row[index]}`).join('\n') + '\n');
    }
  }
}
