// The Event Hub endpoint's pieces without AMQP: partition ownership by epoch, the credit-exact
// partition reader over a fake sink, and the runtime-metric delivery annotations (issue 3 item 6;
// reference/iot-hub-amqp.md §6.3, §6.4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea, { type Message } from 'rhea';
import { HubError } from '../../../hub/errors.js';
import { MAX_NON_EPOCH, PartitionOwnership, type PartitionReaderOwner } from '../../../hub/eventhub/ownership.js';
import { PartitionReader, type EventSink, type PartitionSource } from '../../../hub/eventhub/partition-reader.js';
import { runtimeMetricSection, withDeliveryAnnotations } from '../../../hub/eventhub/runtime-metric.js';
import type { PartitionInfo, ReadFrom, StoredEvent } from '../../../hub/store/telemetry-log.js';

const owner = (epoch?: number): PartitionReaderOwner & { stolen?: string } => {
  const o: PartitionReaderOwner & { stolen?: string } = { epoch, steal: (e: HubError) => void (o.stolen = e.code) };
  return o;
};
const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as HubError).code;
  }
  return undefined;
};

test('ownership: a higher or equal epoch displaces, a lower one and non-epoch receivers are refused', () => {
  const o = new PartitionOwnership();
  const a = owner(), b = owner();
  o.claim('$Default', 0, a);
  o.claim('$Default', 0, b);
  const e1 = owner(1);
  o.claim('$default', 0, e1);
  assert.equal([a.stolen, b.stolen], ['link-stolen', 'link-stolen']);
  assert.is(code(() => o.claim('$Default', 0, owner())), 'link-stolen');
  assert.is(code(() => o.claim('$Default', 0, owner(0))), 'link-stolen');
  const again = owner(1);
  o.claim('$Default', 0, again);
  assert.is(e1.stolen, 'link-stolen');
  assert.is(code(() => o.claim('other', 0, owner())), undefined, 'another consumer group is independent');
  assert.is(code(() => o.claim('$Default', 1, owner())), undefined, 'another partition is independent');
});

test('ownership: releasing the epoch owner lets non-epoch receivers in again, up to the limit', () => {
  const o = new PartitionOwnership();
  const release = o.claim('cg', 0, owner(3));
  release();
  for (let i = 0; i < MAX_NON_EPOCH; i++) o.claim('cg', 0, owner());
  assert.is(code(() => o.claim('cg', 0, owner())), 'resource-limit');
});

function fakeLog(count: number): PartitionSource & { reads: number[] } {
  const events: StoredEvent[] = Array.from({ length: count }, (_, i) => ({
    partition: 0, sequenceNumber: i, offset: String(i * 10), enqueuedAt: 1000 + i, deviceId: 'd', bytes: rhea.message.encode({ body: `e${i}` }),
  }));
  const log = {
    reads: [] as number[],
    read(_p: number, from: ReadFrom, limit: number) {
      log.reads.push(limit);
      const after = from.by === 'sequence' ? (from.inclusive ? from.sequenceNumber - 1 : from.sequenceNumber) : -1;
      return events.filter((e) => e.sequenceNumber > after).slice(0, limit);
    },
    partitionInfo: (): PartitionInfo => ({ partition: 0, beginSequenceNumber: 0, lastSequenceNumber: count - 1, lastOffset: String((count - 1) * 10), lastEnqueuedAt: 1000 + count - 1, isEmpty: count === 0 }),
  };
  return log;
}

function fakeSink(): EventSink & { sent: Buffer[]; give(n: number): void } {
  const sink = {
    credit: 0,
    sent: [] as Buffer[],
    sendable: () => sink.credit > 0,
    send(bytes: Buffer) {
      if (sink.credit <= 0) throw new Error('sent without credit');
      sink.credit--;
      sink.sent.push(bytes);
    },
    give(n: number) {
      sink.credit += n;
    },
  };
  return sink;
}

