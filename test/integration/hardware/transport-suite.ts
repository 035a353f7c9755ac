// The one transport test suite (node-serialport's way: the same tests against the mock and the
// real thing). `open` returns the near end of a line whose far end echoes every byte back: the
// in-memory pair and the socat pty pair with an echo on the far end, or a real board running an
// echo program (or a loopback plug). Each test opens its own line.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Duplex } from 'node:stream';
import { closeStream, pattern, readBytes } from './streams.js';

export interface EchoLine {
  near: Duplex;
  describe: string;
  close(): Promise<void>;
}

export function transportSuite(name: string, open: () => Promise<EchoLine | undefined>, bulkBytes = 16 * 1024): void {
  const s = suite(`transport contract: ${name}`);

  s('GIVEN an echoing far end WHEN every byte value 0x00..0xFF is written THEN each comes back unchanged (raw 8-bit line)', async () => {
    const line = await open();
    if (!line) return;
    try {
      assert.ok(line.describe.length > 0);
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const back = readBytes(line.near, all.length);
      line.near.write(all);
      assert.equal([...(await back)], [...all]);
    } finally {
      await line.close();
    }
  });

  s(`GIVEN an echoing far end WHEN ${bulkBytes} bytes are written in uneven chunks THEN they come back intact and in order`, async () => {
    const line = await open();
    if (!line) return;
    try {
      const data = pattern(bulkBytes, 7);
      const back = readBytes(line.near, data.length, 60_000, data);
      for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7 + 3) % 500 + 1) {
        line.near.write(data.subarray(at, at + size));
      }
      assert.ok((await back).equals(data));
    } finally {
      await line.close();
    }
  });

  s('GIVEN an open line WHEN the near end is destroyed THEN it closes', async () => {
    const line = await open();
    if (!line) return;
    await closeStream(line.near);
    assert.ok(line.near.destroyed);
    await line.close();
  });

  s.run();
}

/** Echo everything `far` receives back into it; returns a close for both ends. */
export function echo(near: Duplex, far: Duplex, describe: string): EchoLine {
  far.on('data', (chunk: Buffer) => far.write(chunk));
  return { near, describe, close: async () => void (await Promise.all([closeStream(near), closeStream(far)])) };
}
