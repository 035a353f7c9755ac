// Bounds what a peer can make rhea buffer (issue 3 item 10). rhea neither enforces its own
// max-frame-size on input nor bounds a delivery split over many frames (it keeps every frame
// until the last; reference/node-stack-notes.md). This guard reads the byte stream before rhea:
// - the framing (AMQP 1.0 §2.3.1: 4-byte size, doff, type, channel; §2.2 protocol headers
//   `AMQP` + id + version): a frame larger than `maxFrameSize` or smaller than its own 8-byte
//   header is a violation;
// - transfers (transfer-peek.ts): the bytes of one delivery still in progress (`more` = true) on
//   a link are summed; more than `maxDeliveryBytes` is a violation.
// On a violation the socket is destroyed (rhea has no way to refuse half a delivery).
//
// A protocol header may appear at any frame boundary (after SASL the AMQP header follows). Its
// first four bytes `AMQP` read as a size are 0x414D5150 (~1.1 GB), far above any max-frame-size
// the hub advertises, so a header and a frame can never be confused.
import type { Socket } from 'node:net';
import { peekTransfer } from './transfer-peek.js';

const HEADER = 0x414d5150; // "AMQP"
const MIN_FRAME = 8;
/** Enough of a frame for its header and a transfer performative with a 32-byte tag. */
const HEAD_BYTES = 160;

export interface FrameLimits {
  maxFrameSize: number;
  maxDeliveryBytes: number;
}

export interface FrameViolation {
  reason: string;
}

export function guardFrames(socket: Socket, limits: FrameLimits, onViolation: (v: FrameViolation) => void): void {
  let skip = 0; // bytes of the current frame or header still to pass unread
  let head: Buffer[] = []; // the start of the current frame, until `want` bytes
  let headLength = 0;
  let want = 4; // 4 = reading a size field; more = reading a frame's head
  let frameSize = 0;
  let failed = false;
  const inProgress = new Map<string, number>(); // `${channel}/${handle}` → bytes so far

  const fail = (reason: string): void => {
    failed = true;
    onViolation({ reason });
    socket.destroy();
  };
  const onHead = (bytes: Buffer): void => {
    const t = peekTransfer(bytes);
    if (!t) return;
    const key = `${t.channel}/${t.handle}`;
    if (!t.more) {
      inProgress.delete(key);
      return;
    }
    const total = (inProgress.get(key) ?? 0) + frameSize;
    if (total > limits.maxDeliveryBytes) fail(`a delivery over ${limits.maxDeliveryBytes} bytes on channel ${t.channel}`);
    else inProgress.set(key, total);
  };

  socket.prependListener('data', (chunk: Buffer) => {
    let at = 0;
    while (!failed && at < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - at);
        skip -= n;
        at += n;
        continue;
      }
      const take = chunk.subarray(at, at + want - headLength);
      head.push(take);
      headLength += take.length;
      at += take.length;
      if (headLength < want) return;
      const bytes = head.length === 1 ? head[0]! : Buffer.concat(head);
      head = [];
      headLength = 0;
      if (want === 4) {
        const size = bytes.readUInt32BE(0);
        if (size === HEADER) {
          skip = 4;
        } else if (size < MIN_FRAME || size > limits.maxFrameSize) {
          fail(`a frame of ${size} bytes (max-frame-size ${limits.maxFrameSize})`);
        } else {
          frameSize = size;
          want = Math.min(size, HEAD_BYTES);
          head.push(bytes);
          headLength = 4;
        }
      } else {
        onHead(bytes);
        skip = frameSize - want;
        want = 4;
      }
    }
  });
}
