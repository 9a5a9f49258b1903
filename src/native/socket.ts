// A socket over the addon: open, bind, options, send, and receive driven by libuv
// readiness so that nothing blocks the event loop. The wrapper is protocol-agnostic;
// netlink, VRRP and capture code build on it.
import { addon, type NativePoller, type ReceivedMessage } from './addon.js';

export type { ReceivedMessage } from './addon.js';

export interface ReceiveOptions {
  /** Largest datagram expected; longer ones are cut and flagged MSG_TRUNC. */
  bufferLength: number;
  /** Room for control messages (see cmsg.controlSpace), 0 for none. */
  controlLength?: number;
  /** How many datagrams to read per wake-up. */
  maxMessages?: number;
}

/**
 * Reused memory for receiveMessages: `slots` datagrams of up to slotSize bytes, each with room
 * for a socket address (nameSlot bytes) and control messages (controlSlot bytes). After a call
 * returning n, datagram i is data[i * slotSize, + length(i)), and so on.
 */
export class ReceiveArea {
  readonly data: Buffer;
  readonly names: Buffer | null;
  readonly control: Buffer | null;
  /** Per datagram: length, msg_flags, address length, control length. */
  readonly meta: Int32Array;

  constructor(
    readonly slots: number,
    readonly slotSize: number,
    readonly nameSlot = 0,
    readonly controlSlot = 0,
  ) {
    this.data = Buffer.allocUnsafe(slots * slotSize);
    this.names = nameSlot > 0 ? Buffer.alloc(slots * nameSlot) : null;
    this.control = controlSlot > 0 ? Buffer.alloc(slots * controlSlot) : null;
    this.meta = new Int32Array(slots * 4);
  }

  /** Datagram i's start in data. */
  offset(i: number): number {
    return i * this.slotSize;
  }

  /** Bytes of datagram i in its slot (a longer one was cut at slotSize: flags(i) has MSG_TRUNC). */
  length(i: number): number {
    return this.meta[4 * i] as number;
  }

  flags(i: number): number {
    return this.meta[4 * i + 1] as number;
  }

  nameLength(i: number): number {
    return this.meta[4 * i + 2] as number;
  }

  controlLength(i: number): number {
    return this.meta[4 * i + 3] as number;
  }
}

export class Socket {
  private poller: NativePoller | undefined;
  private waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private listener: ((error: Error | null) => void) | undefined;
  private referenced = true;
  private closed = false;
  /** Whether the poller is started: starting it again costs two epoll_ctl calls per wake-up. */
  private polling = false;

  private constructor(readonly fd: number) {}

  static open(domain: number, type: number, protocol: number): Socket {
    return new Socket(addon().socket(domain, type, protocol));
  }

  bind(address: Buffer): void {
    addon().bind(this.fd, address);
  }

  localAddress(): Buffer {
    return addon().getsockname(this.fd);
  }

  setOption(level: number, name: number, value: number | Buffer): void {
    addon().setsockopt(this.fd, level, name, value);
  }

  getOption(level: number, name: number, length: number): Buffer {
    return addon().getsockopt(this.fd, level, name, length);
  }

  /**
   * An option whose value carries a request in and the answer out, in `buffer` (see the
   * addon's getsockoptInto); the length the kernel reported, or undefined when the addon
   * was built before it had this.
   */
  getOptionInto(level: number, name: number, buffer: Buffer, length = buffer.length): number | undefined {
    const native = addon();
    return native.getsockoptInto ? native.getsockoptInto(this.fd, level, name, buffer, length) : undefined;
  }

  /** Attaches a classic BPF program (8-byte instructions in host order). */
  attachFilter(program: Buffer): void {
    addon().attachFilter(this.fd, program);
  }

  /** sendmsg: returns the bytes sent. Throws EAGAIN when the send buffer is full. */
  send(data: Buffer | Buffer[], to: Buffer | null = null, control: Buffer | null = null, flags = 0): number {
    return addon().sendmsg(this.fd, data, to, control, flags);
  }

