import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { withIpvs } from '../../ipvs/client.js';
import { connectionsText, readConnections } from '../../ipvs/connections.js';
import { normalizeArgv, serviceFlags, serviceKeyFromFlags } from '../../ipvs/flags.js';
import { getInfo } from '../../ipvs/info.js';
import { tableJson, type ServiceJson } from '../../ipvs/json.js';
import { FORWARD_NAMES, type ServiceEntry } from '../../ipvs/model.js';
import { resolveNames } from '../../ipvs/names.js';
import { NUMERIC_NAMES, daemonText, listServiceText, listText, listTitle, sortEntries, timeoutText, type ListFormat } from '../../ipvs/text.js';
import { describeDestination, describeService } from '../../ipvs/describe.js';
import { plainListing } from '../../ipvs/tasks.js';

export const LIST_MAN_NOTES = [
  'The text output is byte-identical to ipvsadm 1.31 -L for the same kernel state, with these deliberate differences:',
  '1. Counters are read as the kernel gives them, 64 bits wide. ipvsadm reads the connection, packet and rate counters of real servers through a 32-bit reader, so past 4294967295 they wrap in its --stats and --rate output; vipctl prints the true values.',
  '2. The sort cannot overflow. ipvsadm sorts by subtracting unsigned 32-bit addresses and firewall marks, which gives the wrong order when two values differ by 2^31 or more (a mark above 2147483648 is listed first; 10.0.0.1 and 200.0.0.1 may swap). vipctl sorts by mark, family, protocol, address bytes and port.',
  '3. Firewall marks above 2^31 are printed unsigned (FWM  4294967295), where ipvsadm prints them as negative numbers (FWM  -1).',
  '4. Names (without -n) come from the C library resolver (getnameinfo) and /etc/services, as ipvsadm\'s do; a host without a name stays numeric.',
  'The --json form is vipctl\'s own stable schema (schema 1): services with protocol, family, address, port, fwmark, scheduler, schedFlags, persistent, persistenceEngine, onePacket, stats and destinations (family, address, port, forward, weight, thresholds, connection counts, tunnel, stats). Counters are JSON numbers, exact up to 2^53.',
].join('\n\n');

export default class LbList extends BaseCommand {
  static override summary = 'List the virtual services and real servers (ipvsadm -L).';
  static override description =
    'Prints the table as ipvsadm -L does, byte for byte (see NOTES for the fixes). -L is accepted and ignored, so ' +
    '`vipctl lb list -Ln` works. Give a service (-t/-u/--sctp-service/-f) to list only it.';
  static override examples = [
    { command: '<%= config.bin %> lb list -n', description: 'The table with numeric addresses.' },
    { command: '<%= config.bin %> lb list -Ln --stats --exact', description: 'Counters, unscaled.' },
    { command: '<%= config.bin %> lb list -t 10.0.0.1:80 --thresholds', description: 'One service with thresholds.' },
    { command: '<%= config.bin %> lb list -o table', description: 'A boxed table.' },
    { command: '<%= config.bin %> lb list --json', description: 'Stable JSON (schema 1).' },
  ];
  static manNotes = LIST_MAN_NOTES;
  static override flags = {
    list: Flags.boolean({ char: 'L', summary: 'Accepted for ipvsadm compatibility (listing is what this command does).', hidden: false }),
    numeric: Flags.boolean({ char: 'n', summary: 'Numeric addresses and ports.' }),
    stats: Flags.boolean({ summary: 'Counters: connections, packets, bytes.', exclusive: ['rate', 'thresholds', 'persistent-conn', 'tun-info'] }),
    rate: Flags.boolean({ summary: 'Rates: connections, packets and bytes per second.', exclusive: ['stats', 'thresholds', 'persistent-conn', 'tun-info'] }),
    thresholds: Flags.boolean({ summary: 'Upper and lower connection thresholds.' }),
    'persistent-conn': Flags.boolean({ summary: 'Persistent connection counts.' }),
    'tun-info': Flags.boolean({ summary: 'Tunnel type, port and checksum mode.' }),
    exact: Flags.boolean({ char: 'X', summary: 'Exact numbers (no K/M/G scaling).' }),
    sort: Flags.boolean({ summary: 'Sort (the default; accepted for compatibility).' }),
    nosort: Flags.boolean({ summary: 'Keep the kernel\'s order.' }),
    connection: Flags.boolean({ char: 'c', summary: 'The connection table (/proc/net/ip_vs_conn).', exclusive: ['stats', 'rate', 'thresholds'] }),
    timeout: Flags.boolean({ summary: 'The TCP, TCP FIN and UDP timeouts.' }),
    daemon: Flags.boolean({ summary: 'The connection-sync daemons.' }),
    output: Flags.string({ char: 'o', summary: 'Output style.', options: ['text', 'table'], default: 'text' }),
    ...serviceFlags,
  };
  static override exitCodes = {
    [ExitCode.NotFound]: 'the service named does not exist',
    [ExitCode.Permission]: 'not permitted: run as root or with CAP_NET_ADMIN',
    [ExitCode.Unsupported]: 'no IPVS in the kernel: modprobe ip_vs',
  };

