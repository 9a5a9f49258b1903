// rtnetlink constants (linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h).
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;

export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_LINK = 5;
export const IFLA_OPERSTATE = 16;

export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_BROADCAST = 4;
export const IFA_FLAGS = 8;

/** ifi_flags (linux/if.h) */
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_PROMISC = 0x100;
export const IFF_RUNNING = 0x40;
export const IFF_MULTICAST = 0x1000;
export const IFF_LOWER_UP = 0x10000;

/** Multicast groups (enum rtnetlink_groups) */
export const RTNLGRP_LINK = 1;
export const RTNLGRP_IPV4_IFADDR = 5;
export const RTNLGRP_IPV6_IFADDR = 9;

/** IF_OPER_* (RFC 2863 operational states) */
export const OPERSTATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const;

export const IFA_PROTO = 11;
/** ifa_flags */
export const IFA_F_NODAD = 0x02;
export const IFA_F_PERMANENT = 0x80;
/** Scopes (rtm_scope / ifa_scope) */
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_SITE = 200;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RT_SCOPE_NOWHERE = 255;

/**
 * The address protocol (IFA_PROTO, Linux 6.1+) vipctl puts on every VIP it adds, so a later
 * run can find and remove VIPs a killed run left behind without touching anyone else's.
 * Values 0-3 are the kernel's; this one is ours ('v').
 */
export const VIPCTL_ADDRESS_PROTO = 0x76;
