// The quick plain listing must give the bytes the general way (listText over entries read
// from the same /proc/net/ip_vs text) gives, or step aside.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { renderPlainListing } from '../../../src/ipvs/plain-listing.js';
import { parseProcServices } from '../../../src/ipvs/procfs.js';
import { NUMERIC_NAMES, listText } from '../../../src/ipvs/text.js';
import { serviceId, type Destination, type Service, type ServiceEntry } from '../../../src/ipvs/model.js';
import { fixture } from '../../support/paths.js';
import { columnsOf } from './service-nests.js';
import { Output } from '../../../src/ipvs/bulk-text.js';

/** The quick listing's text, or undefined when it steps aside; written through a small buffer handed out as it fills. */
function quick(services: Service[], text: string, nosort = false): string | undefined {
  const chunks: Buffer[] = [];
  const out = new Output(64, (bytes) => chunks.push(Buffer.from(bytes)));
  if (!renderPlainListing(info, columnsOf(services), Buffer.from(text, 'latin1'), out, nosort)) {
    assert.equal(chunks.length + out.length, 0, 'nothing written when stepping aside');
    return undefined;
  }
  out.flush();
  return Buffer.concat(chunks).toString('latin1');
}

const info = { version: '1.2.1', versionCode: 0x10201, connectionTableSize: 4096 };
const FORWARD = ['Masq', 'Local', 'Tunnel', 'Route', 'Bypass'];
const hex = (value: number, digits: number): string => (value >>> 0).toString(16).toUpperCase().padStart(digits, '0');
const ipv4 = (value: number): string => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;

/** The general way: entries joined from the same text, as client.snapshotForPlainList does. */
function generalListing(services: Service[], text: string, nosort: boolean): string | undefined {
  const proc = parseProcServices(text);
  if (!proc) return undefined;
  const byKey = new Map<string, (typeof proc)[number] | null>();
  for (const entry of proc) byKey.set(entry.key, byKey.has(entry.key) ? null : entry);
  const entries: ServiceEntry[] = [];
  for (const service of services) {
    const found = byKey.get(service.fwmark ? `fwm/${service.fwmark >>> 0}` : serviceId(service));
    if (!found) return undefined;
    entries.push({ service, destinations: found.destinations });
  }
  return listText(info, entries, { numeric: true, nosort }, NUMERIC_NAMES);
}

interface Table {
  services: Service[];
  reals: Array<Array<{ address: number; port: number; forward: number; weight: number; active: number; inactive: number }>>;
}

/** /proc/net/ip_vs as Linux 6.1 writes it (ip_vs_info_seq_show). */
function procText(table: Table, order: number[]): string {
  let text = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';
  for (const i of order) {
    const service = table.services[i] as Service;
    const persistent = service.flags & 1 ? `persistent ${service.timeout * 100} ${hex(service.netmask, 8)}\n` : '\n';
    if (service.fwmark) text += `FWM  ${hex(service.fwmark, 8)} ${service.scheduler} ${persistent}`;
    else {
      const address = service.address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
      const protocol = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' }[service.protocol];
      text += `${protocol}  ${hex(address, 8)}:${hex(service.port, 4)} ${service.scheduler} ${service.flags & 4 ? 'ops ' : ''} ${persistent}`;
    }
    for (const real of table.reals[i] ?? []) {
      text += `  -> ${hex(real.address, 8)}:${hex(real.port, 4)}      ${(FORWARD[real.forward] ?? '').padEnd(7)} ${String(real.weight | 0).padEnd(6)} ${String(real.active).padEnd(10)} ${String(real.inactive).padEnd(10)}\n`;
    }
  }
  return text;
}

const real = fc.record({
  address: fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0x0a000001, 0x0a000002, 0xc0a80001)),
  port: fc.oneof(fc.nat(65535), fc.constantFrom(0, 80, 8080)),
  forward: fc.nat(4),
  weight: fc.oneof(fc.nat(65535), fc.constantFrom(-1, 0, 2147483647)),
  active: fc.oneof(fc.nat(), fc.constant(4294967295)),
  inactive: fc.nat(),
});

const service = fc.record({
  mark: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0xffffffff })),
  protocol: fc.constantFrom(6, 17, 132),
  address: fc.oneof(fc.nat(0xffffffff), fc.constantFrom(0x0a000001, 0x0a000002)),
  port: fc.oneof(fc.nat(65535), fc.constantFrom(80, 443)),
  scheduler: fc.constantFrom('rr', 'wlc', 'sh', 'mh', 'lblcr'),
  flags: fc.constantFrom(0, 1, 4, 0x8, 0x10, 0x19, 0x1 | 0x20),
  timeout: fc.nat(2678400),
  netmask: fc.constantFrom(0xffffffff, 0xffffff00, 0),
  reals: fc.array(real, { maxLength: 5 }),
});

