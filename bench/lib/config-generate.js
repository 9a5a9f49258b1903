// Generates a large, valid keepalived.conf for the config-lint benchmark: hundreds of VRRP
// instances and thousands of virtual servers, each with real servers and checkers.
// Only interface eth0 is used, so keepalived -t can run in a namespace with one veth.

/** About `targetLines` lines (default 150,000). Returns { text, lines, instances, services }. */
export function generateConfig(targetLines = 150000) {
  const out = [];
  out.push('global_defs {', '  router_id bench', '  enable_script_security', '  script_user root', '}', '');
  const instances = 400;
  for (let i = 0; i < instances; i++) {
    const vrid = (i % 255) + 1;
    out.push(
      `vrrp_instance VI_${i} {`,
      '  state BACKUP',
      `  interface eth0`,
      `  virtual_router_id ${vrid}`,
      `  priority ${100 + (i % 50)}`,
      '  advert_int 1',
      // Distinct VRIDs per interface and family: instances beyond 255 use IPv6 and version 3.
      ...(i < 255
        ? ['  authentication {', '    auth_type PASS', `    auth_pass pw${i % 1000}`, '  }', '  virtual_ipaddress {', `    10.${Math.floor(i / 250)}.${i % 250}.1/24`, '  }']
        : ['  version 3', '  virtual_ipaddress {', `    fd00::${i.toString(16)}/64`, '  }']),
      '}',
      '',
    );
  }
  let services = 0;
  while (out.length < targetLines) {
    const s = services++;
    const a = 16 + Math.floor(s / 65000);
    const b = Math.floor(s / 250) % 250;
    const c = (s % 250) + 1;
    out.push(`virtual_server 172.${a}.${b}.${c} 80 {`, '  delay_loop 6', '  lb_algo wrr', '  lb_kind NAT', '  protocol TCP', '  persistence_timeout 50');
    for (let r = 1; r <= 3; r++) {
      out.push(
        `  real_server 192.168.${b}.${(c + r) % 250} ${8000 + r} {`,
        `    weight ${r}`,
        '    TCP_CHECK {',
        '      connect_timeout 3',
        '      retry 3',
        '      delay_before_retry 3',
        '    }',
        '  }',
      );
    }
    out.push('}', '');
  }
  return { text: `${out.join('\n')}\n`, lines: out.length, instances, services };
}
