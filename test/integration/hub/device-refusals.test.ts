// What the device SDK sees when the hub says no (issue 3 items 4, 5; reference/iot-hub-amqp.md
// §4.5: conditions and the SDK errors they become).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatIotHubConnectionString } from '../../../protocol/connection-string.js';
import { DeviceMessage, deviceClient, startTestHub, storedEvents, type TestHub } from './helpers.js';

let t: TestHub;
test.before(async () => {
  t = await startTestHub({ maxMessageBytes: 4096 });
});
test.after(async () => {
  await t.stop();
});

const host = (): string => `localhost:${t.hub.port}`;

async function openError(connectionString: string): Promise<Error> {
  const client = deviceClient(t.hub, connectionString);
  try {
    await client.open();
  } catch (error) {
    return error as Error;
  } finally {
    await client.close().catch(() => undefined);
  }
  throw new Error('open() succeeded');
}

test('a token signed with the wrong key surfaces as UnauthorizedError', async () => {
  t.hub.registry.addDevice('wrong-key');
  const cs = formatIotHubConnectionString({ hostName: host(), deviceId: 'wrong-key', sharedAccessKey: Buffer.alloc(32, 1).toString('base64') });
  const error = await openError(cs);
  assert.is(error.constructor.name, 'UnauthorizedError');
});

test('a disabled device is refused with UnauthorizedError, and accepted again once enabled', async () => {
  t.hub.registry.addDevice('switchable');
  t.hub.registry.setStatus('switchable', 'disabled');
  const cs = t.hub.deviceConnectionString('switchable');
  assert.is((await openError(cs)).constructor.name, 'UnauthorizedError');
  t.hub.registry.setStatus('switchable', 'enabled');
  const client = deviceClient(t.hub, cs);
  await client.open();
  await client.sendEvent(new DeviceMessage('back'));
  await client.close();
});

test('an unknown device is refused', async () => {
  const cs = formatIotHubConnectionString({ hostName: host(), deviceId: 'ghost', sharedAccessKey: Buffer.alloc(32, 2).toString('base64') });
  assert.is((await openError(cs)).constructor.name, 'UnauthorizedError');
});

test('a message over the size limit is rejected as MessageTooLargeError and not stored; the link keeps working', async () => {
  t.hub.registry.addDevice('big-talker');
  const client = deviceClient(t.hub, t.hub.deviceConnectionString('big-talker'));
  await client.open();
  let error: Error | undefined;
  await client.sendEvent(new DeviceMessage(Buffer.alloc(5000, 0x61))).catch((e: Error) => (error = e));
  assert.is(error?.constructor.name, 'MessageTooLargeError');
  await client.sendEvent(new DeviceMessage('small'));
  await client.close();
  const mine = storedEvents(t.hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === 'big-talker');
  assert.equal(mine.map((e) => (e.message.body as { content: Buffer }).content.toString()), ['small']);
});

test('a device connection string using the device policy key sends telemetry stamped with hub scope', async () => {
  t.hub.registry.addDevice('via-policy');
  const policy = t.hub.registry.policy('device')!;
  const cs = formatIotHubConnectionString({ hostName: host(), deviceId: 'via-policy', sharedAccessKeyName: 'device', sharedAccessKey: policy.primaryKey });
  const client = deviceClient(t.hub, cs);
  await client.open();
  await client.sendEvent(new DeviceMessage('p'));
  await client.close();
  const [event] = storedEvents(t.hub).filter((e) => e.message.message_annotations?.['iothub-connection-device-id'] === 'via-policy');
  assert.is(JSON.parse(event!.message.message_annotations!['iothub-connection-auth-method'] as string).scope, 'hub');
});

test.run();
