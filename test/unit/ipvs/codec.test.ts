// Byte fixtures for every IPVS attribute form vipctl writes or reads, real kernel replies
// captured in user-mode Linux (test/fixtures/ipvs/*.hex), hostile input, and round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AttributeDecoder, AttributeWriter } from '../../../src/netlink/attributes.js';
import {
  daemonAttributes,
  decodeDaemon,
  decodeDestination,
  decodeDestinationBytes,
  decodeService,
  decodeServiceBytes,
  decodeStats,
  decodeTimeouts,
  destinationAttributes,
  serviceAttributes,
  timeoutAttributes,
  writeDestinationFull,
  writeServiceFull,
  writeStats,
} from '../../../src/ipvs/codec.js';
import { ntop6 } from '../../../src/ipvs/address.js';
import type { Destination, Service } from '../../../src/ipvs/model.js';
import { fixture } from '../../support/paths.js';

const hex = (buffer: Buffer): string => buffer.toString('hex');

const tcp: Service = { af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' };

function readHexMessages(name: string): Buffer[] {
  return readFileSync(fixture('ipvs', name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => Buffer.from(line, 'hex'));
}

/** The nest of a captured genl payload (4-byte genl header, then attributes). */
function nestOf(payload: Buffer, type: number): AttributeDecoder {
  const nest = new AttributeDecoder(payload.subarray(4)).nested(type);
  assert.ok(nest, `attribute ${type} present`);
  return nest;
}

describe('IPVS encoding (byte fixtures)', () => {
  it('writes an IPv4 TCP service key: af u16, protocol u16, 16-byte address, port in network order', () => {
    const bytes = serviceAttributes(tcp, false).toBuffer();
    assert.equal(
      hex(bytes),
      '3000' + '0180' + // nest CMD_ATTR_SERVICE, NLA_F_NESTED
        '0600' + '0100' + '0200' + '0000' + // AF = 2
        '0600' + '0200' + '0600' + '0000' + // PROTOCOL = 6
        '1400' + '0300' + '0a000001' + '00'.repeat(12) + // ADDR
        '0600' + '0400' + '0050' + '0000', // PORT = 80, big-endian
    );
  });

  it('writes a firewall-mark key as af + fwmark only', () => {
    const bytes = serviceAttributes({ ...tcp, af: 10, fwmark: 0xfffffffe, protocol: 0, address: '', port: 0 }, false).toBuffer();
    assert.equal(hex(bytes), '1400' + '0180' + '0600' + '0100' + '0a00' + '0000' + '0800' + '0500' + 'feffffff');
  });

  it('writes a full IPv4 service: scheduler, pe, flags with a full mask, timeout, netmask as be32', () => {
    const service = { ...tcp, scheduler: 'lc', peName: 'sip', flags: 0x1 | 0x2 | 0x8, timeout: 300, netmask: 0xffffff00 };
    const writer = new AttributeWriter();
    writeServiceFull(writer, service);
    const rest = hex(writer.toBuffer()).slice(hex(serviceAttributes(tcp, false).toBuffer()).length - 8);
    assert.equal(
      rest,
      '0700' + '0600' + '6c6300' + '00' + // SCHED_NAME "lc\0"
        '0800' + '0b00' + '73697000' + // PE_NAME "sip\0"
        '0c00' + '0700' + '09000000' + 'ffffffff' + // FLAGS {persistent|sched1 (hashed dropped), mask ~0}
        '0800' + '0800' + '2c010000' + // TIMEOUT 300
        '0800' + '0900' + 'ffffff00', // NETMASK 255.255.255.0 in network order
    );
  });

  it('writes an IPv6 netmask as a prefix length in host order', () => {
    const writer = new AttributeWriter();
    writeServiceFull(writer, { ...tcp, af: 10, address: '2001:db8::1', netmask: 64 });
    assert.ok(hex(writer.toBuffer()).endsWith('0800' + '0900' + '40000000'));
  });

  it('writes a full destination with family, tunnel type (u8), tunnel port (be16), tunnel flags (u16), thresholds', () => {
    const dest: Destination = {
      af: 2, address: '10.0.1.3', port: 80, forward: 2, weight: 5, upperThreshold: 100, lowerThreshold: 10,
      activeConns: 0, inactiveConns: 0, persistConns: 0, tunnelType: 1, tunnelPort: 6080, tunnelFlags: 2,
    };
    const writer = new AttributeWriter();
    writeDestinationFull(writer, dest);
    assert.equal(
      hex(writer.toBuffer()),
      '0600' + '0b00' + '0200' + '0000' + // ADDR_FAMILY
        '1400' + '0100' + '0a000103' + '00'.repeat(12) + // ADDR
        '0600' + '0200' + '0050' + '0000' + // PORT
        '0800' + '0300' + '02000000' + // FWD_METHOD tunnel
        '0800' + '0400' + '05000000' + // WEIGHT
        '0500' + '0d00' + '01' + '000000' + // TUN_TYPE gue
        '0600' + '0e00' + '17c0' + '0000' + // TUN_PORT 6080 big-endian
        '0600' + '0f00' + '0200' + '0000' + // TUN_FLAGS remcsum
        '0800' + '0500' + '64000000' + // U_THRESH
        '0800' + '0600' + '0a000000', // L_THRESH
    );
  });

  it('writes destination commands with the service key first and only the key for deletes', () => {
    const dest = decodeDestination(new AttributeDecoder(Buffer.alloc(0)), 2).value;
    const full = destinationAttributes(tcp, { ...dest, address: '10.0.1.1', port: 8080 }, true).toBuffer();
    const key = destinationAttributes(tcp, { ...dest, address: '10.0.1.1', port: 8080 }, false).toBuffer();
    assert.equal(hex(full.subarray(0, 0x30)), hex(serviceAttributes(tcp, false).toBuffer()));
    assert.equal(key.length, 0x30 + 4 + 8 + 20 + 8);
  });

  it('writes timeouts and daemons', () => {
    assert.equal(hex(timeoutAttributes({ tcp: 900, tcpFin: 120, udp: 300 }).toBuffer()), '08000400' + '84030000' + '08000500' + '78000000' + '08000600' + '2c010000');
    const start = daemonAttributes({ state: 1, interface: 'eth0', syncId: 7, syncMaxLen: 1400, group: '224.0.0.81', port: 8848, ttl: 2 });
    const decoded = decodeDaemon(new AttributeDecoder(start.toBuffer()).nested(3) as AttributeDecoder).value;
    assert.deepEqual(decoded, { state: 1, interface: 'eth0', syncId: 7, syncMaxLen: 1400, group: '224.0.0.81', port: 8848, ttl: 2 });
    assert.equal(hex(daemonAttributes({ state: 2, interface: '', syncId: 0, syncMaxLen: 0, group: '', port: 0, ttl: 0 }, true).toBuffer()), '0c000380' + '08000100' + '02000000');
  });

  it('decodes timeouts from GET_CONFIG attributes', () => {
    const attributes = new AttributeDecoder(timeoutAttributes({ tcp: 1, tcpFin: 2, udp: 3 }).toBuffer());
    assert.deepEqual(decodeTimeouts(attributes).value, { tcp: 1, tcpFin: 2, udp: 3 });
  });
});

describe('IPVS decoding of real kernel replies (UML 6.1)', () => {
  const services = readHexMessages('state1.get-service.hex').map((payload) => decodeService(nestOf(payload, 1)));

  it('reads every service of the captured dump without problems', () => {
    assert.equal(services.length, 8);
    for (const { problems } of services) assert.deepEqual(problems, []);
  });

  it('reads IPv4, IPv6 and firewall-mark services with their flags, netmasks and engines', () => {
    const byName = new Map(services.map(({ value }) => [value.fwmark ? `fwm${value.fwmark}/${value.af}` : `${value.protocol}/${value.address}:${value.port}`, value]));
    const udp6 = byName.get('17/2001:db8::1:53');
    assert.ok(udp6);
    assert.equal(udp6.scheduler, 'sh');
    assert.equal(udp6.flags & 0x39, 0x1 | 0x8 | 0x10);
    assert.equal(udp6.timeout, 60);
    assert.equal(udp6.netmask, 64);
    const sctp = byName.get('132/10.0.0.2:3868');
    assert.equal(sctp?.netmask, 0xffffff00);
    assert.equal(sctp?.peName, 'sip');
    assert.equal(byName.get('fwm4294967295/2')?.scheduler, 'mh');
    assert.equal(byName.get('fwm7/10')?.timeout, 360);
    assert.equal(byName.get('6/10.0.0.1:80')?.stats64, true);
  });

  it('reads destinations with tunnels, thresholds and their own family', () => {
    const dests = readHexMessages('state1.get-dest-tcp-10.0.0.1-80.hex').map((p) => decodeDestination(nestOf(p, 2), 2));
    assert.equal(dests.length, 5);
    const byAddress = new Map(dests.map(({ value }) => [value.address, value]));
    assert.deepEqual(
      { ...byAddress.get('10.0.1.1'), stats: undefined },
      { af: 2, address: '10.0.1.1', port: 8080, forward: 0, weight: 3, upperThreshold: 100, lowerThreshold: 10, activeConns: 0, inactiveConns: 0, persistConns: 0, tunnelType: 0, tunnelPort: 0, tunnelFlags: 0, stats: undefined, stats64: true },
    );
    assert.equal(byAddress.get('10.0.1.2')?.tunnelType, 2);
    assert.equal(byAddress.get('10.0.1.2')?.tunnelFlags, 1);
    assert.equal(byAddress.get('10.0.1.3')?.tunnelPort, 6080);
    assert.equal(byAddress.get('10.0.1.3')?.tunnelFlags, 2);
    const mixed = readHexMessages('state1.get-dest-udp-2001.db8..1-53.hex').map((p) => decodeDestination(nestOf(p, 2), 10).value);
    assert.deepEqual(mixed.map((d) => [d.af, d.address]).sort(), [[10, '2001:db8::2'], [2, '10.9.9.9']].sort());
  });
});

describe('the lean decoders read what the general ones read', () => {
  it('for every captured service and destination, with and without counters', () => {
    for (const payload of readHexMessages('state1.get-service.hex')) {
      const nest = new AttributeDecoder(payload.subarray(4)).raw(1) as Buffer;
      assert.deepEqual(decodeServiceBytes(nest, true), decodeService(nestOf(payload, 1)));
      const { stats: _stats, stats64: _wide, ...rest } = decodeService(nestOf(payload, 1)).value;
      assert.deepEqual(decodeServiceBytes(nest, false).value, rest);
    }
    for (const payload of readHexMessages('state1.get-dest-udp-2001.db8..1-53.hex')) {
      const nest = new AttributeDecoder(payload.subarray(4)).raw(2) as Buffer;
      assert.deepEqual(decodeDestinationBytes(nest, 10, true), decodeDestination(nestOf(payload, 2), 10));
    }
  });

  it('never throw on hostile bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodeServiceBytes(Buffer.from(bytes), true);
        decodeDestinationBytes(Buffer.from(bytes), 2, true);
      }),
    );
  });
});

