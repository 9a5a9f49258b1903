import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/keepalived/load.js';
import { unsupportedKeywords, unsupportedSummary } from '../../../src/vrrp/support.js';

test('every keyword vrrp run does not carry out is named with its place; handled ones and non-VRRP globals are not', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-support-'));
  try {
    const file = path.join(dir, 'k.conf');
    writeFileSync(
      file,
      `global_defs {
  router_id lb1
  enable_script_security
  vrrp_notify_fifo /run/k.fifo
}
vrrp_script chk {
  script "/bin/true"
  interval 2
}
vrrp_sync_group G {
  group {
    VI_1
  }
  track_interface {
    eth1
  }
  track_process {
    p1
  }
}
track_file f1 {
  file "/run/f1"
  weight 2 reverse
  init_file 0 overwrite
}
vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 1
  priority 100
  use_vmac
  authentication {
    auth_type AH
    auth_pass secret
  }
  track_script {
    chk
  }
  track_file {
    f1 weight 3
  }
  virtual_ipaddress {
    192.0.2.1
  }
  virtual_routes {
    10.0.0.0/8 via 192.0.2.254
  }
  virtual_rules {
    from 192.0.2.0/24 table 1
  }
}
virtual_server 192.0.2.1 80 {
  protocol TCP
}
`,
    );
    const found = unsupportedSummary(unsupportedKeywords(loadConfig(file, { configId: 'x' }).syntax)).map((line) => line.replace(`${file}:`, ''));
    assert.deepEqual(found, [
      '17: vrrp_sync_group G: track_process',
      'virtual_server (1 block): IPVS is not run by vrrp run; see vipctl lb',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('use_vmac and vmac_xmit_base are carried out for IPv4 instances; use_vmac of an IPv6 instance is named', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vipctl-support-'));
  try {
    const file = path.join(dir, 'k.conf');
    writeFileSync(
      file,
      `vrrp_instance V4 {
  interface eth0
  virtual_router_id 1
  use_vmac
  vmac_xmit_base
  virtual_ipaddress {
    192.0.2.1
  }
}
vrrp_instance V6 {
  interface eth0
  virtual_router_id 2
  version 3
  use_vmac vrrp6
  virtual_ipaddress {
    2001:db8::1
  }
}
vrrp_instance N6 {
  interface eth0
  virtual_router_id 3
  native_ipv6
  use_vmac
}
`,
    );
    const found = unsupportedSummary(unsupportedKeywords(loadConfig(file, { configId: 'x' }).syntax)).map((line) => line.replace(`${file}:`, ''));
    assert.deepEqual(found, ['14: vrrp_instance V6: use_vmac (IPv6 instance)', '23: vrrp_instance N6: use_vmac (IPv6 instance)']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
