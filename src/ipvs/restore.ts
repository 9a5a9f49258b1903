// All-or-nothing restore of ipvsadm rule files (ipvsadm -S output, ipvsadm -R input).
// 1. parse every line and check it against a model of the table as it will be at that
//    line (so "already exists" and "no such service" are found before anything changes);
// 2. apply the changes in batches over one socket;
// 3. if the kernel refuses one, undo every change this restore made (each change carries
//    its inverse, computed from the model) and report the line and the kernel's reason.
import { ExitCode, VipctlError, type ExitCodeValue } from '../errors.js';
import type { RequestOutcome } from '../netlink/connection.js';
import type { Change, IpvsClient } from './client.js';
import { describeDestination, describeService } from './describe.js';
import { ipvsError } from './errors.js';
import { IpvsadmUsageError, parseIpvsadm, resolveHostV4, type HostResolver, type IpvsadmCommand } from './ipvsadm-args.js';
import { parseSavedRule } from './saved-rules.js';
import { destinationId, serviceId, serviceKeyOf, type Daemon, type Destination, type Service, type ServiceEntry, type ServiceKey, type Timeouts } from './model.js';

export interface PlannedChange {
  /** 1-based line of the input. */
  line: number;
  text: string;
  change: Change;
  /** Changes that undo this one, in the order to send them. */
  undo: Change[];
}

export interface LineError {
  line: number;
  message: string;
  exitCode: ExitCodeValue;
}

export interface RestorePlan {
  changes: PlannedChange[];
  errors: LineError[];
}

/**
 * A planned change as planRestore makes it. Adds, the bulk of large restores, work out their
 * text and their undo only when asked (on a refusal, or for --dry-run), which keeps the plan
 * of a 30,000-line restore small.
 */
class Planned implements PlannedChange {
  constructor(
    readonly line: number,
    private readonly raw: string,
    readonly change: Change,
    private readonly explicitUndo: Change[] | undefined,
  ) {}

  get text(): string {
    return this.raw.trim();
  }

  get undo(): Change[] {
    return this.explicitUndo ?? undoOfAdd(this.change);
  }
}

/** What undoes an add (a service or a real server); nothing for other changes. */
export function undoOfAdd(change: Change): Change[] {
  if (change.op === 'add-service') return [{ op: 'delete-service', service: serviceKeyOf(change.service) }];
  if (change.op === 'add-real') return [{ op: 'delete-real', service: change.service, destination: change.destination }];
  return [];
}

interface ModelService {
  service: Service;
  destinations: Map<string, Destination>;
}

/** The table as the restore goes along: what the kernel will hold after each planned line. */
class TableModel {
  readonly services = new Map<string, ModelService>();

  constructor(entries: ServiceEntry[]) {
    for (const { service, destinations } of entries) {
      this.services.set(serviceId(service), { service, destinations: new Map(destinations.map((d) => [destinationId(d), d])) });
    }
  }

  recreate(entry: ModelService): Change[] {
    const changes: Change[] = [{ op: 'add-service', service: entry.service }];
    for (const destination of entry.destinations.values()) changes.push({ op: 'add-real', service: serviceKeyOf(entry.service), destination });
    return changes;
  }
}

function realServerName(service: ServiceKey, destination: Destination): string {
  return `real server ${describeDestination(destination)} of ${describeService(service)}`;
}

/** Splits a rule line into words (ipvsadm's files hold no quoting); undefined for blanks and comments. */
export function ruleWords(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const words = trimmed.split(/\s+/);
  // Lines may name the program, as in `ipvsadm -A ...` copied from a script.
  if (words[0] === 'ipvsadm' || words[0]?.endsWith('/ipvsadm')) words.shift();
  return words;
}

