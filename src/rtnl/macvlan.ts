// macvlan links over rtnetlink, for keepalived's use_vmac: RTM_NEWLINK creating a macvlan on a
// parent (IFLA_LINK) with its own MAC, name and mode; RTM_NEWLINK turning IPv6 address
// generation off, and setting a link up; RTM_DELLINK; and a link's kind, macvlan mode and parent read back from a
// dump (to tell a vmac left behind, which may be reused, from a clashing interface).
// Constants from linux/if_link.h and linux/rtnetlink.h.
import { readS32Host, writeS32Host, writeU16Host, writeU32Host } from '../native/bytes.js';
import { AttributeDecoder, AttributeWriter } from '../netlink/attributes.js';
import type { NetlinkConnection } from '../netlink/connection.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../netlink/constants.js';
import type { NetlinkMessage } from '../netlink/header.js';
import { AF_INET6 } from '../native/sockaddr.js';
import { IFF_UP, IFLA_ADDRESS, IFLA_IFNAME, IFLA_LINK, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK } from './constants.js';
import { decodeLink, type Link } from './links.js';

export const IFLA_LINKINFO = 18;
export const IFLA_AF_SPEC = 26;
/** Inside IFLA_LINKINFO. */
export const IFLA_INFO_KIND = 1;
export const IFLA_INFO_DATA = 2;
/** Inside IFLA_INFO_DATA of a macvlan. */
export const IFLA_MACVLAN_MODE = 1;
/** Inside IFLA_AF_SPEC / AF_INET6. */
export const IFLA_INET6_ADDR_GEN_MODE = 8;
export const IN6_ADDR_GEN_MODE_NONE = 1;

/** enum macvlan_mode */
export const MACVLAN_MODES = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;
export type MacvlanMode = keyof typeof MACVLAN_MODES;

const IFINFOMSG_LENGTH = 16;

/** struct ifinfomsg with flags and the mask of flags to change. */
function ifinfomsg(index: number, flags = 0, change = 0): Buffer {
  const header = Buffer.alloc(IFINFOMSG_LENGTH);
  header.writeUInt8(0, 0); // AF_UNSPEC
  writeU16Host(header, 0, 2);
  writeS32Host(header, index, 4);
  writeU32Host(header, flags, 8);
  writeU32Host(header, change, 12);
  return header;
}

export interface MacvlanSpec {
  name: string;
  parentIndex: number;
  /** aa:bb:cc:dd:ee:ff */
  mac: string;
  mode: MacvlanMode;
}

