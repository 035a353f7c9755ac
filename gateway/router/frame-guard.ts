// Checks the bytes a peer sends before rhea sees them, because rhea enforces neither its own
// max-frame-size nor the protocol header's shape (node-stack-notes.md "rhea does not enforce").
// Pure: feed() the chunks as they arrive; the first violation is final (a guard that failed stays
// failed). Layout per qdrouterd.md §6.b: 8-byte protocol header `AMQP <id> 1 0 0` (id 0 AMQP,
// 3 SASL), then frames `SIZE(4) DOFF(1) TYPE(1) CHANNEL(2)`, SIZE >= 8, DOFF >= 2, DOFF*4 <= SIZE.
// After the SASL layer the client sends a second header (AMQP), which SASL frames cannot be
// confused with: a frame size starting with 'A' (0x41) would be ~1 GB.
export type FrameViolation =
  | { kind: 'bad-header'; why: string }
  | { kind: 'bad-frame'; why: string }
  | { kind: 'frame-too-large'; size: number; max: number };

const MAGIC = Buffer.from('AMQP');

export class FrameGuard {
  private readonly pending: number[] = [];
  private phase: 'header' | 'frames' = 'header';
  private layer: 'sasl' | 'amqp' | undefined;
  private skip = 0;
  private failed: FrameViolation | undefined;
  /** True once a valid protocol header arrived. */
  sawHeader = false;
  /** Bytes of the last chunk fed that precede the unit (header or frame) that failed: still valid. */
  validPrefix = 0;

  constructor(readonly maxFrameSize: number) {}

  /** The first violation in the stream so far, or undefined when every byte is acceptable. */
  feed(chunk: Uint8Array): FrameViolation | undefined {
    let i = 0;
    this.validPrefix = 0;
    while (!this.failed && i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      if (this.pending.length === 0) this.validPrefix = i;
      this.pending.push(chunk[i++]!);
      if (this.pending.length === 8) this.failed = this.phase === 'header' ? this.header() : this.frame();
      else if (this.phase === 'frames' && this.layer === 'sasl' && this.pending.length === 4 && MAGIC.equals(Buffer.from(this.pending))) {
        this.phase = 'header';
      }
    }
    return this.failed;
  }

  private header(): FrameViolation | undefined {
    const b = Buffer.from(this.pending.splice(0));
    if (!b.subarray(0, 4).equals(MAGIC)) return { kind: 'bad-header', why: 'not an AMQP protocol header' };
    if (b[5] !== 1 || b[6] !== 0 || b[7] !== 0) return { kind: 'bad-header', why: `unsupported AMQP version ${b[5]}.${b[6]}.${b[7]}` };
    const id = b[4];
    if (id === 3 && this.layer === undefined) this.layer = 'sasl';
    else if (id === 0 && this.layer !== 'amqp') this.layer = 'amqp';
    else return { kind: 'bad-header', why: `unexpected protocol id ${id} (TLS upgrade is not offered; use a TLS listener)` };
    this.sawHeader = true;
    this.phase = 'frames';
    return undefined;
  }

  private frame(): FrameViolation | undefined {
    const b = Buffer.from(this.pending.splice(0));
    const size = b.readUInt32BE(0);
    const doff = b[4]!;
    if (size < 8 || doff < 2 || doff * 4 > size) return { kind: 'bad-frame', why: `malformed frame header (size ${size}, doff ${doff})` };
    if (size > this.maxFrameSize) return { kind: 'frame-too-large', size, max: this.maxFrameSize };
    this.skip = size - 8;
    return undefined;
  }
}
