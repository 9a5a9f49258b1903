// Acknowledgements and errors (struct nlmsgerr) with extended acks (NETLINK_EXT_ACK):
// the kernel's own words about what it refused, kept so users can see them.
import { readS32Host } from '../native/bytes.js';
import { systemError, type SystemErrorLike } from '../errors.js';
import { AttributeDecoder } from './attributes.js';
import {
  NLMSG_HDRLEN,
  NLM_F_CAPPED,
  NLM_F_ACK_TLVS,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_ATTR_MISS_TYPE,
  align4,
} from './constants.js';
import { decodeHeader, type NetlinkHeader } from './header.js';

export interface ExtendedAck {
  /** The kernel's human-readable reason (NLMSGERR_ATTR_MSG). */
  message?: string;
  /** Byte offset of the offending attribute in the request (NLMSGERR_ATTR_OFFS). */
  offset?: number;
  /** The attribute type the kernel missed (NLMSGERR_ATTR_MISS_TYPE). */
  missingType?: number;
}

export interface Acknowledgement {
  /** 0 for success, otherwise a negative errno. */
  error: number;
  /** The header of the request this answers. */
  request?: NetlinkHeader;
  extended: ExtendedAck;
  problem?: string;
}

export function decodeAcknowledgement(payload: Buffer, flags: number): Acknowledgement {
  if (payload.length < 4) return { error: 0, extended: {}, problem: 'truncated netlink error message' };
  const error = readS32Host(payload, 0);
  const request = payload.length >= 4 + NLMSG_HDRLEN ? decodeHeader(payload, 4) : undefined;
  const extended: ExtendedAck = {};
  let problem: string | undefined;
  if (flags & NLM_F_ACK_TLVS && request) {
    // With NLM_F_CAPPED only the request's header is echoed; otherwise all of it.
    const echoed = flags & NLM_F_CAPPED ? NLMSG_HDRLEN : Math.max(NLMSG_HDRLEN, request.length);
    const tlvStart = 4 + align4(echoed);
    if (tlvStart <= payload.length) {
      const attributes = new AttributeDecoder(payload.subarray(tlvStart), 'extended ack');
      const message = attributes.string(NLMSGERR_ATTR_MSG);
      if (message) extended.message = message;
      const offset = attributes.u32(NLMSGERR_ATTR_OFFS);
      if (offset !== undefined) extended.offset = offset;
      const missing = attributes.u32(NLMSGERR_ATTR_MISS_TYPE);
      if (missing !== undefined) extended.missingType = missing;
      problem = attributes.problem;
    }
  }
  return problem ? { error, request, extended, problem } : { error, request, extended };
}

/** A request the kernel refused: a system error plus netlink context. */
export interface NetlinkError extends SystemErrorLike {
  /** The kernel's extended-ack text, if it gave one. */
  extendedMessage?: string;
  extendedOffset?: number;
  /** Sequence number of the refused request, to match it to what was sent. */
  seq?: number;
}

export function netlinkError(errno: number, ack?: ExtendedAck, seq?: number): NetlinkError {
  const detail = ack?.message;
  const error = systemError(errno, 'netlink', detail) as NetlinkError;
  if (ack?.message) error.extendedMessage = ack.message;
  if (ack?.offset !== undefined) error.extendedOffset = ack.offset;
  if (seq !== undefined) error.seq = seq;
  return error;
}

export function isNetlinkError(error: unknown): error is NetlinkError {
  return error instanceof Error && (error as Partial<NetlinkError>).syscall === 'netlink';
}

