// Fuzzing in the unit tier: a few hundred thousand mutated frames through the whole sniffer
// pipeline (link header, IP, AH, VRRP, text and JSON output, diagnosis) must never throw.
// The million-packet run is bench/lib/vrrp-fuzz.js.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SniffSession } from '../../../src/vrrp/sniff.js';
import { decodeIpPacket } from '../../../src/vrrp/ip-packet.js';
import { decodeAdvertisement } from '../../../src/vrrp/packet.js';
import { LINK_TYPES, Random, frame, mutate, seedPackets } from './fuzz-mutator.js';

const MUTATIONS = 100_000;

describe('fuzzing the VRRP decoders', () => {
  it(`${MUTATIONS} mutated frames never throw, and every decoded packet lists its problems`, () => {
    const random = new Random(0x5eed);
    const seeds = seedPackets();
    const text = new SniffSession({ verbose: true, link: true });
    const json = new SniffSession({ json: true });
    let decodedVrrp = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const seed = seeds[i % seeds.length] as Buffer;
      const linkType = LINK_TYPES[random.below(LINK_TYPES.length)] as number;
      const base = frame(seed, linkType);
      const networkOffset = base.length - seed.length;
      const bytes = mutate(base, networkOffset, random);
      const session = i % 2 === 0 ? text : json;
      try {
        if (session.packet(linkType, bytes, 0, bytes.length, 1_700_000_000 + (i >> 4), (i % 1000) * 1000)) decodedVrrp++;
        const ip = decodeIpPacket(bytes, Math.min(networkOffset, bytes.length));
        if (ip.vrrp) assert.ok(Array.isArray(ip.vrrp.problems));
        decodeAdvertisement(bytes, { family: i % 3 === 0 ? 'ipv6' : 'ipv4', length: random.below(100) });
      } catch (error) {
        assert.fail(`mutation ${i} (link type ${linkType}, bytes ${bytes.toString('hex')}) threw: ${(error as Error).stack}`);
      }
      if (session.pendingLength > 1 << 20) session.take();
    }
    // Most mutations keep a VRRP packet recognisable; the pipeline must have seen plenty.
    assert.ok(decodedVrrp > MUTATIONS / 4, `only ${decodedVrrp} decoded`);
    for (const session of [text, json]) {
      const summary = session.summary();
      assert.equal(summary.type, 'summary');
      JSON.stringify(summary);
    }
  });

  it('unmutated seeds decode without problems on every link type', () => {
    for (const seed of seedPackets()) {
      for (const linkType of LINK_TYPES) {
        const session = new SniffSession({ json: true });
        const bytes = frame(seed, linkType);
        assert.ok(session.packet(linkType, bytes, 0, bytes.length, 1_700_000_000, 0), `link type ${linkType}`);
        const line = JSON.parse(session.take().split('\n')[0] as string) as { problems: string[] };
        assert.deepEqual(line.problems, []);
      }
    }
  });
});
