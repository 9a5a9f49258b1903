// Which IP family a text is, exactly as node:net isIP() says, but with the common spellings
// decided by a character scan first. node:net's IPv6 test is one large regular expression that
// V8 compiles on first use and again (to machine code) after a few hundred calls: for a file
// with a hundred IPv6 addresses that cost more than reading them. The scans below only ever
// answer "yes" for texts isIP() accepts; anything else (zone ids, embedded IPv4, odd forms)
// is left to node:net, so the answers are isIP()'s in every case.
import { isIPv4, isIPv6 } from 'node:net';

function hexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * True when text[start, end) is four decimal octets 0-255 without leading zeros: exactly what
 * isIPv4 accepts.
 */
export function plainIPv4(text: string, start = 0, end = text.length): boolean {
  if (end - start < 7 || end - start > 15) return false;
  let octets = 0;
  let c = start;
  while (c < end) {
    const first = text.charCodeAt(c) - 48;
    if (first < 0 || first > 9) return false;
    let value = first;
    let digits = 1;
    c += 1;
    while (c < end) {
      const d = text.charCodeAt(c) - 48;
      if (d < 0 || d > 9) break;
      if (first === 0 || digits === 3) return false;
      value = value * 10 + d;
      digits += 1;
      c += 1;
    }
    if (value > 255) return false;
    octets += 1;
    if (c === end) break;
    if (text.charCodeAt(c) !== 46 || octets === 4) return false;
    c += 1;
    if (c === end) return false;
  }
  return octets === 4;
}

/**
 * True for hex groups of 1-4 digits separated by ':' with at most one '::' (eight groups
 * without it, at most seven with it): the everyday IPv6 spellings, all of which isIPv6 accepts.
 * False means "not this form", not "invalid".
 */
export function plainIPv6(text: string): boolean {
  const end = text.length;
  if (end < 2 || end > 39) return false;
  let i = 0;
  let groups = 0;
  let double = false;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    double = true;
    i = 2;
  }
  while (i < end) {
    const start = i;
    while (i < end && i - start < 5 && hexDigit(text.charCodeAt(i))) i += 1;
    if (i === start || i - start > 4) return false;
    groups += 1;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i += 1;
    if (i < end && text.charCodeAt(i) === 58) {
      if (double) return false;
      double = true;
      i += 1;
    } else if (i === end) {
      return false;
    }
  }
  return double ? groups <= 7 : groups === 8;
}

/** Whether valid address text of either family is multicast: 224.0.0.0/4 or ff00::/8. */
export function isMulticastText(address: string): boolean {
  if (address.includes(':')) return /^ff/i.test(address);
  const first = Number(address.slice(0, address.indexOf('.')));
  return first >= 224 && first <= 239;
}

/** node:net isIP(): 4, 6 or 0. */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (plainIPv4(text) || isIPv4(text)) return 4;
  if (plainIPv6(text) || isIPv6(text)) return 6;
  return 0;
}
