// The socket rhea reads through: every chunk passes FrameGuard first, so an oversize or malformed
// frame, or a stream that is not AMQP at all, never reaches rhea's decoder (qdrouterd.md §6.b;
// node-stack-notes.md: rhea enforces no max-frame-size on input). Bytes of the failing chunk that
// precede the bad unit are still delivered, so the connection can be closed with a proper Close.
import type { Duplex } from 'node:stream';
import { FrameGuard, type FrameViolation } from './frame-guard.js';
import type { SocketLike } from './rhea-internals.js';

export interface GuardedSocket extends SocketLike {
  readonly stream: Duplex;
  readonly guard: FrameGuard;
}

export function guardedSocket(stream: Duplex, maxFrameSize: number, onViolation: (v: FrameViolation) => void): GuardedSocket {
  const guard = new FrameGuard(maxFrameSize);
  let failed = false;
  const tls = stream as Duplex & { encrypted?: boolean; authorized?: boolean; getPeerCertificate?(): unknown; setNoDelay?(on: boolean): unknown };
  return {
    stream,
    guard,
    get encrypted() { return tls.encrypted; },
    get authorized() { return tls.authorized; },
    getPeerCertificate: () => tls.getPeerCertificate?.(),
    on(event: 'data' | 'error' | 'end', handler: (arg?: never) => void) {
      if (event !== 'data') return stream.on(event, handler);
      return stream.on('data', (chunk: Buffer) => {
        if (failed) return;
        const violation = guard.feed(chunk);
        if (!violation) return handler(chunk as never);
        failed = true;
        if (guard.validPrefix > 0) handler(chunk.subarray(0, guard.validPrefix) as never);
        onViolation(violation);
      });
    },
    write(data: Buffer) {
      if (!stream.destroyed && stream.writable) stream.write(data);
    },
    end() {
      if (!stream.destroyed) stream.end();
    },
    destroy() {
      stream.destroy();
    },
    setNoDelay(on: boolean) {
      tls.setNoDelay?.(on);
    },
    removeAllListeners(event?: string) {
      stream.removeAllListeners(event);
    },
  } as GuardedSocket;
}
