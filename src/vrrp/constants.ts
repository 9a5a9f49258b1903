// VRRP numbers from RFC 3768 (v2) and RFC 5798 (v3), and the IP protocol numbers around them.

export const IPPROTO_VRRP = 112;
/** IP Authentication Header (RFC 4302): VRRPv2 auth type 2 wraps the message in it. */
export const IPPROTO_AH = 51;

export const VRRP_TYPE_ADVERTISEMENT = 1;

export const VRRP_AUTH_NONE = 0;
export const VRRP_AUTH_SIMPLE = 1;
export const VRRP_AUTH_AH = 2;

/** Priority 0: the master is leaving; backups take over after Skew_Time. */
export const PRIORITY_LEAVING = 0;
/** Priority 255: the router owns the virtual addresses and takes over at once. */
export const PRIORITY_OWNER = 255;

/** The TTL / hop limit every advert must carry; receivers drop anything else. */
export const VRRP_TTL = 255;

export const VRRP_GROUP_IPV4 = '224.0.0.18';
export const VRRP_GROUP_IPV6 = 'ff02::12';

/** v2: 8-byte header + addresses + 8 bytes of authentication data. */
export const V2_HEADER_LENGTH = 8;
export const V2_AUTH_LENGTH = 8;
/** v3: 8-byte header + addresses. */
export const V3_HEADER_LENGTH = 8;
/** v3's interval field is 12 bits of centiseconds. */
export const V3_MAX_INTERVAL = 0xfff;

/** Virtual MAC prefixes (RFC 5798 7.3): 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6. */
export const VMAC_PREFIX_IPV4 = [0x00, 0x00, 0x5e, 0x00, 0x01] as const;
export const VMAC_PREFIX_IPV6 = [0x00, 0x00, 0x5e, 0x00, 0x02] as const;

export const AUTH_TYPE_NAMES: Record<number, string> = { 0: 'none', 1: 'simple', 2: 'ah' };
