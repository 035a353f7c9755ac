// Device telemetry through the official device SDK (azure-iot-device + azure-iot-device-amqp),
// unmodified, over TLS with the hub's generated CA (issue 3 items 4, 5).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionOf } from '../../../hub/telemetry/partition.js';
import { DeviceMessage, deviceClient, startTestHub, storedEvents, type TestHub } from './helpers.js';

let t: TestHub;
test.before(async () => {
  t = await startTestHub({ partitions: 4 });
});
test.after(async () => {
  await t.stop();
});

test('telemetry from the device SDK is stored with its properties, body and the IoT Hub annotations', async () => {
  const { hub } = t;
  const device = hub.registry.addDevice('thermo-1');
  const client = deviceClient(hub, hub.deviceConnectionString('thermo-1'));
  await client.open();
  const message = new DeviceMessage(JSON.stringify({ temperature: 21.5 }));
  message.messageId = 'msg-1';
  message.correlationId = 'corr-1';
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  message.properties.add('alert', 'true');
  await client.sendEvent(message);
  await client.close();

  const events = storedEvents(hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === 'thermo-1');
  assert.is(events.length, 1);
  const [event] = events;
  assert.is(event!.partition, partitionOf('thermo-1', 4));
  const m = event!.message;
  assert.is(m.message_id, 'msg-1');
  assert.is(m.correlation_id, 'corr-1');
  assert.is(m.content_type, 'application/json');
  assert.is(m.content_encoding, 'utf-8');
  assert.equal(m.application_properties, { alert: 'true' });
  assert.is((m.body as { typecode: number }).typecode, 0x75);
  assert.equal(JSON.parse((m.body as { content: Buffer }).content.toString()), { temperature: 21.5 });
  const a = m.message_annotations!;
  assert.is(a['iothub-connection-auth-generation-id'], device.generationId);
  assert.equal(JSON.parse(a['iothub-connection-auth-method'] as string), { scope: 'device', type: 'sas', issuer: 'iothub', acceptingIpFilterRule: null });
  assert.is(a['iothub-message-source'], 'Telemetry');
  assert.ok(a['iothub-enqueuedtime'] instanceof Date);
  assert.ok(a['x-opt-enqueued-time'] instanceof Date);
  assert.is(a['x-opt-sequence-number'], event!.sequenceNumber);
  assert.is(a['x-opt-offset'], event!.offset);
  assert.type(a['x-opt-offset'], 'string');
});

test('one device keeps one partition and its sequence numbers count up from the partition start', async () => {
  const { hub } = t;
  hub.registry.addDevice('counter-1');
  const client = deviceClient(hub, hub.deviceConnectionString('counter-1'));
  await client.open();
  for (let i = 0; i < 5; i++) await client.sendEvent(new DeviceMessage(`n${i}`));
  await client.close();
  const events = storedEvents(hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === 'counter-1');
  assert.is(events.length, 5);
  assert.equal(new Set(events.map((e) => e.partition)).size, 1);
  const seqs = events.map((e) => e.sequenceNumber);
  assert.equal(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(events.map((e) => (e.message.body as { content: Buffer }).content.toString()), ['n0', 'n1', 'n2', 'n3', 'n4']);
});

test('a 250 KB message spans several frames (max-frame-size 64 KB) and is stored whole', async () => {
  const { hub } = t;
  hub.registry.addDevice('bulky-1');
  const client = deviceClient(hub, hub.deviceConnectionString('bulky-1'));
  await client.open();
  const body = Buffer.alloc(250 * 1024, 0x42);
  await client.sendEvent(new DeviceMessage(body));
  await client.close();
  const [event] = storedEvents(hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === 'bulky-1');
  assert.ok((event!.message.body as { content: Buffer }).content.equals(body));
});

test.run();
