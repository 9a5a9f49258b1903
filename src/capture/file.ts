// Capture files: pcap (microsecond and nanosecond, either byte order) and pcapng are read;
// pcap is written. Both formats are small and fixed (tcpdump.org's pcap-savefile(5) and the
// pcapng draft), and the sniffer needs a reader that hands out views without allocating per
// packet, so this is a small reader of our own rather than a dependency (the npm packages
// that exist are unmaintained, stream-only or bind libpcap natively).
//
// Corrupt or truncated files stop with a CaptureFileError that names the byte offset.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { ExitCode, VipctlError, cannotReadError } from '../errors.js';

const PCAP_MAGIC_MICRO = 0xa1b2c3d4;
const PCAP_MAGIC_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_PB = 2;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
const IF_TSRESOL = 9;

/** Records larger than this are taken as corruption, as libpcap does (its MAXIMUM_SNAPLEN). */
export const MAX_RECORD_LENGTH = 262144;
const CHUNK = 4 << 20;

export class CaptureFileError extends VipctlError {
  constructor(
    readonly file: string,
    readonly offset: number,
    problem: string,
  ) {
    super(`${file}: ${problem} at byte ${offset}`, {
      // At byte 0 nothing was read: the file is not a capture at all (a text file, a wrong name).
      hint:
        offset === 0
          ? 'give a capture written by tcpdump -w, tshark -w or vipctl vrrp sniff -w (pcap or pcapng)'
          : 'the capture file is corrupt or cut short; packets before this point were read',
      exitCode: ExitCode.Usage,
    });
  }
}

/**
 * One packet. The reader reuses this object and its buffer: the fields are valid until the
 * next call to next().
 */
export interface CaptureRecord {
  seconds: number;
  nanoseconds: number;
  linkType: number;
  /** pcapng interface id (0 for pcap). */
  interfaceId: number;
  buffer: Buffer;
  dataOffset: number;
  capturedLength: number;
  originalLength: number;
  /** Byte offset of the record in the file. */
  fileOffset: number;
}

interface PcapngInterface {
  linkType: number;
  snapLength: number;
  /** Timestamp units per second, as a BigInt for exact conversion. */
  unitsPerSecond: bigint;
}

export class CaptureFileReader {
  readonly format: 'pcap' | 'pcapng';
  /** pcap: the file's link type. pcapng: the first interface's (records carry their own). */
  linkType = 0;
  /** pcap: whether timestamps are nanoseconds. */
  nanosecond = false;
  snapLength = 0;

  private buffer = Buffer.alloc(CHUNK);
  private start = 0; // file offset of buffer[0]
  private filled = 0; // valid bytes in buffer
  private cursor = 0; // read position in buffer
  private eof = false;
  private littleEndian = true;
  private interfaces: PcapngInterface[] = [];
  private readonly record: CaptureRecord = {
    seconds: 0,
    nanoseconds: 0,
    linkType: 0,
    interfaceId: 0,
    buffer: this.buffer,
    dataOffset: 0,
    capturedLength: 0,
    originalLength: 0,
    fileOffset: 0,
  };

  private constructor(
    readonly name: string,
    private readonly fd: number,
    private readonly ownsFd: boolean,
  ) {
    if (!this.ensure(4)) throw new CaptureFileError(name, this.filled, 'file too short for a capture header (empty file?)');
    const magicBE = this.buffer.readUInt32BE(0);
    const magicLE = this.buffer.readUInt32LE(0);
    if (magicBE === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.readSectionHeader();
    } else if (magicLE === PCAP_MAGIC_MICRO || magicLE === PCAP_MAGIC_NANO || magicBE === PCAP_MAGIC_MICRO || magicBE === PCAP_MAGIC_NANO) {
      this.format = 'pcap';
      this.littleEndian = magicLE === PCAP_MAGIC_MICRO || magicLE === PCAP_MAGIC_NANO;
      this.nanosecond = (this.littleEndian ? magicLE : magicBE) === PCAP_MAGIC_NANO;
      if (!this.ensure(24)) throw new CaptureFileError(name, this.filled, 'truncated pcap file header');
      this.snapLength = this.u32(16);
      // The top bits of the link-type field carry FCS information (pcap-savefile(5)).
      this.linkType = this.u32(20) & 0x03ffffff;
      this.cursor = 24;
    } else {
      throw new CaptureFileError(name, 0, `not a pcap or pcapng file (magic 0x${magicBE.toString(16).padStart(8, '0')})`);
    }
  }

