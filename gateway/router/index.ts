// startGateway: the link-routing engine from a GatewayPlan (gateway/config/to-options.ts). Typed
// options, injected clock; reads no argv, env or file (gateway/cli.ts does). Starts the
// connectors (they keep reconnecting), binds the listeners, and serves any Duplex handed to
// acceptStream() (serial link, in-memory tests) on the same AMQP path.
import type { Duplex } from 'node:stream';
import rhea from 'rhea';
import { buildRouteTable } from '../routes/table.js';
import { acceptStream, type AcceptContext, type StreamLimits } from './accept.js';
import type { DeviceConnection } from './downstream.js';
import { listen, type BoundListener } from './listeners.js';
import { defaultDeps, type GatewayPlan, type RouterDeps } from './options.js';
import { Connector } from './pool.js';
import { destroySocket } from './rhea-internals.js';
import { SerialListener } from './serial-listener.js';
import { GatewayStats } from './stats.js';
import { startManagement, type ManagementServer } from '../management/http.js';
import type { GatewayView } from '../management/snapshot.js';

export interface Gateway {
  readonly listeners: readonly BoundListener[];
  readonly connectors: ReadonlyMap<string, Connector>;
  /** Live device connections. */
  readonly connections: ReadonlySet<DeviceConnection>;
  readonly serialListeners: readonly SerialListener[];
  /** The HTTP management endpoint, when the plan has one (gateway/management/). */
  readonly management: ManagementServer | undefined;
  /** What management reads (stat JSON, metrics). */
  readonly view: GatewayView;
  /** Serve a device connection carried by any byte stream; `serialPort` names the port a serial link came on (stat -c). */
  acceptStream(stream: Duplex, label: string, limits?: Partial<StreamLimits>, serialPort?: string): DeviceConnection;
  /** Resolves once every connector has an open upstream connection (or the timeout passes: false). */
  upstreamReady(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/** ROUTER logs each link route's operStatus change as its connector comes up or goes down (qdrouterd.md §1.2 linkRoute). */
function watchRoutes(c: Connector, plan: GatewayPlan, d: RouterDeps, up = true): void {
  void c.until(up).then(() => {
    for (const r of plan.routes.filter((x) => x.connection === c.plan.name)) {
      d.log('ROUTER', 'info', `Link route ${up ? 'activated' : 'deactivated'}: ${r.name} ${r.prefix !== undefined ? `prefix ${r.prefix}` : `pattern ${r.matchPattern}`} dir=${r.direction} connection=${c.plan.name}`);
    }
    watchRoutes(c, plan, d, !up);
  });
}

/** qdrouterd 1.x listener defaults (qdrouterd.md §1.2) for streams that come without a listener. */
const STREAM_DEFAULTS: StreamLimits = { idleTimeoutSeconds: 16, initialHandshakeTimeoutSeconds: 0, maxFrameSize: 16384, maxSessions: 32768 };

export async function startGateway(plan: GatewayPlan, deps: Partial<RouterDeps> = {}): Promise<Gateway> {
  const d: RouterDeps = { ...defaultDeps, ...deps };
  const container = rhea.create_container({ id: plan.routerId });
  container.on('error', (e: unknown) => d.log('SERVER', 'error', `unhandled AMQP error: ${String((e as Error)?.message ?? e)}`));
  const stats = new GatewayStats(d.clock.now());
  const connectors = new Map(plan.connectors.map((c) => [c.name, new Connector(c, container, plan.routerId, d, stats)]));
  const live = new Set<DeviceConnection>();
  const ctx: AcceptContext = { routes: buildRouteTable(plan.routes), connectors, deps: d, stats, container, routerId: plan.routerId, maxConnections: plan.limits.maxConnections, live };
  const view: GatewayView = { plan, stats, connections: live, connectors, now: () => d.clock.now(), version: d.version };
  for (const c of connectors.values()) {
    watchRoutes(c, plan, d);
    c.start();
  }

  const listeners: BoundListener[] = [];
  let management: ManagementServer | undefined;
  try {
    for (const l of plan.listeners) listeners.push(await listen(l, (stream, label) => acceptStream(stream, label, l, ctx)));
    if (plan.management) management = await startManagement(view, plan.management);
  } catch (e) {
    for (const l of listeners) void l.close();
    for (const c of connectors.values()) c.close();
    throw e;
  }
  for (const l of listeners) d.log('SERVER', 'info', `listening on ${l.host}:${l.port} (${l.name}${l.tls ? ', TLS' : ''})`);
  if (management) d.log('HTTP', 'info', `management on http://${management.host}:${management.port} (/stat/general, /stat/connections, /stat/links, /stat/linkroutes, /metrics)`);
  const serialListeners = plan.serialListeners.map((s) => new SerialListener(s, d, (stream, label) => acceptStream(stream, label, STREAM_DEFAULTS, ctx, s.device)));
  for (const s of serialListeners) s.start();

  return {
    listeners,
    connectors,
    connections: live,
    serialListeners,
    management,
    view,
    acceptStream: (stream, label, limits, serialPort) => acceptStream(stream, label, { ...STREAM_DEFAULTS, ...limits }, ctx, serialPort),
    upstreamReady: (timeoutMs = 10_000) => new Promise((resolve) => {
      const timer = d.clock.setTimeout(() => resolve(false), timeoutMs);
      void Promise.all([...connectors.values()].map((c) => c.until(true))).then(() => {
        d.clock.clearTimeout(timer);
        resolve(true);
      });
    }),
    async close() {
      for (const s of serialListeners) s.close();
      for (const device of [...live]) {
        device.end();
        device.connection.close({ condition: 'amqp:connection:forced', description: 'the gateway is shutting down' });
        destroySocket(device.connection);
      }
      for (const c of connectors.values()) c.close();
      await Promise.all([...listeners.map((l) => l.close()), management?.close()]);
    },
  };
}
