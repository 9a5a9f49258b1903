import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError, cannotReadError } from '../../errors.js';
import { loadConfig } from '../../keepalived/load.js';
import { Engine } from '../../vrrp/engine.js';
import { unsupportedKeywords, unsupportedSummary } from '../../vrrp/support.js';
import { createLogger, type LogFormat, type Logger } from '../../vrrp/log.js';
import { DEFAULT_CONTROL_SOCKET, startControlServer } from '../../vrrp/control.js';
import type { KeepalivedConfig } from '../../keepalived/model.js';

export default class VrrpRun extends BaseCommand {
  static override summary = 'Run VRRP in the foreground from a keepalived.conf (keepalived\'s VRRP process).';
  static override description = `Reads the vrrp_instance, vrrp_sync_group, vrrp_script and track_file blocks of a keepalived.conf and runs them: adverts (VRRPv2 and v3, IPv4 and IPv6, multicast to 224.0.0.18 / ff02::12 or the group of mcast_dst_ip / vrrp_mcast_group4/6, or unicast peers with unicast_ttl (without it IPv4 adverts carry TTL 255 and IPv6 ones the kernel's hop limit, the interface's hop_limit, as keepalived 2.2.7's do), check_unicast_src, unicast_fault_no_peer, FAULT for a unicast_src_ip the host does not have (as keepalived: never a master that cannot advertise) and each peer's min_ttl / max_ttl window, which as in keepalived 2.2.7 also turns the source check on; VRRPv2 authentication auth_type PASS, and AH as keepalived does it: an IP Authentication Header with an HMAC-MD5-96 ICV keyed by auth_pass, SPI = the sender's address and a sequence number a peer must see grow, IPv4 only; VRRPv3 has no authentication and the block is ignored, as keepalived ignores it), the RFC 5798 state machine with keepalived's additions (the address owner, priority 255, takes over at once with state MASTER or none but starts as a backup for Master_Down_Interval with state BACKUP, and ignores nopreempt; down_timer_adverts; a master answers a lower priority with an advert unless lower_prio_no_advert, and with gratuitous ARPs per garp_lower_prio_delay / _repeat; higher_prio_send_advert), VIPs (virtual_ipaddress and virtual_ipaddress_excluded), virtual_routes and virtual_rules added on MASTER and removed on BACKUP, FAULT and exit, gratuitous ARP / unsolicited neighbour adverts on takeover (garp_master_delay, _repeat, _refresh, vrrp_garp_interval, vrrp_gna_interval), track_interface, track_script and track_file (weights move the priority; weight 0 means FAULT; a track file's number times its weight is added, read again whenever the file changes; the instance's own interface is tracked unless dont_track_primary), sync groups moving together, notify scripts in order and vrrp_notify_fifo lines (also notify_master_rx_lower_pri, run as written each time a master receives a lower-priority advert, with a fifo line INSTANCE "VI_1" MASTER_RX_LOWER_PRI 255, and with notify_priority_changes a fifo line MASTER_PRIORITY or BACKUP_PRIORITY with the new priority whenever tracking moves it, as keepalived 2.2.7; the instance's setting, else its sync group's, else global vrrp_notify_priority_changes), an instance a reload removes notified as FAULT, or DELETED with notify_deleted (whose script, if given, runs), as keepalived 2.2.7, sync_group_tracking_weight (or global_tracking) keeping the tracking weights of a sync group's members, which are otherwise counted as 0. use_vmac (IPv4 instances): a macvlan vrrp.<VRID> (or the name given) with the virtual MAC 00:00:5e:00:01:<VRID> is made on the interface (or an existing one of that MAC and parent reused) and set as keepalived sets it; the VIPs go on it, adverts and gratuitous ARPs leave from it (vmac_xmit_base: adverts from the interface), and it is removed at exit or when a reload drops it. An interface of that name that is not such a macvlan stops the start (exit 4).

Logs go to stderr, one line per event (--log-format json for log shippers). SIGTERM or SIGINT sends priority-0 adverts, removes the VIPs and exits 0. SIGHUP reloads the file in place: instances that did not change keep running with their VIPs, changed ones keep their state and have their VIPs brought in line, removed ones stop; a file with errors is refused and the running state kept. VIPs carry address protocol 0x76, so VIPs a killed run left behind are found and removed at start-up.

Keywords of the file that are not carried out yet (track_process, use_vmac_addr, ...) are named at start-up with their file and line, and by \`vipctl config lint\` as info (rule vrrp-run-unsupported); none is ignored silently. \`vipctl vrrp status\` reads the running engine's state over a root-only control socket.`;
  static override examples = [
    { command: '<%= config.bin %> vrrp run', description: 'Run /etc/keepalived/keepalived.conf.' },
    { command: '<%= config.bin %> vrrp run -f /etc/keepalived/lb.conf --log-format json', description: 'Another file, JSON logs.' },
    { command: 'kill -HUP $(pidof -s vipctl)', description: 'Reload the file without dropping the VIPs of unchanged instances.' },
  ];
  static override enableJsonFlag = false;
  static override exitCodes = {
    [ExitCode.Usage]: 'the configuration is unreadable or has errors; nothing was started',
    [ExitCode.Exists]: 'another engine is already running on the control socket, or an interface of a use_vmac name is not that vmac',
    [ExitCode.Permission]: 'not permitted: run as root (raw sockets, addresses)',
  };
  static override flags = {
    file: Flags.string({ char: 'f', description: 'The keepalived.conf to run.', default: '/etc/keepalived/keepalived.conf' }),
    'config-id': Flags.string({ char: 'i', description: 'Config id for @id lines (default: the host name\'s first label, as keepalived).' }),
    'log-format': Flags.string({ description: 'Log line format.', options: ['text', 'json'], default: 'text' }),
    'control-socket': Flags.string({ description: 'Path of the control socket.', default: DEFAULT_CONTROL_SOCKET }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(VrrpRun);
    const log = createLogger(flags['log-format'] as LogFormat);
    const config = this.load(flags.file, flags['config-id'], log);
    if (config.vrrpInstances.length === 0) {
      throw new VipctlError(`${flags.file} has no vrrp_instance`, { exitCode: ExitCode.Usage });
    }
    const engine = new Engine(config, log);
    // The control socket first: a socket in use stops the run before anything is changed.
    const server = await startControlServer(flags['control-socket'], (request) => {
      if (request.command === 'status') return engine.status(typeof request.instance === 'string' ? request.instance : undefined);
      throw new Error(`unknown command ${request.command}`);
    });
    try {
      await engine.start();
    } catch (error) {
      // Whatever start made before it failed (vmacs, sockets, a VIP) is undone, as at a stop.
      await engine.stop().catch(() => undefined);
      server.close();
      throw error;
    }
    log.log('info', 'running', { file: flags.file, instances: config.vrrpInstances.length, control: flags['control-socket'] });
    await this.untilStopped(engine, log, flags.file, flags['config-id']);
    server.close();
  }

  /** Reads the file; refuses it on errors; names what the engine will not carry out. */
  private load(file: string, configId: string | undefined, log: Logger): KeepalivedConfig {
    let loaded;
    try {
      loaded = loadConfig(file, configId ? { configId } : {});
    } catch (error) {
      throw cannotReadError(file, error, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'name keepalived.conf with -f (the default is /etc/keepalived/keepalived.conf)' : undefined);
    }
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      for (const d of errors) process.stderr.write(`${d.file}:${d.line}:${d.column}: error: ${d.message}\n`);
      throw new VipctlError(`${file} has ${errors.length} error(s); nothing was started`, {
        hint: `see \`vipctl config lint ${file}\``,
        exitCode: ExitCode.Usage,
      });
    }
    for (const feature of unsupportedSummary(unsupportedKeywords(loaded.syntax))) log.log('warn', 'not carried out by vrrp run, ignored', { feature });
    // As keepalived ("does not support authentication. Ignoring"): PASS or AH means nothing under v3.
    for (const instance of loaded.config.vrrpInstances) {
      if (instance.version === 3 && instance.authentication) {
        log.log('warn', `${instance.name}: VRRPv3 has no authentication; the authentication block is ignored (as keepalived)`, { instance: instance.name, file: instance.authentication.at.file, line: instance.authentication.at.line });
      }
      // keepalived 2.2.7: "nopreempt is incompatible with priority 255. resetting nopreempt".
      if (instance.nopreempt && instance.priority === 255) {
        log.log('warn', `${instance.name}: nopreempt is ignored at priority 255 (the address owner always preempts, as keepalived)`, { instance: instance.name, file: instance.at.file, line: instance.at.line });
      }
    }
    return loaded.config;
  }

  /** SIGHUP: a file with errors (or one that cannot run here) is refused and the running state kept. */
  private async reload(engine: Engine, log: Logger, file: string, configId: string | undefined): Promise<void> {
    try {
      const config = this.load(file, configId, log);
      if (config.vrrpInstances.length === 0) throw new VipctlError(`${file} has no vrrp_instance`, { exitCode: ExitCode.Usage });
      const summary = await engine.reload(config);
      log.log('info', 'SIGHUP: reloaded', { kept: summary.kept.length, updated: summary.updated, added: summary.added, removed: summary.removed });
    } catch (error) {
      log.log('error', 'SIGHUP: the file was refused; still running the previous configuration', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private untilStopped(engine: Engine, log: Logger, file: string, configId: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      const stop = (signal: string): void => {
        log.log('info', 'stopping', { signal });
        void engine.stop().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      // Reloads run one at a time: a second SIGHUP waits for the first to finish.
      let reloading = Promise.resolve();
      process.on('SIGHUP', () => {
        reloading = reloading.then(() => this.reload(engine, log, file, configId));
      });
    });
  }
}
