// Services read into columns must be what the general decoder makes of the same nests,
// for every service and for hostile bytes, and order as sortEntries does.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeServiceBytes } from '../../../src/ipvs/codec.js';
import { ntop6 } from '../../../src/ipvs/address.js';
import { serviceId, type Service } from '../../../src/ipvs/model.js';
import { ServiceColumns } from '../../../src/ipvs/service-columns.js';
import { sortEntries } from '../../../src/ipvs/text.js';
import { columnsOf, serviceNest } from './service-nests.js';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ntop6(Buffer.from(b)));

const service = fc
  .record({
    v6: fc.oneof(fc.constant(false), fc.boolean()),
    mark: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0xffffffff })),
    protocol: fc.constantFrom(6, 17, 132, 6, 50),
    v4: ipv4,
    v6address: ipv6,
    port: fc.nat(65535),
    scheduler: fc.constantFrom('rr', 'wlc', 'sh', 'mh', '', 'r\u00e9'),
    flags: fc.constantFrom(0, 0, 1, 2, 4, 0x8, 0x19, 0xffffffff),
    timeout: fc.nat(),
    netmask: fc.constantFrom(0xffffffff, 0xffffff00, 0, 64),
    pe: fc.constantFrom('', '', 'sip'),
  })
  .map(
    ({ v6, mark, protocol, v4, v6address, port, scheduler, flags, timeout, netmask, pe }): Service => ({
      af: v6 ? 10 : 2,
      protocol: mark ? 0 : protocol,
      address: mark ? '' : v6 ? v6address : v4,
      port: mark ? 0 : port,
      fwmark: mark,
      scheduler,
      flags,
      timeout,
      netmask: v6 ? 128 : netmask,
      peName: pe,
    }),
  );

const general = (nest: Buffer): Service => decodeServiceBytes(nest, false).value;

describe('service columns', () => {
  it('give each service as the general decoder does', () => {
    fc.assert(
      fc.property(fc.array(service, { maxLength: 12 }), (services) => {
        const columns = columnsOf(services);
        assert.equal(columns.length, services.length);
        assert.deepEqual(columns.services(), services.map((s) => general(serviceNest(s))));
        assert.deepEqual(columns.problems, []);
      }),
      { numRuns: 500 },
    );
  });

  it('keep plain IPv4 services in the columns and the rest aside', () => {
    const v4: Service = { af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' };
    const columns = columnsOf([v4, { ...v4, af: 10, address: '2001:db8::1' }, { ...v4, flags: 1, timeout: 300 }, { ...v4, scheduler: 'r\u00e9' }, { ...v4, protocol: 0, address: '', port: 0, fwmark: 9 }]);
    assert.deepEqual([...columns.other.keys()], [1, 3]);
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => columns.isPlain(i)), [true, false, false, false, true]);
    assert.deepEqual([0, 1, 4].map((i) => columns.af(i)), [2, 10, 2]);
    assert.deepEqual([0, 4].map((i) => columns.mark(i)), [0, 9]);
    assert.equal(columns.key(1), undefined);
    assert.equal(columns.orderKeys(), undefined, 'an IPv6 service');
  });

  it('read hostile bytes as the general decoder does, problems and all', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), service.map((s) => new Uint8Array(serviceNest(s)))), fc.nat(), (bytes, cut) => {
        const nest = Buffer.from(bytes).subarray(0, bytes.length - (cut % 3 === 0 ? cut % (bytes.length + 1) : 0));
        const columns = new ServiceColumns(1);
        columns.add(nest, 0, nest.length);
        const { value, problems } = decodeServiceBytes(nest, false);
        assert.deepEqual(columns.service(0), value);
        assert.deepEqual(columns.problems, problems);
      }),
      { numRuns: 2000 },
    );
  });

  it('order IPv4 tables as sortEntries does', () => {
    fc.assert(
      fc.property(fc.array(service, { maxLength: 30 }), (drawn) => {
        const seen = new Set<string>();
        const services = drawn.filter((s) => s.af === 2 && [6, 17, 132].includes(s.protocol) && !seen.has(serviceId(s)) && seen.add(serviceId(s)));
        const columns = columnsOf(services);
        const keys = columns.orderKeys();
        assert.ok(keys);
        const order = Array.from({ length: services.length }, (_, i) => i).sort((a, b) => (keys[a] as number) - (keys[b] as number));
        assert.deepEqual(
          order.map((i) => services[i]),
          sortEntries(services.map((s) => ({ service: s, destinations: [] }))).map((e) => e.service),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('forget everything when a dump is read again', () => {
    const v4: Service = { af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' };
    const columns = columnsOf([v4, { ...v4, af: 10, address: '::1' }]);
    columns.clear();
    assert.equal(columns.length, 0);
    assert.equal(columns.other.size, 0);
    assert.deepEqual(columns.services(), []);
  });
});
