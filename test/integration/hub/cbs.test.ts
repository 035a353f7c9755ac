// `$cbs` put-token over a raw rhea client (issue 3 item 4; reference/iot-hub-amqp.md §2, §3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection, EventContext } from 'rhea';
import { createSasToken } from '../../../protocol/sas.js';
import type { Device } from '../../../hub/store/registry.js';
import { cbsClient, next, openedConnections, rawClient, startTestHub, type TestHub, withRheaChatterMuted } from './helpers.js';

let clock = Date.now();
let t: TestHub;
let device: Device;
const opened = openedConnections();
const inAnHour = (): number => Math.floor(clock / 1000) + 3600;

test.before(async () => {
  t = await startTestHub({ now: () => clock, tokenSweepMs: 10 });
  device = t.hub.registry.addDevice('cbs-dev');
});
test.after.each(opened.closeAll);
test.after(async () => {
  await t.stop();
});

const connect = (): Promise<Connection> => opened.keep(rawClient(t.hub));

const deviceToken = (host: string, key = device.primaryKey, expiresAt = inAnHour()): string =>
  createSasToken({ audience: `${host}/devices/cbs-dev`, key, keyConvention: 'iothub', expiresAt });

test('a valid device token gets status-code 200 and correlation-id equal to the request message-id', async () => {
  const cbs = await cbsClient(await connect());
  const token = deviceToken(`localhost:${t.hub.port}`);
  const reply = await cbs.put(token, 'ignored', 'message-id-42');
  assert.equal(reply, { correlationId: 'message-id-42', status: 200, description: 'OK' });
});

test('the audience host is accepted with and without the port, with the secondary key too', async () => {
  const cbs = await cbsClient(await connect());
  assert.is((await cbs.put(deviceToken('localhost'), 'n')).status, 200);
  assert.is((await cbs.put(deviceToken('LOCALHOST:' + t.hub.port, device.secondaryKey), 'n')).status, 200);
});

test('a wrong key or an expired token gets 401; an unknown device or a foreign host gets 404', async () => {
  const cbs = await cbsClient(await connect());
  const otherKey = Buffer.alloc(32, 7).toString('base64');
  assert.is((await cbs.put(deviceToken('localhost', otherKey), 'n')).status, 401);
  assert.is((await cbs.put(deviceToken('localhost', device.primaryKey, Math.floor(clock / 1000) - 1), 'n')).status, 401);
  const unknown = createSasToken({ audience: 'localhost/devices/nobody', key: device.primaryKey, keyConvention: 'iothub', expiresAt: inAnHour() });
  assert.is((await cbs.put(unknown, 'n')).status, 404);
  assert.is((await cbs.put(deviceToken('elsewhere.example'), 'n')).status, 404);
});

test('a malformed request gets 400 and a token that is not a SAS gets 401', async () => {
  const cbs = await cbsClient(await connect());
  assert.is((await cbs.put('SharedAccessSignature garbage', 'n')).status, 401);
  assert.is((await cbs.put('Bearer abc', 'n')).status, 401);
});

test('policy tokens verify with both key conventions: decoded key for IoT Hub, key text for Event Hubs', async () => {
  const cbs = await cbsClient(await connect());
  const owner = t.hub.registry.policy('iothubowner')!;
  const service = createSasToken({ audience: `localhost:${t.hub.port}`, key: owner.primaryKey, keyName: 'iothubowner', keyConvention: 'iothub', expiresAt: inAnHour() });
  assert.is((await cbs.put(service, `localhost:${t.hub.port}`)).status, 200);
  const audience = `sb://localhost:${t.hub.port}/fogbridge/ConsumerGroups/$Default/Partitions/0`;
  const eh = createSasToken({ audience, key: owner.primaryKey, keyName: 'iothubowner', keyConvention: 'eventhub', expiresAt: inAnHour() });
  assert.is((await cbs.put(eh, audience)).status, 200);
  const wrongConvention = createSasToken({ audience, key: owner.primaryKey, keyName: 'iothubowner', keyConvention: 'iothub', expiresAt: inAnHour() });
  assert.is((await cbs.put(wrongConvention, audience)).status, 401);
});

test('the reply goes to a $cbs receiver on another session when the request session has none', async () => {
  const c = await connect();
  const replies = c.create_session();
  replies.begin();
  const receiver = replies.attach_receiver({ source: { address: '$cbs' }, target: {} } as never);
  const requests = c.create_session();
  requests.begin();
  const sender = requests.attach_sender({ target: { address: '$cbs' } });
  await Promise.all([next(receiver, 'receiver_open'), next(sender, 'sendable')]);
  const got = next(receiver, 'message');
  sender.send({ message_id: 'cross', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: 'n' }, body: deviceToken('localhost') });
  const ctx = await got;
  assert.is(ctx.message!.correlation_id, 'cross');
  assert.is(ctx.message!.application_properties!['status-code'], 200);
});

