// Links (network interfaces) over rtnetlink: struct ifinfomsg and its attributes.
import { readU16Host, readS32Host, readU32Host, writeU16Host, writeS32Host } from '../native/bytes.js';
import { AttributeDecoder, AttributeWriter } from '../netlink/attributes.js';
import type { NetlinkConnection } from '../netlink/connection.js';
import type { NetlinkMessage } from '../netlink/header.js';
import { IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_OPERSTATE, OPERSTATES, RTM_GETLINK } from './constants.js';

export interface Link {
  index: number;
  name: string;
  /** ARPHRD_* hardware type (1 Ethernet, 772 loopback). */
  type: number;
  flags: number;
  mtu?: number;
  /** Hardware address as aa:bb:cc:dd:ee:ff. */
  address?: string;
  operationalState: string;
  problem?: string;
}

const IFINFOMSG_LENGTH = 16;

export function encodeIfinfomsg(family: number, index: number): Buffer {
  const header = Buffer.alloc(IFINFOMSG_LENGTH);
  header.writeUInt8(family, 0);
  writeU16Host(header, 0, 2);
  writeS32Host(header, index, 4);
  return header;
}

export function decodeLink(message: NetlinkMessage): Link {
  const payload = message.payload;
  if (payload.length < IFINFOMSG_LENGTH) {
    return { index: 0, name: '', type: 0, flags: 0, operationalState: 'unknown', problem: 'short ifinfomsg' };
  }
  const attributes = new AttributeDecoder(payload.subarray(IFINFOMSG_LENGTH), 'link');
  const hardware = attributes.raw(IFLA_ADDRESS);
  const link: Link = {
    index: readS32Host(payload, 4),
    type: readU16Host(payload, 2),
    flags: readU32Host(payload, 8),
    name: attributes.string(IFLA_IFNAME) ?? '',
    operationalState: OPERSTATES[attributes.u8(IFLA_OPERSTATE) ?? 0] ?? 'unknown',
  };
  const mtu = attributes.u32(IFLA_MTU);
  if (mtu !== undefined) link.mtu = mtu;
  if (hardware) link.address = [...hardware].map((b) => b.toString(16).padStart(2, '0')).join(':');
  if (attributes.problem) link.problem = attributes.problem;
  return link;
}

export async function listLinks(connection: NetlinkConnection): Promise<Link[]> {
  const payload = new AttributeWriter(32).header(encodeIfinfomsg(0, 0)).toBuffer();
  const replies = await connection.dump(RTM_GETLINK, payload);
  return replies.filter((m) => m.header.type === 16).map(decodeLink);
}
