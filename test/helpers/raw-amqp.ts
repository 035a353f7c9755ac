// Hand-made AMQP bytes for tests that must misbehave below rhea (qdrouterd.md §6.b layouts).
import type { Duplex } from 'node:stream';

export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);

/** An Open frame with only a container-id: size, doff 2, type 0, channel 0, then open(0x10) list8 [string]. */
export function openFrame(containerId: string): Buffer {
  const id = Buffer.from(containerId);
  const body = Buffer.concat([Buffer.from([0x00, 0x53, 0x10, 0xc0, 2 + 1 + id.length, 1, 0xa1, id.length]), id]);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header[4] = 2;
  return Buffer.concat([header, body]);
}

/** A frame header announcing `size` bytes (no body follows). */
export function frameHeader(size: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(size, 0);
  header[4] = 2;
  return header;
}

/** Everything the peer sends until it closes the stream. */
export function readUntilClosed(stream: Duplex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    const done = (): void => resolve(Buffer.concat(chunks));
    stream.once('end', done);
    stream.once('close', done);
  });
}
