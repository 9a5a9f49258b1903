// The ipvsadm-compatible text against ipvsadm 1.31's own output for the same table
// (captured in user-mode Linux: test/fixtures/ipvs/state1.*), with the documented fixes
// asserted explicitly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { planRestore } from '../../../src/ipvs/restore.js';
import { largeNumber, listText, saveText, sortEntries, type ListFormat } from '../../../src/ipvs/text.js';
import { zeroStats, type ServiceEntry } from '../../../src/ipvs/model.js';
import { fixture } from '../../support/paths.js';

/** The table the rules file builds, as the restore planner models it. */
async function tableOf(rules: string): Promise<ServiceEntry[]> {
  const plan = await planRestore(rules, { table: [], timeouts: { tcp: 0, tcpFin: 0, udp: 0 }, daemons: [] });
  assert.deepEqual(plan.errors, []);
  const entries = new Map<string, ServiceEntry>();
  for (const { change } of plan.changes) {
    if (change.op === 'add-service') entries.set(JSON.stringify([change.service.fwmark, change.service.af, change.service.address, change.service.port, change.service.protocol]), { service: { ...change.service, stats: zeroStats() }, destinations: [] });
    if (change.op === 'add-real') {
      const key = JSON.stringify([change.service.fwmark, change.service.af, change.service.address, change.service.port, change.service.protocol]);
      entries.get(key)?.destinations.push({ ...change.destination, stats: zeroStats() });
    }
  }
  // The kernel lists services newest first; the text sorts them.
  return [...entries.values()].reverse();
}

const read = (name: string): string => readFileSync(fixture('ipvs', name), 'utf8');
const info = { version: '1.2.1', versionCode: 0x010201, connectionTableSize: 4096 };

/** ipvsadm lists mark 4294967295 first as "-1"; vipctl lists it last and unsigned (documented fix). */
function withoutBigMark(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^(FWM {2}(-1|4294967295) |-A -f (-1|4294967295) )/.test(line))
    .join('\n');
}

describe('ipvsadm -L text', async () => {
  const entries = await tableOf(read('state1.rules'));
  const cases: Array<[string, ListFormat]> = [
    ['list-n', { numeric: true }],
    ['list-n-tun-info', { numeric: true, tunInfo: true }],
    ['list-n-stats-exact', { numeric: true, stats: true, exact: true }],
    ['list-n-rate', { numeric: true, rate: true }],
    ['list-n-thresholds', { numeric: true, thresholds: true }],
    ['list-n-persistent-conn', { numeric: true, persistentConn: true }],
  ];
  for (const [name, format] of cases) {
    it(`${name} equals ipvsadm's output except the documented mark fix`, () => {
      const expected = read(`state1.ipvsadm-${name}.txt`);
      const actual = listText(info, entries, format);
      assert.equal(withoutBigMark(actual), withoutBigMark(expected));
      assert.match(expected, /^FWM {2}-1 /m);
      const lines = actual.trimEnd().split('\n');
      assert.match(lines[lines.length - 1] ?? '', /^FWM {2}4294967295 /);
    });
  }

  it('save -n equals ipvsadm -S -n plus the thresholds it drops', () => {
    const expected = read('state1.ipvsadm-save-n.txt');
    const actual = saveText(entries, true);
    assert.equal(
      withoutBigMark(actual),
      withoutBigMark(expected).replace('-r 10.0.1.1:8080 -m -w 3', '-r 10.0.1.1:8080 -m -w 3 -x 100 -y 10'),
    );
    assert.match(actual, /^-A -f 4294967295 -s mh -b mh-port$/m);
  });
});

describe('numbers and order', () => {
  it('scales large numbers as ipvsadm does, and prints them exactly with --exact', () => {
    assert.equal(largeNumber(99999999n), ' 99999999');
    assert.equal(largeNumber(100000000n), '  100000K');
    assert.equal(largeNumber(1000000000n), '    1000M');
    assert.equal(largeNumber(100000000000n), '     100G');
    assert.equal(largeNumber(100000000000000n), '     100T');
    assert.equal(largeNumber(123n, true), '      123');
    assert.equal(largeNumber(2n ** 40n, true), ' 1099511627776');
  });

  it('sorts addresses that differ by more than 2^31 correctly (ipvsadm overflows)', async () => {
    const entries = await tableOf('-A -t 200.0.0.1:80\n-A -t 10.0.0.1:80\n-A -t 127.0.0.1:80\n-A -t 10.0.0.1:22\n-A -f 3000000000\n-A -f 5\n');
    const order = sortEntries(entries).map((e) => (e.service.fwmark ? `f${e.service.fwmark}` : `${e.service.address}:${e.service.port}`));
    assert.deepEqual(order, ['10.0.0.1:22', '10.0.0.1:80', '127.0.0.1:80', '200.0.0.1:80', 'f5', 'f3000000000']);
  });

  it('prints real-server counters past 2^32 in full (ipvsadm wraps them)', async () => {
    const [entry] = await tableOf('-A -t 10.0.0.1:80\n-a -t 10.0.0.1:80 -r 10.0.1.1 -g\n');
    assert.ok(entry?.destinations[0]);
    entry.destinations[0].stats = { ...zeroStats(), conns: 2n ** 32n + 1n };
    const text = listText(info, [entry], { numeric: true, stats: true, exact: true });
    assert.match(text, /-> 10\.0\.1\.1:80 +4294967297 /);
  });
});
