// `vipctl ipvsadm ARGS...`: runs one ipvsadm command line against the kernel and answers
// with what ipvsadm 1.31 would print and its exit status (0 ok, 1 listing a missing
// service, 2 a bad command line, 255 an unknown option or a refused change). Restore (-R)
// is vipctl's all-or-nothing restore. Returns the text instead of printing it, so the
// command stays thin and tests can compare it with ipvsadm's directly.
import { VipctlError, isSystemError } from '../errors.js';
import { IpvsClient } from './client.js';
import { connectionsText, readConnections } from './connections.js';
import { ipvsadmMessage } from './errors.js';
import { getInfo } from './info.js';
import { IpvsadmUsageError, parseIpvsadm, type IpvsadmCommand } from './ipvsadm-args.js';
import { serviceKeyOf, type ServiceEntry } from './model.js';
import { resolveNames } from './names.js';
import { applyRestore, changeOf, planRestore } from './restore.js';
import { NUMERIC_NAMES, daemonText, listServiceText, listText, listTitle, saveText, timeoutText } from './text.js';

export interface IpvsadmResult {
  stdout: string;
  stderr: string;
  status: number;
}

export interface IpvsadmIo {
  /** The whole of standard input (for -R). */
  readStdin: () => Promise<string>;
}

function errnoCode(error: unknown): string | undefined {
  const cause = error instanceof VipctlError ? error.cause : error;
  return isSystemError(cause) ? cause.code : undefined;
}

export async function runIpvsadm(argv: string[], io: IpvsadmIo): Promise<IpvsadmResult> {
  let command: IpvsadmCommand;
  try {
    command = argv.length === 0 ? await parseIpvsadm(['-L']) : await parseIpvsadm(argv);
  } catch (error) {
    if (error instanceof IpvsadmUsageError) return { stdout: '', stderr: `${error.message}\n`, status: error.status };
    throw error;
  }
  if (command.command === 'help' || command.command === 'version') {
    return { stdout: 'vipctl ipvsadm: an ipvsadm 1.31 command line over vipctl; see `man ipvsadm` and `vipctl lb --help`\n', stderr: '', status: 0 };
  }
  let client: IpvsClient;
  try {
    client = await IpvsClient.open();
  } catch (error) {
    const code = errnoCode(error);
    const reason = code ? ipvsadmMessage('list', code) : 'Protocol not available';
    return {
      stdout: '',
      stderr: `Can't initialize ipvs: ${reason}\nAre you sure that IP Virtual Server is built in the kernel or as module?\n`,
      status: 2,
    };
  }
  try {
    return await execute(client, command, io);
  } finally {
    client.close();
  }
}

async function execute(client: IpvsClient, command: IpvsadmCommand, io: IpvsadmIo): Promise<IpvsadmResult> {
  const { options, format } = command;
  const numeric = format.numeric ?? false;
  switch (command.command) {
    case 'list': {
      if (
        ((options.has('connection') || options.has('timeout') || options.has('daemon')) &&
          (options.has('stats') || options.has('rate') || options.has('thresholds'))) ||
        ((options.has('timeout') || options.has('daemon')) && options.has('persistent-conn'))
      ) {
        return { stdout: '', stderr: 'options conflicts in the list command\n', status: 2 };
      }
      if (options.has('connection')) {
        const connections = await readConnections();
        return { stdout: connectionsText(connections, numeric, format.persistentConn ?? false), stderr: '', status: 0 };
      }
      if (options.has('service-address')) {
        let entry: ServiceEntry;
        try {
          const service = await client.service(serviceKeyOf(command.service));
          entry = { service, destinations: await client.destinations(service) };
        } catch (error) {
          return { stdout: '', stderr: `${ipvsadmMessage('get-service', errnoCode(error) ?? 'ESRCH')}\n`, status: 1 };
        }
        const names = numeric ? NUMERIC_NAMES : await resolveNames([entry]);
        return { stdout: listTitle(format) + listServiceText(entry, format, names), stderr: '', status: 0 };
      }
      if (options.has('timeout')) return { stdout: timeoutText(await client.timeouts()), stderr: '', status: 0 };
      if (options.has('daemon')) return { stdout: daemonText(await client.daemons()), stderr: '', status: 0 };
      const info = await getInfo(client.genl);
      const plain = !format.stats && !format.rate && !format.thresholds && !format.persistentConn && !format.tunInfo;
      const entries = plain ? await client.snapshotForPlainList() : await client.snapshot(Boolean(format.stats || format.rate));
      const names = numeric ? NUMERIC_NAMES : await resolveNames(entries);
      return { stdout: listText(info, entries, format, names), stderr: '', status: 0 };
    }
    case 'save': {
      const entries = await client.snapshot(false);
      const names = numeric ? NUMERIC_NAMES : await resolveNames(entries);
      return { stdout: saveText(entries, numeric, names), stderr: '', status: 0 };
    }
    case 'restore': {
      const text = await io.readStdin();
      const plan = await planRestore(text, { table: await client.snapshot(false), timeouts: await client.timeouts(), daemons: await client.daemons() });
      if (plan.errors.length > 0) {
        return { stdout: '', stderr: plan.errors.map((e) => `line ${e.line}: ${e.message}\n`).join(''), status: 2 };
      }
      const result = await applyRestore(client, plan.changes);
      if (result.refused) {
        const code = errnoCode(result.refused.error) ?? '';
        const change = plan.changes.find((c) => c.line === result.refused?.line)?.change;
        const reason = ipvsadmMessage(change?.op ?? 'list', code);
        return { stdout: '', stderr: `line ${result.refused.line}: ${reason}\n${result.undoFailures.map((f) => `undo failed: ${f}\n`).join('')}`, status: 255 };
      }
      return { stdout: '', stderr: '', status: 0 };
    }
    default: {
      const change = changeOf(command);
      if (!change) return { stdout: '', stderr: '', status: 0 };
      try {
        await client.apply(change);
        return { stdout: '', stderr: '', status: 0 };
      } catch (error) {
        const code = errnoCode(error);
        if (!code) throw error;
        return { stdout: '', stderr: `${ipvsadmMessage(change.op, code)}\n`, status: 255 };
      }
    }
  }
}
