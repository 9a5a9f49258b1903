// What `vrrp run` carries out of a keepalived.conf, and the places of everything else it finds
// there, so that nothing in the file is ignored silently: the engine logs them at start-up and
// on reload, and `config lint` reports them as info (rule vrrp-run-unsupported). The lists are
// of keywords the engine acts on (or, like `accept`, whose meaning is already its behaviour);
// every other keyword of the VRRP blocks is reported. global_defs keywords that do not concern
// VRRP (SMTP, router_id, LVS settings) and the LVS blocks (virtual_server, ...) belong to other
// parts of keepalived: they are reported only to `vrrp run`, once per kind.
// Works on the compact syntax tree, so the linter pays next to nothing for it on big files.
import type { Syntax } from '../keepalived/parser.js';

const INSTANCE = new Set([
  'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'nopreempt', 'preempt',
  'preempt_delay', 'authentication', 'virtual_ipaddress', 'virtual_ipaddress_excluded', 'unicast_src_ip',
  'unicast_peer', 'mcast_src_ip', 'track_interface', 'track_script', 'notify', 'notify_master',
  'notify_backup', 'notify_fault', 'notify_stop', 'garp_master_delay', 'garp_master_repeat', 'native_ipv6',
  'dont_track_primary', 'accept', 'skip_check_adv_addr', 'garp_master_refresh', 'garp_master_refresh_repeat',
  'virtual_routes', 'track_file', 'mcast_dst_ip', 'unicast_ttl', 'check_unicast_src', 'lower_prio_no_advert',
  'higher_prio_send_advert', 'down_timer_adverts', 'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'unicast_fault_no_peer',
  'use_vmac', 'vmac_xmit_base', 'virtual_rules', 'notify_master_rx_lower_pri', 'notify_priority_changes', 'notify_deleted',
]);
const SYNC_GROUP = new Set([
  'group', 'notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'track_interface', 'track_script', 'track_file',
  'notify_priority_changes', 'sync_group_tracking_weight', 'global_tracking',
]);
const TRACK_FILE = new Set(['file', 'weight', 'init_file']);
const SCRIPT = new Set(['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail']);
/** VRRP settings of global_defs that the engine honours. */
const GLOBAL_HANDLED = new Set([
  'enable_script_security', 'script_user', 'vrrp_version', 'vrrp_garp_master_delay', 'vrrp_garp_master_repeat',
  'vrrp_skip_check_adv_addr', 'vrrp_garp_interval', 'vrrp_gna_interval', 'vrrp_notify_fifo', 'notify_fifo',
  'vrrp_mcast_group4', 'vrrp_mcast_group6', 'vrrp_check_unicast_src', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert',
  'vrrp_down_timer_adverts', 'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat', 'vrrp_notify_priority_changes',
]);
/** global_defs keywords that concern VRRP (the rest are other parts of keepalived). */
function globalIsVrrp(keyword: string): boolean {
  return /^vrrp_|garp|gna|fifo/.test(keyword) || ['smtp_alert_vrrp', 'enable_snmp_vrrp', 'startup_script', 'shutdown_script'].includes(keyword);
}
/** Top-level blocks the engine reads. */
const TOP = new Set(['global_defs', 'vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'track_file', 'vrrp_track_file']);
/** Top-level blocks of keepalived's other half (IPVS and its checkers): `vipctl lb`'s business. */
const LVS = new Set(['virtual_server', 'virtual_server_group']);

export interface Unsupported {
  file: string;
  line: number;
  column: number;
  /** e.g. "vrrp_instance VI_1: use_vmac", "vrrp_track_file". */
  what: string;
  /** A top-level block of the LVS half rather than a VRRP keyword. */
  lvs: boolean;
}

/**
 * Everything the engine would not carry out; `withLvs: false` leaves out the LVS blocks
 * (`config lint` has no use for them, and a big file has thousands).
 */
export function unsupportedKeywords(syntax: Syntax, withLvs = true): Unsupported[] {
  const found: Unsupported[] = [];
  const add = (node: number, what: string, lvs = false): void => {
    found.push({ file: syntax.file(node), line: syntax.line(node), column: syntax.column(node), what, lvs });
  };
  const children = (node: number): number[] => {
    const result: number[] = [];
    for (let c = node + 1; c < (syntax.next[node] as number); c = syntax.next[c] as number) result.push(c);
    return result;
  };
  // As the model decides an instance's family: native_ipv6, else its first virtual_ipaddress.
  const isIpv6Instance = (block: number): boolean => {
    const inside = children(block);
    if (inside.some((c) => syntax.keyword(c) === 'native_ipv6')) return true;
    const vips = inside.find((c) => syntax.keyword(c) === 'virtual_ipaddress');
    const first = vips === undefined ? undefined : children(vips)[0];
    return first !== undefined && syntax.keyword(first).includes(':');
  };
  for (const block of syntax.top()) {
    const keyword = syntax.keyword(block);
    if (!TOP.has(keyword)) {
      const lvs = LVS.has(keyword);
      if (withLvs || !lvs) add(block, keyword, lvs);
      continue;
    }
    const name = syntax.arg(block, 0);
    const label = `${keyword}${name ? ` ${name}` : ''}`;
    const handled = keyword === 'vrrp_instance' ? INSTANCE : keyword === 'vrrp_sync_group' ? SYNC_GROUP : keyword === 'vrrp_script' ? SCRIPT : keyword === 'global_defs' ? GLOBAL_HANDLED : TRACK_FILE;
    for (const child of children(block)) {
      const word = syntax.keyword(child);
      // authentication: PASS and AH are both carried out under VRRPv2 (under v3 keepalived ignores
      // the block, and so does the engine: lint rule auth-ignored and a start-up line say so).
      // use_vmac is carried out for IPv4 instances only (vmac.ts).
      if (word === 'use_vmac' && keyword === 'vrrp_instance' && isIpv6Instance(block)) {
        add(child, `${label}: use_vmac (IPv6 instance)`);
        continue;
      }
      if (handled.has(word)) continue;
      if (keyword === 'global_defs' && !globalIsVrrp(word)) continue;
      add(child, `${label}: ${word}`);
    }
  }
  return found;
}

/** The start-up lines of `vrrp run`: VRRP keywords one by one, the LVS blocks once per kind. */
export function unsupportedSummary(found: Unsupported[]): string[] {
  const lines = found.filter((u) => !u.lvs).map((u) => `${u.file}:${u.line}: ${u.what}`);
  const lvs = new Map<string, number>();
  for (const u of found.filter((x) => x.lvs)) lvs.set(u.what, (lvs.get(u.what) ?? 0) + 1);
  for (const [what, count] of lvs) lines.push(`${what} (${count} block${count === 1 ? '' : 's'}): IPVS is not run by vrrp run; see vipctl lb`);
  return lines;
}
