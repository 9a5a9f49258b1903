import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { judgeAdvert, type AcceptPolicy } from '../../../src/vrrp/accept.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';
import { createLogger } from '../../../src/vrrp/log.js';

const packet = { source: '192.0.2.1', destination: '224.0.0.18', ttl: 255 };
const v2: AcceptPolicy = { version: 2, vrid: 42, intervalCs: 100, password: 'pass1234', addressCount: 1 };
const v3: AcceptPolicy = { version: 3, vrid: 42, intervalCs: 10, addressCount: 1 };
const advert = (overrides: Partial<Parameters<typeof encodeAdvertisement>[0]> = {}, version: 2 | 3 = 2): Buffer =>
  encodeAdvertisement(
    { version, vrid: 42, priority: 100, addresses: ['192.0.2.100'], interval: version === 2 ? 100 : 10, ...(version === 2 ? { authType: 1, authData: 'pass1234' } : {}), ...overrides },
    { source: packet.source, destination: packet.destination },
  );
const reason = (bytes: Buffer, policy: AcceptPolicy, ttl = 255): string => {
  const verdict = judgeAdvert(bytes, { ...packet, ttl }, policy);
  return verdict.accept ? 'accept' : verdict.reason;
};

test('good v2 PASS and v3 adverts are accepted', () => {
  assert.equal(reason(advert(), v2), 'accept');
  assert.equal(reason(advert({}, 3), v3), 'accept');
});

test('each mismatch is dropped for its own reason', () => {
  assert.equal(reason(advert(), v2, 254), 'ttl');
  assert.equal(reason(advert({ vrid: 7 }), v2), 'vrid');
  assert.equal(reason(advert({}, 3), v2), 'version');
  assert.equal(reason(advert({ authData: 'wrongpwd' }), v2), 'auth');
  assert.equal(reason(advert({ authType: 0, authData: Buffer.alloc(8) }), v2), 'auth');
  assert.equal(reason(advert({ interval: 200 }), v2), 'interval');
  assert.equal(reason(advert({ count: 3 }), v2), 'address-count');
  const corrupt = advert();
  corrupt[2] = 101; // priority changed after the checksum was computed
  assert.equal(reason(corrupt, v2), 'checksum');
  assert.equal(reason(advert().subarray(0, 6), v2), 'malformed');
});

test('v3 learns any interval; only v2 insists on its own', () => {
  assert.equal(reason(advert({ interval: 55 }, 3), v3), 'accept');
});

test('passwords compare on their first 8 characters, as keepalived sends them', () => {
  assert.equal(reason(advert({ authData: 'pass1234' }), { ...v2, password: 'pass1234-and-more' }), 'accept');
});

test('property: random bytes are never accepted and never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 255 }), (raw, ttl) => {
      const verdict = judgeAdvert(Buffer.from(raw), { ...packet, ttl }, v2);
      if (verdict.accept) {
        // Only a well-formed advert that matches everything may pass.
        assert.equal(ttl, 255);
        assert.equal(verdict.decoded.advert.vrid, 42);
      }
    }),
    { numRuns: 3000 },
  );
});

test('the log limits repeats of one kind and says how many it held back', () => {
  const lines: string[] = [];
  let now = 0;
  const log = createLogger('json', (line) => lines.push(line), 1000, () => now);
  for (let i = 0; i < 5; i++) log.limited('ttl', 'warn', 'dropped an advert', { reason: 'ttl' });
  log.limited('auth', 'warn', 'dropped an advert', { reason: 'auth' });
  now = 1500;
  log.limited('ttl', 'warn', 'dropped an advert', { reason: 'ttl' });
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.deepEqual(parsed.map((p) => [p.reason, p.suppressed]), [['ttl', undefined], ['auth', undefined], ['ttl', 4]]);
  assert.equal(parsed[0]?.level, 'warn');
});
