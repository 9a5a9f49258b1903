// keepalived's notify_fifo / vrrp_notify_fifo: one line per state change
// (`INSTANCE "VI_1" MASTER 100`, `GROUP "G" BACKUP 0`) written to a named pipe, in order, for a
// reader such as a monitoring agent. keepalived creates the fifo when it is missing. The pipe is
// opened read-write and non-blocking: read-write so that opening never waits for a reader and
// writes never fail for want of one; non-blocking so that a reader that stopped reading can
// never stall the engine (a full pipe drops the line, and the caller logs it).
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import { fifoLine, type Notification } from './notify.js';

export class NotifyFifo {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {}

  /** Opens (creating if missing) the fifo; throws with a clear message when it cannot. */
  static open(path: string): NotifyFifo {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      // Node has no mkfifo(); coreutils' does the one system call.
      execFileSync('mkfifo', ['-m', '0600', path], { stdio: 'ignore' });
      stat = statSync(path);
    }
    if (!stat.isFIFO()) throw new Error(`${path} exists and is not a fifo`);
    return new NotifyFifo(path, openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
  }

  /** Writes one change; false when the pipe is full (nobody is reading) and the line was dropped. */
  write(change: Notification): boolean {
    if (this.fd === undefined) return false;
    try {
      writeSync(this.fd, fifoLine(change));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
      throw error;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
