// Reads just enough of an AMQP frame to tell a transfer's link handle and `more` flag (AMQP 1.0
// §2.3.2 frame layout, §2.7.5 transfer fields, §1.2 type encodings), without rhea. Values are
// skipped by their constructor's width subcategory (§1.2: 0x4 zero, 0x5 one, 0x6 two, 0x7 four,
// 0x8 eight, 0x9 sixteen bytes; 0xa/0xc one-byte and 0xb/0xd/0xe/0xf four-byte size prefixes).
// Pure: bytes in, a value or undefined (not a transfer, or not enough bytes to tell) out.
const AMQP_FRAME = 0;
const TRANSFER = 0x14;

export interface TransferPeek {
  channel: number;
  handle: number;
  more: boolean;
}

class Cursor {
  constructor(private readonly b: Buffer, public at: number) {}
  byte(): number {
    if (this.at >= this.b.length) throw new RangeError('short');
    return this.b[this.at++]!;
  }
  uint(width: number): number {
    if (this.at + width > this.b.length) throw new RangeError('short');
    const v = width === 1 ? this.b.readUInt8(this.at) : width === 4 ? this.b.readUInt32BE(this.at) : Number(this.b.readBigUInt64BE(this.at));
    this.at += width;
    return v;
  }
  /** Reads one value; returns it when it is a small integer or boolean, else undefined. */
  value(depth = 0): number | boolean | undefined {
    const code = this.byte();
    if (code === 0x00) {
      if (depth > 4) throw new RangeError('nested descriptors');
      this.value(depth + 1); // descriptor
      return this.value(depth + 1);
    }
    switch (code) {
      case 0x40: return undefined;
      case 0x41: return true;
      case 0x42: return false;
      case 0x43: return 0;
      case 0x52: case 0x53: return this.uint(1);
      case 0x56: return this.uint(1) !== 0;
      case 0x70: return this.uint(4);
    }
    const sub = code >> 4;
    const fixed: Record<number, number> = { 0x4: 0, 0x5: 1, 0x6: 2, 0x7: 4, 0x8: 8, 0x9: 16 };
    let width: number;
    if (sub in fixed) width = fixed[sub]!;
    else if (sub === 0xa || sub === 0xc || sub === 0xe) width = this.uint(1); // read before `at` moves on
    else if (sub === 0xb || sub === 0xd || sub === 0xf) width = this.uint(4);
    else throw new RangeError('bad constructor');
    this.at += width;
    return undefined;
  }
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
