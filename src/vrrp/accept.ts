// Which received adverts an instance acts on (RFC 5798 section 7.1, RFC 3768 section 7.1,
// and keepalived's checks). Everything else is dropped and counted by reason; the state
// machine never sees it, so hostile or mismatched packets cannot change state.
import { decodeAdvertisement, contextFor, simplePassword, type DecodedAdvertisement } from './packet.js';

export type DropReason = 'ttl' | 'checksum' | 'version' | 'auth' | 'interval' | 'vrid' | 'address-count' | 'malformed' | 'source';

export const DROP_REASONS: DropReason[] = ['ttl', 'checksum', 'version', 'auth', 'interval', 'vrid', 'address-count', 'malformed', 'source'];

export interface AcceptPolicy {
  version: 2 | 3;
  vrid: number;
  /** Our advert interval in centiseconds (v2 adverts must match it). */
  intervalCs: number;
  /** v2 simple-text password (first 8 characters), or undefined for no authentication. */
  password?: string;
  /**
   * v2 auth type AH: adverts carry auth type 2 (their AH was checked before, see ah.ts, as
   * keepalived checks it before the interval, the address count and the checksum).
   */
  ah?: boolean;
  /** How many addresses we advertise: a different count is logged by keepalived but accepted. */
  addressCount: number;
  /**
   * The instance talks to unicast_peer addresses. keepalived then skips the TTL / hop-limit
   * check (its min_ttl/max_ttl window defaults to 0..255): unicast adverts may cross routers,
   * and keepalived 2.2.7 itself sends IPv6 unicast adverts with the default hop limit (64).
   */
  unicast?: boolean;
  /**
   * check_unicast_src: the only sources a unicast instance takes adverts from (its
   * unicast_peer addresses, in canonical text). Without it keepalived takes them from anyone.
   */
  allowedSources?: string[];
  /**
   * unicast_peer ... min_ttl / max_ttl: the TTL (hop limit) window, inclusive, of the adverts
   * of each peer that has one (canonical address text -> window). keepalived 2.2.7 (measured)
   * drops a peer's advert outside it ("TTL/HL 200 not in range 201 - 255"); a peer without a
   * window takes any TTL.
   */
  peerTtl?: ReadonlyMap<string, { min: number; max: number }>;
}

export type Verdict =
  | { accept: true; decoded: DecodedAdvertisement; addressCountDiffers: boolean }
  | { accept: false; reason: DropReason; detail: string };

export function judgeAdvert(
  message: Buffer,
  packet: { source: string; destination: string; ttl: number | undefined },
  policy: AcceptPolicy,
): Verdict {
  const decoded = decodeAdvertisement(message, contextFor(packet.source, packet.destination, packet.ttl === undefined ? {} : { ttl: packet.ttl }));
  const { advert, problems } = decoded;
  if (problems.includes('truncated') || problems.includes('bad-type')) return { accept: false, reason: 'malformed', detail: problems.join(', ') };
  if (advert.vrid !== policy.vrid) return { accept: false, reason: 'vrid', detail: `VRID ${advert.vrid}` };
  if (policy.allowedSources && !policy.allowedSources.includes(packet.source)) {
    return { accept: false, reason: 'source', detail: `unicast source address ${packet.source} is not a unicast peer` };
  }
  if (!policy.unicast && packet.ttl !== 255) return { accept: false, reason: 'ttl', detail: `TTL ${packet.ttl ?? 'unknown'}` };
  const window = policy.peerTtl?.get(packet.source);
  if (window && packet.ttl !== undefined && (packet.ttl < window.min || packet.ttl > window.max)) {
    return { accept: false, reason: 'ttl', detail: `TTL ${packet.ttl} not in range ${window.min} - ${window.max} (unicast_peer ${packet.source})` };
  }
  if (advert.version !== policy.version) return { accept: false, reason: 'version', detail: `version ${advert.version}, ours ${policy.version}` };
  if (problems.includes('bad-checksum') || !decoded.checksum.valid) return { accept: false, reason: 'checksum', detail: 'bad checksum' };
  if (problems.includes('count-mismatch')) return { accept: false, reason: 'address-count', detail: 'address count does not match the packet' };
  if (policy.version === 2) {
    const expectedType = policy.ah === true ? 2 : policy.password === undefined ? 0 : 1;
    if (advert.authType !== expectedType) return { accept: false, reason: 'auth', detail: `auth type ${advert.authType}, ours ${expectedType}` };
    if (policy.password !== undefined && simplePassword(advert.authData) !== policy.password.slice(0, 8)) {
      return { accept: false, reason: 'auth', detail: 'wrong password' };
    }
    if (advert.interval !== policy.intervalCs) {
      return { accept: false, reason: 'interval', detail: `interval ${advert.interval / 100} s, ours ${policy.intervalCs / 100} s` };
    }
  }
  if (problems.includes('zero-interval')) return { accept: false, reason: 'interval', detail: 'interval 0' };
  return { accept: true, decoded, addressCountDiffers: advert.count !== policy.addressCount };
}