/** The change an ipvsadm command line makes (ipvsadm semantics: -E and -e replace the whole object). */
export function changeOf(command: IpvsadmCommand): Change | undefined {
  const { service, destination } = command;
  switch (command.command) {
    case 'add-service':
      return { op: 'add-service', service };
    case 'edit-service':
      return { op: 'edit-service', service };
    case 'delete-service':
      return { op: 'delete-service', service: serviceKeyOf(service) };
    case 'add-server':
      return { op: 'add-real', service: serviceKeyOf(service), destination };
    case 'edit-server':
      return { op: 'edit-real', service: serviceKeyOf(service), destination };
    case 'delete-server':
      return { op: 'delete-real', service: serviceKeyOf(service), destination };
    case 'flush':
      return { op: 'flush' };
    case 'zero':
      return command.options.has('service-address') ? { op: 'zero', service: serviceKeyOf(service) } : { op: 'zero' };
    case 'set':
      return { op: 'timeout', timeouts: command.timeouts };
    case 'start-daemon':
      return { op: 'start-daemon', daemon: command.daemon };
    case 'stop-daemon':
      return { op: 'stop-daemon', daemon: command.daemon };
    default:
      return undefined;
  }
}

export interface PlanContext {
  table: ServiceEntry[];
  timeouts: Timeouts;
  daemons: Daemon[];
  resolve?: HostResolver;
}

/** Parses and checks every line; changes only when there are no errors at all. */
export async function planRestore(text: string, context: PlanContext): Promise<RestorePlan> {
  const model = new TableModel(context.table);
  let timeouts = context.timeouts;
  const daemons = new Map(context.daemons.map((d) => [d.state, d]));
  const changes: PlannedChange[] = [];
  const errors: LineError[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const resolve = context.resolve ?? resolveHostV4;
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    let raw = lines[index] ?? '';
    if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
    // Saved rules (the bulk of large files) have a fast reader; everything else, the general parser.
    let change = parseSavedRule(raw);
    if (!change) {
      const words = ruleWords(raw);
      if (!words) continue;
      let command: IpvsadmCommand;
      try {
        command = await parseIpvsadm(words, resolve);
      } catch (error) {
        if (error instanceof IpvsadmUsageError) {
          errors.push({ line, message: error.message.replace(/\n+$/, '').replace(/^Try .*/, `not an ipvsadm rule: ${raw.trim()}`), exitCode: ExitCode.Usage });
          continue;
        }
        throw error;
      }
      change = changeOf(command);
      if (!change) {
        errors.push({ line, message: `"${raw.trim()}" does not change the table (only -A -E -D -a -e -d -C -Z --set and the daemon commands belong in a restore file)`, exitCode: ExitCode.Usage });
        continue;
      }
    }
    const problem = (message: string, exitCode: ExitCodeValue): void => {
      errors.push({ line, message, exitCode });
    };
    // undefined: the change's own inverse (see Planned).
    let undo: Change[] | undefined = [];
    switch (change.op) {
      case 'add-service': {
        const id = serviceId(change.service);
        if (model.services.has(id)) {
          problem(`${describeService(change.service)} already exists`, ExitCode.Exists);
          continue;
        }
        model.services.set(id, { service: change.service, destinations: new Map() });
        undo = undefined;
        break;
      }
      case 'edit-service': {
        const existing = model.services.get(serviceId(change.service));
        if (!existing) {
          problem(`${describeService(change.service)} does not exist`, ExitCode.NotFound);
          continue;
        }
        undo = [{ op: 'edit-service', service: existing.service }];
        existing.service = change.service;
        break;
      }
      case 'delete-service': {
        const id = serviceId(change.service);
        const existing = model.services.get(id);
        if (!existing) {
          problem(`${describeService(change.service)} does not exist`, ExitCode.NotFound);
          continue;
        }
        undo = model.recreate(existing);
        model.services.delete(id);
        break;
      }
      case 'add-real':
      case 'edit-real':
      case 'delete-real': {
        const existing = model.services.get(serviceId(change.service));
        if (!existing) {
          problem(`${describeService(change.service)} does not exist`, ExitCode.NotFound);
          continue;
        }
        const id = destinationId(change.destination);
        const before = existing.destinations.get(id);
        if (change.op === 'add-real') {
          if (before) {
            problem(`${realServerName(change.service, change.destination)} already exists`, ExitCode.Exists);
            continue;
          }
          existing.destinations.set(id, change.destination);
          undo = undefined;
        } else if (!before) {
          problem(`${realServerName(change.service, change.destination)} does not exist`, ExitCode.NotFound);
          continue;
        } else if (change.op === 'edit-real') {
          existing.destinations.set(id, change.destination);
          undo = [{ op: 'edit-real', service: change.service, destination: before }];
        } else {
          existing.destinations.delete(id);
          undo = [{ op: 'add-real', service: change.service, destination: before }];
        }
        break;
      }
      case 'flush': {
        undo = [...model.services.values()].flatMap((entry) => model.recreate(entry));
        model.services.clear();
        break;
      }
      case 'zero':
        if (change.service && !model.services.has(serviceId(change.service))) {
          problem(`${describeService(change.service)} does not exist`, ExitCode.NotFound);
          continue;
        }
        // Counters cannot be put back; zeroing is not undone.
        break;
      case 'timeout':
        undo = [{ op: 'timeout', timeouts }];
        timeouts = change.timeouts;
        break;
      case 'start-daemon':
        if (daemons.has(change.daemon.state)) {
          problem('that sync daemon is already running', ExitCode.Exists);
          continue;
        }
        daemons.set(change.daemon.state, change.daemon);
        undo = [{ op: 'stop-daemon', daemon: change.daemon }];
        break;
      case 'stop-daemon': {
        const running = daemons.get(change.daemon.state);
        if (!running) {
          problem('no such sync daemon is running', ExitCode.NotFound);
          continue;
        }
        daemons.delete(change.daemon.state);
        undo = [{ op: 'start-daemon', daemon: running }];
        break;
      }
    }
    changes.push(new Planned(line, raw, change, undo));
  }
  return { changes: errors.length > 0 ? [] : changes, errors };
}

