// keepalived's virtual_rules lines, read into rtnetlink rule specs. The words are those of
// `ip rule add` that keepalived 2.2.7 accepts (measured in a namespace, see the host test):
//   [not] [from PREFIX|all] [to PREFIX|all] [preference|priority|order N] [table|lookup T]
//   [goto N] [nop|blackhole|unreachable|prohibit|type ACTION] [fwmark N[/MASK]] [iif IF] [oif IF]
//   [tos|dsfield N] [realms [FROM/]TO] [suppress_prefixlength N] [suppress_ifgroup N]
//   [l3mdev] [uidrange A-B] [ipproto P] [sport A-B] [dport A-B] [protocol N] [no_track]
// Where keepalived would add a different rule than written (a single sport/dport, a port above
// 65535, which it truncates) or none at all (no action, an unknown word, a goto backwards), this
// reader returns a problem naming it, so `vrrp run` refuses at start-up.
import { isIP } from 'node:net';
import type { Link } from '../rtnl/links.js';
import { tableByName } from '../rtnl/routes.js';
import type { RuleAction, RuleSpec } from '../rtnl/rules.js';

const ACTIONS = new Set<RuleAction>(['nop', 'blackhole', 'unreachable', 'prohibit']);
/** IP protocol names (as /etc/protocols spells them; keepalived accepts any case). */
const IP_PROTOCOLS: Record<string, number> = {
  icmp: 1, igmp: 2, ipencap: 4, tcp: 6, egp: 8, pup: 12, udp: 17, idp: 22, dccp: 33, ipv6: 41, 'ipv6-route': 43, 'ipv6-frag': 44,
  rsvp: 46, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, 'ipv6-nonxt': 59, 'ipv6-opts': 60, ospf: 89, pim: 103, vrrp: 112, l2tp: 115,
  sctp: 132, udplite: 136, mpls: 137,
};

/** keepalived gives a rule without a preference the next of 16384, 16383, ... (per family, in file order). */
const FIRST_DEFAULT_PREFERENCE = 16384;

/** The preferences keepalived hands out to rules written without one, across every instance of a file. */
export class DefaultPreferences {
  private readonly next = { 4: FIRST_DEFAULT_PREFERENCE, 6: FIRST_DEFAULT_PREFERENCE };

  take(family: 4 | 6): number {
    const value = this.next[family];
    this.next[family] = value - 1;
    return value;
  }
}

export type ParsedRule = { rule: RuleSpec } | { problem: string };

/** An unsigned number as keepalived reads it: decimal or 0x hex (a leading 0 would be octal to it: refused). */
function unsigned(word: string | undefined, max: number): number | undefined {
  if (word === undefined) return undefined;
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(word)) value = parseInt(word.slice(2), 16);
  else if (/^(0|[1-9]\d*)$/.test(word)) value = Number(word);
  else return undefined;
  return value <= max ? value : undefined;
}

/** `A-B` with A <= B <= max. keepalived refuses a single value (and truncates beyond max). */
function span(word: string | undefined, max: number): { start: number; end: number } | undefined {
  const [a, b, extra] = (word ?? '').split('-');
  const start = unsigned(a, max);
  const end = unsigned(b, max);
  if (extra !== undefined || start === undefined || end === undefined || start > end) return undefined;
  return { start, end };
}

function prefix(word: string): { family: 4 | 6; address: string; length: number } | undefined {
  const [address, length, extra] = word.split('/');
  const family = isIP(address ?? '');
  if (!address || family === 0 || extra !== undefined) return undefined;
  const max = family === 6 ? 128 : 32;
  const value = length === undefined ? max : /^\d+$/.test(length) ? Number(length) : NaN;
  if (!(value <= max)) return undefined;
  return { family: family === 6 ? 6 : 4, address, length: value };
}

