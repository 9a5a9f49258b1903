// `vipctl ipvsadm ARGS` against ipvsadm ARGS, good commands and bad: same standard output,
// same exit status, same table afterwards (and the same error text where scripts read it).
// Also the one-line errors and exit statuses of the `vipctl lb` commands.
import { spawnSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipvsadm, requireUml, resetTable, vipctl, words } from './support.js';

const BASE = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3',
  '-a -t 10.0.0.1:80 -r 10.0.1.2 -g',
  '-A -u [2001:db8::1]:53 -s sh -p 60',
  '-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m',
  '-A -f 7 -s wlc',
];

const CASES = [
  // good
  '-Ln',
  '-L -n',
  '-l -n --stats',
  '-Ln --rate --exact',
  '-Ln --thresholds',
  '-L',
  '-S -n',
  '-S',
  '-Ln -t 10.0.0.1:80',
  '-Ln -u [2001:db8::1]:53 --persistent-conn',
  '-Ln -f 7',
  '-A -t 10.0.0.2:80 -s wrr -p 120 -M 255.255.255.0',
  '-A -u 10.0.0.3:53 -s rr -o',
  '-A -f 8 -6 -s lc',
  '-E -t 10.0.0.1:80 -s lc',
  '-D -t 10.0.0.1:80',
  '-a -t 10.0.0.1:80 -r 10.0.1.3:80 -m -w 0 -x 5 -y 1',
  '-a -t 10.0.0.1:80 -r 10.0.1.4 -i --tun-type gue --tun-port 6080 --tun-csum',
  '-e -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 9',
  '-d -t 10.0.0.1:80 -r 10.0.1.2',
  '-Z',
  '-Z -t 10.0.0.1:80',
  '-C',
  '--set 1000 100 200',
  '-L --timeout',
  '-L --daemon',
  '-Lnc',
  // bad
  '-A -t 10.0.0.1:80',
  '-A -t 10.0.0.9:80 -s nosuch',
  '-D -t 10.0.0.9:80',
  '-E -t 10.0.0.9:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m',
  '-a -t 10.0.0.9:80 -r 10.0.1.1 -m',
  '-d -t 10.0.0.1:80 -r 10.0.1.99',
  '-e -t 10.0.0.1:80 -r 10.0.1.99 -m',
  '-Ln -t 10.0.0.9:80',
  '-A -t 10.0.0.7:0',
  '-A -t 10.0.0.300:80',
  '-A -t 10.0.0.1:80 -r 10.0.1.1',
  '-a -t 10.0.0.1:80',
  '-a -t 10.0.0.1:80 -r 2001:db8::9 -m',
  '-a -t 10.0.0.1:80 -r 10.0.1.5 -m --tun-type gre',
  '-a -t 10.0.0.1:80 -r 10.0.1.5 -i --tun-type gue',
  '-A -t 10.0.0.5:80 -s rr -b sh-port',
  '-A -t 10.0.0.5:80 -o',
  '-A -f 0',
  '-Ln --stats --timeout',
  '-Q',
  '--set 1 2',
  '-L extra',
  '-A -t 10.0.0.5:80 -t 10.0.0.6:80',
  '--stop-daemon master',
];

describe('vipctl ipvsadm against ipvsadm', () => {
  before(requireUml);
  for (const line of CASES) {
    it(`ipvsadm ${line}`, () => {
      resetTable(BASE);
      const reference = ipvsadm(words(line));
      const referenceTable = ipvsadm(['-S', '-n']).stdout;
      resetTable(BASE);
      const ours = vipctl(['ipvsadm', ...words(line)]);
      const ourTable = ipvsadm(['-S', '-n']).stdout;
      assert.equal(ours.status, reference.status, `status; ipvsadm said ${reference.stderr}; vipctl said ${ours.stderr}`);
      assert.equal(ours.stdout, reference.stdout, 'standard output');
      assert.equal(ours.stderr, reference.stderr, 'standard error');
      assert.equal(ourTable, referenceTable, 'the table afterwards');
    });
  }

  it('ipvsadm -R: a clean file gives the same table; a refused line changes nothing (vipctl) where ipvsadm keeps half', () => {
    const rules = '-A -t 10.5.0.1:80 -s rr\n-a -t 10.5.0.1:80 -r 10.5.1.1 -m\n';
    resetTable(BASE);
    assert.equal(ipvsadm(['-R'], rules).status, 0);
    const referenceTable = ipvsadm(['-S', '-n']).stdout;
    resetTable(BASE);
    const ours = vipctl(['ipvsadm', '-R'], rules);
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ipvsadm(['-S', '-n']).stdout, referenceTable);

    const bad = `${rules}-A -t 10.5.0.2:80 -s nosuch\n`;
    resetTable(BASE);
    const baseTable = ipvsadm(['-S', '-n']).stdout;
    ipvsadm(['-R'], bad);
    assert.notEqual(ipvsadm(['-S', '-n']).stdout, baseTable, 'ipvsadm applies the lines before the refused one');
    resetTable(BASE);
    const refused = vipctl(['ipvsadm', '-R'], bad);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /line 3: Scheduler or persistence engine not found/);
    assert.equal(ipvsadm(['-S', '-n']).stdout, baseTable, 'vipctl leaves the table as it was');
  });
});

