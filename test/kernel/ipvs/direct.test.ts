// bin/run.js runs the plain forms of lb list, lb save and lb restore without oclif. Both
// routes must give the same output, messages and exit status, for good and bad input.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipvsadm, requireUml, resetTable, vipctl, vipctlViaOclif, type Run } from './support.js';

const STATE = [
  '-A -t 10.0.0.1:80 -s rr',
  '-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 3 -x 100 -y 10',
  '-a -t 10.0.0.1:80 -r 10.0.1.2 -i --tun-type gue --tun-port 6080 --tun-csum',
  '-a -t 10.0.0.1:80 -r 127.0.0.1 -g -w 0',
  '-A -u [2001:db8::1]:53 -s sh -b sh-fallback -p 60 -M 64',
  '-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -x 7',
  '-A -f 7 -6 -s wlc -p',
  '-A -u 10.0.0.3:5060 -s rr -o -b flag-2',
];

/** Runs the same command both ways, from the same table, and returns both results. */
function bothWays(args: string[], input?: string, table = STATE): [Run, Run, string, string] {
  resetTable(table);
  const direct = vipctl(args, input);
  const afterDirect = ipvsadm(['-S', '-n']).stdout;
  resetTable(table);
  const oclif = vipctlViaOclif(args, input);
  return [direct, oclif, afterDirect, ipvsadm(['-S', '-n']).stdout];
}

describe('direct routes against oclif', () => {
  before(requireUml);

  it('lists and saves the same way', () => {
    for (const args of [['list', '-n'], ['list'], ['list', '-Ln'], ['list', '-L', '--numeric'], ['list', '-nL', '--list'], ['save', '-n'], ['save']]) {
      const [direct, oclif] = bothWays(['lb', ...args]);
      assert.equal(direct.status, 0, direct.stderr);
      assert.deepEqual(direct, oclif, args.join(' '));
    }
  });

  it('restores the same way, and fails the same way', () => {
    const cases: Array<[string[], string, number]> = [
      [['lb', 'restore'], '-A -t 10.9.0.1:80 -s rr\n-a -t 10.9.0.1:80 -r 10.9.1.1:80 -m -w 2\n', 0],
      [['lb', 'restore', '-'], '# a file that the planner reads\n--set 10 20 30\n-A -t 10.9.0.1:80 -s wlc\n', 0],
      [['lb', 'restore'], '-A -t 10.9.0.1:80 -s rr\n-A -t 10.0.0.1:80 -s rr\n', 4],
      [['lb', 'restore'], '-A -t 10.9.0.1:80 -s rr\n-a -t 10.9.0.1:80 -r 10.9.1.1:80 -m -w 2\n-A -t 10.9.0.2:80 -s nosuchsched\n', 1],
      [['lb', 'restore'], '-A -t 10.9.0.1:80 -s rr\nnonsense\n-Q\n', 2],
      [['lb', 'restore', '/nonexistent/rules'], '', 2],
    ];
    for (const [args, input, status] of cases) {
      const [direct, oclif, tableDirect, tableOclif] = bothWays(args, input);
      assert.equal(direct.status, status, `${input}\n${direct.stderr}`);
      assert.deepEqual(direct, oclif, input);
      assert.equal(tableDirect, tableOclif, input);
    }
  });

  it('leaves other forms to oclif', () => {
    resetTable(STATE);
    assert.match(vipctl(['lb', 'list', '-n', '--json']).stdout, /"schema": 1/);
    assert.match(vipctl(['lb', 'list', '-n', '--stats']).stdout, /InPkts/);
    assert.match(vipctl(['lb', 'list', '--help']).stdout, /EXIT STATUS/);
    assert.equal(vipctl(['lb', 'list', '-n', '-n']).status, vipctlViaOclif(['lb', 'list', '-n', '-n']).status);
  });
});