  async run(): Promise<{ schema: number; services: ServiceJson[] } | { text: string }> {
    const { flags } = await this.parse(LbList, normalizeArgv(this.argv, 'LnXc'));
    const format: ListFormat = {
      numeric: flags.numeric,
      stats: flags.stats,
      rate: flags.rate,
      thresholds: flags.thresholds,
      persistentConn: flags['persistent-conn'],
      tunInfo: flags['tun-info'],
      exact: flags.exact,
      nosort: flags.nosort,
    };
    if (flags.connection) {
      const text = connectionsText(await readConnections(), flags.numeric, flags['persistent-conn']);
      this.print(text);
      return { text };
    }
    const key = await serviceKeyFromFlags(flags, false);
    return withIpvs(async (client) => {
      if (flags.timeout) {
        const text = timeoutText(await client.timeouts());
        this.print(text);
        return { text };
      }
      if (flags.daemon) {
        const text = daemonText(await client.daemons());
        this.print(text);
        return { text };
      }
      const plain = !flags.stats && !flags.rate && !flags.thresholds && !flags['persistent-conn'] && !flags['tun-info'] && !this.jsonEnabled();
      if (!key && plain && flags.output === 'text') {
        const listing = await plainListing(client, format);
        this.print(listing);
        return { text: String(listing) };
      }
      let entries: ServiceEntry[];
      if (key) {
        const service = await client.service(key).catch((error: unknown) => {
          if (error instanceof VipctlError && error.exitCode === ExitCode.NotFound) {
            throw new VipctlError(`${describeService(key)} does not exist`, { exitCode: ExitCode.NotFound, cause: error.cause });
          }
          throw error;
        });
        entries = [{ service, destinations: await client.destinations(service) }];
      } else {
        // The plain listing needs nothing /proc/net/ip_vs lacks; counters are decoded only when shown.
        entries = plain ? await client.snapshotForPlainList() : await client.snapshot(Boolean(flags.stats || flags.rate || this.jsonEnabled()));
      }
      if (this.jsonEnabled()) return tableJson(sortEntries(entries));
      if (flags.output === 'table') {
        this.print(`${renderTable(sortEntries(entries))}\n`);
        return tableJson(entries);
      }
      const names = flags.numeric ? NUMERIC_NAMES : await resolveNames(entries);
      const text = key
        ? listTitle(format) + listServiceText(entries[0] as ServiceEntry, format, names)
        : listText(await getInfo(client.genl), entries, format, names);
      this.print(text);
      return { text };
    });
  }

  private print(text: string | Buffer): void {
    if (!this.jsonEnabled()) process.stdout.write(text);
  }
}

function renderTable(entries: ServiceEntry[]): string {
  const table = new Table({ head: ['Service', 'Scheduler', 'Real server', 'Forward', 'Weight', 'Active', 'Inactive'] });
  for (const { service, destinations } of entries) {
    const name = describeService(service);
    if (destinations.length === 0) table.push([name, service.scheduler, '', '', '', '', '']);
    for (const [index, dest] of destinations.entries()) {
      table.push([
        index === 0 ? name : '',
        index === 0 ? service.scheduler : '',
        describeDestination(dest),
        FORWARD_NAMES[dest.forward] ?? '',
        String(dest.weight),
        String(dest.activeConns),
        String(dest.inactiveConns),
      ]);
    }
  }
  return table.toString();
}
