// One connection carrying many devices (issue 3 item 3: the gateway's case) and what the hub
// stamps over a device's own annotations (item 5, anti-spoofing), over a raw rhea client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection, EventContext } from 'rhea';
import rhea from 'rhea';
import { createSasToken } from '../../../protocol/sas.js';
import { cbsClient, next, rawClient, startTestHub, storedEvents, type TestHub } from './helpers.js';

let t: TestHub;
let connection: Connection;
const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;
test.before(async () => {
  t = await startTestHub();
  connection = await rawClient(t.hub);
});
test.after(async () => {
  connection.close();
  await t.stop();
});

const byDevice = (id: string) => storedEvents(t.hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === id);

test('fifty devices with their own tokens share one connection and one session', async () => {
  const cbs = await cbsClient(connection);
  const session = connection.create_session();
  session.begin();
  const ids = Array.from({ length: 50 }, (_, i) => `mux-${i}`);
  for (const id of ids) {
    const device = t.hub.registry.addDevice(id);
    const token = createSasToken({ audience: `localhost/devices/${id}`, key: device.primaryKey, keyConvention: 'iothub', expiresAt: inAnHour() });
    assert.is((await cbs.put(token, `localhost/devices/${id}`)).status, 200);
  }
  const senders = ids.map((id) => session.attach_sender({ target: { address: `/devices/${id}/messages/events` } }));
  await Promise.all(senders.map((s) => next(s, 'sendable')));
  const accepted = senders.map((s, i) => {
    s.send({ message_id: `from-${ids[i]}`, body: rhea.message.data_section(Buffer.from(ids[i]!)) });
    return next(s, 'accepted');
  });
  await Promise.all(accepted);
  for (const id of ids) assert.equal(byDevice(id).map((e) => e.message.message_id), [`from-${id}`], id);
});

test("one device's token does not open another device's telemetry link on the same connection", async () => {
  t.hub.registry.addDevice('not-yours');
  const link = connection.open_sender({ target: { address: '/devices/not-yours/messages/events' } });
  const ctx = await next<EventContext>(link, 'sender_error');
  assert.is((ctx.sender!.error as { condition: string }).condition, 'amqp:unauthorized-access');
});

test('a hub-wide policy token (iothubowner) covers every device on the connection', async () => {
  const c = await rawClient(t.hub);
  try {
    const cbs = await cbsClient(c);
    const owner = t.hub.registry.policy('iothubowner')!;
    const token = createSasToken({ audience: `localhost:${t.hub.port}`, key: owner.primaryKey, keyName: 'iothubowner', keyConvention: 'iothub', expiresAt: inAnHour() });
    assert.is((await cbs.put(token, `localhost:${t.hub.port}`)).status, 200);
    const link = c.open_sender({ target: { address: '/devices/mux-7/messages/events' } });
    await next(link, 'sendable');
    link.send({ message_id: 'by-owner', body: 'x' });
    await next(link, 'accepted');
    const stamped = byDevice('mux-7').find((e) => e.message.message_id === 'by-owner')!;
    assert.is(JSON.parse(stamped.message.message_annotations!['iothub-connection-auth-method'] as string).scope, 'hub');
  } finally {
    c.close();
  }
});

test("the hub's annotations overwrite a device's spoofed ones; its own annotations stay, delivery annotations go", async () => {
  const link = connection.open_sender({ target: { address: '/devices/mux-3/messages/events' } });
  await next(link, 'sendable');
  link.send({
    message_id: 'spoof',
    message_annotations: { 'iothub-connection-device-id': 'mux-4', 'x-opt-sequence-number': 999_999, 'dt-subject': 'thermostat' },
    delivery_annotations: { hop: 'one' },
    application_properties: { unit: 'C' },
    body: rhea.message.data_section(Buffer.from('21.5')),
  });
  await next(link, 'accepted');
  const [event] = byDevice('mux-3').filter((e) => e.message.message_id === 'spoof');
  const a = event!.message.message_annotations!;
  assert.is(a['iothub-connection-device-id'], 'mux-3');
  assert.is(a['x-opt-sequence-number'], event!.sequenceNumber);
  assert.is(a['dt-subject'], 'thermostat');
  assert.is(event!.message.delivery_annotations, undefined);
  assert.equal(event!.message.application_properties, { unit: 'C' });
});

test('stored telemetry keeps the bytes of header, properties, application properties and body as sent', async () => {
  const link = connection.open_sender({ target: { address: '/devices/mux-8/messages/events' } });
  await next(link, 'sendable');
  const sent = {
    header: { durable: true },
    message_id: rhea.types.wrap_uuid(Buffer.alloc(16, 0x5a)),
    content_type: 'application/json',
    delivery_annotations: { hop: 'dropped' },
    message_annotations: { 'dt-subject': 'kept' },
    application_properties: { 'IoThub-status': rhea.types.wrap_int(7), big: rhea.types.wrap_long(5), flag: true },
    body: rhea.message.data_section(Buffer.from('{"t":1}')),
  };
  const bytes = rhea.message.encode(sent as never);
  link.send(sent as never);
  await next(link, 'accepted');
  const [event] = byDevice('mux-8').filter((e) => e.message.content_type === 'application/json');
  const stored = t.hub.telemetry.read(event!.partition, { by: 'sequence', sequenceNumber: event!.sequenceNumber, inclusive: true }, 1)[0]!.bytes;
  for (const code of [0x70, 0x73, 0x74, 0x75]) {
    const start = bytes.indexOf(Buffer.from([0x00, 0x53, code]));
    const next = [0x71, 0x72, 0x73, 0x74, 0x75, 0x76].map((c) => bytes.indexOf(Buffer.from([0x00, 0x53, c]), start + 3)).filter((i) => i > start);
    const section = bytes.subarray(start, next.length ? Math.min(...next) : bytes.length);
    assert.ok(stored.includes(section), `section 0x${code.toString(16)} kept byte for byte`);
  }
  assert.not.ok(stored.includes(Buffer.from('dropped')));
  assert.is(event!.message.message_annotations!['dt-subject'], 'kept');
});

test('a transfer with message-format 1 is rejected with decode-error and the link keeps working', async () => {
  const link = connection.open_sender({ target: { address: '/devices/mux-6/messages/events' } });
  await next(link, 'sendable');
  link.send(Buffer.from('opaque bytes'), undefined, 1);
  const rejected = await next<EventContext>(link, 'rejected');
  assert.is((rejected.delivery!.remote_state as { error: { condition: string } }).error.condition, 'amqp:decode-error');
  link.send({ message_id: 'after-opaque', body: 'x' });
  await next(link, 'accepted');
});

test('a pre-settled message is stored too', async () => {
  const link = connection.open_sender({ target: { address: '/devices/mux-5/messages/events' }, snd_settle_mode: 1 } as never);
  await next(link, 'sendable');
  const committed = new Promise<void>((resolve) => {
    const stop = t.hub.onTelemetryAppended(() => {
      if (!byDevice('mux-5').some((e) => e.message.message_id === 'fire-and-forget')) return;
      stop();
      resolve();
    });
  });
  link.send({ message_id: 'fire-and-forget', body: 'x' });
  await committed;
});

test.run();
