// Policy routing rules over rtnetlink (struct fib_rule_hdr and FRA_* attributes, linux/fib_rules.h),
// for keepalived's virtual_rules: added when an instance becomes MASTER and removed when it
// leaves. Like vipctl's routes, every rule it adds carries the protocol VIPCTL_RULE_PROTO
// (unless the line asks for another), so rules a killed run left behind can be found and
// removed without touching anyone else's.
import { readU16Host, readU32Host, writeU16Host, writeU32Host } from '../native/bytes.js';
import { ipToBytes } from '../native/ip.js';
import { AF_INET, AF_INET6 } from '../native/sockaddr.js';
import { AttributeDecoder, AttributeWriter } from '../netlink/attributes.js';
import { addressText } from './addresses.js';
import type { NetlinkConnection } from '../netlink/connection.js';
import type { NetlinkMessage } from '../netlink/header.js';

export const RTM_NEWRULE = 32;
export const RTM_DELRULE = 33;
export const RTM_GETRULE = 34;

const FRA_DST = 1;
const FRA_SRC = 2;
const FRA_IIFNAME = 3;
const FRA_GOTO = 4;
const FRA_PRIORITY = 6;
const FRA_FWMARK = 10;
const FRA_FLOW = 11;
const FRA_SUPPRESS_IFGROUP = 13;
const FRA_SUPPRESS_PREFIXLEN = 14;
const FRA_TABLE = 15;
const FRA_FWMASK = 16;
const FRA_OIFNAME = 17;
const FRA_L3MDEV = 19;
const FRA_UID_RANGE = 20;
const FRA_PROTOCOL = 21;
const FRA_IP_PROTO = 22;
const FRA_SPORT_RANGE = 23;
const FRA_DPORT_RANGE = 24;

/** fib_rule_hdr.flags: `not` */
export const FIB_RULE_INVERT = 0x2;

/** What a matching rule does (FR_ACT_*): look up a table, jump, nothing, or drop. */
export const RULE_ACTIONS = { table: 1, goto: 2, nop: 3, blackhole: 6, unreachable: 7, prohibit: 8 } as const;
export type RuleAction = keyof typeof RULE_ACTIONS;

/** The protocol of vipctl's rules ('v', as for its routes and addresses; RTPROT_KEEPALIVED is 18). */
export const VIPCTL_RULE_PROTO = 0x76;

export interface RuleSpec {
  family: 4 | 6;
  action: RuleAction;
  /** `preference` (FRA_PRIORITY). */
  priority?: number;
  /** `not`: the selector is inverted. */
  invert?: boolean;
  source?: string;
  sourceLength?: number;
  destination?: string;
  destinationLength?: number;
  /** With action 'table'; 0 only with l3mdev. */
  table?: number;
  /** With action 'goto': the preference jumped to. */
  goto?: number;
  tos?: number;
  fwmark?: number;
  /** Absent: the kernel's 0xffffffff (with a mark). */
  fwmask?: number;
  iif?: string;
  oif?: string;
  /** `realms FROM/TO`: FROM << 16 | TO. */
  realms?: number;
  suppressPrefixLength?: number;
  suppressIfgroup?: number;
  l3mdev?: boolean;
  uidRange?: { start: number; end: number };
  ipProto?: number;
  sportRange?: { start: number; end: number };
  dportRange?: { start: number; end: number };
  protocol?: number;
}

const HDR_LENGTH = 12;

/** struct fib_rule_port_range: two u16 in host order. */
function portRange(value: { start: number; end: number }): Buffer {
  const data = Buffer.alloc(4);
  writeU16Host(data, value.start, 0);
  writeU16Host(data, value.end, 2);
  return data;
}

/** The RTM_NEWRULE / RTM_DELRULE body for a rule. */
export function encodeRuleRequest(spec: RuleSpec): Buffer {
  const header = Buffer.alloc(HDR_LENGTH);
  header.writeUInt8(spec.family === 6 ? AF_INET6 : AF_INET, 0);
  header.writeUInt8(spec.destination !== undefined ? (spec.destinationLength ?? 0) : 0, 1);
  header.writeUInt8(spec.source !== undefined ? (spec.sourceLength ?? 0) : 0, 2);
  header.writeUInt8(spec.tos ?? 0, 3);
  // As `ip rule`: a table above 255 goes in FRA_TABLE only (RT_TABLE_UNSPEC in the header).
  header.writeUInt8(spec.table !== undefined && spec.table < 256 ? spec.table : 0, 4);
  header.writeUInt8(RULE_ACTIONS[spec.action], 7);
  writeU32Host(header, spec.invert ? FIB_RULE_INVERT : 0, 8);
  const writer = new AttributeWriter(128).header(header);
  if (spec.destination !== undefined && (spec.destinationLength ?? 0) > 0) writer.bytes(FRA_DST, ipToBytes(spec.destination));
  if (spec.source !== undefined && (spec.sourceLength ?? 0) > 0) writer.bytes(FRA_SRC, ipToBytes(spec.source));
  if (spec.priority !== undefined) writer.u32(FRA_PRIORITY, spec.priority);
  if (spec.table !== undefined) writer.u32(FRA_TABLE, spec.table);
  if (spec.goto !== undefined) writer.u32(FRA_GOTO, spec.goto);
  if (spec.fwmark !== undefined) writer.u32(FRA_FWMARK, spec.fwmark);
  if (spec.fwmask !== undefined) writer.u32(FRA_FWMASK, spec.fwmask);
  if (spec.iif !== undefined) writer.string(FRA_IIFNAME, spec.iif);
  if (spec.oif !== undefined) writer.string(FRA_OIFNAME, spec.oif);
  if (spec.realms !== undefined) writer.u32(FRA_FLOW, spec.realms);
  if (spec.suppressPrefixLength !== undefined) writer.u32(FRA_SUPPRESS_PREFIXLEN, spec.suppressPrefixLength);
  if (spec.suppressIfgroup !== undefined) writer.u32(FRA_SUPPRESS_IFGROUP, spec.suppressIfgroup);
  if (spec.l3mdev) writer.u8(FRA_L3MDEV, 1);
  if (spec.uidRange) {
    // struct fib_rule_uid_range: two u32 in host order.
    const data = Buffer.alloc(8);
    writeU32Host(data, spec.uidRange.start, 0);
    writeU32Host(data, spec.uidRange.end, 4);
    writer.bytes(FRA_UID_RANGE, data);
  }
  writer.u8(FRA_PROTOCOL, spec.protocol ?? VIPCTL_RULE_PROTO);
  if (spec.ipProto !== undefined) writer.u8(FRA_IP_PROTO, spec.ipProto);
  if (spec.sportRange) writer.bytes(FRA_SPORT_RANGE, portRange(spec.sportRange));
  if (spec.dportRange) writer.bytes(FRA_DPORT_RANGE, portRange(spec.dportRange));
  return writer.toBuffer();
}

