// Capture files: the same keepalived traffic as tcpdump wrote it (pcap, microseconds and
// nanoseconds) and as tshark wrote it (pcapng), files built here in the other byte order and
// link types, files this code writes (read back by tcpdump), and corrupt files.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CaptureFileError, CaptureFileReader, PcapWriter, type CaptureRecord } from '../../../src/capture/file.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, decodeLink, newLinkFrame } from '../../../src/capture/link.js';
import { decodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { fixture } from '../../support/paths.js';
import { frame, seedPackets } from '../vrrp/fuzz-mutator.js';

interface Plain {
  seconds: number;
  nanoseconds: number;
  linkType: number;
  data: string;
  originalLength: number;
}

function readAll(file: string): Plain[] {
  const reader = CaptureFileReader.open(file);
  const out: Plain[] = [];
  try {
    for (let r: CaptureRecord | undefined; (r = reader.next()); ) {
      out.push({ seconds: r.seconds, nanoseconds: r.nanoseconds, linkType: r.linkType, data: r.buffer.toString('hex', r.dataOffset, r.dataOffset + r.capturedLength), originalLength: r.originalLength });
    }
  } finally {
    reader.close();
  }
  return out;
}

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vipctl-capture-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('reading capture files', () => {
  it('pcap (µs), pcap (ns) and pcapng of the same traffic give the same packets', () => {
    const micro = readAll(fixture('vrrp', 'keepalived-mixed.pcap'));
    const nano = readAll(fixture('vrrp', 'keepalived-mixed-nano.pcap'));
    const ng = readAll(fixture('vrrp', 'keepalived-mixed.pcapng'));
    assert.equal(micro.length, 22, "as many packets as tcpdump reads");
    assert.deepEqual(nano, micro);
    assert.deepEqual(ng, micro);
    assert.ok(micro.every((p) => p.linkType === LINKTYPE_ETHERNET));
    // tcpdump's first timestamp, for the record.
    const first = micro[0];
    assert.ok(first);
    const text = execFileSync('tcpdump', ['-nn', '-tt', '-c', '1', '-r', fixture('vrrp', 'keepalived-mixed.pcap')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(text.split(' ')[0], `${first.seconds}.${String(first.nanoseconds / 1000).padStart(6, '0')}`);
  });

  it('big-endian pcap', () => {
    const ip = seedPackets()[0] as Buffer;
    const header = Buffer.alloc(24);
    header.writeUInt32BE(0xa1b2c3d4, 0);
    header.writeUInt16BE(2, 4);
    header.writeUInt16BE(4, 6);
    header.writeUInt32BE(65535, 16);
    header.writeUInt32BE(LINKTYPE_RAW, 20);
    const record = Buffer.alloc(16);
    record.writeUInt32BE(1700000000, 0);
    record.writeUInt32BE(123456, 4);
    record.writeUInt32BE(ip.length, 8);
    record.writeUInt32BE(ip.length, 12);
    const file = path.join(dir, 'be.pcap');
    writeFileSync(file, Buffer.concat([header, record, ip]));
    assert.deepEqual(readAll(file), [{ seconds: 1700000000, nanoseconds: 123456000, linkType: LINKTYPE_RAW, data: ip.toString('hex'), originalLength: ip.length }]);
  });

  it('pcapng with nanosecond and power-of-two resolutions, a second section and other blocks', () => {
    const ip = seedPackets()[2] as Buffer;
    const block = (type: number, body: Buffer): Buffer => {
      const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
      const out = Buffer.alloc(12 + padded.length);
      out.writeUInt32LE(type, 0);
      out.writeUInt32LE(out.length, 4);
      padded.copy(out, 8);
      out.writeUInt32LE(out.length, out.length - 4);
      return out;
    };
    const shb = (): Buffer => {
      const body = Buffer.alloc(16);
      body.writeUInt32LE(0x1a2b3c4d, 0);
      body.writeUInt16LE(1, 4);
      body.writeBigInt64LE(-1n, 8);
      return block(0x0a0d0d0a, body);
    };
    const idb = (linkType: number, resolution: number): Buffer => {
      const body = Buffer.alloc(8 + 8 + 4);
      body.writeUInt16LE(linkType, 0);
      body.writeUInt32LE(0, 4);
      body.writeUInt16LE(9, 8); // if_tsresol
      body.writeUInt16LE(1, 10);
      body[12] = resolution;
      return block(1, body);
    };
    const epb = (iface: number, ticks: bigint, data: Buffer): Buffer => {
      const body = Buffer.alloc(20);
      body.writeUInt32LE(iface, 0);
      body.writeUInt32LE(Number(ticks >> 32n), 4);
      body.writeUInt32LE(Number(ticks & 0xffffffffn), 8);
      body.writeUInt32LE(data.length, 12);
      body.writeUInt32LE(data.length, 16);
      return block(6, Buffer.concat([body, data]));
    };
    const file = path.join(dir, 'x.pcapng');
    writeFileSync(
      file,
      Buffer.concat([
        shb(),
        idb(LINKTYPE_RAW, 9),
        idb(LINKTYPE_ETHERNET, 0x80 | 10),
        block(5, Buffer.alloc(8)), // interface statistics: skipped
        epb(0, 1_700_000_000_123_456_789n, ip),
        epb(1, 1_700_000_000n * 1024n + 512n, frame(ip, LINKTYPE_ETHERNET)),
        shb(),
        idb(LINKTYPE_LINUX_SLL, 6),
        epb(0, 1_700_000_001_000_001n, frame(ip, LINKTYPE_LINUX_SLL)),
      ]),
    );
    const records = readAll(file);
    assert.deepEqual(
      records.map((r) => [r.linkType, r.seconds, r.nanoseconds]),
      [
        [LINKTYPE_RAW, 1_700_000_000, 123_456_789],
        [LINKTYPE_ETHERNET, 1_700_000_000, 500_000_000],
        [LINKTYPE_LINUX_SLL, 1_700_000_001, 1000],
      ],
    );
  });

  it('every supported link type leads to the same VRRP packet', () => {
    const ip = seedPackets()[4] as Buffer;
    for (const linkType of [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, 228, 229]) {
      const bytes = linkType === 228 || linkType === 229 ? ip : frame(ip, linkType);
      const link = newLinkFrame();
      assert.ok(decodeLink(linkType, bytes, 0, bytes.length, link), `link type ${linkType}`);
      assert.equal(link.protocol, 0x86dd);
      assert.deepEqual(decodeIpPacket(bytes, link.networkOffset).vrrp?.problems, []);
    }
    assert.equal(decodeLink(147, Buffer.alloc(40), 0, 40, newLinkFrame()), false);
  });
});

describe('writing pcap', () => {
  it('what PcapWriter writes, tcpdump reads, and so do we', () => {
    const file = path.join(dir, 'out.pcap');
    const writer = PcapWriter.create(file, { linkType: LINKTYPE_ETHERNET });
    const seeds = seedPackets();
    seeds.forEach((ip, i) => writer.write(1_700_000_000 + i, 250_000_000, frame(ip, LINKTYPE_ETHERNET)));
    writer.close();
    const lines = execFileSync('tcpdump', ['-nn', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
    assert.equal(lines.length, seeds.length);
    assert.ok(lines.every((l) => /VRRPv[23], Advertisement/.test(l)), lines.join('\n'));
    const back = readAll(file);
    assert.equal(back.length, seeds.length);
    assert.equal(back[3]?.nanoseconds, 250_000_000);
  });

  it('nanosecond pcap keeps nanoseconds', () => {
    const file = path.join(dir, 'nano.pcap');
    const writer = PcapWriter.create(file, { linkType: LINKTYPE_RAW, nanosecond: true });
    writer.write(5, 123_456_789, seedPackets()[0] as Buffer);
    writer.close();
    assert.equal(readAll(file)[0]?.nanoseconds, 123_456_789);
  });
});

describe('corrupt and unreadable files: clear errors with the byte offset', () => {
  const good = (): Buffer => readFileSync(fixture('vrrp', 'keepalived-mixed.pcap'));
  const failure = (bytes: Buffer): CaptureFileError => {
    const file = path.join(dir, 'bad.pcap');
    writeFileSync(file, bytes);
    try {
      readAll(file);
    } catch (error) {
      assert.ok(error instanceof CaptureFileError, String(error));
      assert.equal(error.exitCode, 2);
      return error;
    }
    assert.fail('no error');
  };

  it('not a capture file', () => {
    const error = failure(Buffer.from('hello, this is text\n'));
    assert.equal(error.offset, 0);
    assert.match(error.message, /not a pcap or pcapng file/);
    assert.match(error.hint ?? '', /tcpdump -w/);
  });
  it('empty file', () => {
    assert.match(failure(Buffer.alloc(0)).message, /too short/);
  });
  it('cut inside a record', () => {
    const bytes = good();
    const error = failure(bytes.subarray(0, bytes.length - 5));
    assert.match(error.message, /truncated record/);
    // The last record starts 16 + 78 bytes before the end of the intact file (an IPv6 advert).
    assert.ok(error.offset > 24 && error.offset < bytes.length - 5);
    assert.match(error.hint ?? '', /corrupt or cut short/);
  });
  it('a record claiming an absurd length', () => {
    const bytes = good();
    bytes.writeUInt32LE(0x7fffffff, 24 + 8);
    const error = failure(bytes);
    assert.equal(error.offset, 24);
    assert.match(error.message, /claims 2147483647 captured bytes/);
  });
  it('pcapng block lengths that disagree', () => {
    const bytes = readFileSync(fixture('vrrp', 'keepalived-mixed.pcapng'));
    const shbLength = bytes.readUInt32LE(4);
    bytes.writeUInt32LE(0x1000, shbLength + 4);
    const file = path.join(dir, 'bad.pcapng');
    writeFileSync(file, bytes);
    assert.throws(() => readAll(file), (error: unknown) => error instanceof CaptureFileError && error.offset === shbLength);
  });
  it('a missing file is a usage error, not a crash', () => {
    assert.throws(() => CaptureFileReader.open(path.join(dir, 'nope.pcap')), (error: Error & { exitCode?: number }) => error.exitCode === 2 && /no such file/.test(error.message));
  });
});
