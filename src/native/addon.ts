// Typed loader of the native addon (native/socket.cc). The addon does system calls only;
// everything here is a thin, typed view of what it exports.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { VipctlError, ExitCode } from '../errors.js';

export interface ReceivedMessage {
  /** The datagram, cut to the buffer length asked for. */
  data: Buffer;
  /** The sender's socket address, as bytes (see sockaddr.ts). */
  name: Buffer;
  /** Control messages (ancillary data), as bytes (see cmsg.ts). */
  control: Buffer;
  /** recvmsg's msg_flags: MSG_TRUNC / MSG_CTRUNC say what was cut. */
  flags: number;
  /** The datagram's real length (larger than data.length when truncated). */
  length: number;
}

export interface NativePoller {
  start(readable?: boolean, writable?: boolean): void;
  stop(): void;
  ref(): void;
  unref(): void;
  close(): void;
}

export interface NativeAddon {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Buffer): void;
  getsockname(fd: number): Buffer;
  setsockopt(fd: number, level: number, name: number, value: number | Buffer): void;
  getsockopt(fd: number, level: number, name: number, length: number): Buffer;
  /**
   * getsockopt with `buffer` as the option value both ways (request in, answer over it);
   * optlen starts at `length` (default the buffer's); returns the length the kernel
   * reported (absent from addons built before it).
   */
  getsockoptInto?(fd: number, level: number, name: number, buffer: Buffer, length?: number): number;
  attachFilter(fd: number, program: Buffer): void;
  sendmsg(fd: number, data: Buffer | Buffer[], name: Buffer | null, control: Buffer | null, flags?: number): number;
  recvmsg(fd: number, maxMessages: number, bufferLength: number, controlLength: number, flags?: number): ReceivedMessage[];
  /** One recvmmsg into slots of `buffer`; lengths and flags into `meta`; returns the count (absent from addons built before it). */
  recvInto?(fd: number, buffer: Buffer, slotSize: number, meta: Int32Array, flags?: number): number;
  /**
   * One recvmmsg into slots of `data`, with each datagram's socket address (slots of `names`)
   * and control messages (slots of `control`); meta[4i..4i+3] = length, flags, name length,
   * control length; returns the count (absent from addons built before it).
   */
  recvMessages?(fd: number, data: Buffer, slotSize: number, names: Buffer | null, nameSlot: number, control: Buffer | null, controlSlot: number, meta: Int32Array, flags?: number): number;
  close(fd: number): void;
  ifNameToIndex(name: string): number;
  /** Blocks the thread for ms milliseconds on the monotonic clock, to within tens of microseconds (absent from addons built before it). */
  sleepPrecise?(ms: number): void;
  Poller: new (fd: number, callback: (error: Error | null, readable: boolean, writable: boolean) => void) => NativePoller;
  constants: Record<string, number>;
}

let loaded: NativeAddon | undefined;

/** The addon, loaded on first use so that commands which need no socket start faster. */
export function addon(): NativeAddon {
  if (loaded) return loaded;
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/src/native -> project root; src/native (when run from sources) -> project root.
  const candidates = [path.resolve(here, '../../..'), path.resolve(here, '../..')].map((root) =>
    path.join(root, 'build', 'Release', 'vipctl_native.node'),
  );
  const file = candidates.find((candidate) => existsSync(candidate));
  if (!file) {
    throw new VipctlError('the native addon is not built', {
      hint: 'run `npm ci` (or `npm run install`) in the vipctl directory to build it',
      exitCode: ExitCode.Internal,
    });
  }
  loaded = createRequire(import.meta.url)(file) as NativeAddon;
  return loaded;
}

/** A constant from the system headers, as compiled into the addon. */
export function constant(name: string): number {
  const value = addon().constants[name];
  if (value === undefined) throw new Error(`native constant ${name} is not exported`);
  return value;
}
