// Real clients at the gateway process in front of the hub process: the official device SDK
// (azure-iot-device over AMQP, TLS to the gateway's listener with `GatewayHostName`) sends
// telemetry and receives a command; and 1,000 devices, each registered in the hub and on its own
// connection, arrive at once, authenticate through the CBS proxy and each send one accepted message.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import iotDevice from 'azure-iot-device';
import iotDeviceAmqp from 'azure-iot-device-amqp';
import type { EventContext } from 'rhea';
import { C2dClient } from '../../../hub/service/c2d-client.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { DEVICE_KEY, DeviceClient } from '../../helpers/gateway-harness.js';
import { registerDevices, startGatewayProcess, startHubProcess, type GatewayProcess, type HubProcess } from '../../helpers/processes.js';
import { readTelemetry, systemConfig, within } from './system.js';

const FLEET = 1000;
let hub: HubProcess;
let gateway: GatewayProcess;
let service: C2dClient | undefined;
const devices: DeviceClient[] = [];

test.before(async () => {
  hub = await startHubProcess();
  gateway = await startGatewayProcess(systemConfig(hub));
});

test.after(async () => {
  for (const d of devices) d.close();
  await service?.close();
  await gateway?.kill();
  await hub?.stop();
});

test('the azure-iot-device SDK (TLS to the gateway, GatewayHostName=localhost:<port>) sends telemetry and receives a command through the gateway', async () => {
  const key = registerDevices(hub.dataDir, ['sdk-device']).get('sdk-device')!;
  const connectionString = `HostName=localhost:${hub.port};DeviceId=sdk-device;SharedAccessKey=${key};GatewayHostName=localhost:${gateway.port}`;
  const client = iotDevice.Client.fromConnectionString(connectionString, iotDeviceAmqp.Amqp);
  client.setOptions({ ca: hub.caPem });
  const commands = new AsyncQueue<iotDevice.Message>();
  client.on('message', (m: iotDevice.Message) => {
    commands.push(m);
    void client.complete(m);
  });
  client.on('error', () => undefined);
  try {
    await within(client.open(), 15_000, 'the SDK to connect through the gateway');
    const message = new iotDevice.Message(JSON.stringify({ temperature: 22 }));
    message.messageId = 'sdk-telemetry-1';
    await within(client.sendEvent(message), 10_000, 'sendEvent');
    const events = await readTelemetry(hub, (e) => e.has('sdk-telemetry-1'));
    assert.is(events.get('sdk-telemetry-1')!.deviceId, 'sdk-device');

    service = await C2dClient.open({ connectionString: hub.strings.service, ca: hub.caPem });
    await service.send('sdk-device', { body: Buffer.from('led off'), messageId: 'sdk-cmd-1' });
    const command = await commands.next(15_000, 'the command at the SDK');
    assert.is(command.messageId, 'sdk-cmd-1');
    assert.is(command.getData().toString(), 'led off');
  } finally {
    await client.close().catch(() => undefined);
  }
});

test(`${FLEET} devices connect at once, each authenticates with its own token and sends one message, all accepted (under 60 s)`, async () => {
  const ids = Array.from({ length: FLEET }, (_, i) => `fleet-${String(i).padStart(4, '0')}`);
  registerDevices(hub.dataDir, ids, DEVICE_KEY);
  const started = Date.now();
  const outcomes = await within(Promise.all(ids.map(async (id) => {
    const d = await DeviceClient.connect(gateway.port, id);
    devices.push(d);
    const status = await d.putToken(id);
    if (status !== 200) return `${id}: put-token ${status}`;
    const s = await d.attachSender(`devices/${id}/messages/events`);
    if (!s.ok) return `${id}: ${s.condition} ${s.description}`;
    return new Promise<string>((resolve) => {
      const send = (): void => {
        const delivery = s.link.send({ message_id: `${id}-1`, body: `hello from ${id}` });
        for (const kind of ['accepted', 'rejected', 'released', 'modified']) s.link.on(kind, (ctx: EventContext) => ctx.delivery!.id === delivery.id && resolve(kind));
      };
      if (s.link.sendable()) send();
      else s.link.once('sendable', send);
    });
  })), 60_000, `${FLEET} devices`);
  const elapsed = Date.now() - started;
  const notAccepted = outcomes.filter((o) => o !== 'accepted');
  assert.equal(notAccepted, [], `${notAccepted.length} of ${FLEET} not accepted`);
  assert.ok(elapsed < 60_000, `${elapsed} ms`);
  const events = await readTelemetry(hub, (e) => ids.every((id) => e.has(`${id}-1`)), 30_000);
  assert.ok(ids.every((id) => events.get(`${id}-1`)?.deviceId === id), 'each message stored under its own device');
});

test.run();
