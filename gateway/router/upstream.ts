// One upstream AMQP connection to the hub (DESIGN decision 3, qdrouterd.md §7.4): TLS with SNI =
// connector host and hostname verification (Node's checkServerIdentity checks an IP host against
// IP SANs, which Proton 0.37 gets wrong, qdrouterd.md §8), CA from the plan or Node's default
// roots, SASL ANONYMOUS, no rhea reconnect (the pool reconnects, so that routed links are detached
// with qd:routed-link-lost instead of silently re-attached, qdrouterd.md §2.5), its own $cbs pair.
import { isIP } from 'node:net';
import type { Connection, Container, Session } from 'rhea';
import { UpstreamCbs } from '../cbs/upstream-cbs.js';
import type { ConnectorPlan, RouterDeps } from './options.js';
import { connectionSocket, destroySocket, peerContainerId } from './rhea-internals.js';
import { tlsOf, type GatewayStats } from './stats.js';
import { connectionTrace, tapStream } from './trace/frame-trace.js';
import { batchSocketWrites } from './write-batch.js';

export class UpstreamConnection {
  readonly connection: Connection;
  readonly cbs: UpstreamCbs;
  private opened = false;
  private ended = false;
  /** qdrouterd's connection id (`C4`), shared with device connections. */
  readonly id: string;
  openedAt: number | undefined;

  constructor(
    readonly plan: ConnectorPlan,
    container: Container,
    routerId: string,
    deps: RouterDeps,
    stats: GatewayStats,
    events: { open(u: UpstreamConnection): void; lost(u: UpstreamConnection, error: unknown): void },
  ) {
    this.id = `C${stats.nextConnectionId()}`;
    const tlsOptions = plan.tls
      ? {
          transport: 'tls' as const,
          // SNI must not be an IP address (RFC 6066 §3); verification still uses `host`.
          servername: isIP(plan.tls.servername) ? '' : plan.tls.servername,
          ...(plan.tls.ca ? { ca: plan.tls.ca } : {}),
          ...(plan.tls.cert && plan.tls.key ? { cert: plan.tls.cert, key: plan.tls.key, passphrase: plan.tls.passphrase } : {}),
          ...(plan.tls.protocols.length ? { minVersion: plan.tls.protocols[0], maxVersion: plan.tls.protocols.at(-1) } : {}),
          ...(plan.tls.ciphers ? { ciphers: plan.tls.ciphers } : {}),
          ...(plan.tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
          rejectUnauthorized: true,
        }
      : {};
    this.connection = container.connect({
      host: plan.host,
      hostname: plan.host,
      port: plan.port,
      ...tlsOptions,
      // SASL ANONYMOUS, as IoT Hub's CBS requires (qdrouterd.md §1.2 connector saslMechanisms).
      ...(plan.saslMechanisms.length === 0 || plan.saslMechanisms.includes('ANONYMOUS') ? { username: 'anonymous' } : {}),
      container_id: routerId,
      reconnect: false,
      tcp_no_delay: true,
      max_frame_size: plan.maxFrameSize,
      idle_time_out: plan.idleTimeoutSeconds > 0 ? (plan.idleTimeoutSeconds * 1000) / 2 : undefined,
      properties: { product: 'fogbridge-gateway' },
    } as Parameters<Container['connect']>[0]);
    const socket = connectionSocket(this.connection);
    if (deps.trace && socket) tapStream(socket, connectionTrace(deps.trace, this.id));
    if (socket) batchSocketWrites(socket);
    this.cbs = new UpstreamCbs(this.connection, deps.clock, deps.cbsTimeoutMs);
    this.connection.on('connection_open', () => {
      this.opened = true;
      this.openedAt = deps.clock.now();
      events.open(this);
    });
    const end = (error: unknown): void => {
      if (this.ended) return;
      this.ended = true;
      this.opened = false;
      this.cbs.fail();
      events.lost(this, error);
    };
    this.connection.on('disconnected', (context) => end(context.error ?? 'disconnected'));
    this.connection.on('connection_close', (context) => {
      end(context.connection.error ?? 'closed by the hub');
      context.connection.close();
    });
    this.connection.on('connection_error', () => undefined);
    this.connection.on('protocol_error', (e: unknown) => end(e));
    this.connection.on('error', (e: unknown) => end(e));
  }

  /** The hub's container-id from its Open. */
  get peerContainerId(): string {
    return peerContainerId(this.connection);
  }

  /** TLS protocol and cipher of the open connection, or undefined for plain AMQP. */
  get tls(): string | undefined {
    return tlsOf(connectionSocket(this.connection));
  }

  get isOpen(): boolean {
    return this.opened && !this.ended;
  }

  /** One upstream session per downstream connection (DESIGN decision 3). */
  openSession(): Session {
    const session = this.connection.create_session();
    session.begin();
    return session;
  }

  close(): void {
    this.ended = true;
    this.connection.close();
    destroySocket(this.connection);
  }
}
