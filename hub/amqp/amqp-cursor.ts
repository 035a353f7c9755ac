// A read cursor over AMQP-encoded bytes that skips any value by its constructor's width
// subcategory (AMQP 1.0 §1.2: 0x4 zero, 0x5 one, 0x6 two, 0x7 four, 0x8 eight, 0x9 sixteen
// bytes; 0xa/0xc/0xe one-byte and 0xb/0xd/0xf four-byte size prefixes) without decoding it.
// Pure; every read is bounds-checked and throws RangeError past the end or on a bad constructor.
export class Cursor {
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
    if (this.at + width > this.b.length) throw new RangeError('short');
    this.at += width;
    return undefined;
  }
}
