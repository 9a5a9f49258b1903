// A netlink conversation with the kernel over one socket: requests with sequence numbers,
// acknowledgements matched back to their requests, multi-part dumps, and batches of many
// requests per send. Connections are passed explicitly; there is no global handle.
import { Socket } from '../native/socket.js';
import { AF_NETLINK, netlinkAddress, parseSocketAddress } from '../native/sockaddr.js';
import { constant } from '../native/addon.js';
import { isSystemError } from '../errors.js';
import {
  NETLINK_CAP_ACK,
  NETLINK_EXT_ACK,
  NETLINK_GET_STRICT_CHK,
  NETLINK_ADD_MEMBERSHIP,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_NOOP,
  NLMSG_OVERRUN,
  NLM_F_ACK,
  NLM_F_DUMP,
  NLM_F_DUMP_INTR,
  NLM_F_MULTI,
  NLM_F_REQUEST,
  NLMSG_HDRLEN,
  SOL_NETLINK,
  align4,
} from './constants.js';
import { decodeHeader, encodeHeader, splitMessages, type NetlinkMessage } from './header.js';
import { decodeAcknowledgement, netlinkError, type NetlinkError } from './message.js';
import { readS32Host, readU16Host, readU32Host, u16HostAt, u32HostAt, writeU16Host, writeU32Host } from '../native/bytes.js';


export interface NetlinkRequest {
  type: number;
  /** Extra flags; NLM_F_REQUEST is always added, and NLM_F_ACK to all but dumps. */
  flags?: number;
  payload: Buffer;
}

export type RequestOutcome =
  | { ok: true; replies: NetlinkMessage[] }
  | { ok: false; error: NetlinkError; replies: NetlinkMessage[] };

export interface ConnectionOptions {
  /** Multicast groups to join at once (group numbers, not a bitmask). */
  groups?: number[];
  /** Ask the kernel to check dump requests strictly (rtnetlink filtering). */
  strictChecking?: boolean;
  /** Receive buffer size in bytes; root may exceed the system limit. */
  receiveBuffer?: number;
  /** How long to wait for the kernel's answer, in milliseconds. */
  timeoutMs?: number;
}

export interface BatchOptions {
  /** Requests per send; their acknowledgements must fit the receive buffer. */
  chunkSize?: number;
  /** Called after each chunk with the number of requests answered so far. */
  onProgress?: (done: number, total: number) => void;
  /** Stop sending further chunks after the first refused request. */
  stopOnError?: boolean;
  /**
   * 'errors': only the last request of each chunk asks for an acknowledgement; the others
   * are answered only when refused. The kernel handles a chunk's requests in order within
   * one send, so the last acknowledgement vouches for every earlier request that was not
   * refused. Large batches then cost one read per chunk instead of one per request.
   * Default 'each'.
   */
  acknowledge?: 'each' | 'errors';
}

export interface PreparedOptions {
  /** Requests per send (default 512); their refusals must fit the receive buffer. */
  chunkSize?: number;
  /** Largest send in bytes (default 64 KiB; the kernel refuses datagrams beyond its send buffer). */
  chunkBytes?: number;
  /** Called after each send with the number of requests answered so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface PreparedOutcome {
  /** Requests sent and answered (all of them, unless a send had a refusal: then up to the end of that send). */
  answered: number;
  /** Refused requests, by index in the buffer, in order. */
  refusals: Array<{ index: number; error: NetlinkError }>;
}

/** The answers one send of prepared requests waits for (see sendPreparedChunk). */
interface PreparedAcks {
  /** Request index by sequence number. */
  indexOf: Map<number, number>;
  /** The request whose acknowledgement ends the send's answers. */
  lastSeq: number;
  refusals: PreparedOutcome['refusals'];
}

interface Pending {
  seq: number;
  dump: boolean;
  replies: NetlinkMessage[];
  interrupted: boolean;
  outcome?: RequestOutcome;
}

