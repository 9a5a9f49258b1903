// The quick way of reading real servers (src/ipvs/sockopt.ts: the kernel's socket options)
// against ipvsadm, byte for byte, on tables that take each of its branches: real servers
// by the socket option ('ok'), by netlink for tunnels ('tunnel') and for real servers of
// the other family, which the option hides ('other'), and IPv6 services, which it does not
// know (netlink reads theirs). Each case also checks which way the reader went, so that a
// fallback cannot hide a broken quick way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withIpvs } from '../../../src/ipvs/client.js';
import { newRealColumns } from '../../../src/ipvs/codec.js';
import { IpvsSockopt, entryOf, type RealsOutcome } from '../../../src/ipvs/sockopt.js';
import { ipvsadm, requireUml, resetTable, vipctl, words } from './support.js';

// IPv4 only, no persistence engine: the socket option reads every service.
const IPV4_TABLE: string[] = [
  '-A -t 10.1.0.1:80 -s rr',
  '-a -t 10.1.0.1:80 -r 10.2.0.2:8080 -m -w 3 -x 100 -y 10',
  '-a -t 10.1.0.1:80 -r 10.2.0.1:8080 -g -w 0',
  '-A -u 10.1.0.2:53 -s wlc -p 300 -M 255.255.255.0 -o',
  '-a -u 10.1.0.2:53 -r 10.2.1.1:53 -g -w 5 -x 10 -y 3',
  '-A --sctp-service 10.1.0.3:3868 -s sh -b sh-fallback,sh-port',
  '-a --sctp-service 10.1.0.3:3868 -r 10.2.2.1 -g',
  '-A -t 10.1.0.4:443 -s mh -b mh-port -p 60',
  '-A -f 7 -s wrr -p 120 -M 255.255.0.0',
  '-a -f 7 -r 10.2.3.1:0 -g -w 4',
  '-a -f 7 -r 10.2.3.2:80 -m -w 2 -x 50',
  '-A -f 2147483647 -s rr',
  '-A -t 10.1.0.5:0 -s lc -p 3600',
  '-a -t 10.1.0.5:0 -r 10.2.4.1:0 -g',
  // Tunnels: their settings are netlink's ('tunnel').
  '-A -t 10.1.0.6:80 -s rr',
  '-a -t 10.1.0.6:80 -r 10.2.5.1 -i --tun-type gue --tun-port 6080 --tun-remcsum',
  '-a -t 10.1.0.6:80 -r 10.2.5.2 -i --tun-type gre --tun-csum',
  '-a -t 10.1.0.6:80 -r 10.2.5.3 -m',
  '-A -t 10.1.0.7:80 -s rr',
  '-a -t 10.1.0.7:80 -r 10.2.6.1 -i',
  // An IPv6 real server of an IPv4 service (tunnelled): hidden by the option ('other').
  '-A -t 10.1.0.8:80 -s rr',
  '-a -t 10.1.0.8:80 -r 10.2.7.1 -g',
  '-a -t 10.1.0.8:80 -r 2001:db8::8 -i',
  // More real servers than the reader's first area holds.
  '-A -t 10.1.0.9:80 -s wrr',
  ...Array.from({ length: 100 }, (_, i) => `-a -t 10.1.0.9:80 -r 10.3.${i >> 4}.${(i * 7) & 255}:${8000 + i} -m -w ${i}`),
];

const LIST_OPTIONS = ['', '--thresholds', '--tun-info', '--persistent-conn', '--stats', '--nosort'];

function sameListings(): void {
  for (const option of LIST_OPTIONS) {
    const args = words(`-L -n ${option}`);
    assert.equal(vipctl(['lb', 'list', ...args]).stdout, ipvsadm(args).stdout, `lb list ${args.join(' ')}`);
  }
  assert.equal(vipctl(['lb', 'list']).stdout, ipvsadm(['-L']).stdout, 'lb list (names)');
}