  /** Opens a file, or standard input for "-". Throws VipctlError (exit status 2) when unreadable. */
  static open(file: string): CaptureFileReader {
    if (file === '-') return new CaptureFileReader('standard input', 0, false);
    let fd: number;
    try {
      fd = openSync(file, 'r');
      if (fstatSync(fd).isDirectory()) {
        closeSync(fd);
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      }
    } catch (error) {
      throw cannotReadError(file, error);
    }
    try {
      return new CaptureFileReader(file, fd, true);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  close(): void {
    if (this.ownsFd) closeSync(this.fd);
  }

  /** The next packet, or undefined at the end of the file. Throws CaptureFileError on corruption. */
  next(): CaptureRecord | undefined {
    return this.format === 'pcap' ? this.nextPcap() : this.nextPcapng();
  }

  private nextPcap(): CaptureRecord | undefined {
    const at = this.start + this.cursor;
    if (!this.ensure(16)) {
      const left = this.filled - this.cursor;
      if (left === 0) return undefined;
      throw new CaptureFileError(this.name, at, `truncated record header (${left} of 16 bytes)`);
    }
    const c = this.cursor;
    const seconds = this.u32(c);
    const fraction = this.u32(c + 4);
    const captured = this.u32(c + 8);
    const original = this.u32(c + 12);
    const limit = Math.max(MAX_RECORD_LENGTH, this.snapLength);
    if (captured > limit) throw new CaptureFileError(this.name, at, `record claims ${captured} captured bytes (more than ${limit})`);
    if (!this.ensure(16 + captured)) {
      throw new CaptureFileError(this.name, at, `truncated record: ${captured} bytes expected, ${this.filled - this.cursor - 16} present`);
    }
    const record = this.record;
    record.seconds = seconds;
    record.nanoseconds = this.nanosecond ? fraction : fraction * 1000;
    record.linkType = this.linkType;
    record.interfaceId = 0;
    record.buffer = this.buffer;
    record.dataOffset = this.cursor + 16;
    record.capturedLength = captured;
    record.originalLength = original;
    record.fileOffset = at;
    this.cursor += 16 + captured;
    return record;
  }

  private readSectionHeader(): void {
    const at = this.start + this.cursor;
    if (!this.ensure(28)) throw new CaptureFileError(this.name, at, 'truncated pcapng section header');
    const order = this.buffer.readUInt32LE(this.cursor + 8);
    if (order === PCAPNG_BYTE_ORDER) this.littleEndian = true;
    else if (this.buffer.readUInt32BE(this.cursor + 8) === PCAPNG_BYTE_ORDER) this.littleEndian = false;
    else throw new CaptureFileError(this.name, at + 8, 'bad pcapng byte-order magic');
    const length = this.u32(this.cursor + 4);
    this.checkBlock(at, length);
    this.interfaces = [];
    this.cursor += length;
  }

  private checkBlock(at: number, length: number): void {
    if (length < 12 || length % 4 !== 0 || length > 16 << 20) throw new CaptureFileError(this.name, at, `bad pcapng block length ${length}`);
    if (!this.ensure(length)) throw new CaptureFileError(this.name, at, `truncated pcapng block (${length} bytes expected, ${this.filled - this.cursor} present)`);
    if (this.u32(this.cursor + length - 4) !== length) throw new CaptureFileError(this.name, at, 'pcapng block lengths disagree');
  }

  private nextPcapng(): CaptureRecord | undefined {
    for (;;) {
      const at = this.start + this.cursor;
      if (!this.ensure(8)) {
        const left = this.filled - this.cursor;
        if (left === 0) return undefined;
        throw new CaptureFileError(this.name, at, `truncated pcapng block header (${left} of 8 bytes)`);
      }
      if (this.buffer.readUInt32BE(this.cursor) === PCAPNG_SHB) {
        this.readSectionHeader();
        continue;
      }
      const type = this.u32(this.cursor);
      const length = this.u32(this.cursor + 4);
      this.checkBlock(at, length);
      const body = this.cursor + 8;
      const bodyEnd = this.cursor + length - 4;
      const record = this.record;
      record.buffer = this.buffer;
      record.fileOffset = at;
      let found = false;
      if (type === PCAPNG_IDB) {
        if (bodyEnd - body < 8) throw new CaptureFileError(this.name, at, 'short interface description block');
        this.interfaces.push({
          linkType: this.u16(body),
          snapLength: this.u32(body + 4),
          unitsPerSecond: this.timestampResolution(body + 8, bodyEnd),
        });
        if (this.interfaces.length === 1) this.linkType = this.u16(body);
      } else if (type === PCAPNG_EPB || type === PCAPNG_PB) {
        if (bodyEnd - body < 20) throw new CaptureFileError(this.name, at, 'short packet block');
        const interfaceId = type === PCAPNG_EPB ? this.u32(body) : this.u16(body);
        const captured = this.u32(body + 12);
        if (body + 20 + captured > bodyEnd) throw new CaptureFileError(this.name, at, `packet block claims ${captured} bytes, more than the block holds`);
        this.fill(record, interfaceId, at, this.u32(body + 4), this.u32(body + 8));
        record.dataOffset = body + 20;
        record.capturedLength = captured;
        record.originalLength = this.u32(body + 16);
        found = true;
      } else if (type === PCAPNG_SPB) {
        if (bodyEnd - body < 4) throw new CaptureFileError(this.name, at, 'short simple packet block');
        const original = this.u32(body);
        const snap = this.interfaces[0]?.snapLength || original;
        this.fill(record, 0, at, 0, 0);
        record.seconds = 0;
        record.nanoseconds = 0;
        record.dataOffset = body + 4;
        record.capturedLength = Math.min(original, snap, bodyEnd - body - 4);
        record.originalLength = original;
        found = true;
      }
      // Other blocks (name resolution, statistics, custom) carry nothing the sniffer needs.
      this.cursor += length;
      if (found) return record;
    }
  }

  private fill(record: CaptureRecord, interfaceId: number, at: number, high: number, low: number): void {
    const description = this.interfaces[interfaceId];
    if (!description) throw new CaptureFileError(this.name, at, `packet refers to interface ${interfaceId}, which was not described`);
    record.interfaceId = interfaceId;
    record.linkType = description.linkType;
    if (description.unitsPerSecond === 1_000_000n) {
      // The common case stays in exact double arithmetic (microseconds < 2^53).
      const ticks = high * 4294967296 + low;
      record.seconds = Math.floor(ticks / 1_000_000);
      record.nanoseconds = (ticks % 1_000_000) * 1000;
    } else {
      const ticks = (BigInt(high) << 32n) | BigInt(low);
      const units = description.unitsPerSecond;
      record.seconds = Number(ticks / units);
      record.nanoseconds = Number(((ticks % units) * 1_000_000_000n) / units);
    }
  }

  private timestampResolution(start: number, end: number): bigint {
    let cursor = start;
    while (cursor + 4 <= end) {
      const code = this.u16(cursor);
      const length = this.u16(cursor + 2);
      if (code === 0) break;
      if (code === IF_TSRESOL && length >= 1 && cursor + 5 <= end) {
        const value = this.buffer[cursor + 4] as number;
        const exponent = BigInt(value & 0x7f);
        return value & 0x80 ? 1n << exponent : 10n ** exponent;
      }
      cursor += 4 + ((length + 3) & ~3);
    }
    return 1_000_000n;
  }

  /** Makes n bytes available from the cursor; false at end of file. */
  private ensure(n: number): boolean {
    if (this.cursor + n <= this.filled) return true;
    if (this.eof) return false;
    // Keep the unread tail, grow if one record is larger than the buffer, and read more.
    const tail = this.filled - this.cursor;
    if (n > this.buffer.length) {
      const bigger = Buffer.alloc(Math.max(n, this.buffer.length * 2));
      this.buffer.copy(bigger, 0, this.cursor, this.filled);
      this.buffer = bigger;
    } else if (this.cursor > 0) {
      this.buffer.copy(this.buffer, 0, this.cursor, this.filled);
    }
    this.start += this.cursor;
    this.cursor = 0;
    this.filled = tail;
    while (this.filled < n && !this.eof) {
      let read: number;
      try {
        read = readSync(this.fd, this.buffer, this.filled, this.buffer.length - this.filled, null);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'EAGAIN') continue;
        if (code === 'EOF') read = 0;
        else throw new VipctlError(`cannot read ${this.name}: ${(error as Error).message}`, { exitCode: ExitCode.Usage, cause: error });
      }
      if (read === 0) this.eof = true;
      this.filled += read;
    }
    return this.cursor + n <= this.filled;
  }

  private u32(offset: number): number {
    return this.littleEndian ? this.buffer.readUInt32LE(offset) : this.buffer.readUInt32BE(offset);
  }

  private u16(offset: number): number {
    return this.littleEndian ? this.buffer.readUInt16LE(offset) : this.buffer.readUInt16BE(offset);
  }
}

export interface PcapWriterOptions {
  linkType: number;
  snapLength?: number;
  /** Nanosecond timestamps (magic 0xa1b23c4d); microseconds by default, as tcpdump -w writes. */
  nanosecond?: boolean;
}

/** Writes a pcap file (little-endian, which every reader accepts), buffered in large chunks. */
export class PcapWriter {
  private buffer = Buffer.alloc(1 << 20);
  private used = 0;
  private closed = false;
  readonly nanosecond: boolean;
  packets = 0;

