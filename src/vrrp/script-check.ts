// vrrp_script health checks, as keepalived runs them: the script is executed (no shell) every
// `interval` seconds, killed after `timeout` (default: the interval); exit status 0 is a
// success, anything else (or a timeout, or a failure to start) a failure. The check changes
// state only after `rise` successes in a row (failed -> ok) or `fall` failures in a row
// (ok -> failed). It starts ok, or failed with `init_fail`. A run never overlaps the previous
// one: a slow script delays its next run instead of piling up processes.
import type { VrrpScript } from '../keepalived/model.js';
import { spawnRunner, type RunResult, type ScriptRunner } from './notify.js';

export interface ScriptHealth {
  ok: boolean;
  /** Consecutive results that disagree with `ok` (successes while failed, failures while ok). */
  streak: number;
}

export function initialHealth(initFail: boolean): ScriptHealth {
  return { ok: !initFail, streak: 0 };
}

/** Applies one result; `changed` says whether the check crossed rise / fall. */
export function recordResult(health: ScriptHealth, success: boolean, rise: number, fall: number): { health: ScriptHealth; changed: boolean } {
  if (success === health.ok) return { health: { ok: health.ok, streak: 0 }, changed: false };
  const streak = health.streak + 1;
  const needed = Math.max(1, success ? rise : fall);
  if (streak >= needed) return { health: { ok: success, streak: 0 }, changed: true };
  return { health: { ok: health.ok, streak }, changed: false };
}

export type RunnerFactory = (timeoutMs: number) => ScriptRunner;

export interface ScriptCheckOptions {
  identity?: { uid: number; gid: number };
  /** Makes the runner; tests pass a fake. */
  runnerFor?: RunnerFactory;
  onChange: (ok: boolean, result: RunResult) => void;
  onResult?: (result: RunResult) => void;
}

export class ScriptCheck {
  private health: ScriptHealth;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly run: ScriptRunner;
  readonly intervalMs: number;

  constructor(
    readonly script: VrrpScript,
    private readonly options: ScriptCheckOptions,
  ) {
    this.health = initialHealth(script.initFail);
    this.intervalMs = Math.max(1, script.interval) * 1000;
    const timeoutMs = (script.timeout ?? script.interval) * 1000;
    this.run = (options.runnerFor ?? ((ms) => spawnRunner(ms, options.identity)))(Math.max(100, timeoutMs));
  }

  get ok(): boolean {
    return this.health.ok;
  }

  /** Runs the script at once, then every interval after each run ends. */
  start(): void {
    void this.cycle();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async cycle(): Promise<void> {
    if (this.stopped || !this.script.script) return;
    const started = Date.now();
    const result = await this.run(this.script.script.argv);
    if (this.stopped) return;
    this.options.onResult?.(result);
    const success = result.code === 0 && !result.error;
    const recorded = recordResult(this.health, success, this.script.rise, this.script.fall);
    this.health = recorded.health;
    if (recorded.changed) this.options.onChange(this.health.ok, result);
    // The next run starts one interval after this one started, or at once if it overran.
    this.timer = setTimeout(() => void this.cycle(), Math.max(0, this.intervalMs - (Date.now() - started)));
  }
}