describe('IPVS counters', () => {
  it('reads 64-bit counters past 2^32 from STATS64 and the mixed widths of STATS', () => {
    const big = { conns: 2n ** 32n + 5n, inpkts: 2n ** 40n, outpkts: 1n, inbytes: 2n ** 60n, outbytes: 7n, cps: 2n ** 33n, inpps: 0n, outpps: 0n, inbps: 9n, outbps: 10n };
    const wide = new AttributeWriter();
    writeStats(wide, big, true);
    assert.deepEqual(decodeStats(new AttributeDecoder(wide.toBuffer())), big);
    const narrow = new AttributeWriter();
    writeStats(narrow, big, false);
    const read = decodeStats(new AttributeDecoder(narrow.toBuffer()));
    assert.equal(read.conns, 5n); // STATS is 32-bit for counts: the kernel's own truncation
    assert.equal(read.inbytes, 2n ** 60n); // bytes are u64 even there
  });

  it('prefers STATS64 over STATS when a service carries both', () => {
    const writer = new AttributeWriter();
    writer.beginNested(10);
    writeStats(writer, { conns: 1n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n }, false);
    writer.endNested();
    writer.beginNested(12);
    writeStats(writer, { conns: 2n ** 35n, inpkts: 0n, outpkts: 0n, inbytes: 0n, outbytes: 0n, cps: 0n, inpps: 0n, outpps: 0n, inbps: 0n, outbps: 0n }, true);
    writer.endNested();
    writer.u16(1, 2);
    const service = decodeService(new AttributeDecoder(writer.toBuffer())).value;
    assert.equal(service.stats?.conns, 2n ** 35n);
    assert.equal(service.stats64, true);
  });
});

