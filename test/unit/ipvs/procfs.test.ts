// /proc/net/ip_vs as the UML kernel (Linux 6.1) wrote it for a table with IPv4, IPv6, mark,
// tunnel and persistent services (test/fixtures/ipvs/proc-net-ip_vs.txt).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseProcServices, readProcServices } from '../../../src/ipvs/procfs.js';
import { fixture } from '../../support/paths.js';

const text = readFileSync(fixture('ipvs', 'proc-net-ip_vs.txt'), 'latin1');

describe('/proc/net/ip_vs', () => {
  it('gives every service by key with its real servers in the kernel order', () => {
    const services = parseProcServices(text);
    assert.ok(services);
    const summary = services.map((s) => [s.key, s.destinations.map((d) => `${d.af} ${d.address} ${d.port} ${d.forward} ${d.weight} ${d.activeConns} ${d.inactiveConns}`)]);
    assert.deepEqual(summary, [
      ['6/2/10.0.0.1/80', ['2 10.0.1.3 80 3 0 0 0', '2 10.0.1.2 80 2 1 0 0', '2 10.0.1.1 8080 0 3 0 0']],
      ['17/2/10.0.0.3/5060', ['2 10.0.3.1 5060 0 65535 0 0']],
      ['132/2/10.0.0.2/3868', []],
      ['17/10/2001:db8::1/53', ['2 10.9.9.9 53 2 1 0 0', '10 2001:db8::2 53 0 1 0 0']],
      ['fwm/3000000000', ['2 10.7.0.1 0 3 1 0 0']],
      ['fwm/7', []],
    ]);
  });

  it('reads a negative weight as the kernel stores it, and an empty table', () => {
    const negative = text.replace('Masq    3      0', 'Masq    -1     7');
    assert.deepEqual(
      parseProcServices(negative)?.[0]?.destinations.map((d) => [d.weight, d.activeConns]),
      [[0, 0], [1, 0], [4294967295, 7]],
    );
    assert.deepEqual(parseProcServices(text.split('\n').slice(0, 3).join('\n') + '\n'), []);
  });

  it('gives up (undefined) on anything it does not understand', () => {
    for (const broken of [
      text.replace('0A000001:0050', '0A00001:0050'),
      text.replace('Route   0', 'Sideways 0'),
      text.replace('UDP  0A000003', 'ICMP  0A000003'),
      text.replace('Masq    3      0          0', 'Masq    3      x          0'),
      text.replace('FWM  00000007', 'FWM  zz'),
      `${text.split('\n').slice(0, 3).join('\n')}\n  -> 0A000103:0050      Route   0      0          0\n`,
    ]) {
      assert.equal(parseProcServices(broken), undefined);
    }
    assert.equal(readProcServices('/nonexistent/ip_vs'), undefined);
  });
});
