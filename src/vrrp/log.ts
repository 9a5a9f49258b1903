// The engine's log: one line per event on stderr, as text or JSON, with levels, so systemd
// and log shippers can take it as it is. Repeated warnings of one kind are rate-limited.
export type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';

export interface Logger {
  log(level: Level, message: string, fields?: Record<string, unknown>): void;
  /** Logs the first of a kind, then at most once per interval with how many were suppressed. */
  limited(kind: string, level: Level, message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(format: LogFormat, write: (line: string) => void = (line) => process.stderr.write(line), intervalMs = 60_000, now = () => Date.now()): Logger {
  const lastByKind = new Map<string, { at: number; suppressed: number }>();
  const log = (level: Level, message: string, fields: Record<string, unknown> = {}): void => {
    if (format === 'json') {
      write(`${JSON.stringify({ time: new Date(now()).toISOString(), level, message, ...fields })}\n`);
    } else {
      const extra = Object.entries(fields)
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      write(`${level.toUpperCase().padEnd(5)} ${message}${extra ? ` ${extra}` : ''}\n`);
    }
  };
  return {
    log,
    limited(kind, level, message, fields = {}) {
      const seen = lastByKind.get(kind);
      const time = now();
      if (seen && time - seen.at < intervalMs) {
        seen.suppressed += 1;
        return;
      }
      const suppressed = seen?.suppressed ?? 0;
      lastByKind.set(kind, { at: time, suppressed: 0 });
      log(level, message, suppressed > 0 ? { ...fields, suppressed } : fields);
    },
  };
}
