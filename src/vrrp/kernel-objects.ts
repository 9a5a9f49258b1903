// What an instance puts in the kernel on MASTER besides its VIPs (virtual_routes and
// virtual_rules), as one kind of thing for the engine: the encoded request that adds it and
// the one that removes it, the errors that mean "already there" / "already gone", and a key
// that tells whether a reload changed it. Encoded once when the instance is set up.
import { encodeRouteRequest, RTM_DELROUTE, RTM_NEWROUTE, type RouteSpec } from '../rtnl/routes.js';
import { encodeRuleRequest, RTM_DELRULE, RTM_NEWRULE, type RuleSpec } from '../rtnl/rules.js';
import { routeText } from './virtual-routes.js';
import { ruleText } from './virtual-rules.js';

export interface KernelObject {
  /** For logs: `route 10.0.0.0/16 via 192.0.2.2`, `rule 100: from 10.0.0.0/8 lookup 100`. */
  what: string;
  addType: number;
  removeType: number;
  /** The body of both requests (the kernel finds what to remove by the same description). */
  payload: Buffer;
  /** errno code of an add that found it there already. */
  exists: string;
  /** errno code of a remove that found it gone. */
  gone: string;
  /** Equal keys: the same object (the request bytes are canonical). */
  key: string;
}

export function routeObject(route: RouteSpec): KernelObject {
  const payload = encodeRouteRequest(route);
  return { what: `route ${routeText(route)}`, addType: RTM_NEWROUTE, removeType: RTM_DELROUTE, payload, exists: 'EEXIST', gone: 'ESRCH', key: `route:${payload.toString('hex')}` };
}

export function ruleObject(rule: RuleSpec): KernelObject {
  const payload = encodeRuleRequest(rule);
  return { what: `rule ${ruleText(rule)}`, addType: RTM_NEWRULE, removeType: RTM_DELRULE, payload, exists: 'EEXIST', gone: 'ENOENT', key: `rule:${payload.toString('hex')}` };
}

/** In the order they are added (routes, then rules, as keepalived does); removed in reverse. */
export function kernelObjects(routes: readonly RouteSpec[], rules: readonly RuleSpec[]): KernelObject[] {
  return [...routes.map(routeObject), ...rules.map(ruleObject)];
}
