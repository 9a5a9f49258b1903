// Field-by-field comparison with tcpdump: parse what `tcpdump -nn -v -r FILE` prints for VRRP
// and what our decoder makes of the same file, into one shape, and compare every field.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CaptureFileReader, type CaptureRecord } from '../../../src/capture/file.js';
import { decodeLink, newLinkFrame } from '../../../src/capture/link.js';
import { decodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { AUTH_TYPE_NAMES } from '../../../src/vrrp/constants.js';
import { simplePassword } from '../../../src/vrrp/packet.js';
import { clockText } from '../../../src/vrrp/text.js';

export interface Reading {
  time: string;
  family: 'ipv4' | 'ipv6';
  tos: number;
  ttl: number;
  /** IPv4 id and total length, IPv6 flow label and payload length. */
  id: number;
  ipLength: number;
  src: string;
  dst: string;
  ah?: { spi: number; sequence: number; icv: string };
  version: number;
  vrid: number;
  priority: number;
  authType?: string;
  /** As printed: seconds for v2, centiseconds for v3. */
  interval: number;
  length: number;
  badChecksum: boolean;
  count: number;
  addresses: string[];
  auth?: string;
  ttlWarning?: number;
}

const IPV4 = /^IP \(tos 0x([0-9a-f]+), ttl (\d+), id (\d+), offset \d+, flags \[[^\]]*\], proto \w+ \(\d+\), length (\d+)\) /;
const IPV6 = /^IP6 \((?:class 0x([0-9a-f]+), )?(?:flowlabel 0x([0-9a-f]+), )?hlim (\d+), next-header \w+ \(\d+\) payload length: (\d+)\) /;
const AH = /^AH\((?:length=\d+\(\d+-bytes\),)?spi=0x([0-9a-f]+),seq=0x([0-9a-f]+),icv=0x([0-9a-f]+)\): /;
const VRRP = /^VRRPv(\d), Advertisement,(?: \(ttl (\d+)\),)? vrid (\d+), prio (\d+)(?:, authtype (\w+))?, intvl (\d+)(?:s|cs), length (\d+)(, \(bad vrrp cksum [0-9a-f]+\))?, addrs(?:\((\d+)\))?:(?: (\S+))?(?: auth "(.*)")?$/;

/** tcpdump's -nn -v reading of the VRRP packets in a file (other packets are ignored). */
export function tcpdumpReading(file: string): Reading[] {
  const text = execFileSync('tcpdump', ['-nn', '-v', '-r', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 });
  // -v puts the IPv4 packet on a second, indented line: join them.
  return parseReadings(text.replace(/\n\s{4}/g, ' ').split('\n').filter((l) => l.includes('VRRPv')));
}

/**
 * Our own `vrrp sniff -v` lines, brought to tcpdump's spelling where the two differ on purpose
 * (our checksum verdict and problem list), then read with the same parser.
 */
export function sniffLineReading(lines: string[]): Reading[] {
  return parseReadings(
    lines
      .filter((l) => l.includes('VRRPv'))
      .map((l) =>
        l
          .replace(/ \[[^\]]*\]$/, '')
          .replace(/, cksum (ok \([a-z-]+\)|unchecked)/, '')
          .replace(/, bad cksum ([0-9a-f]+)!/, ', (bad vrrp cksum $1)'),
      ),
  );
}

