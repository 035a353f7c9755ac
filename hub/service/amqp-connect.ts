// One AMQP connection as an external service application opens it (reference/iot-hub-amqp.md
// §1.1): TLS to host:port with SNI = host (Node's default roots, or `ca` instead), open.hostname
// = host; SASL ANONYMOUS with the key name as username for the Event Hubs endpoint (as
// core-amqp), no SASL for the IoT Hub service endpoint (as azure-iothub); plain TCP only when an
// Event Hubs connection string says UseDevelopmentEmulator=true (§1.3). rhea's reconnect is off:
// the clients own their retries. Resolves once the AMQP open has been answered.
import { randomUUID } from 'node:crypto';
import rhea, { type Connection, type ConnectionOptions, type EventContext } from 'rhea';
import { fromAmqpError, fromSocketError, ServiceError } from './service-error.js';

export interface ConnectOptions {
  host: string;
  port: number;
  /** false only for UseDevelopmentEmulator=true. */
  tls: boolean;
  /** PEM of CA certificates to trust instead of Node's default roots. */
  ca?: string | Uint8Array;
  /** SASL ANONYMOUS with this name (core-amqp sends the key name); omitted: no SASL layer. */
  saslUsername?: string;
  /** Connect + TLS + AMQP open must finish within this (default 30 s). */
  timeoutMs?: number;
}

export function describeTarget(o: Pick<ConnectOptions, 'host' | 'port' | 'tls'>): string {
  return `${o.tls ? 'amqps' : 'amqp'}://${o.host}:${o.port}`;
}

export function openConnection(o: ConnectOptions): Promise<Connection> {
  const target = describeTarget(o);
  const container = rhea.create_container({ id: randomUUID() });
  const connection = container.connect({
    host: o.host,
    port: o.port,
    hostname: o.host,
    ...(o.tls ? { transport: 'tls', servername: o.host, ...(o.ca ? { ca: o.ca } : {}) } : {}),
    ...(o.saslUsername ? { username: o.saslUsername } : {}),
    reconnect: false,
    tcp_no_delay: true,
    idle_time_out: 60_000,
  } as unknown as ConnectionOptions);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new ServiceError('timeout', `no AMQP open from ${target} within ${(o.timeoutMs ?? 30_000) / 1000} s: is that an AMQP port?`)), o.timeoutMs ?? 30_000);
    const fail = (error: ServiceError): void => {
      cleanup();
      closeQuietly(connection);
      reject(error);
    };
    const onOpen = (): void => {
      cleanup();
      resolve(connection);
    };
    const onDisconnected = (ctx: EventContext): void => fail(fromSocketError(ctx.error ?? connection.error, target));
    const onError = (ctx: EventContext): void => fail(fromAmqpError(ctx.connection.error, `${target} closed the connection`));
    function cleanup(): void {
      clearTimeout(timer);
      connection.removeListener('connection_open', onOpen);
      connection.removeListener('disconnected', onDisconnected);
      connection.removeListener('connection_error', onError);
    }
    connection.once('connection_open', onOpen);
    connection.once('disconnected', onDisconnected);
    connection.once('connection_error', onError);
  });
}

const ignore = (): void => undefined;

/**
 * Drops the connection now, without throwing. rhea's abort_socket ends and destroys the socket and
 * clears its heartbeat timers (destroying the socket alone would leave them armed, keeping the
 * process alive for up to twice the idle time-out).
 */
export function closeQuietly(connection: Connection): void {
  connection.removeAllListeners();
  for (const event of ['error', 'disconnected', 'connection_error', 'connection_close']) connection.on(event, ignore);
  const internal = connection as unknown as { socket?: unknown; abort_socket?: (socket: unknown) => void };
  try {
    if (internal.socket && typeof internal.abort_socket === 'function') internal.abort_socket(internal.socket);
  } catch {
    // already gone
  }
}

/** Closes (AMQP close, then the socket); resolves once the peer has answered, at most `timeoutMs` later. */
export function closeConnection(connection: Connection, timeoutMs = 2000): Promise<void> {
  if (!connection.is_open()) {
    closeQuietly(connection);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    // Dropped on the next macrotask: rhea still writes (and re-arms its idle timer) after the event.
    const done = (): void => {
      clearTimeout(timer);
      setImmediate(() => {
        closeQuietly(connection);
        resolve();
      });
    };
    const timer = setTimeout(done, timeoutMs);
    // The peer's close frame ends the AMQP conversation (§2.4.3); the socket is then dropped.
    connection.once('connection_close', done);
    connection.once('disconnected', done);
    connection.close();
  });
}