const RECEIVE_BUFFER_LENGTH = 1 << 16;
// Datagrams a dump read takes at once (the kernel's dump datagrams are at most 32 KiB).
const DUMP_SLOTS = 4;
const DUMP_ATTEMPTS = 4;

export class NetlinkConnection {
  private seq: number;
  private notificationHandler: ((message: NetlinkMessage) => void) | undefined;
  private dumpArea: { buffer: Buffer; meta: Int32Array } | undefined;
  private dumpRequest: Buffer | undefined;
  private readonly kernelAddress = netlinkAddress(0, 0);
  readonly portId: number;
  private readonly timeoutMs: number;

  private constructor(
    private readonly socket: Socket,
    readonly protocol: number,
    options: ConnectionOptions,
  ) {
    const local = parseSocketAddress(socket.localAddress());
    this.portId = local.family === 'netlink' ? local.portId : 0;
    this.seq = (Math.floor(Math.random() * 0x7fffffff) | 1) >>> 0;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  static open(protocol: number, options: ConnectionOptions = {}): NetlinkConnection {
    const socket = Socket.open(AF_NETLINK, constant('SOCK_RAW'), protocol);
    try {
      socket.bind(netlinkAddress(0, 0));
      // Extended acks give the kernel's reason in words; capped acks keep error replies
      // small so that a large batch's answers fit the receive buffer. Both are optional
      // features of the kernel, so a refusal is not an error.
      trySetOption(socket, SOL_NETLINK, NETLINK_EXT_ACK, 1);
      trySetOption(socket, SOL_NETLINK, NETLINK_CAP_ACK, 1);
      if (options.strictChecking) trySetOption(socket, SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
      const receiveBuffer = options.receiveBuffer ?? 8 << 20;
      if (!trySetOption(socket, constant('SOL_SOCKET'), constant('SO_RCVBUFFORCE'), receiveBuffer)) {
        trySetOption(socket, constant('SOL_SOCKET'), constant('SO_RCVBUF'), receiveBuffer);
      }
      for (const group of options.groups ?? []) socket.setOption(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
      return new NetlinkConnection(socket, protocol, options);
    } catch (error) {
      socket.close();
      throw error;
    }
  }

  /** Joins a multicast group (e.g. a generic-netlink family's group id). */
  joinGroup(group: number): void {
    this.socket.setOption(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group);
  }

  /** One request; resolves to its replies, rejects with a NetlinkError if refused. */
  async request(request: NetlinkRequest): Promise<NetlinkMessage[]> {
    const [outcome] = await this.exchange([request]);
    if (!outcome) throw new Error('netlink: no outcome for request');
    if (!outcome.ok) throw outcome.error;
    return outcome.replies;
  }

  /**
   * A multi-part dump. If the kernel flags it as interrupted (the table changed while it
   * was read, NLM_F_DUMP_INTR), it is read again; after several attempts the error says so.
   */
  async dump(type: number, payload: Buffer, flags = 0): Promise<NetlinkMessage[]> {
    for (let attempt = 1; ; attempt++) {
      const [outcome] = await this.exchange([{ type, flags: flags | NLM_F_DUMP, payload }]);
      if (!outcome) throw new Error('netlink: no outcome for dump');
      if (!outcome.ok) throw outcome.error;
      const interrupted = outcome.replies.some((m) => m.header.flags & NLM_F_DUMP_INTR);
      if (!interrupted) return outcome.replies;
      if (attempt >= DUMP_ATTEMPTS) {
        const error = netlinkError(4, { message: `the table kept changing while it was read (${attempt} attempts)` });
        throw error;
      }
    }
  }

  /**
   * Dumps, one after another over this socket (the kernel runs one dump per socket at a
   * time), one per payload. Each reply's payload goes to `visit` with the dump's index as it
   * arrives: a view into the received datagram, valid during the call, and no object per
   * reply, for tables of tens of thousands of entries. A dump the kernel marks interrupted
   * (NLM_F_DUMP_INTR, the table changed meanwhile) is read again, after `restart(index)`
   * tells the caller to drop what that dump gave so far; a refused one rejects as dump() does.
   */
  async dumpSequence(
    type: number,
    payloads: Buffer[],
    visit: (index: number, payload: Buffer) => void,
    restart: (index: number) => void = () => undefined,
    flags = 0,
  ): Promise<void> {
    await this.dumpSequenceSpans(type, payloads, (index, bytes, start, end) => visit(index, bytes.subarray(start, end)), restart, flags);
  }

  /**
   * dumpSequence without a view per reply: each reply's payload is bytes[start, end) of the
   * received datagram (valid during the call). A view is an object on the heap, and a dump
   * of tens of thousands of services made one per service, which the decoder then dropped.
   */
  async dumpSequenceSpans(
    type: number,
    payloads: Buffer[],
    visit: (index: number, bytes: Buffer, start: number, end: number) => void,
    restart: (index: number) => void = () => undefined,
    flags = 0,
  ): Promise<void> {
    for (let index = 0; index < payloads.length; index++) {
      const payload = payloads[index] as Buffer;
      for (let attempt = 1; ; attempt++) {
        const seq = this.nextSeq();
        const length = NLMSG_HDRLEN + payload.length;
        // One request buffer for the whole sequence (a dump per service is tens of thousands of sends).
        if (!this.dumpRequest || this.dumpRequest.length < align4(length)) this.dumpRequest = Buffer.alloc(Math.max(256, align4(length)));
        const datagram = this.dumpRequest.subarray(0, align4(length)).fill(0, length);
        encodeHeader({ length, type, flags: flags | NLM_F_REQUEST | NLM_F_DUMP, seq, portId: this.portId }, datagram, 0);
        payload.copy(datagram, NLMSG_HDRLEN);
        this.socket.send(datagram, this.kernelAddress);
        if (!(await this.readDump(seq, index, visit))) break;
        if (attempt >= DUMP_ATTEMPTS) throw netlinkError(4, { message: `the table kept changing while it was read (${attempt} attempts)` });
        restart(index);
      }
    }
  }

  /**
   * The datagrams waiting now, for reading a dump: with one recvmmsg into an area kept for
   * the purpose (a dump's data and its DONE in one call, nothing allocated per datagram),
   * or with recvmsg when the addon is older. The data are views, valid until the next call.
   */
  private receiveForDump(): Array<{ data: Buffer; flags: number }> {
    const area = (this.dumpArea ??= { buffer: Buffer.allocUnsafe(DUMP_SLOTS * RECEIVE_BUFFER_LENGTH), meta: new Int32Array(2 * DUMP_SLOTS) });
    const count = this.socket.receiveInto(area.buffer, RECEIVE_BUFFER_LENGTH, area.meta);
    // A dump's data and its DONE: two datagrams (more for big dumps, read as they come).
    if (count === undefined) return this.socket.receiveNow({ bufferLength: RECEIVE_BUFFER_LENGTH, maxMessages: 2 });
    const datagrams: Array<{ data: Buffer; flags: number }> = [];
    for (let i = 0; i < count; i++) {
      const start = i * RECEIVE_BUFFER_LENGTH;
      datagrams.push({ data: area.buffer.subarray(start, start + (area.meta[2 * i] as number)), flags: area.meta[2 * i + 1] as number });
    }
    return datagrams;
  }

  /** Reads dump `index`'s replies up to its end; true when the kernel flagged it interrupted. */
  private async readDump(seq: number, index: number, visit: (index: number, bytes: Buffer, start: number, end: number) => void): Promise<boolean> {
    let interrupted = false;
    // Messages read after the dump's end in the same call are notifications, if anything.
    let finished = false;
    while (!finished) {
      let received;
      try {
        received = this.receiveForDump();
      } catch (error) {
        if (isSystemError(error) && error.code === 'ENOBUFS') {
          throw netlinkError(105, { message: 'the kernel dropped replies because the receive buffer was full; nothing is known of their outcome' });
        }
        throw error;
      }
      if (received.length === 0) {
        await this.socket.readable(this.timeoutMs);
        continue;
      }
      for (const { data, flags } of received) {
        if (flags & constant('MSG_TRUNC')) throw netlinkError(90, { message: 'a netlink reply was larger than the receive buffer' });
        for (let at = 0; at + NLMSG_HDRLEN <= data.length; ) {
          // Plain byte reads: this loop runs once per reply (tens of thousands in a big dump), see bytes.ts.
          const length = u32HostAt(data, at);
          if (length < NLMSG_HDRLEN || at + length > data.length) throw netlinkError(71, { message: `truncated netlink message at byte ${at} (length ${length})` });
          const messageType = u16HostAt(data, at + 4);
          const messageFlags = u16HostAt(data, at + 6);
          const ours = !finished && u32HostAt(data, at + 8) === seq && u32HostAt(data, at + 12) === this.portId;
          const start = at + NLMSG_HDRLEN;
          const end = at + length;
          const header = at;
          at += align4(length);
          if (!ours) {
            // A copy: the dump area is read into again.
            if (messageType !== NLMSG_NOOP) this.notificationHandler?.({ header: decodeHeader(data, header), payload: Buffer.from(data.subarray(start, end)) });
            continue;
          }
          if (messageFlags & NLM_F_DUMP_INTR) interrupted = true;
          if (messageType === NLMSG_NOOP || messageType === NLMSG_OVERRUN) continue;
          if (messageType === NLMSG_ERROR || messageType === NLMSG_DONE) {
            // A dump may end with an error code (and extended ack) in its DONE message.
            const error = end - start >= 4 ? readS32Host(data, start) : 0;
            if (error < 0) throw netlinkError(error, decodeAcknowledgement(data.subarray(start, end), messageFlags).extended, seq);
            finished = true;
            continue;
          }
          visit(index, data, start, end);
          if (!(messageFlags & NLM_F_MULTI)) finished = true;
        }
      }
    }
    return interrupted;
  }

  /**
   * Many requests, several per send, each acknowledgement matched to its request by
   * sequence number. The kernel goes on after a refused request, so every outcome is
   * returned in request order (unless stopOnError ends the batch early: then the outcomes
   * cover only the chunks sent).
   */
  async batch(requests: NetlinkRequest[], options: BatchOptions = {}): Promise<RequestOutcome[]> {
    const chunkSize = options.chunkSize ?? 200;
    const outcomes: RequestOutcome[] = [];
    for (let start = 0; start < requests.length; start += chunkSize) {
      const chunk = await this.exchange(requests.slice(start, start + chunkSize), options.acknowledge === 'errors');
      outcomes.push(...chunk);
      options.onProgress?.(outcomes.length, requests.length);
      if (options.stopOnError && chunk.some((o) => !o.ok)) break;
    }
    return outcomes;
  }

  /**
   * Requests already laid out back to back as netlink messages in `messages`, each with its
   * nlmsghdr length and type set (and flags 0 or extra flags): this fills in the request and
   * ack flags, sequence numbers and port id in place, then sends them as batch() does with
   * acknowledge 'errors' and stopOnError: several per send, only the last of each send and
   * refusals answered, no further sends after one with a refusal. Made for restores of tens
   * of thousands of requests: nothing is allocated per request.
   */
  async sendPrepared(messages: Buffer, options: PreparedOptions = {}): Promise<PreparedOutcome> {
    const { chunkSize, chunkBytes } = preparedLimits(options);
    const total = countPrepared(messages);
    const refusals: PreparedOutcome['refusals'] = [];
    let index = 0;
    let offset = 0;
    while (offset < messages.length) {
      const chunk = this.sendPreparedChunk(messages, offset, index, chunkSize, chunkBytes);
      offset = chunk.end;
      index += chunk.indexOf.size;
      const chunkRefusals = await this.awaitLastAck(chunk);
      refusals.push(...chunkRefusals);
      options.onProgress?.(index, total);
      if (chunkRefusals.length > 0) break;
    }
    return { answered: index, refusals };
  }

  /**
   * sendPrepared for requests that go in one send, answered in the same call when the kernel
   * answered within the send: rtnetlink handles a request inside the sender's system call,
   * so its acknowledgement is already queued when the send returns, and the outcome comes
   * back as a value, without waiting for a turn of the event loop (a VRRP takeover sends its
   * gratuitous ARPs as soon as its VIPs are in place). Otherwise (an answer still to come,
   * or more than one send's worth of requests) a promise of it, as sendPrepared gives.
   * Malformed messages throw here rather than reject.
   */
  sendPreparedNow(messages: Buffer, options: PreparedOptions = {}): PreparedOutcome | Promise<PreparedOutcome> {
    const { chunkSize, chunkBytes } = preparedLimits(options);
    const total = countPrepared(messages);
    if (total === 0 || total > chunkSize || (total > 1 && messages.length > chunkBytes)) return this.sendPrepared(messages, options);
    const chunk = this.sendPreparedChunk(messages, 0, 0, chunkSize, chunkBytes);
    const finish = (): PreparedOutcome => {
      options.onProgress?.(total, total);
      return { answered: total, refusals: chunk.refusals };
    };
    if (this.readAcks(chunk)) return finish();
    return this.awaitLastAck(chunk).then(finish);
  }

  /**
   * Fills in and sends the requests of one send from `offset` (as many as chunkSize and
   * chunkBytes allow, at least one), only the last asking for an acknowledgement; returns
   * what reading the answers needs and where the next send starts.
   */
  private sendPreparedChunk(messages: Buffer, offset: number, first: number, chunkSize: number, chunkBytes: number): PreparedAcks & { end: number } {
    const start = offset;
    const indexOf = new Map<number, number>();
    let lastSeq = 0;
    let lastOffset = offset;
    while (offset < messages.length && indexOf.size < chunkSize) {
      const next = offset + align4(readU32Host(messages, offset));
      if (indexOf.size > 0 && next - start > chunkBytes) break;
      lastSeq = this.nextSeq();
      writeU16Host(messages, readU16Host(messages, offset + 6) | NLM_F_REQUEST, offset + 6);
      writeU32Host(messages, lastSeq, offset + 8);
      writeU32Host(messages, this.portId, offset + 12);
      indexOf.set(lastSeq, first + indexOf.size);
      lastOffset = offset;
      offset = next;
    }
    writeU16Host(messages, readU16Host(messages, lastOffset + 6) | NLM_F_ACK, lastOffset + 6);
    this.socket.send(messages.subarray(start, offset), this.kernelAddress);
    return { indexOf, lastSeq, refusals: [], end: offset };
  }

  /** Reads until the acknowledgement of the chunk's last request; returns the refusals met on the way. */
  private async awaitLastAck(acks: PreparedAcks): Promise<PreparedOutcome['refusals']> {
    while (!this.readAcks(acks)) await this.socket.readable(this.timeoutMs);
    return acks.refusals;
  }

  /**
   * Reads the answers waiting now, noting refusals in `acks`; true once the acknowledgement
   * of its last request was read, false when nothing more waits before it.
   */
  private readAcks(acks: PreparedAcks): boolean {
    const { indexOf, lastSeq, refusals } = acks;
    for (;;) {
      let received;
      try {
        received = this.socket.receiveNow({ bufferLength: RECEIVE_BUFFER_LENGTH, maxMessages: 8 });
      } catch (error) {
        if (isSystemError(error) && error.code === 'ENOBUFS') {
          throw netlinkError(105, { message: 'the kernel dropped replies because the receive buffer was full; nothing is known of their outcome' });
        }
        throw error;
      }
      if (received.length === 0) return false;
      let done = false;
      for (const datagram of received) {
        if (datagram.flags & constant('MSG_TRUNC')) throw netlinkError(90, { message: 'a netlink reply was larger than the receive buffer' });
        const { messages, problem } = splitMessages(datagram.data);
        if (problem) throw netlinkError(71, { message: problem });
        for (const message of messages) {
          const { header } = message;
          const index = header.portId === this.portId ? indexOf.get(header.seq) : undefined;
          if (index === undefined) {
            if (header.type !== NLMSG_NOOP) this.notificationHandler?.(message);
            continue;
          }
          if (header.type !== NLMSG_ERROR) continue;
          const ack = decodeAcknowledgement(message.payload, header.flags);
          if (ack.error !== 0) refusals.push({ index, error: netlinkError(ack.error, ack.extended, header.seq) });
          if (header.seq === lastSeq) done = true;
        }
      }
      if (done) return true;
    }
  }

  /** Receives multicast notifications (messages that answer no request of ours). */
  onNotification(handler: ((message: NetlinkMessage) => void) | undefined): void {
    this.notificationHandler = handler;
    if (handler) {
      this.socket.listen((error) => {
        if (error) return;
        try {
          this.drain(new Map());
        } catch {
          // An overrun on a notification socket loses events; the listener sees the gap
          // through a later resynchronising dump, not through an exception here.
        }
      });
    } else {
      this.socket.stopListening();
    }
  }

  /** Lets the process exit while this connection is idle. */
  unref(): void {
    this.socket.unref();
  }

  close(): void {
    this.socket.close();
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0;
    if (this.seq === 0) this.seq = 1;
    return this.seq;
  }

  private async exchange(requests: NetlinkRequest[], ackOnlyLast = false): Promise<RequestOutcome[]> {
    const pending = new Map<number, Pending>();
    const order: Pending[] = [];
    const silentSeqs = new Set<number>();
    let total = 0;
    for (const request of requests) total += align4(NLMSG_HDRLEN + request.payload.length);
    const datagram = Buffer.alloc(total);
    let offset = 0;
    for (const request of requests) {
      const seq = this.nextSeq();
      // Dumps end with NLMSG_DONE; every other request asks for an acknowledgement.
      const isDump = ((request.flags ?? 0) & NLM_F_DUMP) === NLM_F_DUMP;
      const silent = ackOnlyLast && !isDump && request !== requests[requests.length - 1];
      const flags = (request.flags ?? 0) | NLM_F_REQUEST | (isDump || silent ? 0 : NLM_F_ACK);
      const length = NLMSG_HDRLEN + request.payload.length;
      encodeHeader({ length, type: request.type, flags, seq, portId: this.portId }, datagram, offset);
      request.payload.copy(datagram, offset + NLMSG_HDRLEN);
      offset += align4(length);
      const entry: Pending = { seq, dump: isDump, replies: [], interrupted: false };
      pending.set(seq, entry);
      order.push(entry);
      if (silent) silentSeqs.add(seq);
    }
    this.socket.send(datagram, netlinkAddress(0, 0));

    // Silent requests are answered only if refused: wait for the others.
    const awaiting = (): boolean => {
      if (silentSeqs.size === 0) return pending.size > 0;
      for (const seq of pending.keys()) if (!silentSeqs.has(seq)) return true;
      return false;
    };
    while (awaiting()) {
      let received;
      try {
        // About two datagrams per outstanding request (a reply and its ack, or a dump's data
        // and its DONE): asking for no more saves the empty read that ends each batch, which
        // is a quarter of the system calls of a small dump (IPVS lists one dump per service).
        received = this.socket.receiveNow({ bufferLength: RECEIVE_BUFFER_LENGTH, maxMessages: Math.min(256, Math.max(2, (pending.size - silentSeqs.size) * 2)) });
      } catch (error) {
        if (isSystemError(error) && error.code === 'ENOBUFS') {
          throw netlinkError(105, {
            message: 'the kernel dropped replies because the receive buffer was full; nothing is known of their outcome',
          });
        }
        throw error;
      }
      if (received.length === 0) {
        await this.socket.readable(this.timeoutMs);
        continue;
      }
      for (const datagramIn of received) {
        if (datagramIn.flags & constant('MSG_TRUNC')) throw netlinkError(90, { message: 'a netlink reply was larger than the receive buffer' });
        this.deliver(datagramIn.data, pending);
      }
    }
    return order.map(
      (entry) =>
        entry.outcome ??
        (silentSeqs.has(entry.seq) ? { ok: true, replies: entry.replies } : { ok: false, error: netlinkError(5), replies: entry.replies }),
    );
  }

  private drain(pending: Map<number, Pending>): void {
    for (;;) {
      const received = this.socket.receiveNow({ bufferLength: RECEIVE_BUFFER_LENGTH, maxMessages: 64 });
      if (received.length === 0) return;
      for (const datagram of received) this.deliver(datagram.data, pending);
    }
  }

  private deliver(datagram: Buffer, pending: Map<number, Pending>): void {
    const { messages, problem } = splitMessages(datagram);
    if (problem) throw netlinkError(71, { message: problem });
    for (const message of messages) {
      const { header } = message;
      const entry = header.portId === this.portId ? pending.get(header.seq) : undefined;
      if (!entry) {
        if (header.type !== NLMSG_NOOP) this.notificationHandler?.(message);
        continue;
      }
      if (header.flags & NLM_F_DUMP_INTR) entry.interrupted = true;
      switch (header.type) {
        case NLMSG_NOOP:
        case NLMSG_OVERRUN:
          break;
        case NLMSG_ERROR: {
          const ack = decodeAcknowledgement(message.payload, header.flags);
          entry.outcome =
            ack.error === 0
              ? { ok: true, replies: entry.replies }
              : { ok: false, error: netlinkError(ack.error, ack.extended, entry.seq), replies: entry.replies };
          pending.delete(entry.seq);
          break;
        }
        case NLMSG_DONE: {
          // A dump may end with an error code (and extended ack) in its DONE message.
          const error = message.payload.length >= 4 ? readS32Host(message.payload, 0) : 0;
          if (error < 0) {
            const ack = decodeAcknowledgement(message.payload, header.flags);
            entry.outcome = { ok: false, error: netlinkError(error, ack.extended, entry.seq), replies: entry.replies };
          } else {
            entry.outcome = { ok: true, replies: entry.replies };
          }
          pending.delete(entry.seq);
          break;
        }
        default:
          entry.replies.push({ header, payload: Buffer.from(message.payload) });
          // A non-dump request with NLM_F_ACK still ends with an ACK; a dump ends with DONE.
          if (!(header.flags & NLM_F_MULTI) && entry.dump) {
            entry.outcome = { ok: true, replies: entry.replies };
            pending.delete(entry.seq);
          }
      }
    }
  }
}

/** PreparedOptions' limits of one send, with their defaults. */
function preparedLimits(options: PreparedOptions): { chunkSize: number; chunkBytes: number } {
  return { chunkSize: options.chunkSize ?? 512, chunkBytes: options.chunkBytes ?? 1 << 16 };
}

/** How many netlink messages lie back to back in `messages`; throws on a bad length. */
function countPrepared(messages: Buffer): number {
  let total = 0;
  for (let offset = 0; offset < messages.length; total++) {
    const length = messages.length - offset >= NLMSG_HDRLEN ? readU32Host(messages, offset) : 0;
    if (length < NLMSG_HDRLEN || offset + length > messages.length) throw new Error(`sendPrepared: message ${total} has a bad length`);
    offset += align4(length);
  }
  return total;
}

function trySetOption(socket: Socket, level: number, name: number, value: number): boolean {
  try {
    socket.setOption(level, name, value);
    return true;
  } catch {
    return false;
  }
}
