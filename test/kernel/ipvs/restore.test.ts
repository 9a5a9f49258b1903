// Save and restore: lossless round trips in both directions between vipctl and ipvsadm,
// and all-or-nothing restores: a refused 5,000th line leaves the table exactly as it was.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipvsadm, requireUml, resetTable, vipctl } from './support.js';

const STATE = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3 -x 100 -y 10',
  '-a -t 10.0.0.1:80 -r 10.0.1.2 -i --tun-type gue --tun-port 6080 --tun-csum',
  '-a -t 10.0.0.1:80 -r 10.0.1.3 -g -w 0',
  '-A -u [2001:db8::1]:53 -s sh -b sh-fallback -p 60 -M 64',
  '-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -x 7',
  '-a -u [2001:db8::1]:53 -r 10.9.9.9 -i --tun-type gre --tun-csum',
  '-A -f 7 -6 -s wlc -p',
  '-A -f 3000000000 -s rr',
  '-a -f 3000000000 -r 10.7.0.1:0 -g',
  '-A --sctp-service 10.0.0.2:3868 -s lc -p 300 -M 255.255.255.0 --pe sip',
  '-A -u 10.0.0.3:5060 -s rr -o -b flag-2',
];

describe('save and restore round trips', () => {
  before(requireUml);

  it('vipctl restores what ipvsadm saved, to the same table', () => {
    resetTable(STATE.filter((line) => !line.includes('3000000000')));
    const saved = ipvsadm(['-S', '-n']).stdout;
    ipvsadm(['-C']);
    const restored = vipctl(['lb', 'restore'], saved);
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal(ipvsadm(['-S', '-n']).stdout, saved);
  });

  it('ipvsadm restores what vipctl saved, to the same table', () => {
    resetTable(STATE.filter((line) => !line.includes('3000000000')));
    const before = ipvsadm(['-S', '-n']).stdout;
    const saved = vipctl(['lb', 'save', '-n']).stdout;
    ipvsadm(['-C']);
    const restored = ipvsadm(['-R'], saved);
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal(ipvsadm(['-S', '-n']).stdout, before);
    // ipvsadm -R reads the thresholds vipctl adds.
    assert.match(ipvsadm(['-Ln', '--thresholds']).stdout, /10\.0\.1\.1:8080 +100 +10 /);
  });

  it('vipctl save, clear, restore gives the identical table, thresholds and large marks included', () => {
    resetTable(STATE);
    const saved = vipctl(['lb', 'save', '-n']).stdout;
    const thresholds = vipctl(['lb', 'list', '-Ln', '--thresholds']).stdout;
    assert.match(saved, / -x 100 -y 10\n/);
    assert.match(saved, /^-A -f 3000000000 -s rr$/m);
    assert.equal(vipctl(['lb', 'clear']).status, 0);
    assert.equal(ipvsadm(['-S', '-n']).stdout, '');
    const restored = vipctl(['lb', 'restore', '-'], saved);
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal(vipctl(['lb', 'save', '-n']).stdout, saved);
    assert.equal(vipctl(['lb', 'list', '-Ln', '--thresholds']).stdout, thresholds);
  });

  it('--dry-run prints the plan and changes nothing', () => {
    resetTable([]);
    const result = vipctl(['lb', 'restore', '--dry-run'], '# a comment\n\n-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1 -m\n');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'stdin:3: add-service -A -t 10.0.0.1:80 -s rr\nstdin:4: add-real -a -t 10.0.0.1:80 -r 10.0.1.1 -m\n');
    assert.equal(ipvsadm(['-S', '-n']).stdout, '');
  });
});

