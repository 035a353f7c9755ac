// Hardening of rhea's decoder against hostile input, found by feeding the Qpid Proton fuzz
// corpus (shared/data/proton-fuzz) to the listener (issue 3 item 10).
//
// rhea 3.0.5 `types.Reader` trusts the size and count of lists, maps and arrays: an array header
// claiming 4 billion zero-width elements (e.g. `f0 f0f0f0f0 f0f0f0f0 40`) makes it push elements
// until the process runs out of memory. An encoded compound's `size` counts the bytes after the
// size field and can never exceed what is left in the buffer, and each element takes at least one
// byte (a list's constructors, an array's values; zero-width arrays are useless on the wire), so
// the guard requires `size <= remaining` and `count <= size`. Violations throw rhea's own
// TypeError, which rhea turns into a closed connection.
//
// The patch is process-wide (rhea has one decoder) and idempotent. It belongs with the
// disposition fix in scripts/patch-rhea.mjs; until it moves there, the hub installs it at start.
import rhea from 'rhea';

interface ReaderPrototype {
  read_uint(width: number): number;
  remaining(): number;
  read_size_count(width: number): { size: number; count: number };
  __fogbridgeGuarded?: boolean;
}

export function hardenRheaDecoder(): void {
  const types = rhea.types as unknown as { Reader: { prototype: ReaderPrototype } };
  const reader = types.Reader.prototype;
  if (reader.__fogbridgeGuarded) return;
  reader.read_size_count = function (this: ReaderPrototype, width: number) {
    const size = this.read_uint(width);
    if (size > this.remaining()) throw new TypeError(`compound size ${size} exceeds the ${this.remaining()} bytes left`);
    const count = this.read_uint(width);
    if (count > size) throw new TypeError(`compound count ${count} exceeds its size ${size}`);
    return { size, count };
  };
  reader.__fogbridgeGuarded = true;
}

/** The largest idle-time-out a timer can hold; rhea's heartbeat timer overflows to 1 ms above it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Call in `connection_open`, before rhea schedules heartbeats from the peer's idle-time-out. */
export function sanitizeRemoteOpen(connection: unknown): void {
  const open = (connection as { remote?: { open?: { idle_time_out?: unknown } } }).remote?.open;
  if (!open || open.idle_time_out === undefined) return;
  const value = open.idle_time_out;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) open.idle_time_out = undefined;
  else if (value > MAX_TIMER_MS) open.idle_time_out = MAX_TIMER_MS;
}

// An undecodable message should cost its sender one rejected delivery, not the connection: a
// gateway multiplexes hundreds of devices on one connection, and rhea's decode error inside
// on_transfer closes all of it. rhea decodes every format-0 transfer with `message.decode`
// (reference/node-stack-notes.md), so the hub wraps that function; the wrapper only catches while
// rhea is reading a hub socket (scopeDecodeGuard brackets rhea's 'data' listener), so other rhea
// users in the same process keep rhea's behaviour. A caught failure becomes a marker message.
// The same wrapper keeps each message's bytes as received (rawBytes), so stored telemetry can
// keep them instead of rhea's re-encoding (telemetry/stamp.ts).
const UNDECODABLE = Symbol('fogbridge.undecodable');
const RAW = Symbol('fogbridge.raw-bytes');
let hubInput = false;

interface MessageCodec {
  decode(buffer: Buffer): unknown;
  __fogbridgeGuarded?: boolean;
}

export function installDecodeGuard(): void {
  const codec = rhea.message as unknown as MessageCodec;
  if (codec.__fogbridgeGuarded) return;
  const decode = codec.decode.bind(codec);
  codec.decode = (buffer: Buffer) => {
    if (!hubInput) return decode(buffer);
    let message: object;
    try {
      message = decode(buffer) as object;
    } catch (error) {
      return { [UNDECODABLE]: error instanceof Error ? error : new Error(String(error)) };
    }
    // Not enumerable: spreads and JSON of the message do not carry it.
    Object.defineProperty(message, RAW, { value: buffer, enumerable: false });
    return message;
  };
  codec.__fogbridgeGuarded = true;
}

/** Call when rhea has attached its 'data' listener to `socket`: brackets it on both sides. */
export function scopeDecodeGuard(socket: NodeJS.EventEmitter): void {
  socket.prependListener('data', () => (hubInput = true));
  socket.on('data', () => (hubInput = false));
}

/** The decode error of a marker message, else undefined. */
export function undecodable(message: unknown): Error | undefined {
  return typeof message === 'object' && message !== null ? (message as { [UNDECODABLE]?: Error })[UNDECODABLE] : undefined;
}

/** The bytes a message was decoded from, when rhea read it from a hub socket. */
export function rawBytes(message: unknown): Buffer | undefined {
  return typeof message === 'object' && message !== null ? (message as { [RAW]?: Buffer })[RAW] : undefined;
}
