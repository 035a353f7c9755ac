// Restart durability of C2D queues and feedback (issue 3 items 7-9) with the official SDKs and a
// data folder: what the service saw accepted is delivered after a restart, a command the device
// held unsettled is delivered again (locks are released), and feedback recorded before the
// restart but not yet batched still reaches the feedback receiver.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iotDevice from 'azure-iot-device';
import { decodeFeedback } from '../../../protocol/feedback.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { deviceClient, startTestHub, type TestHub } from './helpers.js';
import { ServiceClient } from './service-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fogbridge-c2d-durable-'));
const running: { hub?: TestHub; service?: ServiceClient; device?: iotDevice.Client } = {};

async function stopAll(): Promise<void> {
  await running.device?.close().catch(() => undefined);
  await running.service?.stop();
  await running.hub?.hub.close();
  Object.assign(running, { hub: undefined, service: undefined, device: undefined });
}

test.after(async () => {
  await stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(feedbackBatchMs: number): Promise<{ messages: AsyncQueue<iotDevice.Message> }> {
  running.hub = await startTestHub({ dataDir, inMemory: false, c2d: { feedbackBatchMs } });
  const { hub } = running.hub;
  if (!hub.registry.device('durable-c2d')) hub.registry.addDevice('durable-c2d');
  running.service = new ServiceClient(hub);
  await running.service.open(hub.connectionStrings.service);
  running.device = deviceClient(hub, hub.deviceConnectionString('durable-c2d'));
  await running.device.open();
  const messages = new AsyncQueue<iotDevice.Message>();
  running.device.on('message', (m: iotDevice.Message) => messages.push(m));
  return { messages };
}

test('queued and unsettled commands and unbatched feedback survive a hub restart on the same data folder', async () => {
  // Before: feedback is held for an hour, so the Success of cmd-1 is stored but not yet sent.
  let { messages } = await start(3600_000);
  for (const id of ['cmd-1', 'cmd-2', 'cmd-3']) await running.service!.send('durable-c2d', { data: id, messageId: id, ack: 'full' });
  await running.device!.complete(await messages.next(5000, 'cmd-1'));
  assert.is((await messages.next(5000, 'cmd-2')).messageId, 'cmd-2'); // left unsettled
  assert.is((await messages.next(5000, 'cmd-3')).messageId, 'cmd-3'); // left unsettled
  await stopAll();

  ({ messages } = await start(20));
  await running.service!.receiveFeedback();
  assert.is((await messages.next(5000, 'cmd-2 again')).messageId, 'cmd-2');
  assert.is((await messages.next(5000, 'cmd-3 again')).messageId, 'cmd-3');
  const feedback = await running.service!.feedback.next(5000, 'the feedback stored before the restart');
  const records = decodeFeedback(feedback.data);
  assert.equal(records.map((r) => [r.originalMessageId, r.statusCode]), [['cmd-1', 'Success']]);
});

test.run();
