// AMQP over a byte stream the board already has (TCP socket, serial link, in-memory pair): rhea's
// client connect with `connection_details` handing it our Duplex instead of dialling itself.
// rhea's reconnect is off: the firmware machine owns retries (and resends what rhea would drop).
import rhea, { type Connection, type ConnectionOptions } from 'rhea';
import type { Duplex } from 'node:stream';

export interface AmqpConnectOptions {
  /** AMQP container-id (the device id, as the SDK's client would). */
  containerId: string;
  /** open.hostname: the hub host (no port). */
  hostname: string;
  /** open.max-frame-size the board advertises (AMQP 1.0 §2.7.1). */
  maxFrameSize: number;
  /** open.idle-time-out the board advertises; rhea closes after twice this without a frame. */
  idleTimeoutMs: number;
  /** Called when rhea's own idle check fires, just before it closes the connection. */
  onIdle?: () => void;
}

export function openAmqpConnection(stream: Duplex, o: AmqpConnectOptions): Connection {
  const container = rhea.create_container({ id: o.containerId });
  const options = {
    container_id: o.containerId,
    hostname: o.hostname,
    max_frame_size: o.maxFrameSize,
    idle_time_out: o.idleTimeoutMs,
    reconnect: false,
    tcp_no_delay: true,
    // rhea calls connect(port, host, options, callback) and reads the socket from its return value;
    // the stream is already connected, so tell it so on the next tick (after it has attached its listeners).
    connection_details: () => ({
      host: o.hostname,
      port: 0,
      connect: (_port: number, _host: string, _options: unknown, connected: () => void) => {
        process.nextTick(connected);
        return stream;
      },
    }),
  } as unknown as ConnectionOptions;
  const connection = container.connect(options);
  // rhea's idle check (connection.js `idle()`) closes with amqp:resource-limit-exceeded but leaves no
  // trace readable afterwards (local.close.error reads back null): wrap it on this instance. rhea
  // binds `this.idle` each time it arms the timer, after this line has run.
  const internal = connection as unknown as { idle: () => void };
  const idle = internal.idle;
  internal.idle = function (this: unknown) {
    o.onIdle?.();
    idle.call(this);
  };
  return connection;
}

/** rhea has no public "drop this connection now": abort_socket ends and destroys the socket and
 * clears its heartbeat timers (connection.js). Used when the machine leaves the session. */
export function abortConnection(connection: Connection, stream: Duplex): void {
  const internal = connection as unknown as { abort_socket?: (socket: Duplex) => void };
  if (typeof internal.abort_socket === 'function') internal.abort_socket(stream);
  else stream.destroy();
}
