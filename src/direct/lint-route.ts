// The `vipctl config lint ...` direct route (see index.ts): the entry of its own bundle, so that
// lint's start-up compiles none of lb.
import { directAllowed, ignoreEarlyReaderExit } from './index.js';
import { runDirectLint } from './lint.js';

/** Runs `vipctl config lint ARGS...` (args after "config lint") when it is a direct command line. */
export async function runDirect(args: string[]): Promise<boolean> {
  if (!directAllowed()) return false;
  ignoreEarlyReaderExit();
  return runDirectLint(args);
}
