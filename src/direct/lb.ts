// Direct routes for the plain forms of `vipctl lb list`, `lb save` and `lb restore`. With
// big tables these run from scripts, and inside user-mode Linux oclif's start-up (loading
// and setting up the framework) took a third of a second of each run. bin/run.js offers
// every `vipctl lb ...` command line here first (through src/direct/index.ts); anything
// outside the small grammar below (any other flag or argument, --help, --json, --debug)
// returns false and goes to oclif as usual. The work is the same
// code the oclif commands run (src/ipvs/tasks.ts), and errors are worded by the same
// function (src/error-report.ts). Nothing here may import oclif.
import { reportError } from '../error-report.js';
import { withIpvs } from '../ipvs/client.js';
import { plainListing, readRestoreInput, restoreProgress, runRestore, savedRules } from '../ipvs/tasks.js';

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
      const text = await withIpvs((client) => plainListing(client, { numeric: flags.has('n') }));
      process.stdout.write(text);
    };
  } else if (command === 'save') {
    const flags = booleanFlags(args, SAVE_FLAGS, {});
    if (!flags) return false;
    run = async () => {
      const rules = await withIpvs((client) => savedRules(client, flags.has('n')));
      process.stdout.write(rules);
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
