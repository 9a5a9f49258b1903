// Generic netlink: the genlmsghdr, and family lookup through the controller (nlctrl),
// which turns a family name such as "IPVS" into its dynamic id and multicast groups.
import { AttributeDecoder, AttributeWriter } from './attributes.js';
import { NetlinkConnection } from './connection.js';
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_ATTR_HDRSIZE,
  CTRL_ATTR_MAXATTR,
  CTRL_ATTR_MCAST_GROUPS,
  CTRL_ATTR_MCAST_GRP_ID,
  CTRL_ATTR_MCAST_GRP_NAME,
  CTRL_ATTR_OPS,
  CTRL_ATTR_OP_ID,
  CTRL_ATTR_VERSION,
  CTRL_CMD_GETFAMILY,
  GENL_HDRLEN,
  GENL_ID_CTRL,
  NETLINK_GENERIC,
} from './constants.js';
import type { NetlinkMessage } from './header.js';

export interface GenlFamily {
  name: string;
  id: number;
  version: number;
  headerSize: number;
  maxAttribute: number;
  /** Command ids the family implements. */
  operations: number[];
  /** Multicast group name -> group id. */
  groups: Map<string, number>;
}

export interface GenlMessage {
  command: number;
  version: number;
  attributes: AttributeDecoder;
}

export function encodeGenlHeader(command: number, version: number): Buffer {
  return Buffer.of(command, version, 0, 0);
}

/** Decodes a generic-netlink payload; a short one yields empty attributes and a problem. */
export function decodeGenl(message: NetlinkMessage, context = 'genl'): GenlMessage {
  const payload = message.payload;
  if (payload.length < GENL_HDRLEN) {
    const attributes = new AttributeDecoder(Buffer.alloc(0), context);
    attributes.note(`${context}: message shorter than the generic netlink header`);
    return { command: 0, version: 0, attributes };
  }
  return {
    command: payload.readUInt8(0),
    version: payload.readUInt8(1),
    attributes: new AttributeDecoder(payload.subarray(GENL_HDRLEN), context),
  };
}

export function decodeFamily(attributes: AttributeDecoder): GenlFamily {
  const groups = new Map<string, number>();
  for (const entry of attributes.nested(CTRL_ATTR_MCAST_GROUPS)?.list() ?? []) {
    const group = new AttributeDecoder(entry.data, 'mcast group');
    const name = group.string(CTRL_ATTR_MCAST_GRP_NAME);
    const id = group.u32(CTRL_ATTR_MCAST_GRP_ID);
    if (name !== undefined && id !== undefined) groups.set(name, id);
  }
  const operations: number[] = [];
  for (const entry of attributes.nested(CTRL_ATTR_OPS)?.list() ?? []) {
    const id = new AttributeDecoder(entry.data, 'op').u32(CTRL_ATTR_OP_ID);
    if (id !== undefined) operations.push(id);
  }
  return {
    name: attributes.string(CTRL_ATTR_FAMILY_NAME) ?? '',
    id: attributes.u16(CTRL_ATTR_FAMILY_ID) ?? 0,
    version: attributes.u32(CTRL_ATTR_VERSION) ?? 0,
    headerSize: attributes.u32(CTRL_ATTR_HDRSIZE) ?? 0,
    maxAttribute: attributes.u32(CTRL_ATTR_MAXATTR) ?? 0,
    operations,
    groups,
  };
}

/**
 * Looks a family up by name. Rejects with a NetlinkError whose code is ENOENT when the
 * kernel has no such family (for IPVS: the module is not loaded).
 */
export async function resolveFamily(connection: NetlinkConnection, name: string): Promise<GenlFamily> {
  const payload = new AttributeWriter(32)
    .header(encodeGenlHeader(CTRL_CMD_GETFAMILY, 1))
    .string(CTRL_ATTR_FAMILY_NAME, name)
    .toBuffer();
  const replies = await connection.request({ type: GENL_ID_CTRL, payload });
  const reply = replies[0];
  if (!reply) throw new Error(`nlctrl gave no answer for family ${name}`);
  return decodeFamily(decodeGenl(reply, 'nlctrl').attributes);
}

/** Every family the kernel offers. */
export async function listFamilies(connection: NetlinkConnection): Promise<GenlFamily[]> {
  const payload = new AttributeWriter(8).header(encodeGenlHeader(CTRL_CMD_GETFAMILY, 1)).toBuffer();
  const replies = await connection.dump(GENL_ID_CTRL, payload);
  return replies.map((reply) => decodeFamily(decodeGenl(reply, 'nlctrl').attributes));
}

/** A connection bound to one generic-netlink family: requests by command number. */
export class GenlClient {
  private constructor(
    readonly connection: NetlinkConnection,
    readonly family: GenlFamily,
  ) {}

  /** Opens a generic-netlink socket and resolves the family over it (one socket for all). */
  static async open(familyName: string): Promise<GenlClient> {
    const connection = NetlinkConnection.open(NETLINK_GENERIC);
    try {
      return new GenlClient(connection, await resolveFamily(connection, familyName));
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  payload(command: number, attributes?: AttributeWriter, version = this.family.version): Buffer {
    const header = encodeGenlHeader(command, version);
    return attributes ? Buffer.concat([header, attributes.toBuffer()]) : header;
  }

  close(): void {
    this.connection.close();
  }
}
