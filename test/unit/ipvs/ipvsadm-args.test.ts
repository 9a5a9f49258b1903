// ipvsadm's command line, read as ipvsadm 1.31 reads it (messages and statuses from its
// table of legal combinations), and the restore planner's line-numbered checks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, IpvsadmUsageError, OPTIONS, parseIpvsadm, type HostResolver } from '../../../src/ipvs/ipvsadm-args.js';
import { planRestore } from '../../../src/ipvs/restore.js';

const noDns: HostResolver = async (name) => (name === 'localhost' ? '127.0.0.1' : undefined);
const parse = (line: string) => parseIpvsadm(line.split(' ').filter(Boolean), noDns);

async function refusal(line: string): Promise<{ message: string; status: number }> {
  try {
    await parse(line);
  } catch (error) {
    assert.ok(error instanceof IpvsadmUsageError, String(error));
    return { message: error.message, status: error.status };
  }
  assert.fail(`accepted: ${line}`);
}

describe('ipvsadm command lines', () => {
  it('has one combination column per option for each command', () => {
    assert.equal(OPTIONS.length, 34);
    assert.equal(COMMANDS.length, 14);
  });

  it('reads clustered options, attached values and the optional -p value', async () => {
    const list = await parse('-Ln --stats');
    assert.equal(list.command, 'list');
    assert.equal(list.format.numeric, true);
    assert.equal(list.format.stats, true);
    const add = await parse('-A -t [2001:db8::1]:443 -s sh -b sh-port -p -M 64');
    assert.equal(add.service.af, 10);
    assert.equal(add.service.address, '2001:db8::1');
    assert.equal(add.service.timeout, 360);
    assert.equal(add.service.netmask, 64);
    assert.equal(add.service.flags, 0x1 | 0x10);
    const attached = await parse('-At10.0.0.1:http -p600');
    assert.equal(attached.service.port, 80);
    assert.equal(attached.service.timeout, 600);
    assert.equal(attached.service.scheduler, 'wlc');
  });

  it('gives real servers the service port under direct routing and tunnelling', async () => {
    const dr = await parse('-a -t 10.0.0.1:80 -r 10.0.1.1:8080');
    assert.equal(dr.destination.port, 80);
    const nat = await parse('-a -t 10.0.0.1:80 -r 10.0.1.1:8080 -m -w 0 -x 10 -y 2');
    assert.deepEqual([nat.destination.port, nat.destination.forward, nat.destination.weight, nat.destination.upperThreshold], [8080, 0, 0, 10]);
    const gue = await parse('-a -u 10.0.0.1:53 -r 10.0.1.1 -i --tun-type gue --tun-port 6080 --tun-csum');
    assert.deepEqual([gue.destination.tunnelType, gue.destination.tunnelPort, gue.destination.tunnelFlags], [1, 6080, 1]);
  });

  it('refuses what ipvsadm refuses, with its words and status', async () => {
    assert.deepEqual(await refusal('-Q'), { message: "Try `ipvsadm -h' or 'ipvsadm --help' for more information.", status: 255 });
    assert.deepEqual(await refusal('-A -t 10.0.0.7:0'), { message: 'Zero port specified for non-persistent service', status: 2 });
    assert.deepEqual(await refusal('-L -c --timeout'), { message: "The option 'timeout' conflicts with the 'connection' option in the 'list' command", status: 2 });
    assert.deepEqual(await refusal('-A -t 10.0.0.1:80 -r 10.0.1.1'), { message: "Illegal 'real-server' option with the 'add-service' command", status: 2 });
    assert.deepEqual(await refusal('-a -t 10.0.0.1:80'), { message: "You need to supply the 'real-server' option for the 'add-server' command", status: 2 });
    assert.deepEqual(await refusal('-a -t 10.0.0.1:80 -r 2001:db8::1 -m'), { message: 'Different address family is allowed only for tunneling servers', status: 2 });
    assert.deepEqual(await refusal('-a -t 10.0.0.1:80 -r 10.0.1.1 -m --tun-type gre'), { message: 'Tunnel options conflict with forward method', status: 2 });
    assert.deepEqual(await refusal('-a -t 10.0.0.1:80 -r 10.0.1.1 -i --tun-type gue'), { message: "You need to supply the 'tun-port' option for the 'gue' tunnel type", status: 2 });
    assert.deepEqual(await refusal('-A -t 10.0.0.1:80 -s rr -b sh-port'), { message: "incompatible scheduler flag `sh-port'", status: 2 });
    assert.deepEqual(await refusal('-A -t 10.0.0.300:80'), { message: 'illegal virtual server address[:port] specified', status: 2 });
    assert.deepEqual(await refusal('-A -f 0'), { message: "invalid fwmark value `0' specified", status: 2 });
    assert.deepEqual(await refusal('-A -t 10.0.0.1:80 -t 10.0.0.2:80'), { message: "multiple 'service-address' options specified", status: 2 });
    assert.deepEqual(await refusal('-L extra'), { message: 'unexpected argument extra', status: 2 });
  });

  it('reads --set and daemon commands', async () => {
    const set = await parse('--set 900 120 300');
    assert.deepEqual(set.timeouts, { tcp: 900, tcpFin: 120, udp: 300 });
    const daemon = await parse('--start-daemon backup --mcast-interface eth1 --syncid 7 --mcast-group 239.1.2.3');
    assert.deepEqual([daemon.daemon.state, daemon.daemon.interface, daemon.daemon.syncId, daemon.daemon.group], [2, 'eth1', 7, '239.1.2.3']);
    assert.equal((await parse('--start-daemon master')).daemon.interface, 'eth0');
  });
});

