// rhea 3.0.5 clears a connection's timers (heartbeat_in at twice the hub's idle-time-out,
// heartbeat_out, abort_idle) only when its socket emits 'end' or 'error'. A socket that closes
// without them (destroyed by frame-guard.ts or the open timeout, reset after rhea's own end)
// leaves the timers armed: the Connection, its socket and buffers stay reachable from the timer
// list for up to 8 minutes, and heartbeats are written to a dead socket. Found with heap
// snapshots after the Proton fuzz corpus (~3 KB per hostile connection, issue 3 item 10).
//
// The patch clears them when the connection's current socket closes. Process-wide (every rhea
// connection benefits, none is harmed: a closed socket needs no heartbeat) and idempotent, like
// rhea-hardening.ts; it belongs in scripts/patch-rhea.mjs with the other rhea fixes.
import rhea from 'rhea';

interface ConnectionInternals {
  socket?: NodeJS.EventEmitter;
  heartbeat_in?: NodeJS.Timeout;
  heartbeat_out?: NodeJS.Timeout;
  abort_idle?: NodeJS.Timeout;
}
interface ConnectionPrototype {
  init(this: ConnectionInternals, socket: NodeJS.EventEmitter): unknown;
  __fogbridgeTimersReleased?: boolean;
}

export function releaseTimersOnSocketClose(): void {
  const probe = (rhea as unknown as { create_connection(options: object): object }).create_connection({});
  const proto = Object.getPrototypeOf(probe) as ConnectionPrototype;
  if (proto.__fogbridgeTimersReleased) return;
  const init = proto.init;
  proto.init = function (this: ConnectionInternals, socket) {
    const result = init.call(this, socket);
    // Not every socket rhea is given is an EventEmitter: the gateway's guarded socket (in the same
    // process under `fogbridge demo`) is a plain object with the few methods rhea calls.
    if (typeof socket.once !== 'function') return result;
    socket.once('close', () => {
      if (this.socket !== socket) return; // a client reconnected on a new socket meanwhile
      for (const timer of ['heartbeat_in', 'heartbeat_out', 'abort_idle'] as const) {
        clearTimeout(this[timer]);
        this[timer] = undefined;
      }
    });
    return result;
  };
  proto.__fogbridgeTimersReleased = true;
}