const body = (b: Buffer): unknown => (rhea.message.decode(b) as unknown as Message).body;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('reader: sends exactly the credit given, in order, resuming after the last event sent', async () => {
  const sink = fakeSink();
  const reader = new PartitionReader({ partition: 0, start: { by: 'start' }, log: fakeLog(5), sink, runtimeMetric: false, now: () => 0 });
  reader.pump();
  assert.is(sink.sent.length, 0);
  sink.give(2);
  reader.pump();
  assert.equal(sink.sent.map(body), ['e0', 'e1']);
  sink.give(10);
  reader.pump();
  await tick();
  assert.equal(sink.sent.map(body), ['e0', 'e1', 'e2', 'e3', 'e4']);
  assert.is(sink.credit, 7);
});

test('reader: a long backlog goes out in batches of at most 100, one batch per macrotask', async () => {
  const sink = fakeSink();
  const log = fakeLog(250);
  const reader = new PartitionReader({ partition: 0, start: { by: 'sequence', sequenceNumber: 9, inclusive: true }, log, sink, runtimeMetric: false, now: () => 0 });
  sink.give(1000);
  reader.pump();
  assert.is(sink.sent.length, 100);
  await tick();
  await tick();
  assert.is(sink.sent.length, 241);
  assert.equal(log.reads, [100, 100, 100]);
  assert.is(body(sink.sent[0]!), 'e9');
});

test('reader: @latest starts after the last event at construction time', () => {
  const sink = fakeSink();
  const reader = new PartitionReader({ partition: 0, start: { by: 'latest' }, log: fakeLog(3), sink, runtimeMetric: false, now: () => 0 });
  sink.give(5);
  reader.pump();
  assert.is(sink.sent.length, 0);
});

test('runtime metric: delivery annotations go after the header and before the rest, with their AMQP types', () => {
  const info: PartitionInfo = { partition: 0, beginSequenceNumber: 0, lastSequenceNumber: 7, lastOffset: '700', lastEnqueuedAt: 1_700_000_000_000, isEmpty: false };
  const section = runtimeMetricSection(info, 1_700_000_000_500);
  for (const stored of [{ body: 'x', message_annotations: { a: 1 } }, { durable: true, ttl: 5000, body: 'x', message_annotations: { a: 1 } }]) {
    let encoded = rhea.message.encode(stored as never);
    // rhea always writes a header (an empty one is 00 53 70 45): drop it to test a message without one
    if (!('durable' in stored) && encoded.subarray(0, 4).equals(Buffer.from([0x00, 0x53, 0x70, 0x45]))) encoded = encoded.subarray(4);
    const bytes = withDeliveryAnnotations(encoded, section);
    const m = rhea.message.decode(bytes) as unknown as Message;
    assert.equal(m.delivery_annotations, {
      last_enqueued_sequence_number: 7, last_enqueued_offset: '700',
      last_enqueued_time_utc: new Date(1_700_000_000_000), runtime_info_retrieval_time_utc: new Date(1_700_000_000_500),
    });
    assert.is(m.body, 'x');
    assert.equal(m.message_annotations, { a: 1 });
    const sections = [...bytes.subarray(0, 3)];
    if ('durable' in stored) {
      assert.equal([m.durable, m.ttl], [true, 5000]);
      assert.equal(sections, [0x00, 0x53, 0x70], 'the header stays first');
      assert.ok(bytes.indexOf(Buffer.from([0x00, 0x53, 0x71])) < bytes.indexOf(Buffer.from([0x00, 0x53, 0x72])));
    } else assert.equal(sections, [0x00, 0x53, 0x71], 'without a header the delivery annotations come first');
  }
  // long (0x81 / 0x55 smalllong) and timestamp (0x83) on the wire, keys as symbols (0xa3)
  assert.ok(section.includes(Buffer.from([0xa3, 29, ...Buffer.from('last_enqueued_sequence_number'), 0x55, 7])) || section.includes(Buffer.from([0xa3, 29, ...Buffer.from('last_enqueued_sequence_number'), 0x81])));
  assert.ok(section.includes(Buffer.from([0xa3, 22, ...Buffer.from('last_enqueued_time_utc'), 0x83])));
});

test.run();
