// The pure outbox: bounded, oldest dropped and counted, kept until accepted, requeued on loss.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createOutbox, enqueue, requeueInFlight, settle, takeUnsent, type Outbox } from '../../../device-emulator/outbox.js';

const msg = (seq: number) => ({ id: `d:1:${seq}`, seq, body: Uint8Array.of(seq), properties: { enc: 'none' } });
const fill = (o: Outbox, from: number, to: number) => {
  for (let s = from; s <= to; s++) o = enqueue(o, msg(s)).outbox;
  return o;
};

test('enqueue beyond capacity drops the oldest entry, returns it and counts it', () => {
  let o = fill(createOutbox(3), 1, 3);
  const r = enqueue(o, msg(4));
  assert.is(r.dropped?.seq, 1);
  o = r.outbox;
  assert.equal(o.entries.map((e) => e.seq), [2, 3, 4]);
  assert.is(o.stats.dropped, 1);
  assert.is(o.stats.enqueued, 4);
});

test('takeUnsent hands out each queued entry once, oldest first, until it is requeued', () => {
  let o = fill(createOutbox(5), 1, 3);
  const first = takeUnsent(o);
  assert.equal(first.toSend.map((e) => e.seq), [1, 2, 3]);
  o = first.outbox;
  assert.is(takeUnsent(o).toSend.length, 0);
  o = requeueInFlight(o);
  const again = takeUnsent(o);
  assert.equal(again.toSend.map((e) => e.attempts), [2, 2, 2]);
  assert.is(again.outbox.stats.resent, 3);
  assert.is(again.outbox.stats.sent, 6);
});

test('accepted removes, rejected removes and counts, released and modified queue again', () => {
  let o = takeUnsent(fill(createOutbox(5), 1, 4)).outbox;
  o = settle(o, 'd:1:1', 'accepted');
  o = settle(o, 'd:1:2', 'rejected');
  o = settle(o, 'd:1:3', 'released');
  o = settle(o, 'd:1:4', 'modified');
  assert.equal(o.entries.map((e) => [e.seq, e.inFlight]), [[3, false], [4, false]]);
  assert.equal([o.stats.accepted, o.stats.rejected, o.stats.released], [1, 1, 2]);
});

test('an outcome for an unknown or not-in-flight id changes nothing', () => {
  const o = fill(createOutbox(2), 1, 1);
  assert.is(settle(o, 'd:1:1', 'accepted'), o, 'queued, not in flight');
  assert.is(settle(o, 'nope', 'accepted'), o);
});

test('capacity must be a whole number of at least 1', () => {
  assert.throws(() => createOutbox(0), /capacity/);
});

test.run();
