// Every field we decode equals tcpdump's reading of the same capture: keepalived's own traffic
// (fixture) and a generated capture of every form, with bad checksums, odd TTLs, several
// addresses and priorities 0 and 255. (The host tier does the same on fresh keepalived captures.)
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PcapWriter } from '../../../src/capture/file.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL } from '../../../src/capture/link.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { encodeAuthenticationHeader, encodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { internetChecksum } from '../../../src/vrrp/checksum.js';
import { fixture } from '../../support/paths.js';
import { Random, frame } from './fuzz-mutator.js';
import { compareReadings, ourReading, sniffLineReading, tcpdumpReading } from './tcpdump-reading.js';
import { CaptureFileReader, type CaptureRecord } from '../../../src/capture/file.js';
import { SniffSession } from '../../../src/vrrp/sniff.js';

/** The text `vipctl vrrp sniff -r FILE -v` prints for the packets (summary left out). */
function sniffLines(file: string): string[] {
  const session = new SniffSession({ verbose: true });
  const reader = CaptureFileReader.open(file);
  let text = '';
  for (let r: CaptureRecord | undefined; (r = reader.next()); ) {
    session.packet(r.linkType, r.buffer, r.dataOffset, r.dataOffset + r.capturedLength, r.seconds, r.nanoseconds);
    text += session.take();
  }
  reader.close();
  return text.split('\n');
}

let dir = '';
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vipctl-tcpdump-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function generated(file: string, count: number, linkType: number): void {
  const random = new Random(7);
  const writer = PcapWriter.create(file, { linkType });
  const v4 = (): string => `10.${random.below(256)}.${random.below(256)}.${1 + random.below(254)}`;
  const v6 = (): string => `2001:db8:${random.below(65536).toString(16)}::${(1 + random.below(65535)).toString(16)}`;
  let last: Buffer | undefined;
  for (let i = 0; i < count; i++) {
    if (last && random.below(3) === 0) {
      // A repeated advert, as keepalived sends every interval: only the IPv4 id (and header checksum) differ.
      const again = Buffer.from(last);
      if (((again[0] as number) >> 4) === 4) {
        again.writeUInt16BE(random.below(65536), 4);
        again.writeUInt16BE(0, 10);
        again.writeUInt16BE(internetChecksum(again, 0, 20), 10);
      }
      writer.write(1_700_000_000 + i, random.below(1_000_000) * 1000, frame(again, linkType));
      continue;
    }
    const kind = random.below(5); // 0 v2, 1 v2 PASS, 2 v2 AH, 3 v3/IPv4, 4 v3/IPv6
    const six = kind === 4;
    const source = six ? `fe80::${(1 + random.below(65535)).toString(16)}` : v4();
    const destination = six ? 'ff02::12' : random.below(4) === 0 ? v4() : '224.0.0.18';
    const addresses = Array.from({ length: random.below(5) }, six ? v6 : v4);
    const priority = [0, 255, 100, 1 + random.below(254)][random.below(4)] as number;
    const vrid = 1 + random.below(255);
    const version = kind <= 2 ? 2 : 3;
    let vrrp = encodeAdvertisement(
      {
        version,
        vrid,
        priority,
        addresses,
        family: six ? 'ipv6' : 'ipv4',
        interval: version === 2 ? 100 * (1 + random.below(255)) : 1 + random.below(4095),
        authType: kind === 1 ? 1 : kind === 2 ? 2 : 0,
        authData: kind === 1 ? ['secret', 'pw', 'abcdefgh', 'x'][random.below(4)] : undefined,
      },
      { source, destination },
    );
    if (random.below(8) === 0) vrrp.writeUInt16BE(random.below(65536), 6); // a bad checksum (usually)
    const ttl = random.below(10) === 0 ? 1 + random.below(254) : 255;
    if (kind === 2) vrrp = encodeAuthenticationHeader({ spi: random.next(), sequence: random.next(), icv: Buffer.from(Array.from({ length: 12 }, () => random.below(256))), payload: vrrp });
    const ip = encodeIpPacket({ source, destination, payload: vrrp, protocol: kind === 2 ? 51 : 112, ttl, tos: random.below(2) ? 0xc0 : 0, id: random.below(65536) });
    writer.write(1_700_000_000 + i, random.below(1_000_000) * 1000, frame(ip, linkType));
    last = ip;
  }
  writer.close();
}

describe('field by field against tcpdump -nn -v', () => {
  it('keepalived traffic (fixture)', (t) => {
    const file = fixture('vrrp', 'keepalived-mixed.pcap');
    const fields = compareReadings(ourReading(file), tcpdumpReading(file));
    t.diagnostic(`${fields} fields compared, all equal`);
    t.diagnostic(`sniff -v lines: ${compareReadings(sniffLineReading(sniffLines(file)), tcpdumpReading(file))} fields compared, all equal`);
    assert.ok(fields > 300, `${fields} fields compared`);
  });

  for (const [name, linkType] of [['Ethernet', LINKTYPE_ETHERNET], ['Linux cooked', LINKTYPE_LINUX_SLL]] as const) {
    it(`2000 generated packets of every form (${name})`, (t) => {
      const file = path.join(dir, `generated-${linkType}.pcap`);
      generated(file, 2000, linkType);
      const theirs = tcpdumpReading(file);
      assert.equal(theirs.length, 2000);
      assert.ok(theirs.some((r) => r.badChecksum) && theirs.some((r) => r.ah) && theirs.some((r) => r.auth !== undefined) && theirs.some((r) => r.family === 'ipv6'));
      const fields = compareReadings(ourReading(file), theirs);
      t.diagnostic(`decoder: ${fields} fields compared, all equal`);
      assert.ok(fields > 2000 * 15, `${fields} fields compared`);
      // The printed lines (through the sniffer's memo of repeated adverts) say the same.
      const printed = compareReadings(sniffLineReading(sniffLines(file)), theirs);
      t.diagnostic(`sniff -v lines: ${printed} fields compared, all equal`);
    });
  }
});
