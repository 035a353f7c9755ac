// The Event Hub-compatible endpoint with the official SDKs, unmodified, over TLS with the hub's CA
// (issue 3 item 6 and its tests): the device SDK sends telemetry, @azure/event-hubs
// `EventHubConsumerClient` (in a child process with NODE_EXTRA_CA_CERTS) reads it back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionOf } from '../../../hub/telemetry/partition.js';
import { DeviceMessage, deviceClient, startTestHub, type TestHub } from './helpers.js';
import { EventHubConsumer, EventHubSdkError } from './event-hub-consumer.js';

let t: TestHub;
let consumer: EventHubConsumer;
const DEVICE = 'eh-sdk-1';
let partitionId: string;

test.before(async () => {
  t = await startTestHub({ partitions: 2 });
  t.hub.registry.addDevice(DEVICE);
  partitionId = String(partitionOf(DEVICE, 2));
  const client = deviceClient(t.hub, t.hub.deviceConnectionString(DEVICE));
  await client.open();
  for (let i = 0; i < 3; i++) {
    const message = new DeviceMessage(JSON.stringify({ n: i }));
    message.messageId = `m-${i}`;
    message.correlationId = `c-${i}`;
    message.contentType = 'application/json';
    message.properties.add('alert', i === 2 ? 'true' : 'false');
    await client.sendEvent(message);
  }
  await client.close();
  consumer = new EventHubConsumer(t.hub);
  await consumer.open(t.hub.connectionStrings.eventHub);
});
test.after(async () => {
  await consumer.stop();
  await t.stop();
});

test('telemetry from the device SDK reads back from earliest with its properties and the IoT Hub annotations', async () => {
  const events = await consumer.receive(partitionId, { offset: '-1' } as never, 3);
  assert.equal(events.map((e) => e.body), [{ n: 0 }, { n: 1 }, { n: 2 }]);
  const [first] = events;
  assert.is(first!.messageId, 'm-0');
  assert.is(first!.correlationId, 'c-0');
  assert.is(first!.contentType, 'application/json');
  assert.equal(first!.properties, { alert: 'false' });
  assert.is(first!.sequenceNumber, 0);
  assert.type(first!.offset, 'string');
  assert.ok(first!.enqueuedTimeUtc instanceof Date);
  const system = first!.systemProperties!;
  assert.is(system['iothub-connection-device-id'], DEVICE);
  assert.is(system['iothub-message-source'], 'Telemetry');
  assert.is(system['iothub-connection-auth-generation-id'], t.hub.registry.device(DEVICE)!.generationId);
  assert.type(system['iothub-enqueuedtime'], 'number');
  assert.equal(events.map((e) => e.sequenceNumber), [0, 1, 2]);
});

test('reading by enqueued time starts after that time, and resuming by sequence number continues after it', async () => {
  const all = await consumer.receive(partitionId, { sequenceNumber: 0, isInclusive: true }, 3);
  const afterFirst = await consumer.receive(partitionId, { enqueuedOn: all[0]!.enqueuedTimeUtc.getTime() - 1 }, 1);
  assert.equal(afterFirst.map((e) => e.messageId), ['m-0']);
  const resumed = await consumer.receive(partitionId, { sequenceNumber: all[0]!.sequenceNumber }, 2);
  assert.equal(resumed.map((e) => e.messageId), ['m-1', 'm-2']);
  const inclusive = await consumer.receive(partitionId, { sequenceNumber: 1, isInclusive: true }, 1);
  assert.equal(inclusive.map((e) => e.messageId), ['m-1']);
});

test('getEventHubProperties and getPartitionProperties report the partition ids and sequence numbers', async () => {
  const hub = await consumer.hubProperties();
  assert.is(hub.name, t.hub.options.name);
  assert.equal(hub.partitionIds, ['0', '1']);
  assert.ok(hub.createdOn instanceof Date);
  const p = await consumer.partitionProperties(partitionId);
  assert.equal(
    [p.partitionId, p.beginningSequenceNumber, p.lastEnqueuedSequenceNumber, p.isEmpty],
    [partitionId, 0, 2, false],
  );
  assert.is(p.lastEnqueuedOffset, t.hub.telemetry.partitionInfo(Number(partitionId)).lastOffset);
  const other = await consumer.partitionProperties(partitionId === '0' ? '1' : '0');
  assert.equal([other.isEmpty, other.lastEnqueuedSequenceNumber], [true, -1]);
});

test('with trackLastEnqueuedEventProperties each batch reports the partition\'s last enqueued event', async () => {
  const [event] = await consumer.receive(partitionId, { offset: '-1' } as never, 1, { trackLastEnqueuedEventProperties: true });
  const last = event!.lastEnqueued!;
  const info = t.hub.telemetry.partitionInfo(Number(partitionId));
  assert.is(last.sequenceNumber, info.lastSequenceNumber);
  assert.is(last.offset, info.lastOffset);
  assert.equal(last.enqueuedOn, new Date(info.lastEnqueuedAt));
  assert.ok(last.retrievedOn instanceof Date);
});

test('a connection string with a wrong key surfaces as a MessagingError with code UnauthorizedError, at once', async () => {
  const bad = new EventHubConsumer(t.hub);
  try {
    const wrongKey = t.hub.connectionStrings.eventHub.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 9).toString('base64')}`);
    await bad.open(wrongKey);
    const error = await bad.hubProperties().then(() => undefined, (e: EventHubSdkError) => e);
    assert.is(error?.code, 'UnauthorizedError', error?.message);
  } finally {
    await bad.stop();
  }
});

test.run();
