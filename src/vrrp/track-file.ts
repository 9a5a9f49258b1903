// track_file: a number in a file that an operator or another program writes (e.g. "echo -50 >
// /run/keepalived/maintenance") to move VRRP priorities without reloading anything. Read as
// keepalived 2.2.7 reads it, checked against it (test/host/vrrp-engine/track-file.test.ts):
// - the text is a C strtol() number in base 0: leading blanks, a sign, `0x` hexadecimal, a
//   leading 0 octal; reading stops at the first other character ("12abc" is 12, "1.5" is 1);
// - no number, an empty file or a missing file reads as 0;
// - the file is read again whenever it changes, including when it is replaced by a rename
//   (what `mv` and editors do), so the directory is watched, not the file's inode.
// Values beyond a 32-bit int are clamped to it (keepalived's own handling of them is erratic:
// its priority stayed stuck at 254 after one such value in our trials).
import { readFileSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import path from 'node:path';

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;

/** The value of a track file's text, as keepalived reads it (strtol base 0, clamped to int). */
export function trackFileValue(text: string): number {
  let i = 0;
  while (i < text.length && /[ \t\n\v\f\r]/.test(text[i] as string)) i += 1;
  let sign = 1;
  if (text[i] === '+' || text[i] === '-') {
    if (text[i] === '-') sign = -1;
    i += 1;
  }
  let base = 10;
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X') && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
    base = 16;
    i += 2;
  } else if (text[i] === '0') {
    base = 8;
  }
  let value = 0;
  for (; i < text.length; i += 1) {
    const digit = Number.parseInt(text[i] as string, base);
    if (Number.isNaN(digit)) break;
    // Past the int range the exact value no longer matters: stop growing it.
    if (value <= INT_MAX) value = value * base + digit;
  }
  // `|| 0`: "-0" is 0, not JavaScript's negative zero.
  return Math.min(INT_MAX, Math.max(INT_MIN, sign * value)) || 0;
}

/** Reads a track file now: missing or unreadable counts as 0, as in keepalived. */
export function readTrackFile(file: string): number {
  try {
    return trackFileValue(readFileSync(file, 'utf8').slice(0, 4096));
  } catch {
    return 0;
  }
}

/**
 * init_file: writes the initial value when the file does not exist, or always with
 * `overwrite`. Returns an error text when it cannot (the engine logs it; keepalived does too).
 */
export function initTrackFile(file: string, value: number, overwrite: boolean): string | undefined {
  try {
    writeFileSync(file, `${value}\n`, { flag: overwrite ? 'w' : 'wx', mode: 0o644 });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return undefined;
    return `cannot write ${file}: ${code ?? String(error)}`;
  }
}

/**
 * Watches track files and reports each new value (only changes). One inotify watch per
 * directory, whatever the number of files in it; files are re-read on every event for them.
 */
export class TrackFileWatcher {
  private readonly values = new Map<string, number>();
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onChange: (file: string, value: number) => void, private readonly onError: (directory: string, error: string) => void) {}

  /** Starts watching `file` (absolute) and returns its current value. */
  add(file: string): number {
    const directory = path.dirname(file);
    if (!this.watchers.has(directory)) {
      try {
        const watcher = watch(directory, { persistent: false }, (_event, name) => this.changed(directory, name));
        watcher.on('error', (error) => this.onError(directory, String(error)));
        this.watchers.set(directory, watcher);
      } catch (error) {
        // A directory that does not exist yet: the file reads as 0, as in keepalived.
        this.onError(directory, (error as NodeJS.ErrnoException).code ?? String(error));
      }
    }
    const value = readTrackFile(file);
    this.values.set(file, value);
    return value;
  }

  value(file: string): number {
    return this.values.get(file) ?? 0;
  }

  private changed(directory: string, name: string | Buffer | null): void {
    // Without a name (some kernels, overflows) any file of the directory may have changed.
    const changedName = name === null ? undefined : name.toString();
    for (const [file, old] of this.values) {
      if (path.dirname(file) !== directory || (changedName !== undefined && path.basename(file) !== changedName)) continue;
      const value = readTrackFile(file);
      if (value === old) continue;
      this.values.set(file, value);
      this.onChange(file, value);
    }
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.values.clear();
  }
}
