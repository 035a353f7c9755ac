// Every device connection, whatever carried it (TCP, TLS, serial link, in-memory pair), enters
// here: one AMQP path (rhea server side) behind the frame guard, with the listener's limits:
// max-frame-size on input, idle timeout (half advertised in Open, as Proton does, qdrouterd.md
// §1.2), initial handshake timeout, and policy.maxConnections (refused with a Close).
import type { Duplex } from 'node:stream';
import type { Container } from 'rhea';
import { toDeviceError } from './conditions.js';
import { DeviceConnection, type DownstreamContext, type StreamInfo } from './downstream.js';
import type { FrameViolation } from './frame-guard.js';
import { guardedSocket } from './guarded-socket.js';
import { batchSocketWrites } from './write-batch.js';
import type { ListenerPlan } from './options.js';
import { acceptConnection, boundRemoteOpen, peerContainerId, remoteOpened } from './rhea-internals.js';
import { ROUTED_LINK_OPTIONS } from './routed-link.js';
import { tlsOf } from './stats.js';
import { connectionTrace, tapStream } from './trace/frame-trace.js';

/** The limits a stream is served with (a listener's, or defaults for acceptStream). */
export type StreamLimits = Pick<ListenerPlan, 'idleTimeoutSeconds' | 'initialHandshakeTimeoutSeconds' | 'maxFrameSize' | 'maxSessions'>;

export interface AcceptContext extends DownstreamContext {
  container: Container;
  routerId: string;
  maxConnections: number;
  /** Live device connections (the gateway's registry). */
  live: Set<DeviceConnection>;
}

/** The AMQP 1.0 protocol header a server sends before closing on a bad header (AMQP 1.0 §2.2). */
const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
/** How long a connection closed for bad input may take to flush its Close before the socket is dropped. */
const CLOSE_GRACE_MS = 1000;

export function acceptStream(stream: Duplex, label: string, limits: StreamLimits, ctx: AcceptContext, serialPort?: string): DeviceConnection {
  const { clock } = ctx.deps;
  const overLimit = ctx.live.size >= ctx.maxConnections;
  const violation = (v: FrameViolation): void => {
    ctx.deps.log('SERVER', 'warning', `[${id}] ${label}: ${v.kind === 'frame-too-large' ? `frame of ${v.size} bytes > ${v.max}` : v.why}: connection closed`);
    if (remoteOpened(connection)) {
      connection.close(toDeviceError(v.kind === 'frame-too-large' ? v : { kind: 'bad-frame', why: v.why }));
      process.nextTick(() => socket.end()); // after rhea's write of the Close, queued on this tick
    } else {
      if (!socket.guard.sawHeader) socket.write(AMQP_HEADER);
      socket.end();
    }
    clock.setTimeout(() => stream.destroy(), CLOSE_GRACE_MS);
  };
  const info: StreamInfo = { tls: tlsOf(stream), serialPort };
  const id = `C${ctx.stats.nextConnectionId()}`;
  // PN_TRACE_FRM: only when asked, the stream's bytes are copied to the tracer (trace/frame-trace.ts).
  if (ctx.deps.trace) tapStream(stream, connectionTrace(ctx.deps.trace, id));
  batchSocketWrites(stream); // one write per event-loop turn, as on upstream connections (write-batch.ts)
  const socket = guardedSocket(stream, limits.maxFrameSize, violation);
  const connection = ctx.container.create_connection({
    container_id: ctx.routerId,
    max_frame_size: limits.maxFrameSize,
    channel_max: Math.max(0, limits.maxSessions - 1),
    idle_time_out: limits.idleTimeoutSeconds > 0 ? (limits.idleTimeoutSeconds * 1000) / 2 : undefined,
    tcp_no_delay: true,
    properties: { product: 'fogbridge-gateway' },
    // Links rhea creates for the device's attaches: credit and settlement are ours (relay.ts).
    ...ROUTED_LINK_OPTIONS,
  } as unknown as Parameters<Container['create_connection']>[0]);
  acceptConnection(connection, socket);
  const device = new DeviceConnection(connection, label, ctx, info, id);
  ctx.live.add(device);
  ctx.stats.connectionsOpened++;

  const handshake = limits.initialHandshakeTimeoutSeconds > 0
    ? clock.setTimeout(() => {
      ctx.deps.log('SERVER', 'warning', `[${id}] ${label}: no AMQP Open within ${limits.initialHandshakeTimeoutSeconds} s: connection dropped`);
      stream.destroy();
    }, limits.initialHandshakeTimeoutSeconds * 1000)
    : undefined;
  connection.on('connection_open', () => {
    boundRemoteOpen(connection);
    clock.clearTimeout(handshake);
    if (overLimit) {
      ctx.stats.connectionsRefused++;
      ctx.deps.log('POLICY', 'warning', `[${id}] connection refused: policy.maxConnections (${ctx.maxConnections}) reached (${label})`);
      return connection.close(toDeviceError({ kind: 'connection-limit', max: ctx.maxConnections }));
    }
    ctx.deps.log('SERVER', 'info', `[${id}] Connection opened: ${label} container=${JSON.stringify(peerContainerId(connection))}${info.tls ? ` TLS=${info.tls}` : ''}`);
  });
  let closedLogged = false;
  const ended = (): void => {
    if (!closedLogged) {
      closedLogged = true;
      ctx.stats.connectionsClosed++;
      const ids = device.deviceIds();
      ctx.deps.log('SERVER', 'info', `[${id}] Connection closed: ${label}${ids.length ? ` devices=${ids.join(',')}` : ''}`);
    }
    clock.clearTimeout(handshake);
    ctx.live.delete(device);
    device.end();
    // The peer is gone (or rhea gave up on its bytes): release our half of the stream too.
    if (!stream.destroyed) process.nextTick(() => stream.destroy());
  };
  connection.on('disconnected', ended);
  connection.on('connection_close', () => connection.close());
  stream.on('close', ended);
  // rhea reports these to the container when nobody listens; the connection's fate is handled above.
  for (const event of ['connection_error', 'protocol_error', 'error', 'session_error', 'sender_error', 'receiver_error', 'sender_close', 'receiver_close', 'session_close']) {
    connection.on(event, () => undefined);
  }
  return device;
}