function macBytes(mac: string): Buffer {
  const parts = mac.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new RangeError(`not a MAC address: ${mac}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** The RTM_NEWLINK body that creates a macvlan. */
export function encodeMacvlanRequest(spec: MacvlanSpec): Buffer {
  const writer = new AttributeWriter(128).header(ifinfomsg(0));
  writer.string(IFLA_IFNAME, spec.name);
  writer.u32(IFLA_LINK, spec.parentIndex);
  writer.bytes(IFLA_ADDRESS, macBytes(spec.mac));
  writer.nested(IFLA_LINKINFO, (info) => {
    info.string(IFLA_INFO_KIND, 'macvlan');
    info.nested(IFLA_INFO_DATA, (data) => void data.u32(IFLA_MACVLAN_MODE, MACVLAN_MODES[spec.mode]));
  });
  return writer.toBuffer();
}

/**
 * The RTM_NEWLINK body that sets a link's IPv6 address generation mode (none: no link-local
 * address of its own, as keepalived's vmac). A request of its own: Linux 6.18 refuses
 * IFLA_AF_SPEC in the request that creates the link (EAFNOSUPPORT, measured); sent before
 * the link is up, no address is ever generated.
 */
export function encodeAddrGenModeRequest(index: number, mode = IN6_ADDR_GEN_MODE_NONE): Buffer {
  const writer = new AttributeWriter(48).header(ifinfomsg(index));
  writer.nested(IFLA_AF_SPEC, (af) => af.nested(AF_INET6, (inet6) => void inet6.u8(IFLA_INET6_ADDR_GEN_MODE, mode)));
  return writer.toBuffer();
}

/** The RTM_NEWLINK body that sets a link up (or down). */
export function encodeLinkUpRequest(index: number, up = true): Buffer {
  return encodeLinkFlagsRequest(index, up ? IFF_UP : 0, IFF_UP);
}

/** The RTM_NEWLINK body that sets the flags in `change` to their values in `flags` (IFF_UP, IFF_PROMISC, ...). */
export function encodeLinkFlagsRequest(index: number, flags: number, change: number): Buffer {
  return ifinfomsg(index, flags, change);
}

/** The RTM_DELLINK body for a link. */
export function encodeLinkDeleteRequest(index: number): Buffer {
  return ifinfomsg(index);
}

export interface LinkDetails extends Link {
  /** IFLA_INFO_KIND: 'macvlan', 'veth', ...; undefined for links without one (physical, loopback). */
  kind?: string;
  /** The parent's index (IFLA_LINK), when the link has one. */
  parentIndex?: number;
  macvlanMode?: MacvlanMode | number;
}

/** A link with its kind, parent and macvlan mode; never throws (problems in `problem`). */
export function decodeLinkDetails(message: NetlinkMessage): LinkDetails {
  const details: LinkDetails = decodeLink(message);
  const payload = message.payload;
  if (payload.length < IFINFOMSG_LENGTH) return details;
  const attributes = new AttributeDecoder(payload.subarray(IFINFOMSG_LENGTH), 'link');
  const parent = attributes.raw(IFLA_LINK);
  if (parent && parent.length >= 4) details.parentIndex = readS32Host(parent, 0);
  const info = attributes.nested(IFLA_LINKINFO);
  const kind = info?.string(IFLA_INFO_KIND);
  if (kind !== undefined) details.kind = kind;
  if (kind === 'macvlan') {
    const mode = info?.nested(IFLA_INFO_DATA)?.u32(IFLA_MACVLAN_MODE);
    if (mode !== undefined) details.macvlanMode = (Object.entries(MACVLAN_MODES).find(([, n]) => n === mode)?.[0] as MacvlanMode | undefined) ?? mode;
  }
  if (info) attributes.note(info.problem);
  if (attributes.problem) details.problem ??= attributes.problem;
  return details;
}

export async function listLinkDetails(connection: NetlinkConnection): Promise<LinkDetails[]> {
  const replies = await connection.dump(RTM_GETLINK, new AttributeWriter(32).header(ifinfomsg(0)).toBuffer());
  return replies.filter((m) => m.header.type === RTM_NEWLINK).map(decodeLinkDetails);
}

/** Creates a macvlan; EEXIST if a link of that name is there. */
export async function createMacvlan(connection: NetlinkConnection, spec: MacvlanSpec): Promise<void> {
  await connection.request({ type: RTM_NEWLINK, flags: NLM_F_CREATE | NLM_F_EXCL, payload: encodeMacvlanRequest(spec) });
}

export async function setAddrGenModeNone(connection: NetlinkConnection, index: number): Promise<void> {
  await connection.request({ type: RTM_NEWLINK, payload: encodeAddrGenModeRequest(index) });
}

export async function setLinkFlags(connection: NetlinkConnection, index: number, flags: number, change: number): Promise<void> {
  await connection.request({ type: RTM_NEWLINK, payload: encodeLinkFlagsRequest(index, flags, change) });
}

export async function setLinkUp(connection: NetlinkConnection, index: number, up = true): Promise<void> {
  await connection.request({ type: RTM_NEWLINK, payload: encodeLinkUpRequest(index, up) });
}

/** Removes a link; ENODEV if it is gone. */
export async function deleteLink(connection: NetlinkConnection, index: number): Promise<void> {
  await connection.request({ type: RTM_DELLINK, payload: encodeLinkDeleteRequest(index) });
}
