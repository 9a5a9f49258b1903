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
  // A big listing, save or restore runs a few loops tens of thousands of times, and V8's
  // optimising compiler compiles them while they run, on a second thread; inside user-mode
  // Linux (one CPU) that thread takes its time from the run, and most of its work and of
  // its fresh memory went into inlining the small functions of those loops into each other
  // (10,000 services x 2 inside UML, in one boot: list 10,000 -> 8,000 minor faults, save
  // 9,300 -> 8,000, restore 10,500 -> 9,500, and 10-25% less time). Without inlining the
  // compiler still optimises each function. A compiler flag, read by each compilation; it
  // is set back before the process ends, because the code cache that bin/direct-route.js
  // writes at exit is stamped with the flags of that moment and would not match the next
  // start's. (GC flags must never be changed this way: V8 20 crashes.)
  setFlagsFromString('--no-turbo-inlining');
  try {
    return await runDirectLb([command ?? '', ...args]);
  } finally {
    setFlagsFromString('--turbo-inlining');
  }
}
