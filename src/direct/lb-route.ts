// The `vipctl lb ...` direct route (see index.ts): the entry of its own bundle, so that lb's
// start-up compiles none of the linter.
import { directAllowed, ignoreEarlyReaderExit } from './index.js';
import { runDirectLb } from './lb.js';

/** Runs `vipctl lb ARGV...` (argv without "lb") when it is a direct command line. */
export async function runDirect(argv: string[]): Promise<boolean> {
  if (!directAllowed()) return false;
  ignoreEarlyReaderExit();
  const [command, ...args] = argv;
  return runDirectLb([command ?? '', ...args]);
}