describe('vipctl lb errors: one line, a documented exit status', () => {
  before(() => {
    requireUml();
    resetTable(BASE);
  });
  const cases: Array<[string, number, RegExp]> = [
    ['lb add-service -t 10.0.0.1:80', 4, /^vipctl: TCP 10\.0\.0\.1:80 already exists$/m],
    ['lb delete-service -t 10.0.0.9:80', 3, /^vipctl: TCP 10\.0\.0\.9:80 does not exist$/m],
    ['lb edit-service -t 10.0.0.9:80 -s rr', 3, /does not exist/],
    ['lb add-service -t 10.0.0.9:80 -s nosuch', 6, /no scheduler "nosuch" \(module ip_vs_nosuch\)/],
    ['lb add-service -t 10.0.0.300:80', 2, /bad address or port "10\.0\.0\.300:80"/],
    ['lb add-service -t 10.0.0.9:http-nonsense', 2, /bad address or port/],
    ['lb add-real -t 10.0.0.1:80 -r 10.0.1.1:8080 -m', 4, /real server 10\.0\.1\.1:8080 of TCP 10\.0\.0\.1:80 already exists/],
    ['lb add-real -t 10.0.0.9:80 -r 10.0.1.1 -m', 3, /TCP 10\.0\.0\.9:80 does not exist/],
    ['lb add-real -t 10.0.0.1:80 -r 2001:db8::9 -m', 2, /mixing families needs tunnelling/],
    ['lb add-real -t 10.0.0.1:80 -r 10.0.1.9 -m --tun-type gre', 2, /tunnel options .* need the tunnelling method/],
    ['lb add-service -t 10.0.0.9:80 -s rr -b sh-port', 2, /does not fit the rr scheduler/],
    ['lb add-service -t 10.0.0.9:80 -u 10.0.0.9:53', 2, /give one virtual service/],
    ['lb delete-real -t 10.0.0.1:80 -r 10.0.1.99', 3, /real server 10\.0\.1\.99:80 of TCP 10\.0\.0\.1:80 does not exist/],
    ['lb daemon stop master', 3, /no such sync daemon is running/],
  ];
  for (const [line, status, message] of cases) {
    it(`${line} -> ${status}`, () => {
      const result = vipctl(words(line));
      assert.equal(result.status, status, result.stderr);
      assert.match(result.stderr, message);
      assert.ok(result.stderr.split('\n').filter(Boolean).length <= 2, 'one line and at most a hint');
    });
  }
  it('--debug adds the errno and the kernel\'s words', () => {
    const result = vipctl(words('lb add-service -t 10.0.0.1:80 --debug'));
    assert.equal(result.status, 4);
    assert.match(result.stderr, /detail: EEXIST \(errno -17\) from netlink/);
  });
  it('edit-service and edit-real change only the options given', () => {
    resetTable(['-A -t 10.0.0.1:80 -s rr -p 100 -M 255.255.0.0', '-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3 -x 50 -y 5']);
    assert.equal(vipctl(words('lb edit-service -t 10.0.0.1:80 -s wrr')).status, 0);
    assert.equal(vipctl(words('lb edit-real -t 10.0.0.1:80 -r 10.0.1.1:8080 -w 7')).status, 0);
    assert.equal(
      vipctl(['lb', 'save', '-n']).stdout,
      '-A -t 10.0.0.1:80 -s wrr -p 100 -M 255.255.0.0\n-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 7 -x 50 -y 5\n',
    );
  });
  it('timeout, zero and daemon work end to end', () => {
    assert.equal(vipctl(words('lb timeout --set 1200 60 30')).status, 0);
    assert.equal(vipctl(['lb', 'timeout']).stdout, ipvsadm(['-L', '--timeout']).stdout);
    assert.match(ipvsadm(['-L', '--timeout']).stdout, /1200 60 30/);
    assert.equal(vipctl(words('lb zero -t 10.0.0.1:80')).status, 0);
    const link = ipvsadmShell('ip link add eth0 type dummy 2>/dev/null; ip link set eth0 up');
    assert.equal(link, 0);
    const started = vipctl(words('lb daemon start master --mcast-interface eth0 --syncid 9'));
    assert.equal(started.status, 0, started.stderr);
    assert.equal(vipctl(['lb', 'daemon', 'show']).stdout, ipvsadm(['-L', '--daemon']).stdout);
    assert.match(ipvsadm(['-L', '--daemon']).stdout, /master sync daemon \(mcast=eth0, syncid=9/);
    assert.equal(vipctl(words('lb daemon start master --mcast-interface eth0')).status, 4);
    assert.equal(vipctl(words('lb daemon stop master')).status, 0);
    assert.equal(ipvsadm(['-L', '--daemon']).stdout, '');
  });
});

/** A shell command inside the UML kernel (its own network stack, so a dummy eth0 touches nothing else). */
function ipvsadmShell(script: string): number {
  return spawnSync('bash', ['-c', script], { stdio: 'ignore' }).status ?? -1;
}
