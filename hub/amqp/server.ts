// The hub's AMQP listener: one rhea container, TLS (issue 3 item 3; reference/iot-hub-amqp.md
// §1.7, reference/node-stack-notes.md "Server side").
// - SASL: rhea's default server transport is "Selective": it accepts clients that skip SASL (the
//   IoT device and service SDKs send AMQP protocol id 0 straight after TLS) and SASL ANONYMOUS
//   (@azure/event-hubs) on the same port. Identity comes from CBS, never from SASL.
// - Heartbeats: rhea sends empty frames at half the peer's idle-time-out (Event Hubs: 60 s,
//   §1.6); the hub advertises its own so that silent peers are dropped after twice that.
// - tcp_no_delay: at-least-once traffic waits on every disposition (node-stack-notes numbers).
// - Server-created receivers get no credit and no auto-accept (link-handler.ts contract).
import rhea, { type Connection, type EventContext, type Receiver, type Sender } from 'rhea';
import type { AddressInfo, Server, Socket } from 'node:net';
import { HubConnection, type ConnectionLimits } from './hub-connection.js';
import { HubError } from '../errors.js';
import { toAmqpError } from './conditions.js';
import { guardFrames } from './frame-guard.js';
import { hardenRheaDecoder, installDecodeGuard, sanitizeRemoteOpen, scopeDecodeGuard } from './rhea-hardening.js';
import { releaseTimersOnSocketClose } from './rhea-timers.js';
import { dispatchAttach, type RouteTable } from './routes.js';

export interface AmqpServerOptions {
  port: number;
  /** Also plain AMQP (no TLS) on this port, for Event Hubs `UseDevelopmentEmulator=true` clients. */
  plainPort?: number;
  /** Interface to bind; undefined = all. */
  listenHost?: string;
  key: string;
  cert: string;
  containerId: string;
  routes: RouteTable;
  now(): number;
  /** Advertised idle-time-out (ms): real IoT Hub advertises 240 s. */
  idleTimeoutMs: number;
  /** Largest frame a peer may send (advertised in open, enforced by frame-guard.ts). */
  maxFrameSize: number;
  /** Largest delivery (all its frames) a peer may send; beyond it the connection is dropped. */
  maxDeliveryBytes: number;
  /** A socket that has not opened its AMQP connection this long after connecting is closed. */
  openTimeoutMs: number;
  /** How often token expiry is checked (ms). */
  tokenSweepMs: number;
  /** Sessions, links and tokens one connection may hold. */
  limits: ConnectionLimits;
  onEvent?(event: ServerEvent): void;
}

export type ServerEvent =
  | { type: 'connection-opened'; id: string; remote: string }
  | { type: 'connection-closed'; id: string }
  | { type: 'connection-error'; remote: string; error: string };

export interface AmqpServer {
  readonly port: number;
  readonly plainPort: number | undefined;
  readonly connectionCount: number;
  /** Stops listening, closes every connection (close frame, then the socket) and waits. */
  close(graceMs?: number): Promise<void>;
}

