// A bad and a good keepalived.conf for every lint rule: the rule must fire on `bad` and stay
// silent on `good`. docs/rules/<id>.md shows the same pair (a test checks they agree).

const vip = (addresses = '192.0.2.10/24'): string => `  virtual_ipaddress {\n${addresses.split(' ').map((a) => `    ${a}\n`).join('')}  }\n`;

export const instance = (body = '', name = 'VI_1'): string =>
  `vrrp_instance ${name} {\n  state BACKUP\n  interface eth0\n  virtual_router_id 51\n  priority 100\n${body}${body.includes('virtual_ipaddress') ? '' : vip()}}\n`;

const service = (body: string, rs = '  real_server 198.51.100.2 80 {\n    TCP_CHECK {\n      connect_timeout 3\n    }\n  }\n'): string =>
  `virtual_server 192.0.2.10 80 {\n${body}${rs}}\n`;
const fullService = (body = '', rs?: string): string => service(`  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n${body}`, rs);

export interface RuleExample {
  bad: string;
  good: string;
}

export const RULE_EXAMPLES: Record<string, RuleExample> = {
  'byte-order-mark': { bad: `\ufeff${instance()}`, good: instance() },
  'line-too-long': { bad: `global_defs {\n  router_id ${'a'.repeat(1100)}\n}\n`, good: 'global_defs {\n  router_id lb1\n}\n' },
  'comment-in-value': { bad: instance('  authentication {\n    auth_type PASS\n    auth_pass ab#cd\n  }\n'), good: instance('  authentication {\n    auth_type PASS\n    auth_pass "ab#cd"\n  }\n') },
  'unrendered-template': { bad: instance('  virtual_ipaddress {\n    {{ vip }}\n  }\n'), good: instance() },
  'include-error': { bad: 'include /nonexistent/vipctl-test/*.conf\n', good: 'global_defs {\n  router_id lb1\n}\n' },
  'unterminated-quote': { bad: 'global_defs {\n  router_id "lb1\n}\n', good: 'global_defs {\n  router_id "lb1"\n}\n' },
  'generator-syntax': { bad: '~SEQ(1, 2, 3) global_defs { router_id x }\n', good: '~SEQ(i, 1, 1, 2) $i_unused_line_is_fine\n'.replace('$i_unused_line_is_fine', '') },
  'unbalanced-braces': { bad: 'global_defs {\n  router_id lb1\n', good: 'global_defs {\n  router_id lb1\n}\n' },
  'unexpected-brace': { bad: 'global_defs {\n  router_id lb1 {\n  }\n}\n', good: 'global_defs {\n  router_id lb1\n}\n' },
  'missing-brace': { bad: 'global_defs\nrouter_id lb1\n', good: 'global_defs {\n  router_id lb1\n}\n' },
  'unknown-keyword': { bad: instance('  Priority 100\n'), good: instance() },
  'misplaced-keyword': { bad: instance('  router_id lb1\n'), good: `global_defs {\n  router_id lb1\n}\n${instance()}` },
  'removed-keyword': { bad: 'global_defs {\n  lvs_id lb1\n}\n', good: 'global_defs {\n  router_id lb1\n}\n' },
  'deprecated-keyword': { bad: instance('  lvs_sync_daemon_interface eth0\n'), good: `global_defs {\n  lvs_sync_daemon eth0 VI_1\n}\n${instance()}` },
  'missing-argument': { bad: instance('  advert_int\n'), good: instance('  advert_int 1\n') },
  'invalid-number': { bad: instance('  advert_int 1;\n'), good: instance('  advert_int 1\n') },
  'out-of-range': { bad: instance('  garp_master_repeat -1\n'), good: instance('  garp_master_repeat 5\n') },
  'invalid-value': { bad: instance('  state master\n').replace('  state BACKUP\n', ''), good: instance() },
  'value-too-long': { bad: instance('  authentication {\n    auth_type PASS\n    auth_pass 123456789\n  }\n'), good: instance('  authentication {\n    auth_type PASS\n    auth_pass 12345678\n  }\n') },
  'invalid-address': { bad: instance(vip('192.0.2.300')), good: instance() },
  'priority-255-not-master': { bad: instance().replace('priority 100', 'priority 255'), good: instance().replace('priority 100', 'priority 255').replace('BACKUP', 'MASTER') },
  'nopreempt-with-master': { bad: instance('  nopreempt\n').replace('BACKUP', 'MASTER'), good: instance('  nopreempt\n') },
  'auth-ignored': { bad: instance('  version 3\n  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n'), good: instance('  version 3\n') },
  'ah-with-master': { bad: instance('  authentication {\n    auth_type AH\n    auth_pass secret\n  }\n').replace('BACKUP', 'MASTER'), good: instance('  authentication {\n    auth_type AH\n    auth_pass secret\n  }\n') },
  'duplicate-vrid': { bad: instance() + instance(vip('192.0.2.11/24'), 'VI_2'), good: instance() + instance(vip('192.0.2.11/24'), 'VI_2').replace('virtual_router_id 51', 'virtual_router_id 52') },
  'duplicate-vip': { bad: instance() + instance('', 'VI_2').replace('virtual_router_id 51', 'virtual_router_id 52'), good: instance() + instance(vip('192.0.2.11/24'), 'VI_2').replace('virtual_router_id 51', 'virtual_router_id 52') },
  'mixed-address-families': { bad: instance(vip('192.0.2.10/24 2001:db8::10/64')), good: instance(vip('192.0.2.10/24')) },
  'no-virtual-ip': { bad: instance('  virtual_ipaddress {\n  }\n'), good: instance() },
  'missing-vrid': { bad: instance().replace('  virtual_router_id 51\n', ''), good: instance() },
  'missing-interface': { bad: instance().replace('  interface eth0\n', ''), good: instance() },
  'advert-int-not-integer': { bad: instance('  advert_int 0.5\n'), good: instance('  version 3\n  advert_int 0.5\n') },
  'vs-missing-protocol': { bad: service('  lb_algo rr\n  lb_kind NAT\n'), good: fullService() },
  'vs-missing-scheduler': { bad: service('  protocol TCP\n  lb_kind NAT\n'), good: fullService() },
  'vs-missing-method': { bad: service('  protocol TCP\n  lb_algo rr\n'), good: fullService() },
  'fwmark-protocol': {
    bad: 'virtual_server fwmark 1 {\n  protocol TCP\n  lb_algo rr\n  lb_kind DR\n  real_server 198.51.100.2 80 {\n  }\n}\n',
    good: 'virtual_server fwmark 1 {\n  lb_algo rr\n  lb_kind DR\n  real_server 198.51.100.2 80 {\n  }\n}\n',
  },
  'rs-port-mismatch': { bad: service('  protocol TCP\n  lb_algo rr\n  lb_kind DR\n', '  real_server 198.51.100.2 8080 {\n  }\n'), good: service('  protocol TCP\n  lb_algo rr\n  lb_kind DR\n', '  real_server 198.51.100.2 80 {\n  }\n') },
  'duplicate-real-server': { bad: fullService('', '  real_server 198.51.100.2 80 {\n  }\n  real_server 198.51.100.2 80 {\n  }\n'), good: fullService('', '  real_server 198.51.100.2 80 {\n  }\n  real_server 198.51.100.3 80 {\n  }\n') },
  'duplicate-virtual-server': { bad: fullService() + fullService(), good: fullService() + fullService().replace('192.0.2.10 80', '192.0.2.10 443') },
  'vs-no-real-servers': { bad: fullService('', ''), good: fullService() },
  'http-check-without-url': {
    bad: fullService('', '  real_server 198.51.100.2 80 {\n    HTTP_GET {\n      connect_timeout 3\n    }\n  }\n'),
    good: fullService('', '  real_server 198.51.100.2 80 {\n    HTTP_GET {\n      url {\n        path /health\n      }\n    }\n  }\n'),
  },
  'undefined-track-script': { bad: instance('  track_script {\n    chk_nginx\n  }\n'), good: `global_defs {\n  enable_script_security\n}\nvrrp_script chk_nginx {\n  script "/usr/bin/pgrep nginx"\n}\n${instance('  track_script {\n    chk_nginx\n  }\n')}` },
  'undefined-track-file': { bad: instance('  track_file {\n    maintenance\n  }\n'), good: `track_file maintenance {\n  file "/run/keepalived/maintenance"\n  weight -10\n}\n${instance('  track_file {\n    maintenance\n  }\n')}` },
  'vrrp-run-unsupported': { bad: instance('  track_process {\n    p1\n  }\n'), good: instance() },
  'unused-vrrp-script': { bad: `vrrp_script chk_nginx {\n  script "/usr/bin/pgrep nginx"\n}\n${instance()}`, good: `vrrp_script chk_nginx {\n  script "/usr/bin/pgrep nginx"\n}\n${instance('  track_script {\n    chk_nginx\n  }\n')}` },
  'vrrp-script-without-script': { bad: `vrrp_script chk_nginx {\n  interval 2\n}\n${instance('  track_script {\n    chk_nginx\n  }\n')}`, good: `vrrp_script chk_nginx {\n  script "/usr/bin/pgrep nginx"\n  interval 2\n}\n${instance('  track_script {\n    chk_nginx\n  }\n')}` },
  'sync-group-unknown-instance': { bad: `vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_9\n  }\n}\n${instance()}`, good: `vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n${instance()}${instance(vip('192.0.2.11/24'), 'VI_2').replace('51', '52')}` },
  'sync-group-too-small': { bad: `vrrp_sync_group G1 {\n  group {\n    VI_1\n  }\n}\n${instance()}`, good: `vrrp_sync_group G1 {\n  group {\n    VI_1\n    VI_2\n  }\n}\n${instance()}${instance(vip('192.0.2.11/24'), 'VI_2').replace('51', '52')}` },
  'script-not-absolute': { bad: instance('  notify_master notify.sh\n'), good: instance('  notify_master /etc/keepalived/notify.sh\n') },
  'script-shell-syntax': { bad: instance('  notify_master "/usr/bin/logger master > /tmp/state"\n'), good: instance('  notify_master "/bin/sh -c \'/usr/bin/logger master > /tmp/state\'"\n') },
  'script-security': { bad: instance('  notify_master /etc/keepalived/notify.sh\n'), good: `global_defs {\n  enable_script_security\n  script_user keepalived_script\n}\n${instance('  notify_master /etc/keepalived/notify.sh\n')}` },
  'script-user-missing': { bad: `global_defs {\n  enable_script_security\n  script_user vipctl_no_such_user\n}\n${instance('  notify_master /etc/keepalived/notify.sh\n')}`, good: `global_defs {\n  enable_script_security\n  script_user root\n}\n${instance('  notify_master /etc/keepalived/notify.sh\n')}` },
  'extra-arguments': { bad: instance().replace('  state BACKUP\n  interface eth0\n', '  state BACKUP interface eth0\n'), good: instance() },
  'repeated-keyword': { bad: instance('  priority 150\n'), good: instance() },
  'unknown-vs-group': {
    bad: 'virtual_server group web {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  real_server 198.51.100.2 80 {\n  }\n}\n',
    good: 'virtual_server_group web {\n  192.0.2.10 80\n}\nvirtual_server group web {\n  protocol TCP\n  lb_algo rr\n  lb_kind NAT\n  real_server 198.51.100.2 80 {\n  }\n}\n',
  },
  'script-not-found': { bad: `vrrp_script chk {\n  script "/nonexistent/vipctl/check.sh"\n}\n${instance('  track_script {\n    chk\n  }\n')}`, good: `vrrp_script chk {\n  script "/bin/true"\n}\n${instance('  track_script {\n    chk\n  }\n')}` },
  'misc-check-without-path': {
    bad: fullService('', '  real_server 198.51.100.2 80 {\n    MISC_CHECK {\n      misc_timeout 5\n    }\n  }\n'),
    good: fullService('', '  real_server 198.51.100.2 80 {\n    MISC_CHECK {\n      misc_path "/usr/local/bin/check web"\n      misc_timeout 5\n    }\n  }\n'),
  },
  'empty-block': { bad: `global_defs {\n  notification_email {\n  }\n  router_id lb1\n}\n`, good: `global_defs {\n  notification_email {\n    ops@example.com\n  }\n  router_id lb1\n}\n` },
  'option-without-effect': { bad: instance('  unicast_src_ip 192.0.2.1\n'), good: instance('  unicast_src_ip 192.0.2.1\n  unicast_peer {\n    192.0.2.2\n  }\n') },
  'checker-without-target': {
    bad: fullService('', '  real_server 198.51.100.2 80 {\n    FILE_CHECK {\n      weight 10\n    }\n  }\n'),
    good: `track_file web_up {\n  file "/run/web-up"\n}\n${fullService('', '  real_server 198.51.100.2 80 {\n    FILE_CHECK {\n      track_file web_up\n      weight 10\n    }\n  }\n')}`,
  },
  'block-missing-required': { bad: 'vrrp_track_process web {\n  weight 10\n}\n', good: 'vrrp_track_process web {\n  process nginx\n  weight 10\n}\n' },
  'vs-group-mixed-families': { bad: 'virtual_server_group web {\n  192.0.2.10 80\n  2001:db8::10 80\n  fwmark 7\n}\n', good: 'virtual_server_group web {\n  192.0.2.10 80\n  fwmark 7\n}\n' },
  'plaintext-auth-readable': { bad: instance('  authentication {\n    auth_type PASS\n    auth_pass secret\n  }\n'), good: instance() },
  'route-syntax': { bad: instance('  virtual_rules {\n    to 192.168.100./24 table 1 preference 100\n  }\n'), good: instance('  virtual_rules {\n    to 192.168.100.0/24 table 1 preference 100\n  }\n') },
  'route-deprecated-syntax': { bad: instance('  virtual_routes {\n    0.0.0.0/0 gw 192.0.2.1 dev eth0\n  }\n'), good: instance('  virtual_routes {\n    0.0.0.0/0 via 192.0.2.1 dev eth0\n  }\n') },
  'route-without-interface': { bad: instance('  virtual_routes {\n    10.0.0.0/8 via 192.0.2.1\n  }\n'), good: instance('  virtual_routes {\n    10.0.0.0/8 via 192.0.2.1 dev eth0\n  }\n') },
  'rule-without-preference': { bad: instance('  virtual_rules {\n    from 192.0.2.0/24 table 2\n  }\n'), good: instance('  virtual_rules {\n    from 192.0.2.0/24 table 2 preference 100\n  }\n') },
};
