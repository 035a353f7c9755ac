// Waiting on streams by their events, never by sleeping. The deadline only turns a hang (bytes
// lost where none may be) into a failure with a message.
import type { Duplex, Readable } from 'node:stream';

/**
 * Resolves with the first `length` bytes `stream` delivers from now on. Given the `expected` bytes,
 * a deadline failure also says where the received bytes first differ and which byte values are
 * missing (lost bytes of a few values point at a line setting, scattered ones at an overrun).
 */
export function readBytes(stream: Readable, length: number, deadlineMs = 10_000, expected?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`got ${got} of ${length} bytes within ${deadlineMs} ms${expected ? `; ${describeLoss(expected, Buffer.concat(chunks))}` : ''}`));
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

function describeLoss(expected: Buffer, received: Buffer): string {
  let first = 0;
  while (first < received.length && received[first] === expected[first]) first++;
  const missing = new Map<number, number>();
  for (const v of expected) missing.set(v, (missing.get(v) ?? 0) + 1);
  for (const v of received) missing.set(v, (missing.get(v) ?? 0) - 1);
  const lost = [...missing].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const hex = (v: number | undefined): string => (v === undefined ? 'nothing' : `0x${v.toString(16).padStart(2, '0')}`);
  return `first difference at byte ${first} (expected ${hex(expected[first])}, got ${hex(received[first])}); ` +
    `${lost.length} byte values short: ${lost.slice(0, 12).map(([v, n]) => `${hex(v)}×${n}`).join(' ')}${lost.length > 12 ? ' …' : ''}`;
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