test('telemetry links need a token: refused with unauthorized-access before, accepted after', async () => {
  const c = await connect();
  const refused = c.open_sender({ target: { address: '/devices/cbs-dev/messages/events' } });
  const closed = await next<EventContext>(refused, 'sender_error');
  assert.is((closed.sender!.error as { condition: string }).condition, 'amqp:unauthorized-access');
  const cbs = await cbsClient(c);
  assert.is((await cbs.put(deviceToken('localhost'), 'n')).status, 200);
  const accepted = c.open_sender({ target: { address: 'devices/cbs-dev/messages/events' } });
  await next(accepted, 'sendable');
});

test('unknown addresses are refused with amqp:not-found', async () => {
  const c = await connect();
  for (const address of ['/devices/cbs-dev/twin', 'nothing/here', 'no-such-hub/ConsumerGroups/$Default/Partitions/0']) {
    const link = c.open_receiver({ source: { address } });
    const ctx = await next<EventContext>(link, 'receiver_error');
    assert.is((ctx.receiver!.error as { condition: string }).condition, 'amqp:not-found', address);
  }
});

test('when its token expires the telemetry link is detached with unauthorized-access', async () => {
  const c = await connect();
  const cbs = await cbsClient(c);
  assert.is((await cbs.put(deviceToken('localhost', device.primaryKey, Math.floor(clock / 1000) + 60), 'n')).status, 200);
  const link = c.open_sender({ target: { address: '/devices/cbs-dev/messages/events' } });
  await next(link, 'sendable');
  clock += 61_000;
  const ctx = await next<EventContext>(link, 'sender_error');
  assert.is((ctx.sender!.error as { condition: string }).condition, 'amqp:unauthorized-access');
});

test('disabling the device detaches its live telemetry link with unauthorized-access', async () => {
  const other = t.hub.registry.addDevice('to-disable');
  const c = await connect();
  const cbs = await cbsClient(c);
  const token = createSasToken({ audience: 'localhost/devices/to-disable', key: other.primaryKey, keyConvention: 'iothub', expiresAt: inAnHour() });
  assert.is((await cbs.put(token, 'n')).status, 200);
  const link = c.open_sender({ target: { address: '/devices/to-disable/messages/events' } });
  await next(link, 'sendable');
  t.hub.registry.setStatus('to-disable', 'disabled');
  const ctx = await next<EventContext>(link, 'sender_error');
  assert.is((ctx.sender!.error as { condition: string }).condition, 'amqp:unauthorized-access');
});

test('a sender that ignores its credit is detached with transfer-limit-exceeded', async () => {
  await withRheaChatterMuted(async () => {
    const c = await connect();
    const cbs = await cbsClient(c);
    assert.is((await cbs.put(deviceToken('localhost'), 'n')).status, 200);
    const link = c.open_sender({ target: { address: '/devices/cbs-dev/messages/events' } });
    await next(link, 'sendable');
    (link as unknown as { credit: number }).credit = 100_000; // lie to rhea: it now sends past the hub's 500
    for (let i = 0; i < 1500; i++) link.send({ body: '' }); // under rhea's 2048-delivery session buffer
    const ctx = await next<EventContext>(link, 'sender_error');
    assert.is((ctx.sender!.error as { condition: string }).condition, 'amqp:link:transfer-limit-exceeded');
  });
});

test('a put-token without a message-id is rejected; one whose body is not a string gets 400', async () => {
  const c = await connect();
  const session = c.create_session();
  session.begin();
  const receiver = session.attach_receiver({ source: { address: '$cbs' }, target: {} } as never);
  const sender = session.attach_sender({ target: { address: '$cbs' } });
  await Promise.all([next(receiver, 'receiver_open'), next(sender, 'sendable')]);
  const props = { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: 'n' };
  const delivery = sender.send({ application_properties: props, body: deviceToken('localhost') });
  const rejected = await next<EventContext>(sender, 'rejected');
  assert.is(rejected.delivery, delivery);
  assert.is((rejected.delivery!.remote_state as { error: { condition: string } }).error.condition, 'amqp:invalid-field');
  const reply = next<EventContext>(receiver, 'message');
  sender.send({ message_id: 'bin', application_properties: props, body: Buffer.from('not a string') });
  assert.is((await reply).message!.application_properties!['status-code'], 400);
});

test.run();
