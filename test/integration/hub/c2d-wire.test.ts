// C2D and feedback on the wire, with raw rhea clients where the SDKs hide the detail (issue 3
// items 7-8; reference/iot-hub-amqp.md §4.3, §5.1-5.3): delivery tags, `to`, takeover, refusals,
// link loss, feedback redelivery and its message format, credit granted with the attach. The device SDK reports a detached C2D
// link only as a logged transport error and does not attach again, so a taken-over SDK receiver
// stays down (why the hub answers a takeover with amqp:link:stolen, amqp/device-bound.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import iotDevice from 'azure-iot-device';
import rhea, { type Connection, type Delivery, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { c2dToAddress } from '../../../protocol/address.js';
import { decodeFeedback, FEEDBACK_CONTENT_TYPE } from '../../../protocol/feedback.js';
import { createSasToken } from '../../../protocol/sas.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { cbsClient, deviceClient, next, openedConnections, rawClient, startTestHub, type TestHub } from './helpers.js';

let t: TestHub;
const opened = openedConnections();
const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

test.before(async () => {
  t = await startTestHub({ c2d: { feedbackBatchMs: 10, maxDeliveryCount: 2 } });
});
test.after.each(opened.closeAll);
test.after(async () => {
  await t.stop();
});

/** A raw connection holding a token: the device's own, or the iothubowner policy's for the hub. */
async function connectAs(who: { device: string } | 'service'): Promise<Connection> {
  const c = await opened.keep(rawClient(t.hub));
  const cbs = await cbsClient(c);
  const token =
    who === 'service'
      ? createSasToken({ audience: `localhost:${t.hub.port}`, key: t.hub.registry.policy('iothubowner')!.primaryKey, keyName: 'iothubowner', keyConvention: 'iothub', expiresAt: inAnHour() })
      : createSasToken({ audience: `localhost/devices/${who.device}`, key: t.hub.registry.device(who.device)!.primaryKey, keyConvention: 'iothub', expiresAt: inAnHour() });
  assert.is((await cbs.put(token, 'n')).status, 200);
  return c;
}

async function serviceSender(): Promise<Sender> {
  const sender = (await connectAs('service')).open_sender({ target: { address: '/messages/devicebound' } });
  await next(sender, 'sendable');
  return sender;
}

/** Sends and resolves with the outcome: 'accepted' or the rejection's condition. */
function sendCommand(sender: Sender, message: Message): Promise<string> {
  const delivery = sender.send(message);
  return new Promise((resolve) => {
    const done = (ctx: EventContext): void => {
      if (ctx.delivery !== delivery) return;
      sender.removeListener('accepted', done).removeListener('rejected', done);
      const state = ctx.delivery!.remote_state as { error?: { condition: string } } | undefined;
      resolve(state?.error?.condition ?? 'accepted');
    };
    sender.on('accepted', done).on('rejected', done);
  });
}

interface Received { message: Message; delivery: Delivery }
function receiveInto(receiver: Receiver): AsyncQueue<Received> {
  const queue = new AsyncQueue<Received>();
  receiver.on('message', (ctx: EventContext) => queue.push({ message: ctx.message!, delivery: ctx.delivery! }));
  return queue;
}

/**
 * A receiver whose attach and first credit leave in one write, so the hub sees credit before it has
 * answered the attach. Records the order of the attach reply, transfers and connection errors (a
 * transfer before the reply names a handle rhea does not know: "Invalid handle").
 */
function burstReceiver(connection: Connection, address: string): { messages: AsyncQueue<Received>; events: string[] } {
  const events: string[] = [];
  connection.on('error', () => events.push('connection error'));
  const receiver = connection.open_receiver({ source: { address }, autoaccept: false, credit_window: 0 });
  receiver.add_credit(1);
  receiver.on('receiver_open', () => events.push('attach reply'));
  receiver.on('message', () => events.push('transfer'));
  return { messages: receiveInto(receiver), events };
}

async function deviceReceiver(deviceId: string): Promise<{ receiver: Receiver; messages: AsyncQueue<Received>; connection: Connection }> {
  const connection = await connectAs({ device: deviceId });
  const receiver = connection.open_receiver({ source: { address: `/devices/${deviceId}/messages/devicebound` }, autoaccept: false });
  const messages = receiveInto(receiver);
  await next(receiver, 'receiver_open');
  return { receiver, messages, connection };
}

test('the device receives a data body, to = /devices/<id>/messages/devicebound and a delivery tag of at most 32 bytes', async () => {
  t.hub.registry.addDevice('wire:dev');
  const sender = await serviceSender();
  const { messages } = await deviceReceiver('wire:dev');
  const to = c2dToAddress('wire:dev');
  assert.is(to, '/devices/wire%3Adev/messages/devicebound');
  assert.is(await sendCommand(sender, { to, message_id: 'w1', body: 'text body', application_properties: { 'iothub-ack': 'none', k: 'v' } }), 'accepted');
  const { message, delivery } = await messages.next(5000, 'the command');
  assert.is(message.to, '/devices/wire:dev/messages/devicebound');
  assert.is((message.body as { typecode: number }).typecode, 0x75);
  assert.is((message.body as { content: Buffer }).content.toString(), 'text body');
  assert.equal(message.application_properties, { 'iothub-ack': 'none', k: 'v' });
  assert.ok((delivery.tag as Buffer).length <= 32 && (delivery.tag as Buffer).length > 0);
  delivery.accept();

  // A header ttl (not what the SDK sends, §5.1) sets the expiry from now, clamped to 2 days.
  assert.is(await sendCommand(sender, { to, message_id: 'w2', ttl: 10 * 86_400_000, body: 'x' }), 'accepted');
  const clamped = await messages.next(5000, 'the command with a ttl');
  const expiry = (clamped.message.absolute_expiry_time as Date).getTime();
  assert.ok(Math.abs(expiry - (Date.now() + 2 * 86_400_000)) < 60_000, 'expiry clamped to 2 days');
  clamped.delivery.accept();
});

test('a C2D message with a bad or missing `to` or an unknown iothub-ack is rejected with amqp:invalid-field', async () => {
  t.hub.registry.addDevice('wire-bad');
  const sender = await serviceSender();
  assert.is(await sendCommand(sender, { body: 'x' }), 'amqp:invalid-field');
  assert.is(await sendCommand(sender, { to: '/devices/wire-bad/messages/events', body: 'x' }), 'amqp:invalid-field');
  assert.is(await sendCommand(sender, { to: 'nonsense', body: 'x' }), 'amqp:invalid-field');
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-bad'), body: 'x', application_properties: { 'iothub-ack': 'always' } }), 'amqp:invalid-field');
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-missing'), body: 'x' }), 'amqp:not-found');
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-bad'), body: rhea.message.data_section(Buffer.alloc(65 * 1024)) }), 'amqp:link:message-size-exceeded');
});

test('the device receiver needs a token for that device: refused with unauthorized-access otherwise', async () => {
  t.hub.registry.addDevice('wire-a');
  t.hub.registry.addDevice('wire-b');
  const c = await connectAs({ device: 'wire-a' });
  const link = c.open_receiver({ source: { address: '/devices/wire-b/messages/devicebound' } });
  const ctx = await next<EventContext>(link, 'receiver_error');
  assert.is((ctx.receiver!.error as { condition: string }).condition, 'amqp:unauthorized-access');
});

test('disabling the device detaches its C2D receiver with unauthorized-access (at the next token sweep)', async () => {
  t.hub.registry.addDevice('wire-disable');
  const { receiver } = await deviceReceiver('wire-disable');
  const detached = next<EventContext>(receiver, 'receiver_error');
  t.hub.registry.setStatus('wire-disable', 'disabled');
  assert.is(((await detached).receiver!.error as { condition: string }).condition, 'amqp:unauthorized-access');
});

test('a second receiver of a device takes over: the first is detached with amqp:link:stolen, commands go to the second', async () => {
  t.hub.registry.addDevice('wire-takeover');
  const first = await deviceReceiver('wire-takeover');
  const stolen = next<EventContext>(first.receiver, 'receiver_error');
  const second = await deviceReceiver('wire-takeover');
  assert.is(((await stolen).receiver!.error as { condition: string }).condition, 'amqp:link:stolen');
  const sender = await serviceSender();
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-takeover'), message_id: 't1', body: 'x' }), 'accepted');
  assert.is((await second.messages.next(5000, 'the command on the new receiver')).message.message_id, 't1');
  assert.is(first.messages.size, 0);
});

test('a device SDK receiver is taken over by a new receiver, which gets the next command', async () => {
  t.hub.registry.addDevice('wire-sdk-takeover');
  const client = deviceClient(t.hub, t.hub.deviceConnectionString('wire-sdk-takeover'));
  await client.open();
  const sdkMessages = new AsyncQueue<iotDevice.Message>();
  client.on('message', (m: iotDevice.Message) => sdkMessages.push(m));
  const sender = await serviceSender();
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-sdk-takeover'), message_id: 's1', body: 'x' }), 'accepted');
  await client.complete(await sdkMessages.next(5000, 'the first command, on the SDK receiver'));
  const taker = await deviceReceiver('wire-sdk-takeover');
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-sdk-takeover'), message_id: 's2', body: 'x' }), 'accepted');
  assert.is((await taker.messages.next(5000, 'the next command, on the new receiver')).message.message_id, 's2');
  assert.is(sdkMessages.size, 0);
  await client.close();
});

test('a device receiver granting credit with its attach gets the waiting command only after the attach reply', async () => {
  t.hub.registry.addDevice('wire-burst');
  const sender = await serviceSender();
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-burst'), message_id: 'b1', body: 'x' }), 'accepted');
  const burst = burstReceiver(await connectAs({ device: 'wire-burst' }), '/devices/wire-burst/messages/devicebound');
  const { message, delivery } = await burst.messages.next(5000, 'the waiting command');
  assert.is(message.message_id, 'b1');
  assert.equal(burst.events, ['attach reply', 'transfer']);
  delivery.accept();
});

test('a device receiver that drains with no command waiting gets its credit used up at once (AMQP 1.0 §2.6.7), then the next command as new credit allows', async () => {
  t.hub.registry.addDevice('wire-drain');
  const connection = await connectAs({ device: 'wire-drain' });
  const receiver = connection.open_receiver({ source: { address: '/devices/wire-drain/messages/devicebound' }, autoaccept: false, credit_window: 0 });
  const messages = receiveInto(receiver);
  await next(receiver, 'receiver_open');
  receiver.add_credit(5);
  const drained = new Promise((resolve, reject) => {
    receiver.once('receiver_drained', resolve);
    setTimeout(() => reject(new Error('the hub did not answer the drain within 5 s')), 5000).unref();
  });
  receiver.drain_credit();
  await drained;
  assert.is((receiver as unknown as { credit: number }).credit, 0);
  (receiver as unknown as { drain: boolean }).drain = false;
  receiver.add_credit(1);
  const sender = await serviceSender();
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-drain'), message_id: 'after-drain', body: 'x' }), 'accepted');
  const { message, delivery } = await messages.next(5000, 'the command after the drain');
  assert.is(message.message_id, 'after-drain');
  delivery.accept();
});

test('an unsettled command returns to the queue without counting when its receiver goes', async () => {
  t.hub.registry.addDevice('wire-loss');
  const sender = await serviceSender();
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-loss'), message_id: 'l1', body: 'x', application_properties: { 'iothub-ack': 'full' } }), 'accepted');
  const first = await deviceReceiver('wire-loss');
  await first.messages.next(5000, 'the first delivery');
  const gone = next(first.connection, 'connection_close');
  first.connection.close();
  await gone;
  // maxDeliveryCount is 2 here: had the link loss counted, this release would dead-letter it.
  const second = await deviceReceiver('wire-loss');
  (await second.messages.next(5000, 'the redelivery')).delivery.release();
  const again = await second.messages.next(5000, 'the delivery after one release');
  assert.is(again.message.message_id, 'l1');
  again.delivery.accept();
});

test('feedback carries the documented format, and an unsettled batch is redelivered to the next receiver', async () => {
  t.hub.registry.addDevice('wire-fb');
  const sender = await serviceSender();
  const device = await deviceReceiver('wire-fb');
  assert.is(await sendCommand(sender, { to: c2dToAddress('wire-fb'), message_id: 'fb1', body: 'x', application_properties: { 'iothub-ack': 'positive' } }), 'accepted');
  (await device.messages.next(5000, 'the command')).delivery.accept();

  const firstConnection = await connectAs('service');
  const first = firstConnection.open_receiver({ source: { address: '/messages/servicebound/FEEDBACK' }, autoaccept: false });
  const fromFirst = receiveInto(first);
  let batch: Received;
  for (;;) {
    batch = await fromFirst.next(5000, 'the feedback batch about fb1');
    const records = decodeFeedback((batch.message.body as { content: Buffer }).content);
    if (records.some((r) => r.originalMessageId === 'fb1' && r.statusCode === 'Success')) break;
    batch.delivery.accept(); // earlier tests' feedback
  }
  assert.is(batch.message.content_type, FEEDBACK_CONTENT_TYPE);
  assert.equal(batch.message.user_id, Buffer.from(t.hub.options.name));
  assert.ok(batch.message.message_annotations?.['iothub-enqueuedtime'] instanceof Date);
  const closed = next(firstConnection, 'connection_close');
  firstConnection.close(); // unsettled
  await closed;

  // The next receiver grants credit with its attach: the waiting batch follows the attach reply.
  const second = burstReceiver(await connectAs('service'), '/messages/serviceBound/feedback');
  const again = await second.messages.next(5000, 'the redelivered batch');
  assert.equal(again.message.body, batch.message.body);
  assert.equal(second.events, ['attach reply', 'transfer']);
  again.delivery.accept();
  again.delivery.accept(); // a duplicate disposition is harmless
});

test.run();
