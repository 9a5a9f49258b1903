// Routes over rtnetlink (struct rtmsg and its attributes), for keepalived's virtual_routes: added
// when an instance becomes MASTER and removed when it leaves. Every route vipctl adds carries
// the route protocol VIPCTL_ROUTE_PROTO, so routes a killed run left behind can be found and
// removed without touching anyone else's (as the address protocol does for VIPs).
import { isIPv6 } from 'node:net';
import { readU32Host } from '../native/bytes.js';
import { ipToBytes } from '../native/ip.js';
import { AF_INET, AF_INET6 } from '../native/sockaddr.js';
import { AttributeDecoder, AttributeWriter } from '../netlink/attributes.js';
import { addressText } from './addresses.js';
import type { NetlinkConnection } from '../netlink/connection.js';
import type { NetlinkMessage } from '../netlink/header.js';
import { RT_SCOPE_LINK, RT_SCOPE_UNIVERSE } from './constants.js';

export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;

const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PRIORITY = 6;
const RTA_PREFSRC = 7;
const RTA_TABLE = 15;

export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;
export const RT_TABLE_DEFAULT = 253;
/** The table names ip(8) knows without /etc/iproute2/rt_tables. */
const ROUTE_TABLE_NAMES: Readonly<Record<string, number>> = { main: RT_TABLE_MAIN, local: RT_TABLE_LOCAL, default: RT_TABLE_DEFAULT };

/** A table's number by its name (main, local, default); undefined for any other word, "constructor" too. */
export function tableByName(name: string): number | undefined {
  return Object.hasOwn(ROUTE_TABLE_NAMES, name) ? ROUTE_TABLE_NAMES[name] : undefined;
}

/** Route types (RTN_*) that a virtual_routes line can name. */
export const ROUTE_TYPES = { unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9, nat: 10 } as const;
export type RouteType = keyof typeof ROUTE_TYPES;

/** rtm_protocol of vipctl's routes ('v', as for addresses; the kernel's own values are 0-4). */
export const VIPCTL_ROUTE_PROTO = 0x76;

export interface RouteSpec {
  family: 4 | 6;
  destination: string;
  prefixLength: number;
  gateway?: string;
  ifindex?: number;
  /** Preferred source address (`src`). */
  source?: string;
  table?: number;
  metric?: number;
  scope?: number;
  type?: RouteType;
  protocol?: number;
}

const RTMSG_LENGTH = 12;

/** The RTM_NEWROUTE / RTM_DELROUTE body for a route. */
export function encodeRouteRequest(spec: RouteSpec): Buffer {
  const table = spec.table ?? RT_TABLE_MAIN;
  const type = ROUTE_TYPES[spec.type ?? 'unicast'];
  // Like `ip route`: a route with neither gateway nor special type reaches its prefix directly.
  const scope = spec.scope ?? (type === ROUTE_TYPES.unicast && !spec.gateway && spec.ifindex !== undefined ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  const header = Buffer.alloc(RTMSG_LENGTH);
  header.writeUInt8(spec.family === 6 ? AF_INET6 : AF_INET, 0);
  header.writeUInt8(spec.prefixLength, 1);
  header.writeUInt8(0, 2); // rtm_src_len
  header.writeUInt8(0, 3); // rtm_tos
  header.writeUInt8(table < 256 ? table : 0, 4); // larger tables go in RTA_TABLE only
  header.writeUInt8(spec.protocol ?? VIPCTL_ROUTE_PROTO, 5);
  header.writeUInt8(scope, 6);
  header.writeUInt8(type, 7);
  // rtm_flags (u32) stays 0.
  const writer = new AttributeWriter(96).header(header);
  if (spec.prefixLength > 0) writer.bytes(RTA_DST, ipToBytes(spec.destination));
  if (spec.gateway) writer.bytes(RTA_GATEWAY, ipToBytes(spec.gateway));
  if (spec.ifindex !== undefined) writer.u32(RTA_OIF, spec.ifindex);
  if (spec.source) writer.bytes(RTA_PREFSRC, ipToBytes(spec.source));
  if (spec.metric !== undefined) writer.u32(RTA_PRIORITY, spec.metric);
  writer.u32(RTA_TABLE, table);
  return writer.toBuffer();
}

export interface Route extends RouteSpec {
  protocol: number;
}

export function decodeRoute(message: NetlinkMessage): Route | undefined {
  const payload = message.payload;
  if (payload.length < RTMSG_LENGTH) return undefined;
  const family = payload.readUInt8(0);
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  const attributes = new AttributeDecoder(payload.subarray(RTMSG_LENGTH), 'route');
  const typeNumber = payload.readUInt8(7);
  const type = (Object.entries(ROUTE_TYPES).find(([, n]) => n === typeNumber)?.[0] ?? 'unicast') as RouteType;
  const route: Route = {
    family: family === AF_INET ? 4 : 6,
    destination: addressText(family, attributes.raw(RTA_DST)) ?? (family === AF_INET ? '0.0.0.0' : '::'),
    prefixLength: payload.readUInt8(1),
    table: attributes.u32(RTA_TABLE) ?? payload.readUInt8(4),
    protocol: payload.readUInt8(5),
    scope: payload.readUInt8(6),
    type,
  };
  const gateway = addressText(family, attributes.raw(RTA_GATEWAY));
  if (gateway) route.gateway = gateway;
  const oif = attributes.raw(RTA_OIF);
  if (oif && oif.length >= 4) route.ifindex = readU32Host(oif, 0);
  const source = addressText(family, attributes.raw(RTA_PREFSRC));
  if (source) route.source = source;
  const metric = attributes.u32(RTA_PRIORITY);
  if (metric !== undefined) route.metric = metric;
  return route;
}

/** Every route of every table (both families). */
export async function listRoutes(connection: NetlinkConnection): Promise<Route[]> {
  const header = Buffer.alloc(RTMSG_LENGTH);
  const replies = await connection.dump(RTM_GETROUTE, new AttributeWriter(16).header(header).toBuffer());
  return replies
    .filter((m) => m.header.type === RTM_NEWROUTE)
    .map(decodeRoute)
    .filter((r): r is Route => r !== undefined);
}

/** Removes a route; ESRCH if it is not there. */
export async function deleteRoute(connection: NetlinkConnection, spec: RouteSpec): Promise<void> {
  await connection.request({ type: RTM_DELROUTE, payload: encodeRouteRequest(spec) });
}

export function routeFamily(address: string): 4 | 6 {
  return isIPv6(address) ? 6 : 4;
}