export async function startAmqpServer(o: AmqpServerOptions): Promise<AmqpServer> {
  hardenRheaDecoder();
  installDecodeGuard();
  releaseTimersOnSocketClose();
  const container = rhea.create_container({ id: o.containerId, autoaccept: false, credit_window: 0 } as never);
  const connections = new Map<Connection, HubConnection>();
  const openDeadlines = new WeakMap<object, NodeJS.Timeout>();
  const report = (event: ServerEvent): void => o.onEvent?.(event);
  const remoteOf = (c: Connection | undefined): string => {
    const s = (c as unknown as { socket?: { remoteAddress?: string; remotePort?: number } } | undefined)?.socket;
    return s ? `${s.remoteAddress}:${s.remotePort}` : 'unknown';
  };

  container.on('connection_open', (ctx: EventContext) => {
    const amqp = ctx.connection;
    sanitizeRemoteOpen(amqp);
    clearTimeout(openDeadlines.get((amqp as unknown as { socket: object }).socket));
    const hub = new HubConnection(amqp, o.now, o.limits);
    connections.set(amqp, hub);
    report({ type: 'connection-opened', id: hub.id, remote: remoteOf(amqp) });
    const socket = (amqp as unknown as { socket: NodeJS.EventEmitter }).socket;
    socket.once('close', () => {
      connections.delete(amqp);
      hub.end();
      report({ type: 'connection-closed', id: hub.id });
    });
  });
  const onAttach = (ctx: EventContext): void => {
    const link = (ctx.sender ?? ctx.receiver) as Sender | Receiver;
    const hub = connections.get(ctx.connection);
    if (!hub) link.close(toAmqpError(new HubError('internal', 'link attached before the connection was open')));
    else if (!hub.admitLink(link)) link.close(toAmqpError(new HubError('resource-limit', `a connection may hold ${o.limits.maxLinks} links`)));
    else dispatchAttach(o.routes, link, hub);
  };
  container.on('sender_open', onAttach);
  container.on('receiver_open', onAttach);
  // rhea has already answered the peer's begin: ending it with the error refuses the session.
  container.on('session_open', (ctx: EventContext) => {
    const hub = connections.get(ctx.connection);
    if (hub && !hub.admitSession(ctx.session!)) {
      ctx.session!.close(toAmqpError(new HubError('resource-limit', `a connection may hold ${o.limits.maxSessions} sessions`)));
    }
  });
  // Peer-caused failures end that connection only; with no listener rhea would throw them.
  const peerError = (ctx: EventContext | Error): void => {
    const c = (ctx as EventContext).connection;
    const error = (ctx as EventContext).error ?? ctx;
    report({ type: 'connection-error', remote: remoteOf(c), error: String((error as Error).message ?? error) });
  };
  for (const name of ['error', 'protocol_error', 'connection_error', 'session_error', 'sender_error', 'receiver_error', 'disconnected']) {
    container.on(name, peerError);
  }

  // Every socket, including those still in the TLS or AMQP handshake, so close() can end them.
  const sockets = new Set<Socket>();
  const listen = async (transport: 'tls' | 'tcp', port: number): Promise<Server> => {
    const server: Server = container.listen({
      transport,
      port,
      host: o.listenHost,
      ...(transport === 'tls' ? { key: o.key, cert: o.cert } : {}),
      tcp_no_delay: true,
      idle_time_out: o.idleTimeoutMs,
      max_frame_size: o.maxFrameSize,
    } as never);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    // rhea has attached its own 'data' listener by now; the guard goes in front of it.
    server.on(transport === 'tls' ? 'secureConnection' : 'connection', (socket: Socket) => {
      scopeDecodeGuard(socket);
      // rhea's idle timer starts only once AMQP is open: a peer that never opens would hold the
      // socket forever (the TLS handshake has its own timeout, tls handshakeTimeout).
      const deadline = setTimeout(() => {
        report({ type: 'connection-error', remote: `${socket.remoteAddress}:${socket.remotePort}`, error: `no AMQP open within ${o.openTimeoutMs} ms` });
        socket.destroy();
      }, o.openTimeoutMs);
      openDeadlines.set(socket, deadline);
      socket.once('close', () => clearTimeout(deadline));
      guardFrames(socket, { maxFrameSize: o.maxFrameSize, maxDeliveryBytes: o.maxDeliveryBytes }, ({ reason }) =>
        report({ type: 'connection-error', remote: `${socket.remoteAddress}:${socket.remotePort}`, error: `closed: ${reason}` }),
      );
    });
    server.on('tlsClientError', (error: Error, socket: { remoteAddress?: string; remotePort?: number }) => {
      report({ type: 'connection-error', remote: `${socket.remoteAddress}:${socket.remotePort}`, error: error.message });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    server.on('error', (error) => report({ type: 'connection-error', remote: 'listener', error: error.message }));
    return server;
  };
  const servers = [await listen('tls', o.port)];
  if (o.plainPort !== undefined) {
    try {
      servers.push(await listen('tcp', o.plainPort));
    } catch (error) {
      servers[0]!.close();
      throw error;
    }
  }

  const sweep = setInterval(() => {
    for (const hub of connections.values()) hub.auth.sweep();
  }, o.tokenSweepMs);
  sweep.unref();
  const portOf = (server: Server | undefined): number | undefined => (server ? (server.address() as AddressInfo).port : undefined);

  return {
    port: portOf(servers[0])!,
    plainPort: portOf(servers[1]),
    get connectionCount() {
      return connections.size;
    },
    async close(graceMs = 1000) {
      clearInterval(sweep);
      const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      const closing = toAmqpError(new HubError('shutting-down', 'the hub is shutting down'));
      for (const amqp of connections.keys()) amqp.close(closing);
      const gone = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
      const timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await Promise.all([...stopped, ...gone]);
      clearTimeout(timer);
    },
  };
}
