// One timer for a whole engine. With a timer per instance, 100 instances at advert_int 0.1
// cost 1,000 timer callbacks a second as master and 1,000 clearTimeout/setTimeout pairs as
// backup (every advert pushes the down timer). Here the engine keeps each instance's next
// deadline in its state and asks for a wake-up at the earliest one only: a deadline that
// moves later (the common case: a backup hearing its master) costs nothing, and one wake-up
// serves every instance due by then.

export interface TimerFunctions {
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  setImmediate: (callback: () => void) => unknown;
  clearImmediate: (handle: unknown) => void;
}

const nodeTimers: TimerFunctions = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
  clearImmediate: (handle) => clearImmediate(handle as NodeJS.Immediate),
};

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