export interface ApplyOptions {
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface RestoreResult {
  applied: number;
  /** Set when the kernel refused a line and everything was undone. */
  refused?: { line: number; text: string; error: VipctlError };
  /** Undo requests the kernel refused in turn (the table may differ from before). */
  undoFailures: string[];
}

/** Sends the plan; on the first refusal, undoes every change that took effect. */
export async function applyRestore(client: IpvsClient, plan: PlannedChange[], options: ApplyOptions = {}): Promise<RestoreResult> {
  const outcomes: RequestOutcome[] = await client.applyAll(
    plan.map((p) => p.change),
    { chunkSize: options.chunkSize ?? 512, stopOnError: true, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
  );
  const firstRefusal = outcomes.findIndex((o) => !o.ok);
  if (firstRefusal < 0) return { applied: outcomes.length, undoFailures: [] };
  const refusedPlan = plan[firstRefusal] as PlannedChange;
  const refusedOutcome = outcomes[firstRefusal] as Extract<RequestOutcome, { ok: false }>;
  // The kernel goes on after a refusal within a batch, so every accepted change is undone.
  const undo: Change[] = [];
  for (let i = outcomes.length - 1; i >= 0; i--) if (outcomes[i]?.ok) undo.push(...(plan[i]?.undo ?? []));
  return finishRefusal(client, refusedPlan, refusedOutcome.error, undo);
}

/** After a refusal: sends the undo changes and words the refusal (shared by both ways of restoring). */
export async function finishRefusal(
  client: IpvsClient,
  refused: { line: number; text: string; change: Change },
  reason: Error,
  undo: Change[],
): Promise<RestoreResult> {
  const undoOutcomes = undo.length > 0 ? await client.applyAll(undo, { chunkSize: 512 }) : [];
  const undoFailures = undoOutcomes.flatMap((o, i) => (o.ok ? [] : [`${undo[i]?.op}: ${o.error.message}`]));
  const converted = ipvsError(refused.change.op, reason, refused.change);
  const error = converted instanceof VipctlError ? converted : new VipctlError(reason.message, { exitCode: ExitCode.Kernel, cause: reason });
  return { applied: 0, refused: { line: refused.line, text: refused.text, error }, undoFailures };
}
