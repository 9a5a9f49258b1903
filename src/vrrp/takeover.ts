// A takeover's address, route and rule changes, encoded once when an instance is set up: on the way
// to MASTER the engine sends them all in one netlink datagram straight after the first advert
// (NetlinkConnection.sendPrepared), with no encoding, no per-request round trip and no code
// run for the first time at the moment that decides how long the VIP is missing.
import { encodeHeader } from '../netlink/header.js';
import { NLMSG_HDRLEN, NLM_F_CREATE, NLM_F_EXCL, align4 } from '../netlink/constants.js';
import { encodeAddressRequest, type AddressSpec } from '../rtnl/addresses.js';
import { RTM_NEWADDR } from '../rtnl/constants.js';
import type { KernelObject } from './kernel-objects.js';

/** Larger takeovers go request by request (the kernel refuses datagrams beyond its send buffer). */
export const PREPARED_LIMIT = 1 << 16;

export interface PreparedTakeover {
  /** RTM_NEWADDR for every VIP, then RTM_NEWROUTE / RTM_NEWRULE for every route and rule, back to back. */
  messages: Buffer;
  /** What each message is, for error messages: 'address', `route ...` or `rule ...`. */
  what: string[];
}

export function prepareTakeover(vips: AddressSpec[], objects: readonly KernelObject[]): PreparedTakeover {
  const parts = [
    ...vips.map((vip) => ({ type: RTM_NEWADDR, payload: encodeAddressRequest(vip), what: 'address' })),
    ...objects.map((object) => ({ type: object.addType, payload: object.payload, what: object.what })),
  ];
  const messages = Buffer.alloc(parts.reduce((total, part) => total + align4(NLMSG_HDRLEN + part.payload.length), 0));
  let offset = 0;
  for (const part of parts) {
    // Sequence number and port id are filled in by sendPrepared.
    encodeHeader({ length: NLMSG_HDRLEN + part.payload.length, type: part.type, flags: NLM_F_CREATE | NLM_F_EXCL, seq: 0, portId: 0 }, messages, offset);
    part.payload.copy(messages, offset + NLMSG_HDRLEN);
    offset += align4(NLMSG_HDRLEN + part.payload.length);
  }
  return { messages, what: parts.map((part) => part.what) };
}
