// Direct routes for the plain forms of `vipctl lb list`, `lb save` and `lb restore`. With
// big tables these run from scripts, and inside user-mode Linux oclif's start-up (loading
// and setting up the framework) took a third of a second of each run. bin/run.js offers
// every `vipctl lb ...` command line here first (through src/direct/index.ts); anything
// outside the small grammar below (any other flag or argument, --help, --json, --debug)
// returns false and goes to oclif as usual. The work is the same
// code the oclif commands run (src/ipvs/tasks.ts), and errors are worded by the same
// function (src/error-report.ts). Nothing here may import oclif.
import { writeSync } from 'node:fs';
import { reportError } from '../error-report.js';
import { Output } from '../ipvs/bulk-text.js';
import { withIpvs } from '../ipvs/client.js';
import { readRestoreInput, restoreProgress, runRestore, writePlainListing, writeSavedRules } from '../ipvs/tasks.js';

/** Boolean flags of a command: the spellings each letter has (short, long, and -Ln style clusters). */
function booleanFlags(args: string[], spellings: Record<string, string>, clusters: Record<string, string>): Set<string> | undefined {
  const seen = new Set<string>();
  for (const arg of args) {
    const letters = spellings[arg] ?? clusters[arg];
    if (letters === undefined) return undefined;
    for (const letter of letters) {
      // Twice the same flag: oclif has its say.
      if (seen.has(letter)) return undefined;
      seen.add(letter);
    }
  }
  return seen;
}

/**
 * Output to standard output through one 64 KiB buffer, written synchronously as it fills:
 * a listing of a big table touches no more fresh memory than that (each fresh page costs a
 * trip through the host inside user-mode Linux). A reader that has gone (EPIPE, `| head`)
 * is not an error, as for oclif's commands: the rest is dropped.
 */
function standardOutput(): Output {
  let gone = false;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  return new Output(1 << 16, (bytes) => {
    for (let at = 0; !gone && at < bytes.length; ) {
      try {
        at += writeSync(1, bytes, at, bytes.length - at);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') gone = true;
        // A non-blocking descriptor that is full: wait a millisecond for the reader.
        else if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
        else throw error;
      }
    }
  });
}

const LIST_FLAGS = { '-n': 'n', '--numeric': 'n', '-L': 'L', '--list': 'L' };
const LIST_CLUSTERS = { '-Ln': 'Ln', '-nL': 'nL' };
const SAVE_FLAGS = { '-n': 'n', '--numeric': 'n' };

/** Runs `vipctl lb ARGV...` when it is one of the plain forms; false: let oclif run it. */
export async function runDirectLb(argv: string[]): Promise<boolean> {
  const [command, ...args] = argv;
  let run: () => Promise<void>;
  if (command === 'list') {
    const flags = booleanFlags(args, LIST_FLAGS, LIST_CLUSTERS);
    if (!flags) return false;
    run = async () => {
      const out = standardOutput();
      await withIpvs((client) => writePlainListing(client, { numeric: flags.has('n') }, out));
      out.flush();
    };
  } else if (command === 'save') {
    const flags = booleanFlags(args, SAVE_FLAGS, {});
    if (!flags) return false;
    run = async () => {
      const out = standardOutput();
      await withIpvs((client) => writeSavedRules(client, flags.has('n'), out));
      out.flush();
    };
  } else if (command === 'restore') {
    const [file = '-', ...more] = args;
    if (more.length > 0 || (file.startsWith('-') && file !== '-')) return false;
    run = async () => {
      const text = await readRestoreInput(file);
      await withIpvs((client) =>
        runRestore(client, text, {
          dryRun: false,
          where: file === '-' ? 'stdin' : file,
          log: (line) => process.stdout.write(`${line}\n`),
          progress: (changes, apply) => restoreProgress(false, changes, apply),
        }),
      );
    };
  } else {
    return false;
  }
  try {
    await run();
  } catch (error) {
    process.exitCode = reportError(error, false);
  }
  return true;
}
