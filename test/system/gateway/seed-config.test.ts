// The seed's gateway config (../shared/seeds, kept verbatim in test/fixtures/seed-qdrouterd.conf)
// runs `fogbridge gateway` in front of `fogbridge hub`, with only the hub's host, port and CA
// substituted textually (and the device listener moved to a free port on 127.0.0.1): a device
// puts its token on $cbs, sends telemetry (read back from the hub's Event Hub endpoint) and
// receives a command sent by the service, all through the seed's four prefix routes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventContext } from 'rhea';
import { C2dClient } from '../../../hub/service/c2d-client.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { fixture } from '../../helpers/gateway-config.js';
import { DEVICE_KEY, DeviceClient } from '../../helpers/gateway-harness.js';
import { registerDevices, startGatewayProcess, startHubProcess, type GatewayProcess, type HubProcess } from '../../helpers/processes.js';
import { readTelemetry, within } from './system.js';

let hub: HubProcess | undefined;
let gateway: GatewayProcess | undefined;
let device: DeviceClient | undefined;
let service: C2dClient | undefined;

test.after(async () => {
  device?.close();
  await service?.close();
  await gateway?.kill();
  await hub?.stop();
});

test("the seed's config as printed (hub host, port and CA substituted) routes $cbs, telemetry and commands through the real hub", async () => {
  hub = await startHubProcess();
  registerDevices(hub.dataDir, ['netduino-seed'], DEVICE_KEY);
  const config = fixture('seed-qdrouterd.conf')
    .replace(' port: 5672\n', ' port: 0\n host: 127.0.0.1\n')
    .replace('addr: <iotHub>', 'addr: localhost')
    .replace('port: 5671', `port: ${hub.port}`)
    .replace('/opt/qdrouterd/Equifax_Secure_Certificate_Authority.pem', hub.caFile);
  gateway = await startGatewayProcess(config, { connector: 'IOTHUB' });
  assert.match(gateway.output(), /warning: /, 'the 0.6 spellings are read with warnings');

  device = await DeviceClient.connect(gateway.port, 'netduino-seed');
  assert.is(await device.putToken('netduino-seed'), 200, '$cbs put-token relayed with the hub\'s status');
  const s = await device.attachSender('devices/netduino-seed/messages/events');
  if (!s.ok) throw new Error(`${s.condition}: ${s.description}`);
  const accepted = new AsyncQueue<string>();
  s.link.on('accepted', (ctx: EventContext) => accepted.push(String(ctx.delivery!.id)));
  s.link.send({ message_id: 'seed-1', body: '{"temperature":21.5}' });
  await accepted.next(10_000, 'seed-1 accepted');
  const events = await readTelemetry(hub, (e) => e.has('seed-1'));
  assert.is(events.get('seed-1')!.deviceId, 'netduino-seed');

  const r = await device.attachReceiver('devices/netduino-seed/messages/devicebound', { credit_window: 0 });
  if (!r.ok) throw new Error(`${r.condition}: ${r.description}`);
  const commands = new AsyncQueue<EventContext>();
  r.link.on('message', (ctx) => commands.push(ctx));
  r.link.add_credit(1);
  service = await C2dClient.open({ connectionString: hub.strings.service, ca: hub.caPem });
  const id = await within(service.send('netduino-seed', { body: Buffer.from('led on'), messageId: 'seed-cmd' }), 10_000, 'the command to be queued');
  const command = await commands.next(10_000, 'the command through the gateway');
  assert.is(command.message!.message_id, id);
  assert.is(Buffer.from((command.message!.body as { content: Buffer }).content).toString(), 'led on');
  command.delivery!.accept();
});

test.run();
