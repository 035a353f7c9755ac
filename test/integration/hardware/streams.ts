// Waiting on streams by their events, never by sleeping. The deadline only turns a hang (bytes
// lost where none may be) into a failure with a message.
import type { Duplex, Readable } from 'node:stream';

/** Resolves with the first `length` bytes `stream` delivers from now on. */
export function readBytes(stream: Readable, length: number, deadlineMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`got ${got} of ${length} bytes within ${deadlineMs} ms`));
    }, deadlineMs);
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      got += chunk.length;
      if (got < length) return;
      clearTimeout(timer);
      stream.off('data', onData);
      const all = Buffer.concat(chunks);
      if (all.length > length) stream.unshift(all.subarray(length));
      resolve(all.subarray(0, length));
    };
    stream.on('data', onData);
  });
}

/** Destroys `stream` and resolves once it has closed. */
export function closeStream(stream: Duplex): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });
}

/** Bytes 0..n-1 of a fixed pseudo-random pattern (every value, no runs), for integrity checks. */
export function pattern(n: number, salt = 0): Buffer {
  const out = Buffer.alloc(n);
  let x = (0x12345678 ^ salt) >>> 0;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
