// Interface addresses over rtnetlink: struct ifaddrmsg and its attributes.
import { readU32Host, writeU32Host } from '../native/bytes.js';
import { bytesToIPv4, bytesToIPv6 } from '../native/ip.js';
import { AttributeDecoder, AttributeWriter } from '../netlink/attributes.js';
import type { NetlinkConnection } from '../netlink/connection.js';
import type { NetlinkMessage } from '../netlink/header.js';
import {
  IFA_ADDRESS,
  IFA_BROADCAST,
  IFA_FLAGS,
  IFA_LABEL,
  IFA_LOCAL,
  IFA_PROTO,
  RTM_DELADDR,
  RTM_GETADDR,
  RTM_NEWADDR,
} from './constants.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../netlink/constants.js';
import { ipToBytes } from '../native/ip.js';
import { AF_INET, AF_INET6 } from '../native/sockaddr.js';
import { isIPv6 } from 'node:net';

export interface InterfaceAddress {
  family: 4 | 6;
  address: string;
  prefixLength: number;
  ifindex: number;
  scope: number;
  flags: number;
  label?: string;
  /** For point-to-point links the peer; otherwise equal to address. */
  peer?: string;
  broadcast?: string;
  /** IFA_PROTO: who added the address (see VIPCTL_ADDRESS_PROTO). */
  proto?: number;
  problem?: string;
}

const IFADDRMSG_LENGTH = 8;

export function encodeIfaddrmsg(family: number, prefixLength: number, ifindex: number, scope = 0, flags = 0): Buffer {
  const header = Buffer.alloc(IFADDRMSG_LENGTH);
  header.writeUInt8(family, 0);
  header.writeUInt8(prefixLength, 1);
  header.writeUInt8(flags & 0xff, 2);
  header.writeUInt8(scope, 3);
  writeU32Host(header, ifindex, 4);
  return header;
}

/** An address attribute's bytes as text (AF_INET / AF_INET6); undefined when absent or short. */
export function addressText(family: number, bytes: Buffer | undefined): string | undefined {
  if (!bytes) return undefined;
  if (family === AF_INET && bytes.length >= 4) return bytesToIPv4(bytes);
  if (family === AF_INET6 && bytes.length >= 16) return bytesToIPv6(bytes);
  return undefined;
}

export function decodeAddress(message: NetlinkMessage): InterfaceAddress | undefined {
  const payload = message.payload;
  if (payload.length < IFADDRMSG_LENGTH) return undefined;
  const familyNumber = payload.readUInt8(0);
  if (familyNumber !== AF_INET && familyNumber !== AF_INET6) return undefined;
  const attributes = new AttributeDecoder(payload.subarray(IFADDRMSG_LENGTH), 'address');
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer on point-to-point links.
  const local = addressText(familyNumber, attributes.raw(IFA_LOCAL));
  const peer = addressText(familyNumber, attributes.raw(IFA_ADDRESS));
  const address = local ?? peer;
  if (!address) return undefined;
  const result: InterfaceAddress = {
    family: familyNumber === AF_INET ? 4 : 6,
    address,
    prefixLength: payload.readUInt8(1),
    ifindex: readU32Host(payload, 4),
    scope: payload.readUInt8(3),
    flags: attributes.u32(IFA_FLAGS) ?? payload.readUInt8(2),
  };
  const broadcast = addressText(familyNumber, attributes.raw(IFA_BROADCAST));
  if (broadcast) result.broadcast = broadcast;
  const proto = attributes.u8(IFA_PROTO);
  if (proto !== undefined) result.proto = proto;
  const label = attributes.string(IFA_LABEL);
  if (label !== undefined) result.label = label;
  if (peer && peer !== address) result.peer = peer;
  if (attributes.problem) result.problem = attributes.problem;
  return result;
}

export async function listAddresses(connection: NetlinkConnection, family: 0 | 4 | 6 = 0): Promise<InterfaceAddress[]> {
  const familyNumber = family === 4 ? AF_INET : family === 6 ? AF_INET6 : 0;
  const payload = new AttributeWriter(16).header(encodeIfaddrmsg(familyNumber, 0, 0)).toBuffer();
  const replies = await connection.dump(RTM_GETADDR, payload);
  return replies
    .filter((m) => m.header.type === RTM_NEWADDR)
    .map(decodeAddress)
    .filter((a): a is InterfaceAddress => a !== undefined);
}

export interface AddressSpec {
  ifindex: number;
  address: string;
  prefixLength: number;
  scope?: number;
  broadcast?: string;
  /** IPv4 only: the interface label (must start with the interface name). */
  label?: string;
  flags?: number;
  proto?: number;
}

/** The RTM_NEWADDR / RTM_DELADDR body for an address. */
export function encodeAddressRequest(spec: AddressSpec): Buffer {
  const v6 = isIPv6(spec.address);
  const writer = new AttributeWriter(64).header(
    encodeIfaddrmsg(v6 ? AF_INET6 : AF_INET, spec.prefixLength, spec.ifindex, spec.scope ?? 0, spec.flags ?? 0),
  );
  const bytes = ipToBytes(spec.address);
  if (!v6) writer.bytes(IFA_LOCAL, bytes);
  writer.bytes(IFA_ADDRESS, bytes);
  if (spec.broadcast && !v6) writer.bytes(IFA_BROADCAST, ipToBytes(spec.broadcast));
  if (spec.label && !v6) writer.string(IFA_LABEL, spec.label);
  if (spec.flags !== undefined && spec.flags > 0xff) writer.u32(IFA_FLAGS, spec.flags);
  if (spec.proto !== undefined) writer.u8(IFA_PROTO, spec.proto);
  return writer.toBuffer();
}

/** Adds an address; EEXIST if it is already there. */
export async function addAddress(connection: NetlinkConnection, spec: AddressSpec): Promise<void> {
  await connection.request({ type: RTM_NEWADDR, flags: NLM_F_CREATE | NLM_F_EXCL, payload: encodeAddressRequest(spec) });
}

/** Removes an address; EADDRNOTAVAIL if it is not there. */
export async function deleteAddress(connection: NetlinkConnection, spec: AddressSpec): Promise<void> {
  await connection.request({ type: RTM_DELADDR, payload: encodeAddressRequest({ ...spec, proto: undefined }) });
}
