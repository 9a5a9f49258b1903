// A classic BPF program (linux/filter.h) that lets only VRRP reach user space: IPv4 protocol
// 112, IPv6 next header 112, and either of them wrapped in an Authentication Header (51).
// The kernel runs it on every packet, so a busy interface costs the sniffer nothing.

// Instruction classes, sizes, modes and operations (linux/bpf_common.h).
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MSH = 0xa0;
export const BPF_JEQ = 0x10;
export const BPF_K = 0x00;

/** Linux's ancillary-data loads (linux/filter.h): SKF_AD_OFF + SKF_AD_PROTOCOL is skb->protocol. */
export const SKF_AD_OFF = -0x1000;
export const SKF_AD_PROTOCOL = 0;

export const SNAP_LENGTH = 262144;

export interface Instruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Serialises instructions as struct sock_filter (u16 code, u8 jt, u8 jf, u32 k), host order. */
export function encodeProgram(program: Instruction[]): Buffer {
  const bytes = Buffer.alloc(program.length * 8);
  const le = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  program.forEach((insn, i) => {
    if (le) {
      bytes.writeUInt16LE(insn.code, i * 8);
      bytes.writeUInt32LE(insn.k >>> 0, i * 8 + 4);
    } else {
      bytes.writeUInt16BE(insn.code, i * 8);
      bytes.writeUInt32BE(insn.k >>> 0, i * 8 + 4);
    }
    bytes[i * 8 + 2] = insn.jt;
    bytes[i * 8 + 3] = insn.jf;
  });
  return bytes;
}

// A tiny assembler: jumps name labels, resolved to the relative offsets BPF wants.
type Step = { insn: Instruction; jt?: string; jf?: string } | { label: string };

function assemble(steps: Step[]): Instruction[] {
  const positions = new Map<string, number>();
  let count = 0;
  for (const step of steps) {
    if ('label' in step) positions.set(step.label, count);
    else count++;
  }
  const program: Instruction[] = [];
  for (const step of steps) {
    if ('label' in step) continue;
    const here = program.length;
    const target = (label: string | undefined, fallback: number): number => {
      if (label === undefined) return fallback;
      const position = positions.get(label);
      if (position === undefined || position <= here) throw new Error(`bad BPF label ${label}`);
      return position - here - 1;
    };
    program.push({ ...step.insn, jt: target(step.jt, step.insn.jt), jf: target(step.jf, step.insn.jf) });
  }
  return program;
}

const insn = (code: number, k = 0): Instruction => ({ code, jt: 0, jf: 0, k });

/**
 * The VRRP filter. `networkOffset` is where the IP header starts in what the socket sees:
 * 14 for a SOCK_RAW socket on Ethernet, 0 for SOCK_DGRAM (cooked). The EtherType comes from
 * skb->protocol, which is right for both.
 */
export function vrrpFilter(networkOffset: number, snapLength = SNAP_LENGTH): Instruction[] {
  const n = networkOffset;
  const jeq = (k: number, jt: string, jf?: string): Step => ({ insn: insn(BPF_JMP | BPF_JEQ | BPF_K, k), jt, ...(jf ? { jf } : {}) });
  return assemble([
    { insn: insn(BPF_LD | BPF_H | BPF_ABS, (SKF_AD_OFF + SKF_AD_PROTOCOL) >>> 0) },
    jeq(0x0800, 'ipv4'),
    jeq(0x86dd, 'ipv6', 'reject'),
    { label: 'ipv4' },
    { insn: insn(BPF_LD | BPF_B | BPF_ABS, n + 9) },
    jeq(112, 'accept'),
    jeq(51, 'ipv4-ah', 'reject'),
    { label: 'ipv4-ah' },
    // X = IPv4 header length; the AH's next-header byte is its first.
    { insn: insn(BPF_LDX | BPF_B | BPF_MSH, n) },
    { insn: insn(BPF_LD | BPF_B | BPF_IND, n) },
    jeq(112, 'accept', 'reject'),
    { label: 'ipv6' },
    { insn: insn(BPF_LD | BPF_B | BPF_ABS, n + 6) },
    jeq(112, 'accept'),
    jeq(51, 'ipv6-ah', 'reject'),
    { label: 'ipv6-ah' },
    { insn: insn(BPF_LD | BPF_B | BPF_ABS, n + 40) },
    jeq(112, 'accept', 'reject'),
    { label: 'accept' },
    { insn: insn(BPF_RET | BPF_K, snapLength) },
    { label: 'reject' },
    { insn: insn(BPF_RET | BPF_K, 0) },
  ]);
}
