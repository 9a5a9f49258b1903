// Mutated VRRP frames for fuzzing the decoders: seeds from real keepalived traffic and every
// form the codec builds, damaged by bit flips, boundary bytes, targeted header fields,
// truncation and junk tails. Deterministic (seeded) so a failure can be replayed.
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { encodeAuthenticationHeader, encodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { encodeEthernetFrame, LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW } from '../../../src/capture/link.js';

/** xorshift32: small, fast, seeded. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** IP packets to start from. */
export function seedPackets(): Buffer[] {
  const v3v4 = encodeAdvertisement({ version: 3, vrid: 10, priority: 100, addresses: ['192.0.2.10', '192.0.2.11'], interval: 100 }, { source: '192.0.2.1', destination: '224.0.0.18' });
  const v3v6 = encodeAdvertisement({ version: 3, vrid: 11, priority: 100, addresses: ['2001:db8::11'], interval: 100 }, { source: 'fe80::1', destination: 'ff02::12' });
  const v2 = encodeAdvertisement({ version: 2, vrid: 12, priority: 100, addresses: ['192.0.2.12'], interval: 100, authType: 1, authData: 'secret' });
  const v2ah = encodeAdvertisement({ version: 2, vrid: 13, priority: 100, addresses: ['192.0.2.13'], interval: 100, authType: 2 });
  return [
    hex('45c0002800010000ff70d0880a090001e0000012213396010101cfde0a0900647365637265743132'),
    hex('45c0004000010000ff33d0ad0a090001e0000012700400000a09000100000001c522b2c562e95f5548b55f592134960102013c5a0a0900660000000000000000'),
    hex('45c0002000010000ff70d08f0a090002e0000012313596010032438d0a090067'),
    encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', payload: v3v4 }),
    encodeIpPacket({ source: 'fe80::1', destination: 'ff02::12', payload: v3v6 }),
    encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', payload: v2 }),
    encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', protocol: 51, payload: encodeAuthenticationHeader({ spi: 0xc0000201, sequence: 1, payload: v2ah }) }),
    encodeIpPacket({ source: 'fe80::1', destination: 'ff02::12', protocol: 51, payload: encodeAuthenticationHeader({ spi: 1, sequence: 1, payload: v3v6 }) }),
  ];
}

const MAC_A = Buffer.from([0x00, 0x00, 0x5e, 0x00, 0x01, 0x0a]);
const MAC_B = Buffer.from([0x01, 0x00, 0x5e, 0x00, 0x00, 0x12]);

/** A seed framed for one of the link types the sniffer reads. */
export function frame(ip: Buffer, linkType: number): Buffer {
  const six = ((ip[0] ?? 0) >> 4) === 6;
  const etherType = six ? 0x86dd : 0x0800;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return encodeEthernetFrame(MAC_A, MAC_B, etherType, ip);
    case LINKTYPE_LINUX_SLL: {
      const header = Buffer.alloc(16);
      header.writeUInt16BE(4, 0);
      header.writeUInt16BE(1, 2);
      header.writeUInt16BE(6, 4);
      MAC_A.copy(header, 6);
      header.writeUInt16BE(etherType, 14);
      return Buffer.concat([header, ip]);
    }
    case LINKTYPE_LINUX_SLL2: {
      const header = Buffer.alloc(20);
      header.writeUInt16BE(etherType, 0);
      header.writeUInt32BE(2, 4);
      header.writeUInt16BE(1, 8);
      header[10] = 0;
      header[11] = 6;
      MAC_A.copy(header, 12);
      return Buffer.concat([header, ip]);
    }
    default:
      return Buffer.from(ip);
  }
}

export const LINK_TYPES = [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW];

// Offsets (within the IP packet) of the fields most likely to steer a decoder wrong.
const HOT_OFFSETS = [0, 2, 3, 6, 9, 20, 21, 23, 24, 25, 26, 27, 40, 41, 43, 44, 45, 4, 5];
const BOUNDARY = [0x00, 0x01, 0x02, 0x03, 0x0f, 0x10, 0x20, 0x21, 0x31, 0x33, 0x45, 0x46, 0x4f, 0x60, 0x70, 0x7f, 0x80, 0xfe, 0xff];

/** One mutated copy of `base`; `networkOffset` is where the IP header starts in it. */
export function mutate(base: Buffer, networkOffset: number, random: Random): Buffer {
  let bytes = Buffer.from(base);
  const rounds = 1 + random.below(4);
  for (let r = 0; r < rounds; r++) {
    switch (random.below(6)) {
      case 0: {
        const bit = random.below(bytes.length * 8);
        bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
        break;
      }
      case 1:
        if (bytes.length > 0) bytes[random.below(bytes.length)] = BOUNDARY[random.below(BOUNDARY.length)] as number;
        break;
      case 2: {
        const at = networkOffset + (HOT_OFFSETS[random.below(HOT_OFFSETS.length)] as number);
        if (at < bytes.length) bytes[at] = random.below(256);
        break;
      }
      case 3:
        bytes = bytes.subarray(0, random.below(bytes.length + 1));
        break;
      case 4: {
        const tail = Buffer.alloc(random.below(64));
        for (let i = 0; i < tail.length; i++) tail[i] = random.below(256);
        bytes = Buffer.concat([bytes, tail]);
        break;
      }
      default:
        if (bytes.length > 0) bytes[random.below(bytes.length)] = random.below(256);
    }
  }
  return bytes;
}
