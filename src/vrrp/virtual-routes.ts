// keepalived's virtual_routes lines, read into rtnetlink route specs:
//   [src ADDR] [TYPE] [to] DEST[/LEN] [via|gw ADDR] [dev IF] [scope S] [table T] [metric|priority|preference N] [no_track]
// (keepalived.conf(5): "most of the options match the options of `ip route add`"). What this
// reader does not understand (multipath `or`, realms, ...) is a problem naming the word, so
// `vrrp run` refuses the route at start-up instead of adding a different one.
import { isIP } from 'node:net';
import type { Link } from '../rtnl/links.js';
import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE } from '../rtnl/constants.js';
import { tableByName, ROUTE_TYPES, type RouteSpec, type RouteType } from '../rtnl/routes.js';

const SCOPES: Record<string, number> = { global: RT_SCOPE_UNIVERSE, universe: RT_SCOPE_UNIVERSE, site: RT_SCOPE_SITE, link: RT_SCOPE_LINK, host: RT_SCOPE_HOST, nowhere: RT_SCOPE_NOWHERE };

export type ParsedRoute = { route: RouteSpec } | { problem: string };

function integer(word: string | undefined, max: number): number | undefined {
  if (word === undefined || !/^\d+$/.test(word)) return undefined;
  const value = Number(word);
  return value <= max ? value : undefined;
}

export function parseVirtualRoute(words: string[], links: Link[]): ParsedRoute {
  const spec: Partial<RouteSpec> = {};
  let i = 0;
  const next = (): string | undefined => words[++i];
  for (; i < words.length; i++) {
    const word = words[i] ?? '';
    switch (word) {
      case 'src': {
        const value = next();
        if (!value || !isIP(value)) return { problem: `src needs an address, not ${value ?? 'nothing'}` };
        spec.source = value;
        break;
      }
      case 'to':
        break;
      case 'via':
      case 'gw': {
        const value = next();
        if (!value || !isIP(value)) return { problem: `${word} needs an address, not ${value ?? 'nothing'}` };
        spec.gateway = value;
        break;
      }
      case 'dev': {
        const value = next();
        const link = links.find((l) => l.name === value);
        if (!link) return { problem: `no interface ${value ?? '(none given)'} here` };
        spec.ifindex = link.index;
        break;
      }
      case 'scope': {
        const value = next() ?? '';
        const scope = SCOPES[value] ?? integer(value, 255);
        if (scope === undefined) return { problem: `unknown scope ${value}` };
        spec.scope = scope;
        break;
      }
      case 'table': {
        const value = next() ?? '';
        const table = tableByName(value) ?? integer(value, 0xffffffff);
        if (table === undefined) return { problem: `unknown table ${value}` };
        spec.table = table;
        break;
      }
      case 'metric':
      case 'priority':
      case 'preference': {
        const value = integer(next(), 0xffffffff);
        if (value === undefined) return { problem: `${word} needs a number` };
        spec.metric = value;
        break;
      }
      case 'no_track':
        // keepalived: do not leave MASTER if the route is deleted; vipctl does not track routes.
        break;
      default: {
        if (word in ROUTE_TYPES && spec.destination === undefined) {
          spec.type = word as RouteType;
          break;
        }
        if (spec.destination === undefined) {
          const [address, length] = word === 'default' ? ['0.0.0.0', '0'] : word.split('/');
          const family = isIP(address ?? '');
          if (!address || family === 0) return { problem: `${word} is not a destination (ADDRESS[/LENGTH])` };
          const max = family === 6 ? 128 : 32;
          const prefix = length === undefined ? max : integer(length, max);
          if (prefix === undefined) return { problem: `bad prefix length in ${word}` };
          spec.destination = address;
          spec.prefixLength = prefix;
          spec.family = family === 6 ? 6 : 4;
          break;
        }
        return { problem: `\`${word}\` is not supported by vrrp run in virtual_routes` };
      }
    }
  }
  if (spec.destination === undefined || spec.family === undefined || spec.prefixLength === undefined) return { problem: 'no destination' };
  for (const other of [spec.gateway, spec.source]) {
    if (other && (isIP(other) === 6 ? 6 : 4) !== spec.family) return { problem: `${other} is not of the destination's family` };
  }
  return { route: spec as RouteSpec };
}

export function routeText(route: RouteSpec): string {
  return `${route.type && route.type !== 'unicast' ? `${route.type} ` : ''}${route.destination}/${route.prefixLength}${route.gateway ? ` via ${route.gateway}` : ''}${route.table !== undefined ? ` table ${route.table}` : ''}`;
}
