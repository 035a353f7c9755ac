// The in-memory pair (hardware/transport/memory.ts): pacing on simulated time, the lossy line
// model's counts, end and destroy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryPair } from '../../../hardware/transport/memory.js';
import { LossyLine } from '../../../hardware/transport/lossy-line.js';
import { SimulatedScheduler } from '../../../hardware/simulated-scheduler.js';

const ticks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('GIVEN a pair paced at 115200 baud WHEN 1,000 bytes are written THEN the last arrives after 86.8 ms of simulated time', async () => {
  const scheduler = new SimulatedScheduler();
  const { a, b } = memoryPair({ baud: 115200, scheduler });
  const arrivals: [number, number][] = [];
  b.on('data', (chunk: Buffer) => arrivals.push([scheduler.now(), chunk.length]));
  let written = -1;
  a.write(Buffer.alloc(1000, 0x55), () => (written = scheduler.now()));
  await ticks();
  for (let next = scheduler.nextDeadline(); next !== undefined; next = scheduler.nextDeadline()) {
    scheduler.advanceTo(next);
    await ticks();
  }
  const total = arrivals.reduce((n, [, len]) => n + len, 0);
  assert.is(total, 1000);
  const last = arrivals.at(-1)![0];
  assert.ok(Math.abs(last - (1000 * 10 * 1000) / 115200) < 1e-6, `last byte at ${last} ms`);
  assert.ok(Math.abs(arrivals[0]![0] - (16 * 10_000) / 115200) < 1e-6, 'the first 16-byte slice after 1.39 ms');
  assert.is(written, last, "the writer's callback is the transmit-complete");
});

test('GIVEN a paced pair WHEN two writes follow each other THEN the second waits for the line (no overlap)', async () => {
  const scheduler = new SimulatedScheduler();
  const { a, b } = memoryPair({ baud: 9600, scheduler, sliceBytes: 1000 });
  const arrivals: number[] = [];
  b.on('data', () => arrivals.push(scheduler.now()));
  a.write(Buffer.alloc(96));
  a.write(Buffer.alloc(96));
  await ticks();
  scheduler.advance(100);
  await ticks();
  scheduler.advance(100);
  await ticks();
  assert.equal(arrivals, [100, 200]);
});

test('GIVEN a lossy line with seed 1 WHEN 100,000 bytes pass THEN the counts are exact and near the rates', () => {
  const line = new LossyLine({ drop: 0.01, corrupt: 0.005, duplicate: 0.002, seed: 1 });
  const input = Buffer.alloc(100_000, 0xa5);
  const out = line.apply(input);
  const { dropped, corrupted, duplicated } = line.stats;
  assert.equal(line.stats, { bytes: 100_000, dropped, corrupted, duplicated });
  assert.ok(Math.abs(dropped - 1000) < 100, `dropped ${dropped}`);
  assert.ok(Math.abs(corrupted - 500) < 70, `corrupted ${corrupted}`);
  assert.ok(Math.abs(duplicated - 200) < 45, `duplicated ${duplicated}`);
  assert.is(out.length, 100_000 - dropped + duplicated);
  assert.is(out.filter((b) => b !== 0xa5).length, corrupted, 'a corrupted byte always differs');
  const again = new LossyLine({ drop: 0.01, corrupt: 0.005, duplicate: 0.002, seed: 1 });
  assert.ok(again.apply(input).equals(out), 'same seed, same damage');
  assert.equal(again.stats, line.stats);
  assert.equal([dropped, corrupted, duplicated], [952, 494, 207]);
});

test('GIVEN rates out of range WHEN a lossy line is made THEN it refuses naming the rate', () => {
  assert.throws(() => new LossyLine({ drop: 1.5, seed: 1 }), /drop rate is 1.5/);
  assert.throws(() => new LossyLine({ drop: 0.6, corrupt: 0.6, seed: 1 }), /more than 1/);
});

test('GIVEN a lossy pair WHEN both ends send THEN each direction is damaged independently and counted', async () => {
  const { a, b, stats } = memoryPair({ loss: { drop: 0.1, seed: 9 } });
  let atB = 0;
  let atA = 0;
  b.on('data', (c: Buffer) => (atB += c.length));
  a.on('data', (c: Buffer) => (atA += c.length));
  a.write(Buffer.alloc(5000, 1));
  b.write(Buffer.alloc(5000, 1));
  await ticks();
  const { aToB, bToA } = stats();
  assert.is(aToB.sent, 5000);
  assert.is(atB, aToB.delivered);
  assert.is(aToB.delivered, 5000 - aToB.dropped);
  assert.is(atA, 5000 - bToA.dropped);
  assert.ok(aToB.dropped !== bToA.dropped, 'two streams of the seed');
});

test('GIVEN a pair WHEN one end ends after writing THEN the other reads every byte, then end', async () => {
  const { a, b } = memoryPair();
  const got: Buffer[] = [];
  b.on('data', (c: Buffer) => got.push(c));
  const ended = new Promise((resolve) => b.once('end', resolve));
  a.end(Buffer.from('last words'));
  await ended;
  assert.is(Buffer.concat(got).toString(), 'last words');
});

test('GIVEN a paced pair with bytes on the line WHEN the sender is destroyed THEN the receiver sees end and nothing more', async () => {
  const scheduler = new SimulatedScheduler();
  const { a, b } = memoryPair({ baud: 115200, scheduler });
  let got = 0;
  b.on('data', (c: Buffer) => (got += c.length));
  const ended = new Promise((resolve) => b.once('end', resolve));
  a.write(Buffer.alloc(1000));
  await ticks();
  scheduler.advance(10); // 115 bytes' worth: 7 slices of 16
  await ticks();
  a.destroy();
  await ended;
  scheduler.advance(1000);
  assert.is(got, 112);
  assert.is(scheduler.pending, 0);
});

test('GIVEN a bare pair WHEN the sender writes and is destroyed in the same tick THEN the receiver just ends (no push after EOF)', async () => {
  const { a, b } = memoryPair();
  const errors: Error[] = [];
  b.on('error', (e) => errors.push(e));
  b.resume();
  const ended = new Promise((resolve) => b.once('end', resolve));
  a.write(Buffer.from('late'));
  a.destroy();
  await ended;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(errors, []);
});

test.run();
