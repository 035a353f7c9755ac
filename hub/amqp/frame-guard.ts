// Enforces the max-frame-size the hub advertises on what peers send (issue 3 item 10). rhea
// neither enforces its own max-frame-size on input nor bounds a frame it is waiting for
// (reference/node-stack-notes.md), so a peer announcing a 4 GB frame could make it buffer without
// limit. This guard reads only the framing (AMQP 1.0 §2.3.1: 4-byte size, doff, type, channel;
// §2.2 protocol headers `AMQP` + id + version) on the socket before rhea does, and destroys the
// socket on a frame larger than `maxFrameSize` or smaller than its own 8-byte header.
//
// A protocol header may appear at any frame boundary (after SASL the AMQP header follows). Its
// first four bytes `AMQP` read as a size are 0x414D5150 (~1.1 GB), far above any max-frame-size
// the hub advertises, so a header and a frame can never be confused.
import type { Socket } from 'node:net';

const HEADER = 0x414d5150; // "AMQP"
const MIN_FRAME = 8;

export interface FrameViolation {
  size: number;
  maxFrameSize: number;
}

/** Installs the guard as the socket's first 'data' listener. */
export function guardFrames(socket: Socket, maxFrameSize: number, onViolation: (v: FrameViolation) => void): void {
  let skip = 0; // bytes of the current frame or header still to pass
  let pending = Buffer.alloc(0); // a size field split across chunks
  let failed = false;
  socket.prependListener('data', (chunk: Buffer) => {
    if (failed) return;
    let at = 0;
    while (at < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - at);
        skip -= n;
        at += n;
        continue;
      }
      const need = 4 - pending.length;
      const take = chunk.subarray(at, at + need);
      pending = pending.length === 0 ? Buffer.from(take) : Buffer.concat([pending, take]);
      at += take.length;
      if (pending.length < 4) return;
      const size = pending.readUInt32BE(0);
      pending = Buffer.alloc(0);
      if (size === HEADER) {
        skip = 4;
      } else if (size < MIN_FRAME || size > maxFrameSize) {
        failed = true;
        onViolation({ size, maxFrameSize });
        socket.destroy();
        return;
      } else {
        skip = size - 4;
      }
    }
  });
}
