// rhea writes every frame with its own socket.write (Connection._write_frame calls output() per
// frame): at 50k routed messages/s that is one write syscall per transfer, flow and disposition,
// the largest cost in the gateway's profile (gateway/decisions/0005). WriteBatch joins what is
// written in one turn of the event loop and writes it once, from setImmediate: after all the input
// of that turn was read, so an upstream connection carrying many devices writes once per turn, not
// once per device chunk (process.nextTick measured the same throughput and ≈ 20 µs less ping-pong
// latency on the 2-core bench, but batches only one input chunk). end() and destroy() flush
// first, so nothing written before them is lost or reordered.
import type { Duplex } from 'node:stream';

class WriteBatch {
  private pending: Buffer[] = [];
  private scheduled = false;

  constructor(private readonly out: (data: Buffer) => void) {}

  write(data: Buffer): void {
    this.pending.push(data);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Write what is pending now (one buffer). */
  flush(): void {
    this.scheduled = false;
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    this.out(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
  }
}

/** Batch the writes of a stream rhea writes to (a device stream, an upstream socket): its write, end and destroy go through a WriteBatch. */
export function batchSocketWrites(socket: Duplex): void {
  const write = socket.write.bind(socket) as (data: Buffer) => boolean;
  const end = socket.end.bind(socket) as (...args: unknown[]) => Duplex;
  const destroy = socket.destroy.bind(socket);
  const batch = new WriteBatch((data) => {
    if (!socket.destroyed && socket.writable) write(data);
  });
  const patched = socket as unknown as { write(data: Buffer): boolean; end(...args: unknown[]): Duplex; destroy(error?: Error): Duplex };
  patched.write = (data: Buffer) => {
    batch.write(data);
    return true;
  };
  patched.end = (...args: unknown[]) => {
    batch.flush();
    return end(...args);
  };
  patched.destroy = (error?: Error) => {
    batch.flush();
    return destroy(error);
  };
}