export interface Rule extends RuleSpec {
  protocol: number;
  /** fib_rule_hdr.flags as the kernel reported them. */
  flags: number;
}

function pair16(bytes: Buffer | undefined): { start: number; end: number } | undefined {
  return bytes && bytes.length >= 4 ? { start: readU16Host(bytes, 0), end: readU16Host(bytes, 2) } : undefined;
}

/** A rule of a dump (IPv4 and IPv6 only; other families and short messages give undefined). */
export function decodeRule(message: NetlinkMessage): Rule | undefined {
  const payload = message.payload;
  if (payload.length < HDR_LENGTH) return undefined;
  const family = payload.readUInt8(0);
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  const attributes = new AttributeDecoder(payload.subarray(HDR_LENGTH), 'rule');
  const actionNumber = payload.readUInt8(7);
  const action = (Object.entries(RULE_ACTIONS).find(([, n]) => n === actionNumber)?.[0] ?? 'table') as RuleAction;
  const flags = readU32Host(payload, 8);
  const rule: Rule = { family: family === AF_INET ? 4 : 6, action, protocol: attributes.u8(FRA_PROTOCOL) ?? 0, flags };
  if (flags & FIB_RULE_INVERT) rule.invert = true;
  const source = addressText(family, attributes.raw(FRA_SRC));
  if (source) Object.assign(rule, { source, sourceLength: payload.readUInt8(2) });
  const destination = addressText(family, attributes.raw(FRA_DST));
  if (destination) Object.assign(rule, { destination, destinationLength: payload.readUInt8(1) });
  const priority = attributes.u32(FRA_PRIORITY);
  if (priority !== undefined) rule.priority = priority;
  const table = attributes.u32(FRA_TABLE) ?? (payload.readUInt8(4) || undefined);
  if (table !== undefined && action === 'table') rule.table = table;
  const numbers: Array<[keyof Rule, number | undefined]> = [
    ['goto', attributes.u32(FRA_GOTO)],
    ['fwmark', attributes.u32(FRA_FWMARK)],
    ['fwmask', attributes.u32(FRA_FWMASK)],
    ['realms', attributes.u32(FRA_FLOW)],
    ['suppressPrefixLength', attributes.u32(FRA_SUPPRESS_PREFIXLEN)],
    ['suppressIfgroup', attributes.u32(FRA_SUPPRESS_IFGROUP)],
    ['ipProto', attributes.u8(FRA_IP_PROTO)],
  ];
  for (const [key, value] of numbers) if (value !== undefined) Object.assign(rule, { [key]: value });
  const tos = payload.readUInt8(3);
  if (tos) rule.tos = tos;
  const iif = attributes.string(FRA_IIFNAME);
  if (iif !== undefined) rule.iif = iif;
  const oif = attributes.string(FRA_OIFNAME);
  if (oif !== undefined) rule.oif = oif;
  if (attributes.u8(FRA_L3MDEV)) rule.l3mdev = true;
  const uid = attributes.raw(FRA_UID_RANGE);
  if (uid && uid.length >= 8) rule.uidRange = { start: readU32Host(uid, 0), end: readU32Host(uid, 4) };
  const sport = pair16(attributes.raw(FRA_SPORT_RANGE));
  if (sport) rule.sportRange = sport;
  const dport = pair16(attributes.raw(FRA_DPORT_RANGE));
  if (dport) rule.dportRange = dport;
  return rule;
}

/** Every rule of both families. */
export async function listRules(connection: NetlinkConnection): Promise<Rule[]> {
  const header = Buffer.alloc(HDR_LENGTH); // family AF_UNSPEC: all of them
  const replies = await connection.dump(RTM_GETRULE, new AttributeWriter(16).header(header).toBuffer());
  return replies
    .filter((m) => m.header.type === RTM_NEWRULE)
    .map(decodeRule)
    .filter((r): r is Rule => r !== undefined);
}

/** Removes a rule; ENOENT if it is not there. */
export async function deleteRule(connection: NetlinkConnection, spec: RuleSpec): Promise<void> {
  await connection.request({ type: RTM_DELRULE, payload: encodeRuleRequest(spec) });
}
