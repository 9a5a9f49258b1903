// Unicast instances take adverts with any TTL / hop limit, as keepalived does (keepalived
// 2.2.7 sends IPv6 unicast adverts with hop limit 64); multicast instances keep the RFC's 255.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAdvert, type AcceptPolicy } from '../../../src/vrrp/accept.js';
import { encodeAdvertisement } from '../../../src/vrrp/packet.js';

const v6: AcceptPolicy = { version: 3, vrid: 42, intervalCs: 10, addressCount: 1 };
const from = { source: '2001:db8:8::1', destination: '2001:db8:8::2' };
const advert = encodeAdvertisement({ version: 3, vrid: 42, priority: 200, addresses: ['2001:db8:8::100'], interval: 10 }, from);
const verdict = (policy: AcceptPolicy, ttl: number): string => {
  const result = judgeAdvert(advert, { ...from, ttl }, policy);
  return result.accept ? 'accept' : result.reason;
};

test('a unicast instance accepts keepalived\'s hop limit 64; a multicast one drops it', () => {
  assert.equal(verdict({ ...v6, unicast: true }, 64), 'accept');
  assert.equal(verdict({ ...v6, unicast: true }, 1), 'accept');
  assert.equal(verdict(v6, 64), 'ttl');
  assert.equal(verdict(v6, 255), 'accept');
});

test('the TTL is the only check unicast relaxes', () => {
  const corrupt = Buffer.from(advert);
  corrupt[2] = 201;
  const result = judgeAdvert(corrupt, { ...from, ttl: 64 }, { ...v6, unicast: true });
  assert.deepEqual(result.accept ? 'accept' : result.reason, 'checksum');
  const other = judgeAdvert(advert, { ...from, ttl: 64 }, { ...v6, vrid: 43, unicast: true });
  assert.deepEqual(other.accept ? 'accept' : other.reason, 'vrid');
});
