// Addresses as IPVS carries them (16 bytes, IPv4 in the first 4) and as people and
// ipvsadm write them. Text output follows glibc's inet_ntop exactly, because ipvsadm's
// listings are compared byte for byte.
import { isIPv4, isIPv6 } from 'node:net';
import { bytesToIPv4, bytesToIPv6 } from '../native/ip.js';
import { AF_INET, AF_INET6 } from './constants.js';

/** 16 bytes for IPVS_*_ATTR_ADDR. Throws on text that is not an address of the family. */
export function addressToBytes(af: number, address: string): Buffer {
  return Buffer.from(addressBytesScratch(af, address));
}

const scratch = Buffer.alloc(16);

/**
 * addressToBytes into a buffer shared by every call: valid until the next call, for
 * encoders that copy the bytes at once (restores encode tens of thousands of addresses).
 */
export function addressBytesScratch(af: number, address: string): Buffer {
  scratch.fill(0);
  if (af === AF_INET ? !writeIPv4(address, scratch, 0) : !writeIPv6(address, scratch)) throw new Error(`not an ${af === AF_INET ? 'IPv4' : 'IPv6'} address: ${address}`);
  return scratch;
}

// Hand-written parsers: restores parse tens of thousands of addresses, and the general
// library is an order of magnitude slower (it validates with exceptions).
/** A dotted quad exactly as Node's isIPv4 accepts it (0-255, no leading zeros). */
function writeIPv4(text: string, out: Buffer, offset: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code === 46) {
      if (digits === 0 || part > 3 || (leadingZero && digits > 1) || value > 255) return false;
      out[offset + part] = value;
      part++;
      value = 0;
      digits = 0;
      continue;
    }
    if (code < 48 || code > 57 || digits === 3) return false;
    if (digits === 0) leadingZero = code === 48;
    value = value * 10 + (code - 48);
    digits++;
  }
  return part === 4;
}

function writeIPv6(text: string, out: Buffer): boolean {
  if (!isIPv6(text) || text.includes('%')) return false;
  let head = text;
  let tailV4: string | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.indexOf('.', lastColon) >= 0) {
    tailV4 = text.slice(lastColon + 1);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::') as [string, string | undefined];
  const leftWords = left === '' ? [] : left.split(':');
  const rightWords = right === undefined || right === '' ? [] : right.split(':');
  const words = right === undefined ? leftWords : [...leftWords, ...new Array<string>(8 - leftWords.length - rightWords.length).fill('0'), ...rightWords];
  if (words.length !== 8) return false;
  for (let i = 0; i < 8; i++) out.writeUInt16BE(parseInt(words[i] as string, 16), 2 * i);
  if (tailV4 !== undefined && !writeIPv4(tailV4, out, 12)) return false;
  return true;
}

/** Text for the address bytes of a family; never throws (short input is zero-filled). */
export function bytesToAddress(af: number, bytes: Buffer): string {
  const full = bytes.length >= 16 ? bytes : Buffer.concat([bytes, Buffer.alloc(16 - bytes.length)]);
  if (af === AF_INET6) return ntop6(full);
  return bytesToIPv4(full, 0);
}

/** glibc inet_ntop for IPv6, including its "::a.b.c.d" form for IPv4-compatible addresses. */
export function ntop6(bytes: Buffer): string {
  let zeroHead = true;
  for (let i = 0; i < 12; i++) if (bytes[i] !== 0) zeroHead = false;
  const word6 = ((bytes[12] ?? 0) << 8) | (bytes[13] ?? 0);
  if (zeroHead && word6 !== 0) return `::${bytesToIPv4(bytes, 12)}`;
  return bytesToIPv6(bytes, 0);
}

/** Canonical text of an address of either family, or undefined when it is not one. */
export function canonicalAddress(text: string): { af: number; address: string } | undefined {
  if (!text.includes(':')) {
    const bytes = Buffer.alloc(4);
    return writeIPv4(text, bytes, 0) ? { af: AF_INET, address: bytesToIPv4(bytes, 0) } : undefined;
  }
  const bytes = Buffer.alloc(16);
  return writeIPv6(text, bytes) ? { af: AF_INET6, address: ntop6(bytes) } : undefined;
}

/** IPv4 addresses in the loose forms inet_aton accepts ("10.1" = 10.0.0.1, hex, octal). */
export function inetAton(text: string): string | undefined {
  // Plain dotted quads (the usual case) are already canonical.
  if (isIPv4(text)) return text;
  if (!/^[0-9a-fA-FxX.]+$/.test(text)) return undefined;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]*$/.test(part)) value = parseInt(part, 8);
    else if (/^[1-9][0-9]*$/.test(part)) value = parseInt(part, 10);
    else return undefined;
    values.push(value);
  }
  const last = values.pop();
  if (last === undefined) return undefined;
  for (const value of values) if (value > 255) return undefined;
  const room = 4 - values.length;
  if (last >= 2 ** (8 * room)) return undefined;
  const bytes = [...values];
  for (let i = room - 1; i >= 0; i--) bytes.push(Math.floor(last / 2 ** (8 * i)) % 256);
  return bytes.join('.');
}

/** Compares two addresses of the same family by their bytes (for a sort that cannot overflow). */
export function compareAddresses(afA: number, a: string, afB: number, b: string): number {
  if (afA !== afB) return afA - afB;
  const bytesA = addressToBytes(afA, a);
  const bytesB = addressToBytes(afB, b);
  return Buffer.compare(bytesA, bytesB);
}

/** The IPv4 mask a 32-bit number stands for, as dotted text. */
export function maskText(mask: number): string {
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 0xff).join('.');
}

export function isAf(value: number): value is typeof AF_INET | typeof AF_INET6 {
  return value === AF_INET || value === AF_INET6;
}