  /** Reads whatever is waiting now (up to maxMessages), without waiting. */
  receiveNow(options: ReceiveOptions): ReceivedMessage[] {
    return addon().recvmsg(this.fd, options.maxMessages ?? 64, options.bufferLength, options.controlLength ?? 0);
  }

  /**
   * Datagrams ready now, read with one system call into slots of `buffer` (the i-th at
   * i * slotSize, cut at slotSize) with their lengths and flags in meta[2i], meta[2i+1];
   * returns how many (0: none waiting). undefined when the addon is too old to do this.
   */
  receiveInto(buffer: Buffer, slotSize: number, meta: Int32Array): number | undefined {
    const native = addon();
    return native.recvInto ? native.recvInto(this.fd, buffer, slotSize, meta) : undefined;
  }

  /**
   * Datagrams ready now with their sender addresses and control messages, read with one system
   * call into reused areas (see ReceiveArea); returns how many (0: none waiting), or undefined
   * when the addon is too old to do this (use receiveNow then).
   */
  receiveMessages(area: ReceiveArea): number | undefined {
    const native = addon();
    if (!native.recvMessages) return undefined;
    return native.recvMessages(this.fd, area.data, area.slotSize, area.names, area.nameSlot, area.control, area.controlSlot, area.meta);
  }

  /** Reads, waiting for readiness if nothing is there yet. */
  async receive(options: ReceiveOptions, timeoutMs?: number): Promise<ReceivedMessage[]> {
    for (;;) {
      const messages = this.receiveNow(options);
      if (messages.length > 0) return messages;
      await this.readable(timeoutMs);
    }
  }

  /** Resolves when the socket has something to read; rejects after timeoutMs if given. */
  readable(timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('socket is closed'));
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = {
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          if (timer) clearTimeout(timer);
          reject(error);
        },
      };
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          this.updatePolling();
          const error = new Error(`timed out after ${timeoutMs} ms waiting for a reply`) as Error & { code: string };
          error.code = 'ETIMEDOUT';
          reject(error);
        }, timeoutMs);
      }
      this.waiters.push(waiter);
      this.updatePolling();
    });
  }

  /**
   * Calls onReadable each time the socket becomes readable, until stopListening(). The
   * callback is expected to drain the socket with receiveNow.
   */
  listen(onReadable: (error: Error | null) => void): void {
    this.listener = onReadable;
    this.updatePolling();
  }

  stopListening(): void {
    this.listener = undefined;
    this.updatePolling();
  }

  /** Lets the process exit while this socket is still open and idle. */
  unref(): void {
    this.referenced = false;
    this.poller?.unref();
  }

  ref(): void {
    this.referenced = true;
    this.poller?.ref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.poller?.close();
    this.poller = undefined;
    this.polling = false;
    const waiters = this.waiters.splice(0);
    this.listener = undefined;
    addon().close(this.fd);
    for (const waiter of waiters) waiter.reject(new Error('socket closed'));
  }

  private updatePolling(): void {
    if (this.closed) return;
    const wanted = this.listener !== undefined || this.waiters.length > 0;
    if (!wanted) {
      this.poller?.stop();
      this.polling = false;
      return;
    }
    if (!this.poller) {
      this.poller = new (addon().Poller)(this.fd, (error, readable) => this.onEvent(error, readable));
      if (!this.referenced) this.poller.unref();
    }
    // libuv keeps polling until stopped; restarting it each time re-registers the descriptor.
    if (this.polling) return;
    this.poller.start(true, false);
    this.polling = true;
  }

  private onEvent(error: Error | null, readable: boolean): void {
    // libuv stops a poll handle that reports an error: start it again if still wanted.
    if (error) this.polling = false;
    if (!error && !readable) return;
    const waiters = this.waiters.splice(0);
    for (const waiter of waiters) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    this.listener?.(error);
    this.updatePolling();
  }
}
