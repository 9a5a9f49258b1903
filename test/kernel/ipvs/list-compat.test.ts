// `vipctl lb list` and `vipctl lb save` against ipvsadm 1.31, byte for byte, on the same
// kernel state in the same boot: a matrix of protocols, families, marks, every scheduler,
// every forwarding method, persistence with netmasks, thresholds, tunnels and scheduler
// flags, with every listing option. The documented fixes are asserted explicitly.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipvsadm, requireUml, resetTable, vipctl, withoutBigMarks, words } from './support.js';

const SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'];

// One table that holds the whole matrix at once, so each listing option is one comparison.
const MATRIX: string[] = [
  ...SCHEDULERS.map((s, i) => `-A -t 10.1.${i}.1:80 -s ${s}`),
  ...SCHEDULERS.map((s, i) => `-a -t 10.1.${i}.1:80 -r 10.2.${i}.1:8080 -m -w ${i}`),
  ...SCHEDULERS.map((s, i) => `-a -t 10.1.${i}.1:80 -r 10.2.${i}.2 -g -w ${i + 1}`),
  '-A -u 10.3.0.1:53 -s rr -o',
  '-a -u 10.3.0.1:53 -r 10.3.1.1:5353 -m -x 1000 -y 800',
  '-a -u 10.3.0.1:53 -r 10.3.1.2 -i',
  '-A --sctp-service 10.4.0.1:3868 -s lc -p 300 -M 255.255.255.0 --pe sip',
  '-a --sctp-service 10.4.0.1:3868 -r 10.4.1.1 -g -w 0',
  '-A -t [2001:db8::1]:443 -s sh -b sh-fallback,sh-port -p 60 -M 64',
  '-a -t [2001:db8::1]:443 -r [2001:db8::10]:8443 -m -x 5 -y 2',
  '-a -t [2001:db8::1]:443 -r 10.9.9.9 -i --tun-type gue --tun-port 6080 --tun-remcsum',
  '-a -t [2001:db8::1]:443 -r 2001:db8::11 -i --tun-type gre --tun-csum',
  '-A -u [2001:db8::2]:53 -s mh -b mh-fallback,mh-port',
  '-a -u [2001:db8::2]:53 -r [2001:db8::20]:53 -g',
  '-A --sctp-service [2001:db8::3]:3868 -s wlc',
  '-A -t 10.5.0.1:0 -s rr -p 3600',
  '-a -t 10.5.0.1:0 -r 10.5.1.1:0 -g',
  '-A -f 1 -s wrr -p 120 -M 255.255.0.0',
  '-a -f 1 -r 10.6.1.1:0 -g -w 4',
  '-a -f 1 -r 10.6.1.2:80 -m -w 2 -x 50',
  '-A -f 2 -6 -s lc -p',
  '-a -f 2 -6 -r [2001:db8::30]:0 -g',
  '-A -f 3 -s rr -b flag-1,flag-2,flag-3',
  '-A -u 10.7.0.1:5060 -s rr -o -b flag-1',
  '-a -t 10.1.0.1:80 -r 10.8.0.1 -i --tun-type ipip',
  '-a -t 10.1.0.1:80 -r 10.8.0.2 -i --tun-type gre',
  '-a -t 10.1.0.1:80 -r 10.8.0.3 -i --tun-type gue --tun-port 1 --tun-csum',
  '-A -t 127.0.0.1:80 -s rr',
  '-a -t 127.0.0.1:80 -r 127.0.0.1:22 -m',
];

const LIST_OPTIONS = ['', '--stats', '--rate', '--thresholds', '--persistent-conn', '--tun-info', '--stats --exact', '--rate --exact', '--sort', '--exact'];

function compareList(option: string, numeric = '-n'): void {
  const args = words(`-L ${numeric} ${option}`);
  const reference = ipvsadm(args);
  const ours = vipctl(['lb', 'list', ...args]);
  assert.equal(reference.status, 0, reference.stderr);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, reference.stdout, `vipctl lb list ${args.join(' ')}`);
}

