// A precise short sleep for deadlines. libuv timers count whole milliseconds and can fire a
// millisecond or two late; the addon's clock_nanosleep wakes within tens of microseconds.
// It blocks the thread: only for the last few milliseconds before a deadline that matters.
import { addon } from './addon.js';

/**
 * Blocks the thread for `ms` milliseconds (monotonic clock, never shorter; at most a second,
 * nothing for a value below zero or not a number); false, without waiting, when the addon was
 * built before it had this.
 */
export function sleepPrecise(ms: number): boolean {
  const native = addon();
  if (!native.sleepPrecise) return false;
  native.sleepPrecise(ms > 0 ? Math.min(1000, ms) : 0);
  return true;
}
