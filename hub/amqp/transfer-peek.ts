// Reads just enough of an AMQP frame to tell a transfer's link handle and `more` flag (AMQP 1.0
// §2.3.2 frame layout, §2.7.5 transfer fields, §1.2 type encodings), without rhea. Values are
// skipped by their constructor's width (amqp-cursor.ts).
// Pure: bytes in, a value or undefined (not a transfer, or not enough bytes to tell) out.
import { Cursor } from './amqp-cursor.js';

const AMQP_FRAME = 0;
const TRANSFER = 0x14;

export interface TransferPeek {
  channel: number;
  handle: number;
  more: boolean;
}

/** `frame` starts at the frame's size field; it may be truncated after the performative. */
export function peekTransfer(frame: Buffer): TransferPeek | undefined {
  if (frame.length < 8 || frame[5] !== AMQP_FRAME) return undefined;
  const channel = frame.readUInt16BE(6);
  try {
    const c = new Cursor(frame, frame[4]! * 4);
    if (c.byte() !== 0x00) return undefined;
    const d = c.byte();
    const descriptor = d === 0x53 ? c.uint(1) : d === 0x80 ? c.uint(8) : -1;
    if (descriptor !== TRANSFER) return undefined;
    const list = c.byte();
    let count: number;
    if (list === 0x45) count = 0;
    else if (list === 0xc0) (c.uint(1), (count = c.uint(1)));
    else if (list === 0xd0) (c.uint(4), (count = c.uint(4)));
    else return undefined;
    const fields: (number | boolean | undefined)[] = [];
    for (let i = 0; i < Math.min(count, 6); i++) fields.push(c.value());
    const handle = fields[0];
    if (typeof handle !== 'number') return undefined;
    return { channel, handle, more: fields[5] === true };
  } catch {
    return undefined; // too short, or not a well-formed transfer
  }
}
