import { isIP } from 'node:net';
import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { CaptureFileError, CaptureFileReader, PcapWriter } from '../../capture/file.js';
import { LINK_TYPE_NAMES, isSupportedLinkType } from '../../capture/link.js';
import { LiveCapture, interfaceNames, type CaptureStatistics } from '../../capture/live.js';
import { formatGap } from '../../vrrp/diagnosis.js';
import { SniffSession, type SniffSummary } from '../../vrrp/sniff.js';

/** Output is written once this much text has gathered: few, large writes keep decoding fast. */
const CHUNK = 1 << 18;

export default class VrrpSniff extends BaseCommand {
  static override summary = 'Decode VRRP adverts live or from a capture file, and diagnose split brain.';
  static override description = [
    'Prints one tcpdump-style line per VRRP packet (v2 and v3, IPv4 and IPv6, AH-wrapped v2) and watches each VRID as it goes: the master, routers that went quiet, the advert rate against the advertised interval, and anomalies: split brain (two routers acting as master at once), priority ties, version / interval / authentication / virtual-address mismatches, TTL != 255, bad checksums, priority 0 (master leaving) and takeovers with the measured gap. Anomalies are printed as they happen ("!!" lines) and summarised at the end (Ctrl-C, -c, or end of file).',
    '',
    'Live capture uses an AF_PACKET socket with a kernel BPF filter that passes only VRRP, so it needs root (or CAP_NET_RAW). Files may be pcap (micro- or nanosecond) or pcapng, with Ethernet, Linux cooked (SLL, SLL2) or raw-IP link types.',
    '',
    'With --json the output is NDJSON: one {"type":"packet",...} object per packet, {"type":"event",...} objects for anomalies as they happen, and a final {"type":"summary","vrids":[...]} object. Packet keys: type, time, src, dst, ttl, version, vrid, priority, authType, interval (centiseconds for both versions), addresses, problems; more may follow. A split brain is an anomaly of kind "split-brain".',
  ].join('\n');

  static override examples = [
    { command: '<%= config.bin %> vrrp sniff -i eth0', description: 'Watch VRRP on eth0 until Ctrl-C.' },
    { command: '<%= config.bin %> vrrp sniff -r vrrp.pcap -v', description: 'Decode a capture with IP headers and checksum verdicts.' },
    { command: '<%= config.bin %> vrrp sniff -i any -c 20 -w adverts.pcap', description: 'Save 20 adverts from every interface.' },
    { command: '<%= config.bin %> vrrp sniff -r vrrp.pcapng --vrid 51 --json', description: 'NDJSON for VRID 51.' },
  ];

  static override exitCodes = {
    [ExitCode.Failure]: 'a split brain was seen',
    [ExitCode.Usage]: 'bad command line, or an unreadable or corrupt capture file (the message gives the byte offset)',
    [ExitCode.NotFound]: 'no such interface',
    [ExitCode.Permission]: 'live capture needs root or CAP_NET_RAW',
  };

  static override flags = {
    interface: Flags.string({ char: 'i', description: 'Capture live on this interface ("any" for all).', exclusive: ['read'] }),
    read: Flags.string({ char: 'r', description: 'Read packets from a pcap or pcapng file ("-" for standard input).', exclusive: ['interface'] }),
    write: Flags.string({ char: 'w', description: 'Also write the VRRP packets shown to this pcap file.' }),
    count: Flags.integer({ char: 'c', description: 'Stop after this many packets.', min: 1 }),
    vrid: Flags.integer({ description: 'Only this virtual router id.', min: 1, max: 255 }),
    src: Flags.string({ description: 'Only adverts from this IP source address.' }),
    verbose: Flags.boolean({ char: 'v', description: 'Add the IP header (TTL, TOS, id), the checksum verdict and which checksum form matched.' }),
    link: Flags.boolean({ char: 'e', description: 'Add the source MAC and whether it is the virtual MAC.' }),
    'no-promiscuous': Flags.boolean({ char: 'p', description: 'Do not put the interface into promiscuous mode (all-multicast only).' }),
  };

