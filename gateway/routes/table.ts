// The link-route table: which connector a device's attach goes to, and with what address
// (reference/qdrouterd.md §2.1, §1.2 linkRoute). Pure: no rhea, no I/O.
//
// Direction, from the router's side as in qdrouterd (§1.2 linkRoute.direction):
//   `in`  — the router receives messages from the device: the device attached a *sender*; the
//           address looked up is the attach's target (e.g. devices/<id>/messages/events).
//   `out` — the router sends messages to the device: the device attached a *receiver*; the
//           address looked up is the attach's source (e.g. devices/<id>/messages/devicebound).
import { RoutePatternError, addressTokens, externalAddress, internalAddress, patternTokens, prefixTokens } from './address.js';
import { ParseTree } from './parse-tree.js';

export type RouteDirection = 'in' | 'out';
/** The role of the link the *device* attached. */
export type DeviceLinkRole = 'sender' | 'receiver';

export interface LinkRouteSpec {
  name: string;
  /** Exactly one of prefix and pattern. */
  prefix?: string | undefined;
  pattern?: string | undefined;
  direction: RouteDirection;
  /** Exactly one of connection (a connector name) and containerId. */
  connection?: string | undefined;
  containerId?: string | undefined;
  addExternalPrefix?: string | undefined;
  delExternalPrefix?: string | undefined;
}

export interface Route extends LinkRouteSpec {
  /** The pattern actually matched, canonical: `$cbs/` → `$cbs/#`, `#.*` → `*.#` written with `/`. */
  matchPattern: string;
}

export interface RouteMatch {
  /** The connector whose connection carries the link (undefined for a containerId route). */
  connection: string | undefined;
  containerId: string | undefined;
  /** The device's address as written, changed only by del/addExternalPrefix. */
  forwardedAddress: string;
  route: Route;
}

export interface RouteTable {
  readonly routes: readonly Route[];
  /** The route for an attach, looking up the target of a sender or the source of a receiver. */
  match(address: string, role: DeviceLinkRole): RouteMatch | undefined;
  /** The hub's reply-attach address turned back into the device's view (external prefixes undone). */
  deviceAddress(route: Route, upstreamAddress: string): string;
}

/** Two routes with the same direction and the same canonical pattern: which one wins would be arbitrary. */
export class DuplicateRouteError extends Error {
  readonly code = 'duplicate-route';
  constructor(
    readonly route: Route,
    readonly existing: Route,
  ) {
    super(`linkRoute '${route.name}' repeats the pattern '${route.matchPattern}' (direction ${route.direction}) of linkRoute '${existing.name}'`);
    this.name = 'DuplicateRouteError';
  }
}

export const directionOf = (role: DeviceLinkRole): RouteDirection => (role === 'sender' ? 'in' : 'out');

/** The canonical token list a route matches by; throws RoutePatternError. */
export function routeTokens(spec: Pick<LinkRouteSpec, 'prefix' | 'pattern'>): string[] {
  if ((spec.prefix === undefined) === (spec.pattern === undefined)) {
    throw new RoutePatternError('a linkRoute needs exactly one of prefix and pattern');
  }
  return spec.prefix !== undefined ? prefixTokens(spec.prefix) : patternTokens(spec.pattern!);
}

export function buildRouteTable(specs: readonly LinkRouteSpec[]): RouteTable {
  const trees: Record<RouteDirection, ParseTree<Route>> = { in: new ParseTree(), out: new ParseTree() };
  const routes = specs.map((spec) => {
    const tokens = routeTokens(spec);
    const route: Route = { ...spec, matchPattern: tokens.join('/') };
    const existing = trees[spec.direction].add(tokens, route);
    if (existing) throw new DuplicateRouteError(route, existing);
    return route;
  });
  return {
    routes,
    match(address, role) {
      const route = trees[directionOf(role)].match(addressTokens(address));
      if (!route) return undefined;
      return {
        connection: route.connection,
        containerId: route.containerId,
        forwardedAddress: externalAddress(address, route.addExternalPrefix, route.delExternalPrefix),
        route,
      };
    },
    deviceAddress: (route, upstreamAddress) => internalAddress(upstreamAddress, route.addExternalPrefix, route.delExternalPrefix),
  };
}
