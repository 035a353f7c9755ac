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