  private constructor(
    private readonly fd: number,
    readonly linkType: number,
    snapLength: number,
    nanosecond: boolean,
    private readonly ownsFd: boolean,
  ) {
    this.nanosecond = nanosecond;
    const header = Buffer.alloc(24);
    header.writeUInt32LE(nanosecond ? PCAP_MAGIC_NANO : PCAP_MAGIC_MICRO, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(snapLength, 16);
    header.writeUInt32LE(linkType, 20);
    this.append(header);
  }

  /** Creates (truncates) a file, or writes to standard output for "-". */
  static create(file: string, options: PcapWriterOptions): PcapWriter {
    let fd: number;
    if (file === '-') fd = 1;
    else {
      try {
        fd = openSync(file, 'w');
      } catch (error) {
        throw new VipctlError(`cannot write ${file}: ${(error as Error).message}`, { exitCode: ExitCode.Usage, cause: error });
      }
    }
    return new PcapWriter(fd, options.linkType, options.snapLength ?? MAX_RECORD_LENGTH, options.nanosecond ?? false, file !== '-');
  }

  write(seconds: number, nanoseconds: number, bytes: Uint8Array, offset = 0, length = bytes.length - offset, originalLength = length): void {
    if (this.used + 16 + length > this.buffer.length) this.flush();
    if (16 + length > this.buffer.length) this.buffer = Buffer.alloc(16 + length);
    const b = this.buffer;
    const at = this.used;
    b.writeUInt32LE(seconds >>> 0, at);
    b.writeUInt32LE(this.nanosecond ? nanoseconds : Math.floor(nanoseconds / 1000), at + 4);
    b.writeUInt32LE(length, at + 8);
    b.writeUInt32LE(originalLength, at + 12);
    b.set(bytes.subarray(offset, offset + length), at + 16);
    this.used += 16 + length;
    this.packets++;
  }

  flush(): void {
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.used = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    if (this.ownsFd) closeSync(this.fd);
  }

  private append(bytes: Buffer): void {
    bytes.copy(this.buffer, this.used);
    this.used += bytes.length;
  }
}
