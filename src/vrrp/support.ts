// What `vrrp run` carries out of a keepalived.conf, and the names of everything else it finds
// there, so that nothing in the file is ignored silently: the engine logs each at start-up and
// on reload. The lists are of keywords the engine acts on (or, like `accept`, whose meaning is
// already its behaviour); every other keyword of the VRRP blocks is reported with its place.
// global_defs keywords that do not concern VRRP (SMTP, router_id, LVS settings) are not listed:
// they belong to other parts of keepalived.
import type { ConfigNode } from '../keepalived/parser.js';

const INSTANCE = new Set([
  'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'nopreempt', 'preempt',
  'preempt_delay', 'authentication', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'unicast_src_ip',
  'unicast_peer', 'mcast_src_ip', 'track_interface', 'track_script', 'notify', 'notify_master',
  'notify_backup', 'notify_fault', 'notify_stop', 'garp_master_delay', 'garp_master_repeat', 'native_ipv6',
  'dont_track_primary', 'accept', 'skip_check_adv_addr', 'garp_master_refresh', 'garp_master_refresh_repeat',
  'virtual_routes',
]);
const SYNC_GROUP = new Set(['group', 'notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop']);
const SCRIPT = new Set(['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail']);
/** VRRP settings of global_defs that the engine honours. */
const GLOBAL_HANDLED = new Set(['enable_script_security', 'script_user', 'vrrp_version', 'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_skip_check_adv_addr', 'vrrp_garp_interval', 'vrrp_gna_interval', 'vrrp_notify_fifo', 'notify_fifo']);
/** global_defs keywords that concern VRRP (the rest are other parts of keepalived). */
function globalIsVrrp(keyword: string): boolean {
  return /^vrrp_|garp|gna|fifo/.test(keyword) || ['smtp_alert_vrrp', 'enable_snmp_vrrp', 'startup_script', 'shutdown_script'].includes(keyword);
}
/** Top-level blocks the engine reads; virtual_server and friends belong to `vipctl lb`. */
const TOP = new Set(['global_defs', 'vrrp_instance', 'vrrp_sync_group', 'vrrp_script']);

function place(node: ConfigNode): string {
  return `${node.file}:${node.line}`;
}

/** One line per keyword `vrrp run` does not carry out: "FILE:LINE: vrrp_instance VI_1: use_vmac". */
export function unsupportedKeywords(tree: ConfigNode[]): string[] {
  const found: string[] = [];
  for (const block of tree) {
    const name = block.args[0]?.text ?? '';
    if (!TOP.has(block.keyword)) {
      found.push(`${place(block)}: ${block.keyword}${block.keyword.startsWith('virtual_server') ? ' (IPVS is not run by vrrp run; see vipctl lb)' : ''}`);
      continue;
    }
    const handled =
      block.keyword === 'vrrp_instance' ? INSTANCE : block.keyword === 'vrrp_sync_group' ? SYNC_GROUP : block.keyword === 'vrrp_script' ? SCRIPT : GLOBAL_HANDLED;
    for (const child of block.children) {
      if (child.keyword === 'authentication') {
        // PASS is carried out; AH (IPsec authentication header) is not.
        const type = child.children.find((c) => c.keyword === 'auth_type');
        if (type?.args[0]?.text === 'AH') found.push(`${place(type)}: ${block.keyword} ${name}: auth_type AH`);
      }
      if (handled.has(child.keyword)) continue;
      if (block.keyword === 'global_defs' && !globalIsVrrp(child.keyword)) continue;
      found.push(`${place(child)}: ${block.keyword}${name ? ` ${name}` : ''}: ${child.keyword}`);
    }
  }
  return found;
}