const table = fc.array(service, { maxLength: 12 }).map((drawn): Table => {
  const seen = new Set<string>();
  const services: Service[] = [];
  const reals: Table['reals'] = [];
  for (const s of drawn) {
    const fwmark = s.mark;
    const entry: Service = {
      af: 2,
      protocol: fwmark ? 0 : s.protocol,
      address: fwmark ? '' : ipv4(s.address),
      port: fwmark ? 0 : s.port,
      fwmark,
      scheduler: s.scheduler,
      flags: s.flags,
      timeout: s.flags & 1 ? s.timeout : 0,
      netmask: s.netmask,
      peName: '',
    };
    const id = serviceId(entry);
    if (seen.has(id)) continue;
    seen.add(id);
    services.push(entry);
    const keys = new Set<string>();
    reals.push(s.reals.filter((r) => !keys.has(`${r.address}:${r.port}`) && keys.add(`${r.address}:${r.port}`)));
  }
  return { services, reals };
});

describe('quick plain listing against the general way', () => {
  it('gives the same bytes for IPv4 and mark tables, sorted and not', () => {
    fc.assert(
      fc.property(table, fc.boolean(), fc.boolean(), ({ services, reals }, nosort, reversed) => {
        const order = services.map((_, i) => i);
        if (reversed) order.reverse();
        const text = procText({ services, reals }, order);
        const listing = quick(services, text, nosort);
        assert.ok(listing, text);
        assert.equal(listing, generalListing(services, text, nosort));
      }),
      { numRuns: 800 },
    );
  });

  it('steps aside for IPv6, services the file leaves out, and files it does not know', () => {
    const text = readFileSync(fixture('ipvs', 'proc-net-ip_vs.txt'), 'latin1');
    const v4: Service = { af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' };
    assert.equal(quick([{ ...v4, af: 10, address: '2001:db8::1', port: 53, protocol: 17 }], text), undefined);
    assert.equal(quick([v4], text), undefined, 'an IPv6 real server in the file');
    const small = procText({ services: [v4], reals: [[]] }, [0]);
    assert.ok(quick([v4], small));
    assert.equal(quick([v4, { ...v4, port: 81 }], small), undefined, 'a service the file leaves out');
    assert.equal(quick([v4], small.replace('TCP', 'ICMP')), undefined);
    assert.equal(quick([v4], `${small}  -> 0A000001:0050      Masq    x      0          0\n`), undefined);
    assert.equal(quick([v4], small + small.split('\n').slice(3).join('\n')), undefined, 'a service listed twice');
    const marks: Service[] = [{ ...v4, protocol: 0, address: '', port: 0, fwmark: 7 }, { ...v4, af: 10, protocol: 0, address: '', port: 0, fwmark: 7 }];
    assert.equal(quick(marks, small), undefined, 'a mark used by both families');
  });

  it('skips real servers of services the dump does not have', () => {
    const v4: Service = { af: 2, protocol: 6, address: '10.0.0.1', port: 80, fwmark: 0, scheduler: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, peName: '' };
    const extra: Service = { ...v4, address: '10.0.0.2' };
    const reals = [[{ address: 1, port: 1, forward: 0, weight: 1, active: 0, inactive: 0 }], [{ address: 2, port: 2, forward: 3, weight: 1, active: 0, inactive: 0 }]];
    const text = procText({ services: [v4, extra], reals }, [1, 0]);
    assert.equal(quick([v4], text), generalListing([v4], text, false));
  });
});

// Keep the generator's output honest: it must read back through the general parser.
describe('the /proc generator of these tests', () => {
  it('writes what the general parser reads', () => {
    const d: Destination[] | undefined = parseProcServices(procText({ services: [{ af: 2, protocol: 17, address: '10.0.0.3', port: 5060, fwmark: 0, scheduler: 'rr', flags: 4, timeout: 0, netmask: 0xffffffff, peName: '' }], reals: [[{ address: 0x0a000301, port: 5060, forward: 0, weight: 65535, active: 0, inactive: 0 }]] }, [0]))?.[0]?.destinations;
    assert.deepEqual(d?.map((x) => [x.address, x.port, x.weight]), [['10.0.3.1', 5060, 65535]]);
  });
});

describe('quick plain listing on damaged files', () => {
  it('steps aside or gives what the general way gives', () => {
    const damage = fc.array(fc.tuple(fc.nat(), fc.constantFrom(' ', '\n', 'A', 'a', '-', '0', '9', 'F', 'G', ':', '[', 'x', '')), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(table, damage, ({ services, reals }, changes) => {
        let text = procText({ services, reals }, services.map((_, i) => i));
        for (const [where, what] of changes) {
          const at = where % (text.length + 1);
          text = text.slice(0, at) + what + text.slice(at + 1);
        }
        const listing = quick(services, text);
        if (listing !== undefined) assert.equal(listing, generalListing(services, text, false), text);
      }),
      { numRuns: 1500 },
    );
  });
});