describe('restore planning', () => {
  const empty = { table: [], timeouts: { tcp: 900, tcpFin: 120, udp: 300 }, daemons: [], resolve: noDns };

  it('accepts comments and blank lines and plans one change per rule, each with its undo', async () => {
    const plan = await planRestore('# saved\n\n-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1:80 -m\n--set 1 2 3\n', empty);
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.changes.map((c) => [c.line, c.change.op, c.undo.map((u) => u.op)]), [
      [3, 'add-service', ['delete-service']],
      [4, 'add-real', ['delete-real']],
      [5, 'timeout', ['timeout']],
    ]);
  });

  it('names every bad line and plans nothing', async () => {
    const plan = await planRestore('-A -t 10.0.0.1:80\n-A -t 10.0.0.1:80\n-a -t 10.0.0.9:80 -r 10.0.1.1\n-X nonsense\n-Ln\n', empty);
    assert.equal(plan.changes.length, 0);
    assert.deepEqual(plan.errors.map((e) => [e.line, e.exitCode]), [[2, 4], [3, 3], [4, 2], [5, 2]]);
    assert.match(plan.errors[0]?.message ?? '', /TCP 10\.0\.0\.1:80 already exists/);
  });

  it('undoes a delete by re-creating the service with its real servers, and a clear by re-creating all', async () => {
    const first = await planRestore('-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.1.1 -m -x 5\n', empty);
    const [addService, addReal] = first.changes.map((c) => c.change);
    assert.ok(addService?.op === 'add-service' && addReal?.op === 'add-real');
    const table = [{ service: addService.service, destinations: [addReal.destination] }];
    const plan = await planRestore('-D -t 10.0.0.1:80\n-C\n', { ...empty, table });
    assert.deepEqual(plan.changes[0]?.undo.map((u) => u.op), ['add-service', 'add-real']);
    assert.equal(plan.changes[1]?.undo.length, 0);
    const undoneReal = plan.changes[0]?.undo[1];
    assert.equal(undoneReal?.op === 'add-real' ? undoneReal.destination.upperThreshold : -1, 5);
  });
});
