// Errors that depend on the machine rather than the table: no CAP_NET_ADMIN, and no IPVS
// in the kernel at all (this file unloads the modules, so it runs last, and loads them
// back afterwards).
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { projectRoot, vipctlBin } from '../../support/paths.js';
import { ipvsadm, requireUml } from './support.js';

const MODULES = ['ip_vs_rr', 'ip_vs_wrr', 'ip_vs_lc', 'ip_vs_wlc', 'ip_vs_fo', 'ip_vs_ovf', 'ip_vs_lblc', 'ip_vs_lblcr', 'ip_vs_dh', 'ip_vs_sh', 'ip_vs_mh', 'ip_vs_sed', 'ip_vs_nq', 'ip_vs_ftp', 'ip_vs_pe_sip'];

function run(argv: string[]): { status: number; stderr: string } {
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status ?? -1, stderr: result.stderr };
}

describe('machine-level errors', () => {
  before(() => {
    requireUml();
    ipvsadm(['-C']);
  });
  after(() => {
    spawnSync('mount', ['--bind', '/usr/lib/uml/modules', '/lib/modules']);
    for (const module of ['ip_vs', ...MODULES]) spawnSync('modprobe', [module]);
  });

  it('without CAP_NET_ADMIN: one line, exit 5', () => {
    const result = run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, vipctlBin, 'lb', 'add-service', '-t', '10.0.0.1:80']);
    assert.equal(result.status, 5, result.stderr);
    assert.match(result.stderr, /^vipctl: permission denied/m);
    assert.match(result.stderr, /CAP_NET_ADMIN/);
  });

  it('without IPVS in the kernel: says modprobe ip_vs, exit 6', () => {
    for (const module of [...MODULES, 'ip_vs']) spawnSync('modprobe', ['-r', module]);
    // The kernel loads ip_vs by itself when asked for its netlink family; hiding the modules
    // (bound on /lib/modules by the UML runner) makes the kernel one without IPVS.
    assert.equal(spawnSync('umount', ['/lib/modules']).status, 0);
    const result = run([process.execPath, vipctlBin, 'lb', 'list', '-n']);
    assert.equal(result.status, 6, result.stderr);
    assert.match(result.stderr, /^vipctl: this kernel has no IPVS/m);
    assert.match(result.stderr, /modprobe ip_vs/);
  });
});
