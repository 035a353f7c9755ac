// The one contract every byte transport meets. A transport is a recipe for a connection:
// open() resolves with a Node Duplex once bytes can flow both ways (or rejects with the reason it
// could not), and describe() names it for logs and status lines. What travels is a raw,
// unframed byte stream with no guarantee beyond what the medium gives: TCP is reliable and
// ordered, a serial line may drop or garble bytes (put the reliable serial link on top of it).
//
// The Duplex:
// - write(bytes) sends; 'data' delivers what arrived, in the chunks the medium produced;
// - end() flushes what was written, then closes the sending half; the peer sees 'end' where the
//   medium can tell (TCP, the in-memory pair), not on a serial line;
// - destroy() closes at once; 'close' follows; errors arrive as 'error' then 'close'.
// Anything that takes a Duplex (rhea's connect({ connection_details }), the serial link, the
// gateway's listener path) runs unchanged on every transport.
import type { Duplex } from 'node:stream';

export interface Transport {
  /** Connects; resolves with the byte stream, or rejects with the reason (ECONNREFUSED, ENOENT, ...). */
  open(): Promise<Duplex>;
  /** What this transport reaches, e.g. `tcp localhost:5672`, `serial /dev/ttyACM0 @115200`. */
  describe(): string;
}
