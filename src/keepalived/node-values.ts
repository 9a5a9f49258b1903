// Values read off the compact syntax tree (parser.ts Syntax) for the model: a node's arguments
// as text or numbers with keepalived's rules (an unrendered template is no value), its last
// child with a keyword (keepalived: a repeated keyword's last value wins), where it is written.
import type { Position } from './diagnostics.js';
import { ipFamily } from './ip-text.js';
import type { AddressFamily, ScriptCommand, SourceRef } from './model.js';
import type { Syntax } from './parser.js';
import { TEMPLATE_PLACEHOLDER } from './reader.js';
import { scriptOf } from './scripts.js';
import type { TokenStore } from './tokens.js';
import { parseNumber } from './validate.js';
import { wordId } from './words.js';

export function familyOf(address: string): AddressFamily | undefined {
  const family = ipFamily(address);
  return family === 0 ? undefined : family;
}

/** The keywords the model reads, by word id (words.ts). */
export const K = keywordIds([
  'global_defs', 'vrrp_script', 'vrrp_track_file', 'file', 'init_file', 'vrrp_instance', 'vrrp_sync_group', 'virtual_server', 'virtual_server_group',
  'router_id', 'vrrp_version', 'vrrp_strict', 'enable_script_security', 'script_user', 'notification_email', 'vrrp_mcast_group4',
  'vrrp_mcast_group6', 'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_garp_interval', 'vrrp_gna_interval',
  'vrrp_skip_check_adv_addr', 'default_interface', 'lvs_sync_daemon', 'vrrp_notify_fifo', 'notify_fifo', 'virtual_routes',
  'weight', 'interval', 'rise', 'fall', 'init_fail', 'script', 'timeout', 'user',
  'state', 'priority', 'version', 'advert_int', 'nopreempt', 'preempt_delay', 'strict_mode', 'virtual_ipaddress',
  'virtual_ipaddress_excluded', 'unicast_peer', 'use_vmac', 'track_script', 'track_interface', 'track_file', 'track_process',
  'garp_master_delay', 'garp_master_repeat', 'garp_master_refresh', 'garp_master_refresh_repeat', 'unicast_ttl',
  'down_timer_adverts', 'dont_track_primary', 'skip_check_adv_addr', 'native_ipv6', 'no_accept', 'accept', 'mcast_dst_ip',
  'interface', 'virtual_router_id', 'unicast_src_ip', 'mcast_src_ip', 'authentication', 'auth_type', 'auth_pass',
  'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify_deleted', 'notify', 'notify_master_rx_lower_pri', 'group', 'fwmark',
  'protocol', 'lvs_sched', 'lb_algo', 'lvs_method', 'lb_kind', 'delay_loop', 'connect_timeout', 'retry', 'delay_before_retry',
  'quorum', 'hysteresis', 'persistence_timeout', 'quorum_up', 'quorum_down', 'sorry_server', 'real_server',
  'inhibit_on_failure', 'notify_up', 'notify_down', 'nb_get_retry', 'url', 'misc_dynamic', 'connect_ip', 'connect_port',
  'bindto', 'misc_path', 'misc_timeout', 'path', 'digest', 'virtualhost', 'status_code',
  'vrrp_down_timer_adverts', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert', 'vrrp_garp_lower_prio_delay',
  'vrrp_garp_lower_prio_repeat', 'vrrp_check_unicast_src', 'check_unicast_src', 'lower_prio_no_advert', 'higher_prio_send_advert',
  'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'unicast_fault_no_peer',
] as const);

export function keywordIds<T extends string>(names: readonly T[]): Record<T, number> {
  const ids = {} as Record<T, number>;
  for (const name of names) ids[name] = wordId(name);
  return ids;
}

export class NodeValues {
  readonly tokens: TokenStore;

  constructor(readonly syntax: Syntax) {
    this.tokens = syntax.tokens;
  }

  ref(node: number): SourceRef {
    const syntax = this.syntax;
    const at: SourceRef = { file: syntax.file(node), line: syntax.line(node), column: syntax.column(node) };
    const endLine = syntax.endLine(node);
    if (endLine !== undefined && endLine > at.line) at.endLine = endLine;
    return at;
  }

  /** Argument `index` of a node (-1: absent), undefined when missing or an unrendered template. */
  text(node: number, index = 0): string | undefined {
    if (node < 0) return undefined;
    const token = this.syntax.argToken(node, index);
    if (token < 0) return undefined;
    const value = this.tokens.text(token);
    if (this.tokens.rewrittenText(token) && value.includes(TEMPLATE_PLACEHOLDER)) return undefined;
    return value;
  }

  optionalNum(node: number, index = 0): number | undefined {
    if (node < 0) return undefined;
    const token = this.syntax.argToken(node, index);
    if (token < 0) return undefined;
    // Plain digits (nearly every number) need no string.
    const digits = this.tokens.digits(token);
    if (digits >= 0) return digits;
    const value = this.text(node, index);
    return value === undefined ? undefined : parseNumber(value, 'decimal');
  }

  num(node: number, fallback: number, index = 0): number {
    return this.optionalNum(node, index) ?? fallback;
  }

  /** A flag keyword's value: on when written without argument or with on/true/yes. */
  flag(found: number): boolean {
    if (found < 0) return false;
    const value = this.text(found)?.toLowerCase();
    return value === undefined || ['on', 'true', 'yes'].includes(value);
  }

  /** The last child of a block with this keyword, or -1 (a few children: a scan is cheapest). */
  last(node: number, word: number): number {
    const next = this.syntax.next;
    let found = -1;
    for (let c = node + 1; c < (next[node] as number); c = next[c] as number) if (this.syntax.word(c) === word) found = c;
    return found;
  }

  /** Children of a block with this keyword. */
  all(node: number, word: number): number[] {
    const next = this.syntax.next;
    const result: number[] = [];
    for (let c = node + 1; c < (next[node] as number); c = next[c] as number) if (this.syntax.word(c) === word) result.push(c);
    return result;
  }

  /** Children of a block (value lines of a value block); none for -1. */
  children(node: number): number[] {
    const next = this.syntax.next;
    const result: number[] = [];
    if (node < 0) return result;
    for (let c = node + 1; c < (next[node] as number); c = next[c] as number) result.push(c);
    return result;
  }

  script(node: number, takesUser = true): ScriptCommand | undefined {
    return node < 0 ? undefined : scriptOf(this.syntax.view(node), takesUser);
  }

  /** Where argument `index` is written, or the node itself without it. */
  argAt(node: number, index: number): Position {
    const token = this.syntax.argToken(node, index);
    return token >= 0 ? this.tokens.position(token) : this.syntax.position(node);
  }

  /** familyOf() of argument `index` (absent: undefined); a plain dotted quad needs no string. */
  family(node: number, index = 0): AddressFamily | undefined {
    const token = this.syntax.argToken(node, index);
    if (token >= 0 && this.tokens.dottedQuad(token)) return 4;
    const text = this.text(node, index);
    return text === undefined ? undefined : familyOf(text);
  }
}
