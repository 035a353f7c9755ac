// The reliable serial link over the seeded lossy line model: whatever the line drops, garbles or
// duplicates, each side's stream arrives intact and in order (docs/serial-link.md §8–§9).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { Duplex } from 'node:stream';
import { collect, linkedPair, runUntil } from './link-harness.js';
import { pattern } from '../../integration/hardware/streams.js';

function writeInChunks(stream: Duplex, data: Buffer, chunk: number): void {
  for (let at = 0; at < data.length; at += chunk) stream.write(data.subarray(at, at + chunk));
}

async function exchange(loss: { drop: number; corrupt: number; duplicate: number; seed: number }, up: number, down: number, chunk: number) {
  const p = linkedPair({ baud: 115200, loss });
  const { boardStream, gatewayStream } = await p.open();
  const upData = pattern(up, loss.seed);
  const downData = pattern(down, loss.seed + 1);
  const atGateway = collect(gatewayStream);
  const atBoard = collect(boardStream);
  writeInChunks(boardStream, upData, chunk);
  writeInChunks(gatewayStream, downData, chunk);
  await runUntil(p.scheduler, () => atGateway.length() >= up && atBoard.length() >= down, 600_000);
  return { p, upOk: atGateway.bytes().equals(upData), downOk: atBoard.bytes().equals(downData) };
}

test('GIVEN a line that drops, garbles and duplicates bytes (seed 7) WHEN 32 KiB go each way THEN both streams arrive intact and the damage is counted', async () => {
  const loss = { drop: 3e-4, corrupt: 3e-4, duplicate: 1e-4, seed: 7 }; // about 17 % of full frames damaged
  const { p, upOk, downOk } = await exchange(loss, 32 * 1024, 32 * 1024, 1000);
  assert.ok(upOk && downOk);
  const { aToB, bToA } = p.line.stats();
  const [board, gateway] = [p.board.stats, p.gateway.stats];
  assert.ok(aToB.dropped + aToB.corrupted + aToB.duplicated > 0 && bToA.dropped + bToA.corrupted + bToA.duplicated > 0);
  assert.ok(board.retransmissions > 0 && gateway.retransmissions > 0, 'lost frames were resent');
  assert.ok(board.crcErrors + board.framingErrors > 0 && gateway.crcErrors + gateway.framingErrors > 0, 'damaged frames were dropped and counted');
  assert.ok(gateway.duplicatesDropped > 0, 'go-back-N resends frames the receiver already had');
  assert.is(p.board.state, 'open');
  console.log(
    `    lossy 115200 line, seed 7: board sent ${board.framesSent} frames (${board.retransmissions} resent), gateway saw ${gateway.crcErrors} CRC and ${gateway.framingErrors} framing errors`,
  );
  p.detach();
});

test('PROPERTY: over any seeded lossy line (rates up to 3e-4 each: up to 21 % of full frames damaged), streams of any size written in any chunking arrive intact and in order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 0, max: 0x7fffffff }),
        drop: fc.double({ min: 0, max: 3e-4, noNaN: true }),
        corrupt: fc.double({ min: 0, max: 3e-4, noNaN: true }),
        duplicate: fc.double({ min: 0, max: 3e-4, noNaN: true }),
        up: fc.integer({ min: 1, max: 12_000 }),
        down: fc.integer({ min: 0, max: 12_000 }),
        chunk: fc.integer({ min: 1, max: 700 }),
      }),
      async ({ up, down, chunk, ...loss }) => {
        const { p, upOk, downOk } = await exchange(loss, up, down, chunk);
        p.detach();
        return upOk && downOk;
      },
    ),
    { seed: 20261126, numRuns: 40 },
  );
});

test.run();