function parseReadings(packets: string[]): Reading[] {
  return packets.map((line) => {
    let rest = line;
    const time = rest.slice(0, 15);
    rest = rest.slice(16);
    const reading: Partial<Reading> = { time };
    let m = IPV4.exec(rest);
    if (m) {
      Object.assign(reading, { family: 'ipv4', tos: parseInt(m[1] as string, 16), ttl: Number(m[2]), id: Number(m[3]), ipLength: Number(m[4]) });
    } else {
      m = IPV6.exec(rest);
      assert.ok(m, `tcpdump line not understood: ${line}`);
      Object.assign(reading, { family: 'ipv6', tos: parseInt(m[1] ?? '0', 16), id: parseInt(m[2] ?? '0', 16), ttl: Number(m[3]), ipLength: Number(m[4]) });
    }
    rest = rest.slice(m[0].length);
    const addresses = /^(\S+) > (\S+): /.exec(rest);
    assert.ok(addresses, line);
    reading.src = addresses[1] as string;
    reading.dst = addresses[2] as string;
    rest = rest.slice(addresses[0].length);
    const ah = AH.exec(rest);
    if (ah) {
      reading.ah = { spi: parseInt(ah[1] as string, 16), sequence: parseInt(ah[2] as string, 16), icv: ah[3] as string };
      rest = rest.slice(ah[0].length);
    }
    const v = VRRP.exec(rest);
    assert.ok(v, `tcpdump VRRP text not understood: ${rest}`);
    Object.assign(reading, {
      version: Number(v[1]),
      vrid: Number(v[3]),
      priority: Number(v[4]),
      interval: Number(v[6]),
      length: Number(v[7]),
      badChecksum: v[8] !== undefined,
      count: v[9] !== undefined ? Number(v[9]) : v[10] !== undefined ? 1 : 0,
      addresses: v[10] !== undefined ? (v[10] as string).split(',') : [],
    });
    // tcpdump repeats a TTL other than 255 inside the VRRP text.
    if (v[2] !== undefined) reading.ttlWarning = Number(v[2]);
    if (v[5] !== undefined) reading.authType = v[5];
    if (v[11] !== undefined) reading.auth = v[11];
    return reading as Reading;
  });
}

/** Our decoder's reading of the same file, in the same shape. */
export function ourReading(file: string): Reading[] {
  const reader = CaptureFileReader.open(file);
  const frame = newLinkFrame();
  const out: Reading[] = [];
  try {
    for (let r: CaptureRecord | undefined; (r = reader.next()); ) {
      const end = r.dataOffset + r.capturedLength;
      if (!decodeLink(r.linkType, r.buffer, r.dataOffset, end, frame)) continue;
      const packet = decodeIpPacket(r.buffer, frame.networkOffset, end);
      const ip = packet.ip;
      const vrrp = packet.vrrp;
      if (!ip || !vrrp) continue;
      const a = vrrp.advert;
      const v2 = a.version === 2;
      const reading: Reading = {
        time: clockText(r.seconds, r.nanoseconds),
        family: ip.family,
        tos: ip.tos,
        ttl: ip.ttl,
        id: ip.family === 'ipv4' ? ip.id : ip.flowLabel,
        ipLength: ip.family === 'ipv4' ? ip.totalLength : ip.payloadLength,
        src: ip.source,
        dst: ip.destination,
        version: a.version,
        vrid: a.vrid,
        priority: a.priority,
        interval: v2 ? a.interval / 100 : a.interval,
        length: vrrp.length,
        badChecksum: vrrp.checksum.checked && !vrrp.checksum.valid,
        count: a.count,
        addresses: a.addresses,
      };
      if (ip.ttl !== 255) reading.ttlWarning = ip.ttl;
      if (packet.ah) reading.ah = { spi: packet.ah.spi, sequence: packet.ah.sequence, icv: packet.ah.icv.toString('hex') };
      if (v2) reading.authType = AUTH_TYPE_NAMES[a.authType] ?? String(a.authType);
      if (v2 && a.authType === 1) reading.auth = simplePassword(a.authData);
      out.push(reading);
    }
  } finally {
    reader.close();
  }
  return out;
}

/** Asserts that every field of every packet agrees; returns how many fields were compared. */
export function compareReadings(ours: Reading[], theirs: Reading[]): number {
  assert.equal(ours.length, theirs.length, 'as many VRRP packets as tcpdump shows');
  let fields = 0;
  ours.forEach((mine, i) => {
    const other = theirs[i] as Reading;
    const keys = new Set([...Object.keys(mine), ...Object.keys(other)]);
    for (const key of keys) {
      assert.deepEqual((mine as unknown as Record<string, unknown>)[key], (other as unknown as Record<string, unknown>)[key], `packet ${i + 1} (${other.time}), field ${key}`);
      fields++;
    }
  });
  return fields;
}