  /** NDJSON: every JSON object on one line, the summary included. */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json)}\n`);
  }

  async run(): Promise<SniffSummary> {
    const { flags } = await this.parse(VrrpSniff);
    if (flags.src !== undefined && isIP(flags.src) === 0) {
      throw new VipctlError(`not an IP address: ${flags.src}`, { exitCode: ExitCode.Usage, where: '--src' });
    }
    const json = this.jsonEnabled();
    const session = new SniffSession({
      ...(flags.vrid !== undefined ? { vrid: flags.vrid } : {}),
      ...(flags.src !== undefined ? { source: flags.src } : {}),
      ...(flags.count !== undefined ? { count: flags.count } : {}),
      verbose: flags.verbose,
      link: flags.link,
      json,
    });
    const summary =
      flags.read !== undefined
        ? await this.fromFile(flags.read, flags.write, session)
        : await this.live(flags.interface ?? 'any', !flags['no-promiscuous'], flags.write, session);
    if (!json) this.printSummary(summary);
    if (summary.splitBrain) process.exitCode = ExitCode.Failure;
    return summary;
  }

  private async fromFile(file: string, output: string | undefined, session: SniffSession): Promise<SniffSummary> {
    const reader = CaptureFileReader.open(file);
    let writer: PcapWriter | undefined;
    try {
      if (reader.format === 'pcap' && !isSupportedLinkType(reader.linkType)) {
        throw new VipctlError(`${file}: link type ${reader.linkType} is not supported`, {
          hint: 'supported: Ethernet (1), raw IP (101, 228, 229), Linux cooked SLL (113) and SLL2 (276)',
          exitCode: ExitCode.Usage,
        });
      }
      for (;;) {
        const record = reader.next();
        if (!record) break;
        const end = record.dataOffset + record.capturedLength;
        if (session.packet(record.linkType, record.buffer, record.dataOffset, end, record.seconds, record.nanoseconds) && output !== undefined) {
          writer ??= PcapWriter.create(output, { linkType: record.linkType, nanosecond: reader.nanosecond });
          if (record.linkType === writer.linkType) writer.write(record.seconds, record.nanoseconds, record.buffer, record.dataOffset, record.capturedLength, record.originalLength);
        }
        if (session.pendingLength >= CHUNK) await write(session.take(), session.encoding);
        if (session.done) break;
      }
    } catch (error) {
      // Show what was read before the corruption, then report it (exit status 2).
      if (error instanceof CaptureFileError) {
        await write(session.take(), session.encoding);
        if (!this.jsonEnabled()) this.printSummary(session.summary());
      }
      throw error;
    } finally {
      reader.close();
      writer?.close();
    }
    await write(session.take(), session.encoding);
    return session.summary();
  }

  private async live(name: string, promiscuous: boolean, output: string | undefined, session: SniffSession): Promise<SniffSummary> {
    const capture = LiveCapture.open({ interfaceName: name, promiscuous });
    let names = new Map<number, string>();
    if (capture.ifindex === 0) names = await interfaceNames().catch(() => new Map<number, string>());
    const writer = output === undefined ? undefined : PcapWriter.create(output, { linkType: capture.linkType });
    // On stderr (as tcpdump does), so NDJSON on stdout stays clean and scripts can wait for it.
    process.stderr.write(`listening on ${name}, link-type ${LINK_TYPE_NAMES[capture.linkType] ?? capture.linkType}, VRRP only\n`);
    let statistics: CaptureStatistics;
    try {
      await new Promise<void>((resolve, reject) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        capture.start(
          (packets) => {
            for (const p of packets) {
              const segment = capture.ifindex === 0 ? (names.get(p.interfaceIndex) ?? `if${p.interfaceIndex}`) : name;
              if (session.packet(p.linkType, p.data, 0, p.data.length, p.seconds, p.nanoseconds, segment)) {
                writer?.write(p.seconds, p.nanoseconds, p.data, 0, p.data.length, p.originalLength);
              }
              if (session.done) break;
            }
            // Live output is flushed at once: a person is watching.
            process.stdout.write(session.take(), session.encoding);
            writer?.flush();
            if (session.done) resolve();
          },
          reject,
        );
      }).finally(() => {
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
      });
    } finally {
      statistics = capture.statistics();
      capture.close();
      writer?.close();
    }
    process.stdout.write(session.take(), session.encoding);
    process.stderr.write(`${statistics.received} packets received by filter\n${statistics.dropped} packets dropped by kernel\n`);
    return session.summary(Date.now(), statistics);
  }

  private printSummary(summary: SniffSummary): void {
    const lines: string[] = [];
    lines.push(`-- summary: ${summary.packets} VRRP packet(s), ${summary.vrids.length} VRID(s)${summary.splitBrain ? ', SPLIT BRAIN' : ''}`);
    if (process.stdout.isTTY) {
      const table = new Table({ head: ['VRID', 'masters', 'quiet / backups', 'routers (prio, ver, intvl, adverts, measured)', 'anomalies'], wordWrap: true });
      for (const group of summary.vrids) {
        table.push([
          `${group.segment ? `${group.segment} ` : ''}${group.vrid}${group.family === 'ipv6' ? ' v6' : ''}`,
          group.masters.join('\n') || '(none)',
          group.backups.join('\n'),
          group.routers.map(routerText).join('\n'),
          anomalyLines(group.anomalies).join('\n') || 'none',
        ]);
      }
      lines.push(table.toString());
    } else {
      for (const group of summary.vrids) {
        lines.push(`vrid ${group.vrid}${group.family === 'ipv6' ? ' (IPv6)' : ''}${group.segment ? ` on ${group.segment}` : ''}: master ${group.masters.join(', ') || '(none)'}${group.backups.length > 0 ? `; quiet/backups ${group.backups.join(', ')}` : ''}`);
        for (const router of group.routers) lines.push(`  router ${routerText(router)}`);
        for (const line of anomalyLines(group.anomalies)) lines.push(`  !! ${line}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

function routerText(r: SniffSummary['vrids'][number]['routers'][number]): string {
  const interval = r.version === 2 ? `${r.interval / 100}s` : `${r.interval}cs`;
  const measured = r.measuredInterval !== undefined ? `, measured ${r.measuredInterval}cs` : '';
  return `${r.address} prio ${r.priority}, v${r.version}, intvl ${interval}, ${r.adverts} adverts${measured} (${r.state})`;
}

function anomalyLines(anomalies: SniffSummary['vrids'][number]['anomalies']): string[] {
  return anomalies.map((a) => {
    const times = a.count > 1 ? ` (${a.count}x)` : '';
    const ended = a.ended ? `, ended ${a.ended}` : '';
    const gap = a.kind === 'takeover' && a.gapMs !== undefined ? ` [gap ${formatGap(a.gapMs)}]` : '';
    return `${a.kind}: ${a.message}${times}${ended}${gap}`;
  });
}

/** Writes to stdout, waiting when the pipe is full. */
function write(text: string, encoding: BufferEncoding): Promise<void> {
  if (text.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    process.stdout.write(text, encoding, (error) => (error ? reject(error) : resolve()));
  });
}
