// C2D commands and feedback with the official SDKs, unmodified (issue 3 items 7-8;
// reference/iot-hub-amqp.md §4.3, §5): azure-iothub `Client` in a child process trusting the CA
// through NODE_EXTRA_CA_CERTS (service-client.ts), azure-iot-device + azure-iot-device-amqp here
// with setOptions({ca}). Feedback batches every 20 ms; the hub clock is injected so that lock
// expiry and TTL are reached by moving it, not by waiting.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFeedback, FEEDBACK_CONTENT_TYPE, type FeedbackRecord } from '../../../protocol/feedback.js';
import { listeningDevice, startTestHub, type DeviceClient, type TestHub } from './helpers.js';
import { ServiceClient } from './service-client.js';

let t: TestHub;
let service: ServiceClient;
let clockOffset = 0;
const records: FeedbackRecord[] = [];
const devices: DeviceClient[] = [];

test.before(async () => {
  t = await startTestHub({ now: () => Date.now() + clockOffset, c2d: { feedbackBatchMs: 20, sweepMs: 20 } });
  service = new ServiceClient(t.hub);
  await service.open(t.hub.connectionStrings.service);
  await service.receiveFeedback();
});
test.after(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
  await service.stop();
  await t.stop();
});

/** The next feedback record about `messageId` (feedback of other tests is kept for them). */
async function feedbackFor(messageId: string): Promise<FeedbackRecord> {
  for (;;) {
    const index = records.findIndex((r) => r.originalMessageId === messageId);
    if (index >= 0) return records.splice(index, 1)[0]!;
    const message = await service.feedback.next(5000, `feedback for ${messageId}`);
    assert.is(message.contentType, FEEDBACK_CONTENT_TYPE);
    records.push(...decodeFeedback(message.data));
  }
}

test('a C2D message with ack full reaches the device with its properties and data; completing it gives Success feedback', async () => {
  const device = t.hub.registry.addDevice('c2d-complete');
  const { client, messages } = await listeningDevice(t.hub, 'c2d-complete', devices);
  await service.send('c2d-complete', {
    data: 'led on',
    messageId: 'cmd-complete-1',
    correlationId: 'corr-1',
    contentType: 'text/plain',
    contentEncoding: 'utf-8',
    ack: 'full',
    properties: { colour: 'red' },
  });
  const m = await messages.next(5000, 'the C2D message');
  assert.is(m.data.toString(), 'led on');
  assert.is(m.messageId, 'cmd-complete-1');
  assert.is(m.correlationId, 'corr-1');
  assert.is(m.contentType, 'text/plain');
  assert.is(m.contentEncoding, 'utf-8');
  assert.is(m.ack, 'full');
  assert.is(m.properties.getValue('colour'), 'red');
  assert.is(m.to, '/devices/c2d-complete/messages/devicebound');
  assert.ok(m.expiryTimeUtc, 'the effective expiry (default TTL 1 h) is on the message');
  await client.complete(m);
  const record = await feedbackFor('cmd-complete-1');
  assert.is(record.statusCode, 'Success');
  assert.is(record.description, 'Success');
  assert.is(record.deviceId, 'c2d-complete');
  assert.is(record.deviceGenerationId, device.generationId);
});

test('a rejected C2D message is dead-lettered with Rejected feedback', async () => {
  const { client, messages } = await listeningDevice(t.hub, 'c2d-reject', devices);
  await service.send('c2d-reject', { data: 'x', messageId: 'cmd-reject-1', ack: 'full' });
  await client.reject(await messages.next(5000, 'the C2D message'));
  assert.is((await feedbackFor('cmd-reject-1')).statusCode, 'Rejected');
});

test('a C2D message abandoned 10 times is dead-lettered with DeliveryCountExceeded feedback', async () => {
  const { client, messages } = await listeningDevice(t.hub, 'c2d-abandon', devices);
  await service.send('c2d-abandon', { data: 'x', messageId: 'cmd-abandon-1', ack: 'negative' });
  for (let i = 1; i <= 10; i++) {
    const m = await messages.next(5000, `delivery ${i}`);
    assert.is(m.messageId, 'cmd-abandon-1');
    await client.abandon(m);
  }
  assert.is((await feedbackFor('cmd-abandon-1')).statusCode, 'DeliveryCountExceeded');
});

test('a C2D message whose TTL passes before the device receives it gives Expired feedback', async () => {
  t.hub.registry.addDevice('c2d-expire');
  await service.send('c2d-expire', { data: 'x', messageId: 'cmd-expire-1', ack: 'full', expiryTimeUtc: Date.now() + clockOffset + 30_000 });
  clockOffset += 31_000;
  assert.is((await feedbackFor('cmd-expire-1')).statusCode, 'Expired');
});

test('ack positive gives no feedback for a rejection, ack negative none for a completion', async () => {
  const { client, messages } = await listeningDevice(t.hub, 'c2d-acks', devices);
  await service.send('c2d-acks', { data: 'a', messageId: 'cmd-acks-positive', ack: 'positive' });
  await service.send('c2d-acks', { data: 'b', messageId: 'cmd-acks-negative', ack: 'negative' });
  await service.send('c2d-acks', { data: 'c', messageId: 'cmd-acks-marker', ack: 'full' });
  await client.reject(await messages.next(5000, 'a'));
  await client.complete(await messages.next(5000, 'b'));
  await client.complete(await messages.next(5000, 'c'));
  assert.is((await feedbackFor('cmd-acks-marker')).statusCode, 'Success');
  assert.not.ok(records.some((r) => r.originalMessageId.startsWith('cmd-acks-')));
});

test('the 51st queued C2D message fails with DeviceMaximumQueueDepthExceededError', async () => {
  t.hub.registry.addDevice('c2d-full');
  for (let i = 0; i < 50; i++) await service.send('c2d-full', { data: `m${i}` });
  const error = await service.send('c2d-full', { data: 'one too many' }).then(() => undefined, (e: Error) => e);
  assert.ok(error, 'the 51st send fails');
  assert.match(error!.message, /DeviceMaximumQueueDepthExceededError/);
});

test('a C2D message to an unknown device fails with DeviceNotFoundError', async () => {
  const error = await service.send('nobody-here', { data: 'x' }).then(() => undefined, (e: Error) => e);
  assert.match(error?.message ?? '', /DeviceNotFoundError/);
});

test('lock expiry returns the message to the queue without counting a delivery', async () => {
  const { client, messages } = await listeningDevice(t.hub, 'c2d-lock', devices);
  await service.send('c2d-lock', { data: 'x', messageId: 'cmd-lock-1', ack: 'full' });
  await messages.next(5000, 'the first delivery'); // left unsettled: the lock (60 s) runs out
  clockOffset += 61_000;
  // Redelivered; 9 abandons then leave it one short of the max delivery count (10) only if the
  // lock expiry was not counted, so it is delivered once more and completes.
  for (let i = 1; i <= 9; i++) await client.abandon(await messages.next(5000, `redelivery ${i}`));
  await client.complete(await messages.next(5000, 'the delivery after 9 abandons'));
  assert.is((await feedbackFor('cmd-lock-1')).statusCode, 'Success');
});

test.run();