export function parseVirtualRule(words: string[], links: Link[], preferences = new DefaultPreferences()): ParsedRule {
  const spec: Partial<RuleSpec> = {};
  let family: 4 | 6 | undefined;
  let action: RuleAction | undefined;
  let protocol: number | undefined;
  let noTrack = false;
  const setAction = (value: RuleAction): string | undefined => {
    if (action !== undefined && action !== value) return `two actions (${action} and ${value})`;
    action = value;
    return undefined;
  };
  let i = 0;
  const next = (): string | undefined => words[++i];
  for (; i < words.length; i++) {
    const word = words[i] ?? '';
    let problem: string | undefined;
    switch (word) {
      case 'not':
        spec.invert = true;
        break;
      case 'from':
      case 'to': {
        const value = next() ?? '';
        if (value === 'all') break;
        const parsed = prefix(value);
        if (!parsed) return { problem: `${word} needs ADDRESS[/LENGTH] or all, not ${value || 'nothing'}` };
        if (family !== undefined && parsed.family !== family) return { problem: 'mixed IPv4 and IPv6' };
        family = parsed.family;
        if (word === 'from') Object.assign(spec, { source: parsed.address, sourceLength: parsed.length });
        else Object.assign(spec, { destination: parsed.address, destinationLength: parsed.length });
        break;
      }
      case 'preference':
      case 'priority':
      case 'order': {
        const value = unsigned(next(), 0xffffffff);
        if (value === undefined) return { problem: `${word} needs a number` };
        spec.priority = value;
        break;
      }
      case 'table':
      case 'lookup': {
        const value = next() ?? '';
        const table = tableByName(value) ?? unsigned(value, 0xffffffff);
        if (table === undefined) return { problem: `unknown table ${value} (vrrp run knows main, local, default and numbers)` };
        if (table === 0) return { problem: 'table 0 is not valid' };
        spec.table = table;
        problem = setAction('table');
        break;
      }
      case 'goto': {
        const value = unsigned(next(), 0xffffffff);
        if (value === undefined) return { problem: 'goto needs a preference' };
        spec.goto = value;
        problem = setAction('goto');
        break;
      }
      case 'type': {
        const value = next() ?? '';
        if (!ACTIONS.has(value as RuleAction)) return { problem: `invalid rule action ${value}` };
        problem = setAction(value as RuleAction);
        break;
      }
      case 'nop':
      case 'blackhole':
      case 'unreachable':
      case 'prohibit':
        problem = setAction(word);
        break;
      case 'fwmark': {
        const [mark, mask, extra] = (next() ?? '').split('/');
        const value = unsigned(mark, 0xffffffff);
        const maskValue = mask === undefined ? undefined : unsigned(mask, 0xffffffff);
        if (value === undefined || extra !== undefined || (mask !== undefined && maskValue === undefined)) return { problem: 'fwmark needs MARK[/MASK]' };
        spec.fwmark = value;
        if (maskValue !== undefined) spec.fwmask = maskValue;
        break;
      }
      case 'iif':
      case 'oif': {
        const value = next();
        // keepalived 2.2.7 stops with a configuration error for an interface that is not there.
        if (!links.some((l) => l.name === value)) return { problem: `no interface ${value ?? '(none given)'} here` };
        spec[word] = value;
        break;
      }
      case 'tos':
      case 'dsfield': {
        const value = unsigned(next(), 255);
        if (value === undefined) return { problem: `${word} needs a number up to 255` };
        spec.tos = value;
        break;
      }
      case 'realms': {
        const value = next() ?? '';
        const parts = value.split('/');
        const numbers = parts.map((p) => unsigned(p, 0xffff));
        if (parts.length > 2 || numbers.some((n) => n === undefined)) return { problem: `invalid realms ${value} (numbers [FROM/]TO)` };
        const [from, to] = numbers.length === 2 ? (numbers as [number, number]) : [0, numbers[0] as number];
        spec.realms = ((from << 16) | to) >>> 0;
        break;
      }
      case 'suppress_prefixlength': {
        const value = unsigned(next(), 128);
        if (value === undefined) return { problem: 'suppress_prefixlength needs a length' };
        spec.suppressPrefixLength = value;
        break;
      }
      case 'suppress_ifgroup': {
        const value = next();
        const group = value === 'default' ? 0 : unsigned(value, 0x7fffffff);
        if (group === undefined) return { problem: `suppress_ifgroup needs a group number or default, not ${value ?? 'nothing'}` };
        spec.suppressIfgroup = group;
        break;
      }
      case 'l3mdev':
        spec.l3mdev = true;
        break;
      case 'uidrange': {
        const value = span(next(), 0xffffffff);
        if (!value) return { problem: 'uidrange needs START-END' };
        spec.uidRange = value;
        break;
      }
      case 'ipproto': {
        const value = (next() ?? '').toLowerCase();
        const number = IP_PROTOCOLS[value] ?? unsigned(value, 255);
        if (number === undefined) return { problem: `unknown ipproto ${value}` };
        spec.ipProto = number;
        break;
      }
      case 'sport':
      case 'dport': {
        const value = next();
        const range = span(value, 0xffff);
        // keepalived 2.2.7 drops a single port (and truncates one above 65535), adding a broader rule.
        if (!range) return { problem: `${word} needs START-END up to 65535 (for one port write N-N), not ${value ?? 'nothing'}` };
        spec[word === 'sport' ? 'sportRange' : 'dportRange'] = range;
        break;
      }
      case 'protocol': {
        const value = unsigned(next(), 255);
        if (value === undefined) return { problem: 'protocol needs a number up to 255' };
        protocol = value;
        break;
      }
      case 'no_track':
        noTrack = true;
        break;
      default:
        return { problem: `\`${word}\` is not supported by vrrp run in virtual_rules` };
    }
    if (problem) return { problem };
  }
  if (action === undefined && spec.l3mdev) action = 'table';
  if (action === undefined) return { problem: 'no action (table, goto, nop, blackhole, unreachable, prohibit or l3mdev); keepalived ignores such a rule' };
  spec.action = action;
  spec.family = family ?? 4;
  spec.priority ??= preferences.take(spec.family);
  if (spec.goto !== undefined && spec.goto <= spec.priority) return { problem: `goto ${spec.goto} is not after the rule's preference ${spec.priority}` };
  // keepalived puts its own protocol on a rule it tracks, whatever the line says; with no_track
  // the protocol written is kept. vipctl's own protocol marks what it added (see rules.ts).
  if (noTrack && protocol !== undefined) spec.protocol = protocol;
  return { rule: spec as RuleSpec };
}

export function ruleText(rule: RuleSpec): string {
  const parts = [`${rule.priority ?? ''}:`];
  if (rule.invert) parts.push('not');
  parts.push('from', rule.source !== undefined ? `${rule.source}/${rule.sourceLength ?? ''}` : 'all');
  if (rule.destination !== undefined) parts.push('to', `${rule.destination}/${rule.destinationLength ?? ''}`);
  if (rule.fwmark !== undefined) parts.push('fwmark', `0x${rule.fwmark.toString(16)}${rule.fwmask !== undefined ? `/0x${rule.fwmask.toString(16)}` : ''}`);
  if (rule.iif !== undefined) parts.push('iif', rule.iif);
  if (rule.oif !== undefined) parts.push('oif', rule.oif);
  if (rule.l3mdev) parts.push('l3mdev');
  if (rule.action === 'table') {
    if (rule.table !== undefined) parts.push('lookup', String(rule.table));
  } else if (rule.action === 'goto') parts.push('goto', String(rule.goto));
  else parts.push(rule.action);
  return parts.join(' ');
}
