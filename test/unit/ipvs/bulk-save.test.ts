// The quick save must give the bytes saveText gives for the same replies: real servers
// decoded into columns against the general decoder's objects, from the same nests.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderSavedRules } from '../../../src/ipvs/bulk-save.js';
import { decodeDestinationBytes, decodeRealColumns, newRealColumns, truncateRealColumns, writeDestinationFull } from '../../../src/ipvs/codec.js';
import { ntop6 } from '../../../src/ipvs/address.js';
import { serviceId, type Destination, type Service, type ServiceEntry } from '../../../src/ipvs/model.js';
import { saveText } from '../../../src/ipvs/text.js';
import { AttributeWriter } from '../../../src/netlink/attributes.js';
import { columnsOf } from './service-nests.js';
import { Output } from '../../../src/ipvs/bulk-text.js';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ntop6(Buffer.from(b)));

const destination = fc
  .record({
    v6: fc.boolean(),
    v4: ipv4,
    v6address: ipv6,
    port: fc.nat(65535),
    forward: fc.oneof(fc.constantFrom(0, 3, 0, 3), fc.nat(4)),
    weight: fc.oneof(fc.nat(65535), fc.constant(0xffffffff)),
    upper: fc.oneof(fc.constant(0), fc.nat(), fc.constant(0xffffffff)),
    lower: fc.oneof(fc.constant(0), fc.nat()),
    tunnelType: fc.nat(2),
    tunnelPort: fc.nat(65535),
    tunnelFlags: fc.nat(3),
  })
  .map(
    (d): Destination => ({
      af: d.v6 ? 10 : 2,
      address: d.v6 ? d.v6address : d.v4,
      port: d.port,
      forward: d.forward,
      weight: d.weight,
      upperThreshold: d.upper,
      lowerThreshold: d.lower,
      activeConns: 0,
      inactiveConns: 0,
      persistConns: 0,
      tunnelType: d.tunnelType,
      tunnelPort: d.tunnelPort,
      tunnelFlags: d.tunnelFlags,
    }),
  );

const service = fc
  .record({
    v6: fc.boolean(),
    mark: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0xffffffff })),
    protocol: fc.constantFrom(6, 17, 132),
    v4: ipv4,
    v6address: ipv6,
    port: fc.nat(65535),
    scheduler: fc.constantFrom('rr', 'wlc', 'sh', 'mh'),
    flags: fc.constantFrom(0, 1, 4, 0x8, 0x19),
    timeout: fc.nat(100000),
    netmask: fc.constantFrom(0xffffffff, 0xffffff00, 64),
    pe: fc.constantFrom('', 'sip'),
    reals: fc.array(destination, { maxLength: 5 }),
  })
  .map(({ v6, mark, protocol, v4, v6address, port, scheduler, flags, timeout, netmask, pe, reals }) => ({
    service: {
      af: v6 ? 10 : 2,
      protocol: mark ? 0 : protocol,
      address: mark ? '' : v6 ? v6address : v4,
      port: mark ? 0 : port,
      fwmark: mark,
      scheduler,
      flags,
      timeout: flags & 1 ? timeout : 0,
      netmask: v6 ? 128 : netmask,
      peName: pe,
    } as Service,
    reals,
  }));

/** A destination's nest as the kernel sends it (with counters and connection counts around). */
function nestOf(dest: Destination): Buffer {
  const writer = new AttributeWriter(256);
  writer.u32(7, 5).u32(8, 6);
  writeDestinationFull(writer, dest);
  writer.u32(11, 3);
  return writer.toBuffer();
}

describe('quick save against saveText', () => {
  it('gives the same rules for every table, IPv4 or not, tunnels or not', () => {
    fc.assert(
      fc.property(fc.array(service, { maxLength: 10 }), fc.boolean(), (drawn, ipv4Only) => {
        const seen = new Set<string>();
        const table = drawn.filter(({ service: s }) => !(ipv4Only && s.af === 10) && !seen.has(serviceId(s)) && seen.add(serviceId(s)));
        const services = table.map((t) => t.service);
        // Room for one: the columns grow as the real servers come.
        const columns = newRealColumns(1);
        const entries: ServiceEntry[] = [];
        table.forEach(({ service: s, reals }, index) => {
          const keys = new Set<string>();
          const unique = reals.filter((d) => !(ipv4Only && d.af === 10) && !keys.has(`${d.af}/${d.address}/${d.port}`) && keys.add(`${d.af}/${d.address}/${d.port}`));
          const nests = unique.map(nestOf);
          entries.push({ service: s, destinations: nests.map((nest) => decodeDestinationBytes(nest, s.af, false).value) });
          for (const nest of nests) assert.ok(decodeRealColumns(nest, index, s.af, columns));
        });
        const out = new Output(16);
        renderSavedRules(columnsOf(services), columns, out);
        assert.equal(out.result().toString('utf8'), saveText(entries, true));
      }),
      { numRuns: 600 },
    );
  });

  it('refuses nests with a problem, and forgets a dump read again', () => {
    const columns = newRealColumns();
    const good = nestOf({ af: 2, address: '10.0.0.1', port: 80, forward: 0, weight: 1, upperThreshold: 0, lowerThreshold: 0, activeConns: 0, inactiveConns: 0, persistConns: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0 });
    assert.equal(decodeRealColumns(good.subarray(0, good.length - 3), 0, 2, columns), false);
    assert.equal(decodeRealColumns(new AttributeWriter(8).u16(4, 80).toBuffer(), 0, 2, columns), false, 'no address');
    assert.equal(columns.length, 0);
    assert.ok(decodeRealColumns(good, 0, 2, columns));
    assert.ok(decodeRealColumns(good, 1, 2, columns));
    truncateRealColumns(columns, 1);
    assert.deepEqual([...columns.service.subarray(0, columns.length)], [0]);
  });
});