describe('lb list and save against ipvsadm: the matrix table', () => {
  before(() => {
    requireUml();
    resetTable(MATRIX);
  });
  for (const option of LIST_OPTIONS) it(`list -n ${option || '(plain)'} is byte-identical`, () => compareList(option));
  it('list without -n (host and service names) is byte-identical', () => compareList('', ''));
  it('list of one service (-t, -f, IPv6) is byte-identical', () => {
    for (const service of ['-t 10.1.3.1:80', '-f 1', '-t [2001:db8::1]:443', '-u 10.3.0.1:53 --thresholds']) {
      const args = words(`-Ln ${service}`);
      assert.equal(vipctl(['lb', 'list', ...args]).stdout, ipvsadm(args).stdout, service);
    }
  });
  it('save -n is ipvsadm -S -n plus the thresholds ipvsadm drops', () => {
    const reference = ipvsadm(['-S', '-n']).stdout;
    const ours = vipctl(['lb', 'save', '-n']).stdout;
    const withThresholds = reference
      .replace('-r 10.3.1.1:5353 -m -w 1\n', '-r 10.3.1.1:5353 -m -w 1 -x 1000 -y 800\n')
      .replace('-r [2001:db8::10]:8443 -m -w 1\n', '-r [2001:db8::10]:8443 -m -w 1 -x 5 -y 2\n')
      .replace('-r 10.6.1.2:80 -m -w 2\n', '-r 10.6.1.2:80 -m -w 2 -x 50\n');
    assert.notEqual(withThresholds, reference, 'the fixture has thresholds to add');
    assert.equal(ours, withThresholds);
  });
  it('save without -n is byte-identical apart from thresholds', () => {
    const strip = (text: string): string => text.replace(/ -x \d+| -y \d+/g, '');
    assert.equal(strip(vipctl(['lb', 'save']).stdout), ipvsadm(['-S']).stdout);
  });
});

describe('lb list and save against ipvsadm: other states', () => {
  before(requireUml);
  it('an empty table', () => {
    resetTable([]);
    compareList('');
    compareList('--stats');
    assert.equal(vipctl(['lb', 'save', '-n']).stdout, ipvsadm(['-S', '-n']).stdout);
  });
  it('the connection, timeout and daemon listings', () => {
    resetTable(['-A -t 10.0.0.1:80']);
    for (const args of [['-Lnc'], ['-Lnc', '--persistent-conn'], ['-L', '--timeout'], ['-L', '--daemon']]) {
      assert.equal(vipctl(['lb', 'list', ...args]).stdout, ipvsadm(args).stdout, args.join(' '));
    }
  });
  it('documented fix: marks above 2^31 are unsigned and sorted last', () => {
    resetTable(['-A -f 4294967295 -s rr', '-A -f 2147483648 -s rr', '-A -f 5 -s rr', '-A -t 10.0.0.1:80']);
    const reference = ipvsadm(['-Ln']).stdout;
    const ours = vipctl(['lb', 'list', '-Ln']).stdout;
    assert.match(reference, /^FWM {2}-1 rr$/m);
    assert.match(reference, /^FWM {2}-2147483648 rr$/m);
    assert.match(ours, /FWM {2}5 rr\nFWM {2}2147483648 rr\nFWM {2}4294967295 rr\n$/);
    assert.equal(withoutBigMarks(ours), withoutBigMarks(reference));
    const saved = vipctl(['lb', 'save', '-n']).stdout;
    assert.match(saved, /^-A -f 4294967295 -s rr$/m);
    assert.equal(withoutBigMarks(saved), withoutBigMarks(ipvsadm(['-S', '-n']).stdout));
  });
  it('documented fix: addresses 2^31 apart sort by value', () => {
    resetTable(['-A -t 200.0.0.1:80', '-A -t 10.0.0.1:80', '-A -t 127.0.0.1:80', '-A -t 130.0.0.1:80', '-A -t 1.0.0.1:80', '-A -t 250.0.0.1:80']);
    const services = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('TCP')).map((l) => l.split(/\s+/)[1] ?? '');
    const ours = services(vipctl(['lb', 'list', '-Ln']).stdout);
    assert.deepEqual(ours, ['1.0.0.1:80', '10.0.0.1:80', '127.0.0.1:80', '130.0.0.1:80', '200.0.0.1:80', '250.0.0.1:80']);
    assert.deepEqual([...services(ipvsadm(['-Ln']).stdout)].sort(), [...ours].sort());
  });
  it('--json is the stable schema', () => {
    resetTable(['-A -t 10.0.0.1:80 -s rr -p 60', '-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3 -x 10']);
    const parsed = JSON.parse(vipctl(['lb', 'list', '--json']).stdout) as { schema: number; services: Array<Record<string, unknown>> };
    assert.equal(parsed.schema, 1);
    assert.deepEqual(Object.keys(parsed.services[0] ?? {}), ['protocol', 'family', 'address', 'port', 'fwmark', 'scheduler', 'schedFlags', 'persistent', 'persistenceEngine', 'onePacket', 'stats', 'destinations']);
    assert.deepEqual((parsed.services[0]?.destinations as Array<Record<string, unknown>>)[0]?.upperThreshold, 10);
  });
});
