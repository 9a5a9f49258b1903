import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { ExitCode, VipctlError } from '../../errors.js';
import { loadConfig } from '../../keepalived/load.js';
import { Engine, unsupportedFeatures } from '../../vrrp/engine.js';
import { createLogger, type LogFormat, type Logger } from '../../vrrp/log.js';
import { DEFAULT_CONTROL_SOCKET, startControlServer } from '../../vrrp/control.js';
import type { KeepalivedConfig } from '../../keepalived/model.js';

export default class VrrpRun extends BaseCommand {
  static override summary = 'Run VRRP in the foreground from a keepalived.conf (keepalived\'s VRRP process).';
  static override description = `Reads the vrrp_instance blocks of a keepalived.conf and runs them: adverts (VRRPv2 and v3, IPv4 and IPv6, multicast or unicast peers), the RFC 5798 state machine, VIPs added on MASTER and removed on BACKUP, FAULT and exit, gratuitous ARP / unsolicited neighbour adverts on takeover, and notify scripts in order.

Logs go to stderr, one line per event (--log-format json for log shippers). SIGTERM or SIGINT sends priority-0 adverts, removes the VIPs and exits 0. VIPs carry address protocol 0x76, so VIPs a killed run left behind are found and removed at start-up.

Features of the file that are not carried out yet are named at start-up; none is ignored silently. \`vipctl vrrp status\` reads the running engine's state over a root-only control socket.`;
  static override examples = [
    { command: '<%= config.bin %> vrrp run', description: 'Run /etc/keepalived/keepalived.conf.' },
    { command: '<%= config.bin %> vrrp run -f /etc/keepalived/lb.conf --log-format json', description: 'Another file, JSON logs.' },
  ];
  static override enableJsonFlag = false;
  static override exitCodes = {
    [ExitCode.Usage]: 'the configuration is unreadable or has errors; nothing was started',
    [ExitCode.Exists]: 'another engine is already running on the control socket',
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
    const config = this.load(flags.file, flags['config-id']);
    for (const feature of unsupportedFeatures(config)) log.log('warn', 'not supported by vrrp run yet, ignored', { feature });
    if (config.vrrpInstances.length === 0) {
      throw new VipctlError(`${flags.file} has no vrrp_instance`, { exitCode: ExitCode.Usage });
    }
    const engine = new Engine(config, log);
    await engine.start();
    const server = await startControlServer(flags['control-socket'], (request) => {
      if (request.command === 'status') return engine.status(typeof request.instance === 'string' ? request.instance : undefined);
      throw new Error(`unknown command ${request.command}`);
    });
    log.log('info', 'running', { file: flags.file, instances: config.vrrpInstances.length, control: flags['control-socket'] });
    await this.untilStopped(engine, log, flags.file, flags['config-id']);
    server.close();
  }

  private load(file: string, configId: string | undefined): KeepalivedConfig {
    let loaded;
    try {
      loaded = loadConfig(file, configId ? { configId } : {});
    } catch (error) {
      throw new VipctlError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, { exitCode: ExitCode.Usage, cause: error });
    }
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      for (const d of errors) process.stderr.write(`${d.file}:${d.line}:${d.column}: error: ${d.message}\n`);
      throw new VipctlError(`${file} has ${errors.length} error(s); nothing was started`, {
        hint: `see \`vipctl config lint ${file}\``,
        exitCode: ExitCode.Usage,
      });
    }
    return loaded.config;
  }

  private untilStopped(engine: Engine, log: Logger, file: string, configId: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      const stop = (signal: string): void => {
        log.log('info', 'stopping', { signal });
        void engine.stop().then(resolve);
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
      process.on('SIGHUP', () => {
        // A file that does not parse is refused and the running state kept. Applying a
        // changed file in place (keeping unchanged instances' VIPs) is not done yet.
        try {
          this.load(file, configId);
          log.log('warn', 'SIGHUP: the file is valid, but reloading in place is not supported yet; restart to apply it');
        } catch (error) {
          log.log('error', 'SIGHUP: the file was refused; still running the previous configuration', { error: error instanceof Error ? error.message : String(error) });
        }
      });
    });
  }
}
