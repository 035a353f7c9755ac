// Connections through rhea: serving an accepted stream, bounding what a peer's Open makes rhea
// do, and dropping a connection so that rhea's timers go too.
import type { Connection } from 'rhea';
import type { Duplex } from 'node:stream';

/** The minimal socket rhea reads from and writes to. */
export interface SocketLike {
  on(event: 'data' | 'error' | 'end', handler: (arg?: never) => void): unknown;
  write(data: Buffer): unknown;
  end(): unknown;
  destroy?(): unknown;
  setNoDelay?(on: boolean): unknown;
  removeAllListeners?(event?: string): unknown;
}

/** Serve one accepted stream with a server-side rhea connection. */
export function acceptConnection(connection: Connection, socket: SocketLike | Duplex): Connection {
  return (connection as unknown as { accept(s: unknown): Connection }).accept(socket);
}

/**
 * Bound what a peer's Open makes rhea do: its idle-time-out becomes rhea's heartbeat period
 * (half of it), so a value beyond a timer's range (Node clamps it to 1 ms) or a tiny one would make
 * rhea write empty frames in a tight loop. Kept within [1 s, 2^31-1 ms]; call on connection_open.
 */
export function boundRemoteOpen(c: Connection): void {
  const open = (c as unknown as { remote: { open?: { idle_time_out?: unknown } } }).remote.open;
  if (!open || open.idle_time_out === undefined || open.idle_time_out === null) return;
  const value = Number(open.idle_time_out);
  open.idle_time_out = !Number.isFinite(value) || value <= 0 ? undefined : Math.min(Math.max(value, 1000), 2 ** 31 - 1);
}

/** Whether rhea has seen the peer's Open (so a Close can be sent rather than dropping the socket). */
export const remoteOpened = (c: Connection): boolean => Boolean((c as unknown as { remote: { open?: unknown } }).remote.open);

export const peerContainerId = (c: Connection): string => String((c as unknown as { remote: { open?: { container_id?: string } } }).remote.open?.container_id ?? '');

/**
 * Drop a connection's socket at once (shutdown). rhea learns of a socket's end only from 'end' or
 * 'error', which destroy() does not emit, so its own disconnect is run too: that clears its
 * heartbeat timers (which would keep the process alive) and emits 'disconnected'.
 */
export function destroySocket(c: Connection): void {
  const internals = c as unknown as { socket?: { destroy?(): void; end?(): void }; _disconnected?(): void };
  if (internals.socket?.destroy) internals.socket.destroy();
  else internals.socket?.end?.();
  internals._disconnected?.();
}

/** The socket rhea made for a client connection (set synchronously by connect()), e.g. to trace its frames. */
export function connectionSocket(c: Connection): Duplex | undefined {
  return (c as unknown as { socket?: Duplex }).socket;
}
