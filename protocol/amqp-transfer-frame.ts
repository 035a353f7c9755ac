// The bytes of one AMQP 1.0 transfer frame (AMQP 1.0 §2.3.2 frame layout, §2.7.5 transfer):
// frame header (size, doff 2, type 0, channel), the described transfer performative
// (0x00 0x53 0x14, a list of handle, delivery-id, delivery-tag, message-format, settled), then the
// message bytes unchanged. The gateway's lean data path writes routed deliveries with it instead
// of building and encoding rhea's generic composite for every message (gateway/decisions/0005).
// `more`, `rcv-settle-mode`, `state`, `resume`, `aborted` and `batchable` are omitted (their
// defaults): only a whole, single-frame delivery is written this way.
import { ProtocolError } from './errors.js';

export interface TransferFields {
  channel: number;
  handle: number;
  deliveryId: number;
  tag: Buffer;
  messageFormat: number;
  settled: boolean;
}

const uintSize = (v: number): number => (v === 0 ? 1 : v < 256 ? 2 : 5);

function writeUint(out: Buffer, at: number, v: number): number {
  if (v === 0) {
    out[at] = 0x43; // uint0
    return at + 1;
  }
  if (v < 256) {
    out[at] = 0x52; // smalluint
    out[at + 1] = v;
    return at + 2;
  }
  out[at] = 0x70;
  out.writeUInt32BE(v >>> 0, at + 1);
  return at + 5;
}

/** One transfer frame carrying `payload` (an encoded message, or a part of none: it is copied as is). */
export function encodeTransferFrame(f: TransferFields, payload: Buffer): Buffer {
  if (f.tag.length > 255) throw new ProtocolError('tag-too-long', `a delivery tag of ${f.tag.length} bytes cannot be encoded here (AMQP allows 32)`);
  const fields = uintSize(f.handle) + uintSize(f.deliveryId) + 2 + f.tag.length + uintSize(f.messageFormat) + 1;
  const small = fields + 1 <= 255;
  const list = small ? 3 + fields : 9 + fields; // constructor, size, count (+ fields)
  const size = 8 + 3 + list + payload.length;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(size, 0);
  out[4] = 2; // doff: 8-byte header
  out[5] = 0; // AMQP frame
  out.writeUInt16BE(f.channel, 6);
  out[8] = 0x00; // described
  out[9] = 0x53; // smallulong
  out[10] = 0x14; // transfer
  let at = 11;
  if (small) {
    out[at] = 0xc0; // list8
    out[at + 1] = fields + 1;
    out[at + 2] = 5;
    at += 3;
  } else {
    out[at] = 0xd0; // list32
    out.writeUInt32BE(fields + 4, at + 1);
    out.writeUInt32BE(5, at + 5);
    at += 9;
  }
  at = writeUint(out, at, f.handle);
  at = writeUint(out, at, f.deliveryId);
  out[at] = 0xa0; // vbin8
  out[at + 1] = f.tag.length;
  f.tag.copy(out, at + 2);
  at += 2 + f.tag.length;
  at = writeUint(out, at, f.messageFormat);
  out[at] = f.settled ? 0x41 : 0x42;
  at += 1;
  payload.copy(out, at);
  return out;
}