describe('IPVS decoders on hostile bytes', () => {
  it('never throw and report problems', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const attributes = new AttributeDecoder(Buffer.from(bytes));
        const service = decodeService(attributes);
        const dest = decodeDestination(new AttributeDecoder(Buffer.from(bytes)), 2);
        decodeDaemon(new AttributeDecoder(Buffer.from(bytes)));
        assert.equal(typeof service.value.scheduler, 'string');
        assert.equal(typeof dest.value.address, 'string');
      }),
    );
  });

  it('reports a truncated attribute', () => {
    const good = serviceAttributes(tcp, false).toBuffer();
    const nest = new AttributeDecoder(good.subarray(0, good.length - 6)).nested(1);
    const decoded = nest ? decodeService(nest) : undefined;
    assert.ok(!nest || decoded?.problems.length);
  });
});

describe('IPVS round trips (property)', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join('.'));
  const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ntop6(Buffer.from(b)));
  const scheduler = fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh');
  const serviceArb = fc
    .record({
      v6: fc.boolean(),
      fw: fc.boolean(),
      a4: ipv4,
      a6: ipv6,
      protocol: fc.constantFrom(6, 17, 132),
      port: fc.integer({ min: 0, max: 65535 }),
      fwmark: fc.integer({ min: 1, max: 0xffffffff }),
      scheduler,
      flags: fc.integer({ min: 0, max: 0x3d }),
      timeout: fc.integer({ min: 0, max: 2678400 }),
      mask4: fc.integer({ min: 0, max: 0xffffffff }),
      plen: fc.integer({ min: 1, max: 128 }),
      pe: fc.constantFrom('', 'sip'),
    })
    .map((r): Service => ({
      af: r.v6 ? 10 : 2,
      protocol: r.fw ? 0 : r.protocol,
      address: r.fw ? '' : r.v6 ? r.a6 : r.a4,
      port: r.fw ? 0 : r.port,
      fwmark: r.fw ? r.fwmark : 0,
      scheduler: r.scheduler,
      flags: r.flags & ~0x2,
      timeout: r.timeout,
      netmask: r.v6 ? r.plen : r.mask4,
      peName: r.pe,
    }));

  it('decode(encode(service)) is the service', () => {
    fc.assert(
      fc.property(serviceArb, (service) => {
        const writer = new AttributeWriter();
        writeServiceFull(writer, service);
        const { value, problems } = decodeService(new AttributeDecoder(writer.toBuffer()));
        assert.deepEqual(problems, []);
        assert.deepEqual(value, service);
      }),
    );
  });

  it('decode(encode(destination)) is the destination', () => {
    const destArb = fc
      .record({
        v6: fc.boolean(),
        a4: ipv4,
        a6: ipv6,
        port: fc.integer({ min: 0, max: 65535 }),
        forward: fc.constantFrom(0, 1, 2, 3),
        weight: fc.integer({ min: 0, max: 0x7fffffff }),
        u: fc.integer({ min: 0, max: 0x7fffffff }),
        l: fc.integer({ min: 0, max: 0x7fffffff }),
        tunnelType: fc.constantFrom(0, 1, 2),
        tunnelPort: fc.integer({ min: 0, max: 65535 }),
        tunnelFlags: fc.constantFrom(0, 1, 2),
      })
      .map((r): Destination => ({
        af: r.v6 ? 10 : 2,
        address: r.v6 ? r.a6 : r.a4,
        port: r.port,
        forward: r.forward,
        weight: r.weight,
        upperThreshold: r.u,
        lowerThreshold: r.l,
        activeConns: 0,
        inactiveConns: 0,
        persistConns: 0,
        tunnelType: r.tunnelType,
        tunnelPort: r.tunnelPort,
        tunnelFlags: r.tunnelFlags,
      }));
    fc.assert(
      fc.property(destArb, fc.constantFrom(2, 10), (dest, serviceAf) => {
        const writer = new AttributeWriter();
        writeDestinationFull(writer, dest);
        const { value, problems } = decodeDestination(new AttributeDecoder(writer.toBuffer()), serviceAf);
        assert.deepEqual(problems, []);
        assert.deepEqual(value, dest);
      }),
    );
  });
});
