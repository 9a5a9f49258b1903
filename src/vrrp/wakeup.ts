// One timer for a whole engine. With a timer per instance, 100 instances at advert_int 0.1
// cost 1,000 timer callbacks a second as master and 1,000 clearTimeout/setTimeout pairs as
// backup (every advert pushes the down timer). Here the engine keeps each instance's next
// deadline in its state and asks for a wake-up at the earliest one only: a deadline that
// moves later (the common case: a backup hearing its master) costs nothing, and one wake-up
// serves every instance due by then.
//
// Node timers count whole milliseconds and may fire a millisecond or two late, so a deadline
// that decides a failover is woken for a little early and the rest waited out: in one
// precise sleep (sleepUntil) when the addon has it, then turn by turn for the last fraction.
import { sleepPrecise } from '../native/clock.js';

export interface TimerFunctions {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  setImmediate: (callback: () => void) => unknown;
  clearImmediate: (handle: unknown) => void;
  /**
   * Blocks the thread for ms milliseconds, precisely; false when it cannot (then the caller
   * waits turn by turn). Absent with a clock that is not the monotonic one (tests).
   */
  sleep?: (ms: number) => boolean;
}

const nodeTimers: TimerFunctions = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
  clearImmediate: (handle) => clearImmediate(handle as NodeJS.Immediate),
  sleep: sleepPrecise,
};

/** Node's timers without the blocking sleep: for a clock other than performance.now(). */
export const nodeTimersWithoutSleep: TimerFunctions = { ...nodeTimers, sleep: undefined };

/** How long a precise sleep takes to wake up, about (a 2-core VM under load: ~0.1 ms). */
export const SPIN_MS = 0.15;

export class Wakeup {
  private timer: unknown;
  private immediate: unknown;
  /** When the pending wake-up is due (Infinity: none pending). */
  private armedAt = Infinity;

  constructor(
    private readonly now: () => number,
    private readonly onWake: () => void,
    private readonly timers: TimerFunctions = nodeTimers,
  ) {}

  /** When the pending wake-up is due, Infinity if none. */
  get pendingAt(): number {
    return this.armedAt;
  }

  /**
   * Makes sure a wake-up comes at `at` or sooner: a pending earlier one is kept, a later one
   * replaced. A time already past means the next turn of the event loop.
   */
  atOrBefore(at: number): void {
    if (at >= this.armedAt) return;
    this.cancel();
    this.armedAt = at;
    const delay = at - this.now();
    if (delay <= 0) this.immediate = this.timers.setImmediate(this.fire);
    else this.timer = this.timers.setTimeout(this.fire, delay);
  }

  /**
   * Blocks the thread until `at` if that is no more than `longestMs` away and the timers can
   * sleep precisely; returns whether it waited. Waiting out the last milliseconds before a
   * deadline turn by turn (setImmediate) keeps the CPU busy for them, and a busy task is the
   * one a scheduler sharing the CPU preempts when anything else wakes: it then loses the CPU
   * for a time slice at the very moment it must act. A sleeping one keeps its claim. The
   * sleep ends SPIN_MS early, as waking takes about that long, and the rest is waited out on
   * the CPU.
   */
  sleepUntil(at: number, longestMs: number): boolean {
    const sleep = this.timers.sleep;
    if (!sleep) return false;
    const ms = at - this.now();
    if (!(ms > 0) || ms > longestMs) return false;
    if (ms > SPIN_MS && !sleep(ms - SPIN_MS)) return false;
    while (this.now() < at) {
      // At most SPIN_MS, once per takeover.
    }
    return true;
  }

  cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    if (this.immediate !== undefined) this.timers.clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedAt = Infinity;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedAt = Infinity;
    this.onWake();
  };
}