describe('all-or-nothing restore', () => {
  before(requireUml);

  /** --set, then 6,000 lines: a service and one real server at a time. */
  function bigFile(): string[] {
    const lines = ['--set 1000 100 200'];
    for (let i = 0; lines.length < 6001; i++) {
      const vip = `10.${100 + Math.floor(i / 250)}.${i % 250}.1:80`;
      lines.push(`-A -t ${vip} -s rr`, `-a -t ${vip} -r 192.168.${Math.floor(i / 250)}.${i % 250}:8080 -m -w 2 -x 9`);
    }
    return lines.slice(0, 6001);
  }

  it('a restore whose 5,000th line the kernel refuses leaves the table exactly as it was', () => {
    resetTable(STATE);
    const saved = vipctl(['lb', 'save', '-n']);
    assert.equal(saved.status, 0, saved.stderr);
    const before = saved.stdout;
    assert.match(before, /^-A -f 3000000000 -s rr$/m);
    const beforeTimeouts = ipvsadm(['-L', '--timeout']).stdout;
    const beforeReference = ipvsadm(['-S', '-n']).stdout;
    const lines = bigFile();
    // Line 5,000 adds a service with a scheduler the kernel does not have: only the kernel can tell.
    lines[4999] = (lines[4999] ?? '').replace('-s rr', '-s nosuchsched');
    assert.match(lines[4999] ?? '', /^-A .* -s nosuchsched$/);
    const result = vipctl(['lb', 'restore'], `${lines.join('\n')}\n`);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /stdin:5000: the kernel refused this line: -A -t \S+ -s nosuchsched: the kernel has no scheduler "nosuchsched"/);
    assert.match(result.stderr, /undone; the table is as it was/);
    assert.equal(vipctl(['lb', 'save', '-n']).stdout, before);
    assert.equal(ipvsadm(['-S', '-n']).stdout, beforeReference);
    assert.equal(ipvsadm(['-L', '--timeout']).stdout, beforeTimeouts);
  });

  it('a file of saved add lines only (the quick way) is all or nothing too', () => {
    resetTable(STATE);
    const before = ipvsadm(['-S', '-n']).stdout;
    const lines = bigFile().slice(1);
    lines[4998] = (lines[4998] ?? '').replace('-s rr', '-s nosuchsched');
    assert.match(lines[4998] ?? '', /^-A .* -s nosuchsched$/);
    const result = vipctl(['lb', 'restore'], `${lines.join('\n')}\n`);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /stdin:4999: the kernel refused this line: -A -t \S+ -s nosuchsched: the kernel has no scheduler "nosuchsched"/);
    assert.match(result.stderr, /undone; the table is as it was/);
    assert.equal(ipvsadm(['-S', '-n']).stdout, before);
  });

  it('a file of saved add lines gives the table ipvsadm -R gives', () => {
    const lines = bigFile().slice(1);
    resetTable([]);
    const reference = ipvsadm(['-R'], `${lines.join('\n')}\n`);
    assert.equal(reference.status, 0, reference.stderr);
    const expected = ipvsadm(['-S', '-n']).stdout;
    ipvsadm(['-C']);
    const result = vipctl(['lb', 'restore'], `# saved\n\n${lines.join('\r\n')}\r\n`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(ipvsadm(['-S', '-n']).stdout, expected);
  });

  it('a file with a bad line changes nothing and names the line', () => {
    resetTable(STATE);
    const before = ipvsadm(['-S', '-n']).stdout;
    const result = vipctl(['lb', 'restore'], '-A -t 10.1.1.1:80\n-A -t 10.1.1.2:80 -s rr -Q\n-A -t 10.0.0.1:80\n');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /stdin:2: /);
    assert.equal(ipvsadm(['-S', '-n']).stdout, before);
  });

  it('a line that adds what will already exist is refused before anything changes (exit 4)', () => {
    resetTable(STATE);
    const before = ipvsadm(['-S', '-n']).stdout;
    const result = vipctl(['lb', 'restore'], '-A -t 10.1.1.1:80\n-A -t 10.0.0.1:80\n');
    assert.equal(result.status, 4, result.stderr);
    assert.match(result.stderr, /stdin:2: TCP 10\.0\.0\.1:80 already exists/);
    assert.equal(ipvsadm(['-S', '-n']).stdout, before);
  });
});
