// The fast reader of saved rule lines must give exactly the change the general ipvsadm
// parser gives, for every line it accepts; lines it does not accept go to the general one.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isIPv4 } from 'node:net';
import { addressToBytes, canonicalAddress } from '../../../src/ipvs/address.js';
import { parseIpvsadm, IpvsadmUsageError, type HostResolver } from '../../../src/ipvs/ipvsadm-args.js';
import { changeOf, ruleWords, planRestore } from '../../../src/ipvs/restore.js';
import { parseSavedRule } from '../../../src/ipvs/saved-rules.js';
import { saveText } from '../../../src/ipvs/text.js';
import type { Change } from '../../../src/ipvs/client.js';
import type { Destination, Service } from '../../../src/ipvs/model.js';

const noDns: HostResolver = async () => undefined;

/** What the general parser makes of a line: a change, or the refusal (as a string). */
async function general(line: string): Promise<Change | string | undefined> {
  const words = ruleWords(line);
  if (!words) return undefined;
  try {
    return changeOf(await parseIpvsadm(words, noDns));
  } catch (error) {
    if (error instanceof IpvsadmUsageError) return `refused: ${error.message}`;
    throw error;
  }
}

async function agrees(line: string): Promise<boolean> {
  const fast = parseSavedRule(line);
  if (fast === undefined) return false;
  assert.deepEqual(fast, await general(line), line);
  return true;
}

const octet = fc.oneof(fc.nat(255), fc.constantFrom(0, 1, 10, 99, 100, 199, 200, 249, 250, 255));
const ipv4 = fc.tuple(octet, octet, octet, octet).map((b) => b.join('.'));
const port = fc.oneof(fc.integer({ min: 0, max: 65535 }), fc.constantFrom(0, 80, 443, 65535));
const protocol = fc.constantFrom('-t', '-u', '--sctp-service');
const scheduler = fc.constantFrom('rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos');

const serviceLine = fc
  .record({
    protocol,
    address: ipv4,
    port,
    scheduler,
    persistent: fc.option(fc.integer({ min: 0, max: 2678401 })),
    mask: fc.option(ipv4),
  })
  .map(({ protocol: p, address, port: vport, scheduler: s, persistent, mask }) => {
    let line = `-A ${p} ${address}:${vport} -s ${s}`;
    if (persistent !== null) line += ` -p ${persistent}`;
    if (persistent !== null && mask !== null) line += ` -M ${mask}`;
    return line;
  });

const realLine = fc
  .record({
    protocol,
    address: ipv4,
    port,
    real: ipv4,
    realPort: port,
    forward: fc.constantFrom('-m', '-g'),
    weight: fc.oneof(fc.integer({ min: 0, max: 65536 }), fc.constantFrom(0, 1, 65535)),
    upper: fc.option(fc.oneof(fc.nat(), fc.constantFrom(2147483647, 2147483648))),
    lower: fc.option(fc.nat()),
  })
  .map(({ protocol: p, address, port: vport, real, realPort, forward, weight, upper, lower }) => {
    let line = `-a ${p} ${address}:${vport} -r ${real}:${realPort} ${forward} -w ${weight}`;
    if (upper !== null) line += ` -x ${upper}`;
    if (lower !== null) line += ` -y ${lower}`;
    return line;
  });

describe('saved rule lines: the fast reader against the general parser', () => {
  it('gives the same change for every saved service and real-server line it accepts', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(serviceLine, realLine), async (line) => {
        if (await agrees(line)) accepted++;
      }),
      { numRuns: 2000 },
    );
    // Nearly every generated line is in the accepted shape (the rest carry out-of-range values).
    assert.ok(accepted > 1500, `only ${accepted} of 2000 lines took the fast way`);
  });

  it('agrees on lines mangled in small ways, or leaves them to the general parser', async () => {
    const mangle = fc.tuple(fc.oneof(serviceLine, realLine), fc.nat(80), fc.constantFrom('', ' ', '  ', '\t', '0', '-', ':', '.', 'x', '+', '\r', 'A')).map(([line, at, insert]) => {
      const i = at % (line.length + 1);
      return line.slice(0, i) + insert + line.slice(i);
    });
    await fc.assert(
      fc.asyncProperty(mangle, async (line) => {
        await agrees(line);
      }),
      { numRuns: 3000 },
    );
  });

  it('takes what vipctl lb save writes, and declines the rest', async () => {
    const { changes } = await planRestore(
      '-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 1\n-a -t 10.0.0.1:80 -r 10.0.1.2:8080 -g -w 0 -x 100 -y 10\n-A -u 10.0.0.2:53 -s wlc -p 300 -M 255.255.255.0\n',
      { table: [], timeouts: { tcp: 0, tcpFin: 0, udp: 0 }, daemons: [] },
    );
    const service = (change: Change | undefined): Service => {
      assert.ok(change?.op === 'add-service');
      return change.service;
    };
    const destination = (change: Change | undefined): Destination => {
      assert.ok(change?.op === 'add-real');
      return change.destination;
    };
    const entries = [
      { service: service(changes[0]?.change), destinations: changes.slice(1, 3).map((c) => destination(c.change)) },
      { service: service(changes[3]?.change), destinations: [] },
    ];
    for (const line of saveText(entries, true).trimEnd().split('\n')) assert.ok(await agrees(line), line);
    for (const line of [
      'ipvsadm -A -t 10.0.0.1:80 -s rr',
      '-A -t 10.0.0.1:80',
      '-A -t 10.0.0.1:0 -s rr',
      '-A -t [2001:db8::1]:80 -s rr',
      '-A -f 1 -s rr',
      '-A -t 10.0.0.1:80 -s rr -o',
      '-A -t 10.0.0.1:http -s rr',
      '-A -t 010.0.0.1:80 -s rr',
      '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -i -w 1',
      '-a -t 10.0.0.1:80 -r 10.0.1.1 -m -w 1',
      '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -w 1 -m',
      '-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m -w 1 -y 1 -x 2',
      '-E -t 10.0.0.1:80 -s rr',
      '-C',
    ]) {
      assert.equal(parseSavedRule(line), undefined, line);
    }
  });
});

describe('IPv4 address text', () => {
  it('accepts exactly what Node\'s isIPv4 accepts, with the same bytes', () => {
    const text = fc.array(fc.constantFrom('0', '1', '2', '5', '9', '.', '.', '25', '255', '256', '00', 'a', ':'), { maxLength: 9 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(text, fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((b) => b.join('.'))), (candidate) => {
        const parsed = canonicalAddress(candidate);
        if (candidate.includes(':')) return;
        assert.equal(parsed !== undefined, isIPv4(candidate), candidate);
        if (parsed) assert.deepEqual([...addressToBytes(2, candidate).subarray(0, 4)], candidate.split('.').map(Number));
      }),
      { numRuns: 3000 },
    );
  });
});
