// Notifications on state changes, as keepalived gives them, but in order: the scripts for
// one instance run one after another (never two at once for the same instance, so a slow
// notify_backup cannot finish after the notify_master that followed it), while different
// instances do not wait for each other.
//
// keepalived's conventions (keepalived.conf(5)): notify_master/_backup/_fault/_stop run as
// written; the generic `notify` script gets four more arguments: "INSTANCE" or "GROUP", the
// name, the new state (MASTER, BACKUP, FAULT, STOP) and the priority. notify_fifo receives
// one line per change: `INSTANCE "VI_1" MASTER 100`.
//
// MASTER_RX_LOWER_PRI (keepalived 2.2.7, measured): each time a master receives an advert of a
// lower priority, notify_master_rx_lower_pri runs as written (no arguments added) and the fifo
// gets `INSTANCE "VI_1" MASTER_RX_LOWER_PRI 255` (our priority), even with no such script;
// the generic `notify` script is not called for it.
//
// <STATE>_PRIORITY (notify_priority_changes, keepalived 2.2.7, measured): when tracking moves
// the effective priority, the fifo gets `INSTANCE "VI_1" MASTER_PRIORITY 210` (or
// BACKUP_PRIORITY) with the new priority; no script is run.
//
// An instance a reload removes (keepalived 2.2.7, measured): the generic `notify` script and the
// fifo get FAULT with its priority, and neither notify_fault nor notify_stop runs; with
// notify_deleted they get DELETED instead and notify_deleted's script, if given, runs as written.
// At a stop (SIGTERM) notify_deleted changes nothing: STOP and notify_stop as always.
import { spawn } from 'node:child_process';

export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP' | 'DELETED' | 'MASTER_RX_LOWER_PRI' | 'MASTER_PRIORITY' | 'BACKUP_PRIORITY';

/** The states the generic `notify` script is called for (the others go to their own script or the fifo only). */
const GENERIC: ReadonlySet<NotifyState> = new Set(['MASTER', 'BACKUP', 'FAULT', 'STOP', 'DELETED']);

export interface NotifyScripts {
  master?: string[];
  backup?: string[];
  fault?: string[];
  stop?: string[];
  /** notify_deleted's script: an instance removed by a reload. */
  deleted?: string[];
  /** notify_master_rx_lower_pri: a master received a lower-priority advert. */
  masterRxLowerPri?: string[];
  /** The generic `notify` script: called for every change with the four arguments. */
  any?: string[];
}

export interface Notification {
  kind: 'INSTANCE' | 'GROUP';
  name: string;
  state: NotifyState;
  priority: number;
}

/** The argument vectors to run for one change, in keepalived's order (specific, then generic). */
export function commandsFor(scripts: NotifyScripts, change: Notification): string[][] {
  const specific = { MASTER: scripts.master, BACKUP: scripts.backup, FAULT: scripts.fault, STOP: scripts.stop, DELETED: scripts.deleted, MASTER_RX_LOWER_PRI: scripts.masterRxLowerPri, MASTER_PRIORITY: undefined, BACKUP_PRIORITY: undefined }[change.state];
  const commands: string[][] = [];
  if (specific && specific.length > 0) commands.push(specific);
  if (scripts.any && scripts.any.length > 0 && GENERIC.has(change.state)) {
    commands.push([...scripts.any, change.kind, change.name, change.state, String(change.priority)]);
  }
  return commands;
}

export function fifoLine(change: Notification): string {
  return `${change.kind} "${change.name}" ${change.state} ${change.priority}\n`;
}

export interface RunResult {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: string;
}

export type ScriptRunner = (argv: string[]) => Promise<RunResult>;

/** Runs a command without a shell, as keepalived does, with a time limit. */
export function spawnRunner(timeoutMs = 60_000, identity?: { uid?: number; gid?: number }): ScriptRunner {
  return (argv) =>
    new Promise((resolve) => {
      const [command, ...args] = argv;
      if (!command) {
        resolve({ argv, code: null, signal: null, error: 'empty command' });
        return;
      }
      const child = spawn(command, args, { stdio: 'ignore', timeout: timeoutMs, ...identity });
      child.on('error', (error) => resolve({ argv, code: null, signal: null, error: error.message }));
      child.on('exit', (code, signal) => resolve({ argv, code, signal }));
    });
}

export class NotificationQueue {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly run: ScriptRunner,
    private readonly onResult: (result: RunResult, change: Notification) => void = () => {},
  ) {}

  /** Queues the commands for one change behind any earlier ones of the same instance. */
  enqueue(scripts: NotifyScripts, change: Notification): Promise<void> {
    const key = `${change.kind}:${change.name}`;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (const argv of commandsFor(scripts, change)) this.onResult(await this.run(argv), change);
    });
    this.tails.set(key, next);
    void next.finally(() => {
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every queued notification has run (for shutdown). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
