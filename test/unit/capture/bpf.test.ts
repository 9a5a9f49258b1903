// The VRRP BPF program, run by a small classic-BPF interpreter over frames of every kind the
// kernel could hand it. (The host tier proves the kernel accepts and runs it the same way.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BPF_ABS, BPF_B, BPF_H, BPF_IND, BPF_JEQ, BPF_JMP, BPF_LD, BPF_LDX, BPF_MSH, BPF_RET, BPF_W, SKF_AD_OFF, SKF_AD_PROTOCOL,
  encodeProgram, vrrpFilter, type Instruction,
} from '../../../src/capture/bpf.js';
import { encodeIpPacket, encodeAuthenticationHeader } from '../../../src/vrrp/ip-packet.js';
import { frame, seedPackets } from '../vrrp/fuzz-mutator.js';
import { LINKTYPE_ETHERNET } from '../../../src/capture/link.js';

/** Runs a program over packet bytes; `protocol` is skb->protocol for the ancillary load. Returns the snap length (0 = drop). */
function run(program: Instruction[], packet: Buffer, protocol: number): number {
  let a = 0;
  let x = 0;
  const load = (size: number, offset: number): number | undefined => {
    if (offset === ((SKF_AD_OFF + SKF_AD_PROTOCOL) >>> 0)) return protocol;
    if (offset < 0 || offset + size > packet.length) return undefined;
    return size === 4 ? packet.readUInt32BE(offset) : size === 2 ? packet.readUInt16BE(offset) : (packet[offset] as number);
  };
  for (let pc = 0; pc < program.length; pc++) {
    const insn = program[pc] as Instruction;
    const size = (insn.code & 0x18) === BPF_W ? 4 : (insn.code & 0x18) === BPF_H ? 2 : 1;
    switch (insn.code & 0x07) {
      case BPF_LD: {
        const mode = insn.code & 0xe0;
        const value = mode === BPF_ABS ? load(size, insn.k >>> 0) : mode === BPF_IND ? load(size, x + insn.k) : undefined;
        if (value === undefined) return 0; // out of bounds: the kernel drops the packet
        a = value;
        break;
      }
      case BPF_LDX: {
        assert.equal(insn.code, BPF_LDX | BPF_B | BPF_MSH);
        const value = load(1, insn.k);
        if (value === undefined) return 0;
        x = (value & 0x0f) * 4;
        break;
      }
      case BPF_JMP:
        assert.equal(insn.code, BPF_JMP | BPF_JEQ);
        pc += a === insn.k ? insn.jt : insn.jf;
        break;
      case BPF_RET:
        return insn.k;
      default:
        assert.fail(`unexpected instruction ${insn.code}`);
    }
  }
  assert.fail('fell off the end of the program');
}

const udp = encodeIpPacket({ source: '192.0.2.1', destination: '192.0.2.2', protocol: 17, payload: Buffer.alloc(20) });
const udp6 = encodeIpPacket({ source: 'fe80::1', destination: 'ff02::1', protocol: 17, payload: Buffer.alloc(20) });
const espLike = encodeIpPacket({ source: '192.0.2.1', destination: '224.0.0.18', protocol: 51, payload: encodeAuthenticationHeader({ spi: 1, sequence: 1, nextHeader: 6, payload: Buffer.alloc(20) }) });
// An IPv4 header with options (IHL 6) in front of AH-wrapped VRRP: the AH offset must follow IHL.
const withOptions = ((): Buffer => {
  const plain = seedPackets()[1] as Buffer; // AH + VRRPv2 from keepalived
  const out = Buffer.concat([plain.subarray(0, 20), Buffer.from([1, 1, 1, 0]), plain.subarray(20)]);
  out[0] = 0x46;
  out.writeUInt16BE(out.length, 2);
  return out;
})();

describe('VRRP BPF filter', () => {
  const cases: Array<[string, Buffer, boolean]> = [
    ...seedPackets().map((p, i): [string, Buffer, boolean] => [`seed ${i}`, p, true]),
    ['IPv4 with options, AH-wrapped VRRP', withOptions, true],
    ['UDP over IPv4', udp, false],
    ['UDP over IPv6', udp6, false],
    ['AH carrying TCP', espLike, false],
  ];
  for (const [name, ip, accept] of cases) {
    it(`${accept ? 'passes' : 'drops'} ${name}, raw Ethernet and cooked`, () => {
      const protocol = ((ip[0] as number) >> 4) === 6 ? 0x86dd : 0x0800;
      const raw = run(vrrpFilter(14), frame(ip, LINKTYPE_ETHERNET), protocol);
      const cooked = run(vrrpFilter(0), ip, protocol);
      assert.equal(raw > 0, accept);
      assert.equal(cooked > 0, accept);
    });
  }
  it('drops ARP and anything not IP', () => {
    assert.equal(run(vrrpFilter(14), Buffer.alloc(60), 0x0806), 0);
  });
  it('serialises as struct sock_filter, 8 bytes per instruction', () => {
    const program = vrrpFilter(14);
    const bytes = encodeProgram(program);
    assert.equal(bytes.length, program.length * 8);
    assert.equal(bytes.readUInt16LE(0), BPF_LD | BPF_H | BPF_ABS);
    assert.equal(bytes.readUInt32LE(4), 0xfffff000);
  });
});
