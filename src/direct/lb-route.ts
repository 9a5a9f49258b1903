// The `vipctl lb ...` direct route (see index.ts): the entry of its own bundle, so that lb's
// start-up compiles none of the linter.
import { setFlagsFromString } from 'node:v8';
import { directAllowed, ignoreEarlyReaderExit } from './index.js';
import { runDirectLb } from './lb.js';

/** Runs `vipctl lb ARGV...` (argv without "lb") when it is a direct command line. */
export async function runDirect(argv: string[]): Promise<boolean> {
  if (!directAllowed()) return false;
  ignoreEarlyReaderExit();
  const [command, ...args] = argv;
  // A big listing or save runs a few loops tens of thousands of times, and V8's optimising
  // compiler compiles them while they run, on a second thread; inside user-mode Linux (one
  // CPU) that thread takes its time from the run, and most of its work and of its fresh
  // memory went into inlining the small functions of those loops into each other (10,000
  // services x 2 inside UML, in one boot: list 9,850 -> 7,900 minor faults, save 9,390 ->
  // 7,900, and 10-30% less time). Without inlining the compiler still optimises each
  // function. Not for restore: its line reader is many small functions called per
  // character, and without inlining its parsing took three times as long. A compiler flag,
  // read by each compilation; it is set back before the process ends, because the code
  // cache that bin/direct-route.js writes at exit is stamped with the flags of that moment
  // and would not match the next start's. (GC flags must never be changed this way: V8 20
  // crashes.)
  const lean = command === 'list' || command === 'save';
  if (!lean) return runDirectLb([command ?? '', ...args]);
  setFlagsFromString('--no-turbo-inlining');
  try {
    return await runDirectLb([command ?? '', ...args]);
  } finally {
    setFlagsFromString('--turbo-inlining');
  }
}
