// Checks the bytes a peer sends before rhea sees them, because rhea enforces neither its own
// max-frame-size nor the bounds of what it decodes (node-stack-notes.md; encoding-check.ts).
// Pure: feed() the chunks as they arrive; the first violation is final (a guard that failed stays
// failed). Layout per qdrouterd.md §6.b: 8-byte protocol header `AMQP <id> 1 0 0` (id 0 AMQP,
// 3 SASL), then frames `SIZE(4) DOFF(1) TYPE(1) CHANNEL(2)`, SIZE >= 8, DOFF >= 2, DOFF*4 <= SIZE,
// SIZE <= the max-frame-size we offered; each frame's performative (the first value of the body)
// must be a well-bounded AMQP encoding. A transfer's payload after it is not looked at here.
// After the SASL layer the client sends a second header (AMQP), which SASL frames cannot be
// confused with: a frame size starting with 'A' (0x41) would be ~1 GB.
import { checkValue, EncodingError } from './encoding-check.js';

export type FrameViolation =
  | { kind: 'bad-header'; why: string }
  | { kind: 'bad-frame'; why: string }
  | { kind: 'frame-too-large'; size: number; max: number };

const MAGIC = Buffer.from('AMQP');

export class FrameGuard {
  private head: number[] = [];
  private phase: 'header' | 'frame-head' | 'frame-body' = 'header';
  private layer: 'sasl' | 'amqp' | undefined;
  private body: Uint8Array[] = [];
  private bodyLeft = 0;
  private bodyOffset = 0;
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
      if (this.phase === 'frame-body') {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.body.push(chunk.subarray(i, i + n));
        this.bodyLeft -= n;
        i += n;
        if (this.bodyLeft === 0) this.failed = this.checkBody();
        continue;
      }
      if (this.head.length === 0) this.validPrefix = i;
      this.head.push(chunk[i++]!);
      if (this.head.length === 8) this.failed = this.phase === 'header' ? this.header() : this.frameHead();
      else if (this.phase === 'frame-head' && this.layer === 'sasl' && this.head.length === 4 && MAGIC.equals(Buffer.from(this.head))) {
        this.phase = 'header';
      }
    }
    return this.failed;
  }

  private header(): FrameViolation | undefined {
    const b = Buffer.from(this.head.splice(0));
    if (!b.subarray(0, 4).equals(MAGIC)) return { kind: 'bad-header', why: 'not an AMQP protocol header' };
    if (b[5] !== 1 || b[6] !== 0 || b[7] !== 0) return { kind: 'bad-header', why: `unsupported AMQP version ${b[5]}.${b[6]}.${b[7]}` };
    const id = b[4];
    if (id === 3 && this.layer === undefined) this.layer = 'sasl';
    else if (id === 0 && this.layer !== 'amqp') this.layer = 'amqp';
    else return { kind: 'bad-header', why: `unexpected protocol id ${id} (TLS upgrade is not offered; use a TLS listener)` };
    this.sawHeader = true;
    this.phase = 'frame-head';
    return undefined;
  }

  private frameHead(): FrameViolation | undefined {
    const b = Buffer.from(this.head.splice(0));
    const size = b.readUInt32BE(0);
    const doff = b[4]!;
    if (size < 8 || doff < 2 || doff * 4 > size) return { kind: 'bad-frame', why: `malformed frame header (size ${size}, doff ${doff})` };
    if (size > this.maxFrameSize) return { kind: 'frame-too-large', size, max: this.maxFrameSize };
    if (size === 8) return undefined; // an empty frame: a heartbeat
    this.phase = 'frame-body';
    this.bodyLeft = size - 8;
    this.bodyOffset = doff * 4 - 8;
    return undefined;
  }

  private checkBody(): FrameViolation | undefined {
    const body = this.body.length === 1 ? this.body[0]! : Buffer.concat(this.body);
    this.body = [];
    this.phase = 'frame-head';
    if (this.bodyOffset >= body.length) return undefined; // extended header only, no performative
    try {
      checkValue(body, this.bodyOffset, body.length);
      return undefined;
    } catch (e) {
      if (e instanceof EncodingError) return { kind: 'bad-frame', why: `malformed performative: ${e.message}` };
      throw e;
    }
  }
}
