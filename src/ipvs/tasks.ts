// The work of `lb list` (plain), `lb save` and `lb restore`, apart from reading flags and
// printing: the oclif commands call these, and so do the direct routes of bin/run.js,
// which start without oclif for the plain forms of these commands (src/direct/lb.ts), so
// both routes do exactly the same thing.
import { readFileSync } from 'node:fs';
import { ExitCode, VipctlError } from '../errors.js';
import { applyBulkRestore, compileBulkRestore } from './bulk-restore.js';
import { renderSavedRules } from './bulk-save.js';
import type { IpvsClient } from './client.js';
import { getInfo } from './info.js';
import { resolveNames } from './names.js';
import { renderPlainListing } from './plain-listing.js';
import { readProcBytes } from './procfs.js';
import { Output } from './bulk-text.js';
import { applyRestore, planRestore, type RestoreResult } from './restore.js';
import { NUMERIC_NAMES, listText, saveText, type ListFormat } from './text.js';

/** `lb list` without a service, counters or other columns (format: numeric, nosort): ipvsadm -L's text. */
export async function plainListing(client: IpvsClient, format: ListFormat): Promise<string | Buffer> {
  const out = new Output();
  await writePlainListing(client, format, out);
  return out.result();
}

/** plainListing, written into `out`. */
export async function writePlainListing(client: IpvsClient, format: ListFormat, out: Output): Promise<void> {
  if (format.numeric) {
    // Big numeric listings are written straight from the dump and /proc/net/ip_vs (plain-listing.ts).
    const services = await client.serviceColumns();
    const procBytes = readProcBytes();
    const info = await getInfo(client.genl);
    if (procBytes && renderPlainListing(info, services, procBytes, out, format.nosort)) return;
    out.text(listText(info, await client.snapshotForPlainList(services.services(), procBytes?.toString('latin1')), format, NUMERIC_NAMES));
    return;
  }
  const entries = await client.snapshotForPlainList();
  out.text(listText(await getInfo(client.genl), entries, format, await resolveNames(entries)));
}

/** `lb save`: ipvsadm -S's rules, plus what ipvsadm loses. */
export async function savedRules(client: IpvsClient, numeric: boolean): Promise<string | Buffer> {
  const out = new Output();
  await writeSavedRules(client, numeric, out);
  return out.result();
}

/** savedRules, written into `out`. */
export async function writeSavedRules(client: IpvsClient, numeric: boolean, out: Output): Promise<void> {
  if (numeric) {
    // Numeric rules are written straight from the dumps (bulk-save.ts).
    const services = await client.serviceColumns();
    const columns = await client.realColumns(services);
    if (columns) {
      renderSavedRules(services, columns, out);
      return;
    }
    out.text(saveText(await client.snapshotOf(services.services(), false), true, NUMERIC_NAMES));
    return;
  }
  const entries = await client.snapshotOf(await client.services(false), false);
  out.text(saveText(entries, false, await resolveNames(entries)));
}

/** The rules text of FILE, or of standard input for "-". */
export async function readRestoreInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new VipctlError(`cannot read ${file}`, { exitCode: ExitCode.Usage, cause: error });
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export interface RestoreSummary {
  applied: number;
  dryRun: boolean;
  plan?: Array<{ line: number; op: string; rule: string }>;
}

export interface RestoreRunOptions {
  /** Check and list the changes, change nothing. */
  dryRun: boolean;
  /** Where the rules came from, for messages ("stdin" or the file name). */
  where: string;
  /** Prints a line of the dry-run plan. */
  log: (line: string) => void;
  /** Wraps the sending of `changes` changes (a spinner on a terminal, say). */
  progress: (changes: number, apply: (onProgress: ((done: number, total: number) => void) | undefined) => Promise<RestoreResult>) => Promise<RestoreResult>;
}

/** `lb restore`: all or nothing; errors are VipctlErrors that name the line. */
export async function runRestore(client: IpvsClient, text: string, options: RestoreRunOptions): Promise<RestoreSummary> {
  const { where } = options;
  const table = await client.snapshot(false);
  // Files of saved add lines (the big ones) take the quick way; the rest, and --dry-run, the planner.
  const bulk = options.dryRun ? undefined : compileBulkRestore(text, table, client.genl.family);
  let result: RestoreResult;
  if (bulk) {
    result = await options.progress(bulk.lines.length, (onProgress) => applyBulkRestore(client, bulk, { onProgress }));
  } else {
    const plan = await planRestore(text, { table, timeouts: await client.timeouts(), daemons: await client.daemons() });
    if (plan.errors.length > 0) {
      const first = plan.errors[0] as (typeof plan.errors)[number];
      if (plan.errors.length === 1) {
        throw new VipctlError(first.message, { where: `${where}:${first.line}`, exitCode: first.exitCode, hint: 'nothing was changed' });
      }
      // Every bad line, in order, then one summary (the first error's status).
      for (const error of plan.errors.slice(0, 20)) process.stderr.write(`vipctl: ${where}:${error.line}: ${error.message}\n`);
      if (plan.errors.length > 20) process.stderr.write(`vipctl: ... and ${plan.errors.length - 20} more\n`);
      throw new VipctlError(`${plan.errors.length} lines of ${where} have errors`, { exitCode: first.exitCode, hint: 'nothing was changed' });
    }
    if (options.dryRun) {
      for (const change of plan.changes) options.log(`${where}:${change.line}: ${change.change.op} ${change.text}`);
      return { applied: 0, dryRun: true, plan: plan.changes.map((c) => ({ line: c.line, op: c.change.op, rule: c.text })) };
    }
    result = await options.progress(plan.changes.length, (onProgress) => applyRestore(client, plan.changes, { onProgress }));
  }
  if (result.refused) {
    for (const failure of result.undoFailures) process.stderr.write(`vipctl: undo failed: ${failure}\n`);
    throw new VipctlError(`the kernel refused this line: ${result.refused.text}: ${result.refused.error.message}`, {
      where: `${where}:${result.refused.line}`,
      exitCode: ExitCode.Failure,
      cause: result.refused.error.cause,
      hint:
        result.undoFailures.length === 0
          ? 'every change of this restore was undone; the table is as it was'
          : 'some changes could not be undone (see above); check the table',
    });
  }
  return { applied: result.applied, dryRun: false };
}

/** The progress wrapper both routes use: a spinner on a terminal for big restores (never under --json). */
export async function restoreProgress(
  json: boolean,
  changes: number,
  apply: (onProgress: ((done: number, total: number) => void) | undefined) => Promise<RestoreResult>,
): Promise<RestoreResult> {
  const spinner = process.stderr.isTTY && !json && changes > 500 ? (await import('ora')).default({ stream: process.stderr }) : undefined;
  spinner?.start(`restoring ${changes} changes`);
  return apply(spinner ? (done, total) => (spinner.text = `restoring: ${done}/${total} changes`) : undefined).finally(() => spinner?.stop());
}