/** ipvsadm -S with the thresholds it drops put back from the table's rules (vipctl keeps them; rules with thresholds name their port). */
function sameSaves(rules: string[]): void {
  const thresholds = new Map<string, string>();
  for (const rule of rules) {
    const match = /^-a (.*) -r (\S+) .*?((?: -x \d+)?(?: -y \d+)?)$/.exec(rule);
    if (match?.[3]) thresholds.set(`${match[1]} -r ${match[2]}`, match[3]);
  }
  for (const numeric of [['-n'], []]) {
    const reference = ipvsadm(['-S', ...numeric]).stdout;
    const ours = vipctl(['lb', 'save', ...numeric]).stdout;
    if (numeric.length === 0) {
      assert.equal(ours.replace(/ -x \d+| -y \d+/g, ''), reference, 'lb save (names), thresholds aside');
      continue;
    }
    const expected = reference.replace(/^(-a (.*) -r (\S+) .*)$/gm, (line: string, _all: string, key: string, real: string) => {
      const added = thresholds.get(`${key} -r ${real}`);
      return added ? line + added : line;
    });
    assert.equal(ours, expected, 'lb save -n');
  }
}

/** What the reader does with each service of the table (by netlink's list): its outcome, or 'none' (no entry). */
async function outcomes(): Promise<Map<string, RealsOutcome | 'none'>> {
  const services = await withIpvs((client) => client.services(false));
  const reader = IpvsSockopt.open();
  assert.ok(reader, 'this addon reads the options');
  try {
    const table = reader.serviceTable();
    assert.ok(table, 'the option gives the IPv4 services');
    assert.equal(table.byKey.size, services.filter((service) => service.af === 2).length, 'one entry per IPv4 service');
    const columns = newRealColumns();
    const result = new Map<string, RealsOutcome | 'none'>();
    services.forEach((service, i) => {
      const entry = entryOf(table, service);
      const name = service.fwmark ? `f${service.fwmark}${service.af === 10 ? '-6' : ''}` : `${service.address}:${service.port}`;
      result.set(name, entry === undefined ? 'none' : reader.readReals(table, entry, i, columns));
    });
    return result;
  } finally {
    reader.close();
  }
}

describe('the socket-option reader against ipvsadm', () => {
  before(requireUml);
  after(() => resetTable([]));

  it('an IPv4 table: real servers by the option, tunnels and the other family by netlink', async () => {
    resetTable(IPV4_TABLE);
    const seen = await outcomes();
    for (const name of ['10.1.0.1:80', '10.1.0.2:53', '10.1.0.3:3868', 'f7', 'f2147483647', '10.1.0.5:0', '10.1.0.9:80']) assert.equal(seen.get(name), 'ok', name);
    assert.equal(seen.get('10.1.0.4:443'), 'ok', 'a service without real servers');
    assert.equal(seen.get('10.1.0.6:80'), 'tunnel');
    assert.equal(seen.get('10.1.0.7:80'), 'tunnel');
    assert.equal(seen.get('10.1.0.8:80'), 'other');
    sameListings();
    sameSaves(IPV4_TABLE);
  });

  it('IPv6 services and a persistence engine: netlink names them, the option reads the IPv4 real servers', async () => {
    const rules = [
      ...IPV4_TABLE.slice(0, 14),
      '-A -u [2001:db8::1]:53 -s sh -p 60 -M 64',
      '-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -x 7',
      '-a -u [2001:db8::1]:53 -r 10.2.8.1 -i --tun-type gue --tun-port 6080',
      '-A -f 7 -6 -s rr',
      '-a -f 7 -6 -r [2001:db8::3]:0 -g',
      '-A -u 10.1.0.20:5060 -s rr -p 300 --pe sip',
      '-a -u 10.1.0.20:5060 -r 10.2.9.1 -g',
    ];
    resetTable(rules);
    const seen = await outcomes();
    assert.equal(seen.get('[2001:db8::1]:53') ?? seen.get('2001:db8::1:53'), 'none');
    assert.equal(seen.get('f7-6'), 'none');
    assert.equal(seen.get('f7'), 'ok', 'the IPv4 service of the same mark');
    assert.equal(seen.get('10.1.0.20:5060'), 'ok');
    assert.match(vipctl(['lb', 'save', '-n']).stdout, /^-A -u 10\.1\.0\.20:5060 -s rr -p 300 --pe sip$/m);
    sameListings();
    sameSaves(rules);
  });
});
