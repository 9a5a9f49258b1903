// The token store's quick answers about a token's text must be the ones made from the text:
// dottedQuad (a sticky regular expression from the token's start) says what node:net isIPv4
// says of the token's text, whatever comes before the token in its source.
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import { describe, it } from 'node:test';
import { TokenStore } from '../../../src/keepalived/tokens.js';
import { seededRandom } from '../../support/random.js';

/** dottedQuad of `text` stored as a plain token after `before`, followed by `after`. */
function dottedQuad(text: string, before = '', after = ' '): boolean {
  const store = new TokenStore(4);
  const source = `${before}${text}${after}`;
  const file = store.fileIndex('f', source);
  store.pushPlain(file, 1, before.length + 1, 0, before.length, before.length + text.length, -1);
  return store.dottedQuad(0);
}

describe('TokenStore', () => {
  it('dottedQuad agrees with isIPv4 on known spellings', () => {
    const known = ['0.0.0.0', '255.255.255.255', '256.1.1.1', '1.1.1.256', '1.1.1.25', '1.1.1.260', '01.1.1.1', '1.1.1.01', '1.1.1.00', '1.1.1', '1.1.1.1.', '1.1.1.1.1', '1..1.1', '10.0.0.1/24', '192.168.100.200', '199.249.250.255', '1.2.3.4a', 'a1.2.3.4', '1.2.3.-4', '١.1.1.1'];
    for (const text of known) for (const after of [' ', '', '\n', '}', '\r\n']) assert.equal(dottedQuad(text, '  x ', after), isIPv4(text), JSON.stringify(text));
  });

  it('dottedQuad agrees with isIPv4 on random digit-and-dot texts', () => {
    const next = seededRandom(0xd07);
    const alphabet = '0123456789012345678901234567890123456789....x';
    for (let i = 0; i < 20000; i += 1) {
      const length = Math.floor(next() * 18);
      let text = '';
      for (let c = 0; c < length; c += 1) text += alphabet[Math.floor(next() * alphabet.length)];
      assert.equal(dottedQuad(text, '1.2.3 '), isIPv4(text), JSON.stringify(text));
    }
  });

  it('a rewritten token is never a dotted quad here (its text is checked elsewhere)', () => {
    const store = new TokenStore(4);
    store.fileIndex('f', '');
    store.pushText(0, 1, 1, 0, 0, '10.0.0.1');
    assert.equal(store.dottedQuad(0), false);
  });
});
