// The long fuzz run: N (default one million) mutated VRRP frames through the sniffer pipeline
// and the decoders; any exception is a failure (exit status 1) with the frame's bytes.
//   node bench/lib/vrrp-fuzz.js [COUNT] [SEED]
// Needs the compiled tree (npx tsc -p tsconfig.json).
import { SniffSession } from '../../dist/src/vrrp/sniff.js';
import { decodeIpPacket } from '../../dist/src/vrrp/ip-packet.js';
import { LINK_TYPES, Random, frame, mutate, seedPackets } from '../../dist/test/unit/vrrp/fuzz-mutator.js';

const count = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 0x5eed);
const random = new Random(seed);
const seeds = seedPackets();
let session = new SniffSession({ verbose: true, link: true });
let json = new SniffSession({ json: true });
let decoded = 0;
const started = performance.now();
for (let i = 0; i < count; i++) {
  const ip = seeds[i % seeds.length];
  const linkType = LINK_TYPES[random.below(LINK_TYPES.length)];
  const base = frame(ip, linkType);
  const bytes = mutate(base, base.length - ip.length, random);
  try {
    const target = i % 2 === 0 ? session : json;
    if (target.packet(linkType, bytes, 0, bytes.length, 1_700_000_000 + (i >> 4), (i % 1000) * 1000)) decoded++;
    decodeIpPacket(bytes, Math.min(base.length - ip.length, bytes.length));
    if (target.pendingLength > 1 << 20) target.take();
  } catch (error) {
    console.error(`mutation ${i} (seed ${seed}, link type ${linkType}) threw on ${bytes.toString('hex')}:\n${error.stack}`);
    process.exit(1);
  }
  // Fresh sessions now and then keep the diagnosis state realistic in size.
  if (i % 100_000 === 99_999) {
    session.summary();
    json.summary();
    session = new SniffSession({ verbose: true, link: true });
    json = new SniffSession({ json: true });
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`vrrp fuzz: ${count} mutated frames, ${decoded} shown as VRRP, 0 exceptions, ${seconds.toFixed(1)} s (seed ${seed})`);
