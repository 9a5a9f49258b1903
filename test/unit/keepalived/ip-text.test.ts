// ip-text.ts answers what node:net isIP() answers, for every text: its quick scans may only
// say "yes" where isIP() does, and the fallback covers the rest.
import assert from 'node:assert/strict';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { describe, it } from 'node:test';
import { ipFamily, isMulticastText, plainIPv4, plainIPv6 } from '../../../src/keepalived/ip-text.js';
import { seededRandom } from '../../support/random.js';

const KNOWN = [
  '', ':', '::', ':::', '::1', '1::', '1:', ':1', '1::2', '1::2::3', 'fd00::1', 'fd00::1/64', 'FD00::A', 'fe80::1%eth0',
  '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7::8',
  '1::2:3:4:5:6:7', '1::2:3:4:5:6:7:8', '12345::', '1234::', 'g::1', '::ffff:10.0.0.1', '1:2:3:4:5:6:1.2.3.4',
  '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.1.1.1', '1.1.1', '1.1.1.1.', '1.1.1.1.1', '1..1.1', '10.0.0.1/24', ' 1.1.1.1',
  '1.1.1.1 ', '٣.1.1.1', '0::0', '0:0:0:0:0:0:0:0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::ffff',
];

function check(text: string): void {
  if (plainIPv4(text)) assert.ok(isIPv4(text), `plainIPv4 accepted ${JSON.stringify(text)}`);
  assert.equal(plainIPv4(text), isIPv4(text), `plainIPv4 and isIPv4 differ on ${JSON.stringify(text)}`);
  if (plainIPv6(text)) assert.ok(isIPv6(text), `plainIPv6 accepted ${JSON.stringify(text)}`);
  assert.equal(ipFamily(text), isIP(text), `ipFamily(${JSON.stringify(text)})`);
}

describe('ip-text', () => {
  it('agrees with node:net on known spellings', () => {
    for (const text of KNOWN) check(text);
    assert.equal(plainIPv6('fd00::1'), true);
    assert.equal(plainIPv6('1:2:3:4:5:6:7:8'), true);
    assert.equal(plainIPv4('10.0.0.1'), true);
  });

  it('agrees with node:net on random texts made of address characters', () => {
    const next = seededRandom(7);
    const alphabets = ['0123456789abcdefABCDEFg:', '0123456789.', '0123456789abcdef:.%/'];
    for (let n = 0; n < 200_000; n += 1) {
      const alphabet = alphabets[n % alphabets.length] as string;
      const length = Math.floor(next() * 42);
      let text = '';
      for (let i = 0; i < length; i += 1) text += alphabet[Math.floor(next() * alphabet.length)];
      check(text);
    }
  });

  it('agrees with node:net on valid addresses and their one-character edits', () => {
    const next = seededRandom(11);
    const hex = (): string => Math.floor(next() * 0x10000).toString(16).slice(0, 1 + Math.floor(next() * 4));
    for (let n = 0; n < 20_000; n += 1) {
      const groups = Array.from({ length: 8 }, hex);
      const cut = Math.floor(next() * 8);
      const keep = Math.floor(next() * 8);
      const text = next() < 0.5 ? groups.join(':') : `${groups.slice(0, cut).join(':')}::${groups.slice(cut, Math.min(8, cut + keep)).join(':')}`;
      check(text);
      const at = Math.floor(next() * (text.length + 1));
      check(text.slice(0, at) + ':' + text.slice(at));
      check(text.slice(0, at) + text.slice(at + 1));
      const quad = Array.from({ length: 4 }, () => String(Math.floor(next() * 300))).join('.');
      check(quad);
      check(quad.slice(0, at) + quad.slice(at + 1));
    }
  });
});

describe('isMulticastText', () => {
  it('224.0.0.0/4 and ff00::/8, either case; nothing else', () => {
    for (const text of ['224.0.0.18', '239.255.255.255', 'ff02::12', 'FF05::1:3', 'ff00::']) assert.equal(isMulticastText(text), true, text);
    for (const text of ['223.255.255.255', '240.0.0.1', '10.0.0.1', 'fe80::1', '::ffff:224.0.0.1', '2001:db8::ff']) assert.equal(isMulticastText(text), false, text);
  });
});
