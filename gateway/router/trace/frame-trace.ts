// PN_TRACE_FRM=1 (qdrouterd.md §2.8, §8): every frame of a connection, both directions, one line
// each in Proton's form: `[C3]:0 -> @attach(18) [name="x", handle=0, ...]` for what the gateway
// sends, `<-` for what it receives; protocol headers as `[C3]:  -> AMQP` / `SASL`. gateway/cli.ts
// reads the variable and passes a writer in RouterDeps.trace; when it is undefined nothing here
// runs (the data path is untouched, no bytes are copied or decoded).
import type { Duplex } from 'node:stream';
import { describeFrameBody } from './describe.js';

/** Where trace lines go (gateway/cli.ts: stderr). */
export type FrameTrace = (line: string) => void;

/** Splits one direction's bytes into headers and frames, however they were chunked. */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private expectHeader = true;

  constructor(private readonly onUnit: (unit: { header: string } | { channel: number; body: Buffer }) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.expectHeader) {
        if (this.pending.length < 8) return;
        const id = this.pending[4];
        this.onUnit({ header: id === 3 ? 'SASL' : id === 2 ? 'TLS' : id === 0 ? 'AMQP' : `header ${this.pending.subarray(0, 8).toString('hex')}` });
        this.pending = this.pending.subarray(8);
        this.expectHeader = false;
        continue;
      }
      // A SASL layer ends with the peer's next protocol header (AMQP 1.0 §5.3.2).
      if (this.pending.length >= 4 && this.pending.subarray(0, 4).toString('latin1') === 'AMQP') {
        this.expectHeader = true;
        continue;
      }
      if (this.pending.length < 8) return;
      const size = this.pending.readUInt32BE(0);
      if (size < 8) return this.fail();
      if (this.pending.length < size) return;
      const doff = this.pending[4]! * 4;
      this.onUnit({ channel: this.pending.readUInt16BE(6), body: this.pending.subarray(Math.min(doff, size), size) });
      this.pending = this.pending.subarray(size);
    }
  }

  private fail(): void {
    this.onUnit({ header: `(not AMQP: ${this.pending.length} bytes)` });
    this.pending = Buffer.alloc(0);
  }
}

export interface ConnectionTrace {
  /** Bytes the gateway received on this connection. */
  received(chunk: Buffer): void;
  /** Bytes the gateway sent. */
  sent(chunk: Buffer): void;
}

/** The two directions of one connection, traced as `[id]:ch ->` (sent) and `<-` (received). */
export function connectionTrace(trace: FrameTrace, id: string): ConnectionTrace {
  const side = (arrow: string) => new FrameSplitter((unit) => {
    if ('header' in unit) trace(`[${id}]:  ${arrow} ${unit.header}`);
    else trace(`[${id}]:${unit.channel} ${arrow} ${describeFrameBody(unit.body)}`);
  });
  const [inbound, outbound] = [side('<-'), side('->')];
  return { received: (c) => inbound.push(c), sent: (c) => outbound.push(c) };
}

/** Taps a socket-like stream: its 'data' (before anyone else sees it) and its write(). */
export function tapStream(stream: Duplex, t: ConnectionTrace): void {
  stream.prependListener('data', (chunk: Buffer) => t.received(chunk));
  const write = stream.write.bind(stream) as (data: Buffer, ...rest: unknown[]) => boolean;
  (stream as unknown as { write: typeof write }).write = (data, ...rest) => {
    t.sent(Buffer.from(data));
    return write(data, ...rest);
  };
}
