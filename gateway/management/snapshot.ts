// What management shows (qdrouterd.md §2.8, qdstat -g / -c / -l / --linkroutes), as plain JSON
// values taken from the live gateway at one instant. The shapes are documented in gateway/README.md
// ("Management"); the web console and `fogbridge stat` read them.
import type { DeviceConnection } from '../router/downstream.js';
import type { GatewayPlan } from '../router/options.js';
import type { Connector } from '../router/pool.js';
import { receiverCredit, senderCredit } from '../router/rhea-internals.js';
import type { DeliveryCounts, GatewayStats } from '../router/stats.js';

/** The parts of a running gateway management reads. */
export interface GatewayView {
  plan: GatewayPlan;
  stats: GatewayStats;
  connections: ReadonlySet<DeviceConnection>;
  connectors: ReadonlyMap<string, Connector>;
  now(): number;
  version: string;
}

export interface GeneralStat {
  routerId: string;
  version: string;
  mode: 'standalone';
  uptimeSeconds: number;
  connections: number;
  deviceConnections: number;
  upstreamConnections: number;
  links: number;
  linkRoutes: number;
  activeLinkRoutes: number;
  connectionsOpened: number;
  connectionsClosed: number;
  connectionsRefused: number;
  linksAttached: number;
  linksDetached: number;
  linksRefused: Record<string, number>;
  deliveries: DeliveryCounts;
  putTokens: Record<string, number>;
  upstreamConnects: number;
  upstreamLosses: number;
}

export interface ConnectionStat {
  id: string;
  /** Remote address (`127.0.0.1:51234`), the serial device, or the hub's host:port. */
  host: string;
  container: string;
  role: 'normal' | 'route-container';
  dir: 'in' | 'out';
  /** The listener, serialListener or connector name. */
  via: string;
  tls: string | null;
  /** Device ids with a hub-accepted, unexpired token on this connection (policy audiences as written). */
  devices: string[];
  serialPort: string | null;
  links: number;
  uptimeSeconds: number;
}

export interface LinkStat extends DeliveryCounts {
  connection: string;
  deviceLink: string;
  upstreamConnection: string | null;
  upstreamLink: string;
  address: string;
  forwardedAddress: string;
  /** `in`: device sender -> hub; `out`: hub -> device receiver (qdrouterd's link-in / link-out). */
  direction: 'in' | 'out';
  connector: string;
  /** Credit the device's side of the link holds (mirrored from the hub, qdrouterd.md §2.3). */
  credit: number;
  unsettled: number;
}

export interface LinkRouteStat {
  name: string;
  prefix: string | null;
  pattern: string;
  direction: 'in' | 'out';
  connection: string | null;
  containerId: string | null;
  /** `active` while the route's connector has an open connection (qdrouterd.md §1.2 operStatus). */
  status: 'active' | 'inactive';
}

const seconds = (fromMs: number, nowMs: number) => Math.max(0, Math.floor((nowMs - fromMs) / 1000));
const record = <K>(m: ReadonlyMap<K, number>) => Object.fromEntries([...m].map(([k, v]) => [String(k), v]));

export function connectionStats(g: GatewayView): ConnectionStat[] {
  const now = g.now();
  const devices = [...g.connections].map((d): ConnectionStat => ({
    id: d.id, host: d.stream.serialPort ?? d.label.split(' ').at(-1)!, container: d.containerId, role: 'normal', dir: 'in', via: d.label.split(' ')[0]!,
    tls: d.stream.tls ?? null, devices: d.deviceIds(), serialPort: d.stream.serialPort ?? null, links: d.links.size, uptimeSeconds: seconds(d.openedAt, now),
  }));
  const upstream = [...g.connectors.values()].flatMap((c) => c.upstreams.map(({ upstream: u, devices: n }): ConnectionStat => ({
    id: u.id, host: `${c.plan.host}:${c.plan.port}`, container: u.peerContainerId, role: 'route-container', dir: 'out', via: c.plan.name,
    tls: u.tls ?? null, devices: [], serialPort: null, links: n, uptimeSeconds: seconds(u.openedAt ?? now, now),
  })));
  return [...devices, ...upstream];
}

export function linkStats(g: GatewayView): LinkStat[] {
  const upstreamIds = new Map([...g.connectors.values()].flatMap((c) => c.upstreams.map(({ upstream: u }) => [u.connection, u.id] as const)));
  return [...g.connections].flatMap((d) => [...d.links].filter((l) => l.isOpen).map((l): LinkStat => ({
    connection: d.id, deviceLink: l.down.name, upstreamConnection: upstreamIds.get(l.up.connection) ?? null, upstreamLink: l.up.name,
    address: l.address, forwardedAddress: l.spec.forwardedAddress, direction: l.spec.direction, connector: l.spec.connector,
    credit: l.spec.direction === 'in' ? receiverCredit(l.down as never) : senderCredit(l.down as never), unsettled: l.unsettled,
    delivered: 0, accepted: 0, rejected: 0, released: 0, modified: 0, aborted: 0, ...l.counts,
  })));
}

export function linkRouteStats(g: GatewayView): LinkRouteStat[] {
  return g.plan.routes.map((r) => ({
    name: r.name, prefix: r.prefix ?? null, pattern: r.matchPattern, direction: r.direction, connection: r.connection ?? null, containerId: r.containerId ?? null,
    status: r.connection !== undefined && g.connectors.get(r.connection)?.isUp ? 'active' : 'inactive',
  }));
}

export function generalStat(g: GatewayView): GeneralStat {
  const conns = connectionStats(g);
  const routes = linkRouteStats(g);
  const s = g.stats;
  return {
    routerId: g.plan.routerId, version: g.version, mode: 'standalone', uptimeSeconds: seconds(s.startedAt, g.now()),
    connections: conns.length, deviceConnections: conns.filter((c) => c.dir === 'in').length, upstreamConnections: conns.filter((c) => c.dir === 'out').length,
    links: linkStats(g).length, linkRoutes: routes.length, activeLinkRoutes: routes.filter((r) => r.status === 'active').length,
    connectionsOpened: s.connectionsOpened, connectionsClosed: s.connectionsClosed, connectionsRefused: s.connectionsRefused,
    linksAttached: s.linksAttached, linksDetached: s.linksDetached, linksRefused: record(s.linksRefused), deliveries: { ...s.deliveries },
    putTokens: record(s.putTokens), upstreamConnects: s.upstreamConnects, upstreamLosses: s.upstreamLosses,
  };
}
