// @azure/event-hubs in `UseDevelopmentEmulator=true` mode: plain AMQP on the hub's `--plain-port`
// (reference/iot-hub-amqp.md §1.3), so the official client runs in this process with no CA to
// trust; SASL ANONYMOUS and CBS still happen. Also owner levels (`com.microsoft:epoch`, §6.3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventHubConsumerClient, type Subscription } from '@azure/event-hubs';
import { startTestHub, type TestHub } from './helpers.js';
import { deviceOnPartition, sendTelemetry } from './event-hub-helpers.js';

let t: TestHub;
let connectionString: string;
const clients: EventHubConsumerClient[] = [];

test.before(async () => {
  t = await startTestHub({ partitions: 2, plainPort: 0 });
  const key = t.hub.registry.policy('service')!.primaryKey;
  connectionString = `Endpoint=sb://localhost:${t.hub.plainPort}/;SharedAccessKeyName=service;SharedAccessKey=${key};EntityPath=${t.hub.options.name};UseDevelopmentEmulator=true`;
  await sendTelemetry(t.hub, deviceOnPartition(t.hub, 0), ['a', 'b']);
});
test.after(async () => {
  for (const c of clients) await c.close();
  await t.stop();
});

function consumer(): EventHubConsumerClient {
  const c = new EventHubConsumerClient('$Default', connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } });
  clients.push(c);
  return c;
}

test('UseDevelopmentEmulator=true reads events over the plain port, no TLS', async () => {
  const c = consumer();
  assert.equal(await c.getPartitionIds(), ['0', '1']);
  const bodies: unknown[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = c.subscribe('0', {
      processEvents: async (events) => {
        bodies.push(...events.map((e) => (Buffer.isBuffer(e.body) ? e.body.toString() : e.body)));
        if (bodies.length >= 2) await subscription.close().then(resolve);
      },
      processError: async (error) => reject(error),
    }, { startPosition: { sequenceNumber: 0, isInclusive: true }, maxWaitTimeInSeconds: 5 });
  });
  assert.equal(bodies, ['a', 'b']);
});

test('a subscription with a higher ownerLevel takes the partition: the lower one gets ReceiverDisconnectedError', async () => {
  await sendTelemetry(t.hub, deviceOnPartition(t.hub, 1), ['p1']);
  const from = { startPosition: { sequenceNumber: 0, isInclusive: true } };
  let lowReceiving!: () => void;
  const receiving = new Promise<void>((resolve) => (lowReceiving = resolve));
  let lowFailed!: (e: Error & { code?: string }) => void;
  const stolen = new Promise<Error & { code?: string }>((resolve) => (lowFailed = resolve));
  const low = consumer().subscribe('1', { processEvents: async (events) => void (events.length > 0 && lowReceiving()), processError: async (e) => lowFailed(e) }, { ...from, ownerLevel: 1 });
  await receiving;
  const highErrors: Error[] = [];
  const high = consumer().subscribe('1', { processEvents: async () => undefined, processError: async (e) => void highErrors.push(e) }, { ...from, ownerLevel: 2 });
  const error = await stolen;
  assert.is(error.code ?? error.name, 'ReceiverDisconnectedError', error.message);
  assert.equal(highErrors, []);
  await Promise.all([low.close(), high.close()]);
});

test.run();
