// The Event Hubs `$management` node over raw rhea, as @azure/event-hubs uses it (issue 3 item 6;
// reference/iot-hub-amqp.md §6.2): READ replies with their types, statuses and correlation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection } from 'rhea';
import { createSasToken } from '../../../protocol/sas.js';
import { openedConnections, startTestHub, type TestHub } from './helpers.js';
import { deviceOnPartition, eventHubClient, inAnHour, managementClient, sendTelemetry } from './event-hub-helpers.js';

let t: TestHub;
const opened = openedConnections();
const P = 1;

test.before(async () => {
  t = await startTestHub({ partitions: 4 });
  await sendTelemetry(t.hub, deviceOnPartition(t.hub, P), ['e0', 'e1']);
});
test.after.each(opened.closeAll);
test.after(async () => {
  await t.stop();
});

const client = (authorized = true): Promise<Connection> => opened.keep(eventHubClient(t.hub, authorized));

test('$management READ: hub and partition properties with status 200 and correlation-id = message-id', async () => {
  const c = await client();
  const m = await managementClient(c);
  const hubReply = await m.request({ operation: 'READ', name: t.hub.options.name, type: 'com.microsoft:eventhub' }, 'id-hub');
  assert.is(hubReply.correlation_id, 'id-hub');
  assert.is(hubReply.application_properties!['status-code'], 200);
  const hub = hubReply.body as Record<string, unknown>;
  assert.is(hub.name, t.hub.options.name);
  assert.equal(hub.partition_ids, ['0', '1', '2', '3']);
  assert.ok(hub.created_at instanceof Date);
  const info = t.hub.telemetry.partitionInfo(P);
  const p = (await m.request({ operation: 'READ', name: t.hub.options.name, type: 'com.microsoft:partition', partition: String(P) })).body as Record<string, unknown>;
  assert.equal(p, {
    name: t.hub.options.name, type: 'com.microsoft:partition', partition: String(P),
    begin_sequence_number: 0, last_enqueued_sequence_number: info.lastSequenceNumber, last_enqueued_offset: info.lastOffset,
    last_enqueued_time_utc: new Date(info.lastEnqueuedAt), is_partition_empty: false,
  });
  const empty = (await m.request({ operation: 'READ', name: t.hub.options.name, type: 'com.microsoft:partition', partition: '3' })).body as Record<string, unknown>;
  assert.equal(
    [empty.is_partition_empty, empty.begin_sequence_number, empty.last_enqueued_sequence_number, empty.last_enqueued_offset],
    [true, 0, -1, '-1'],
    'partition 3 has had no telemetry',
  );
});

test('$management answers 401 for a bad security_token, 404 for an unknown hub or partition, 400 for another operation', async () => {
  const c = await client(false);
  const m = await managementClient(c);
  const name = t.hub.options.name;
  const status = async (props: Record<string, unknown>): Promise<unknown> => (await m.request(props)).application_properties!['status-code'];
  const good = createSasToken({ audience: `sb://localhost:${t.hub.port}/${name}`, key: t.hub.registry.policy('service')!.primaryKey, keyName: 'service', keyConvention: 'eventhub', expiresAt: inAnHour() });
  const decodedKey = createSasToken({ audience: `sb://localhost:${t.hub.port}/${name}`, key: t.hub.registry.policy('service')!.primaryKey, keyName: 'service', keyConvention: 'iothub', expiresAt: inAnHour() });
  assert.is(await status({ operation: 'READ', name, type: 'com.microsoft:eventhub', security_token: good }), 200);
  assert.is(await status({ operation: 'READ', name, type: 'com.microsoft:eventhub', security_token: decodedKey }), 401);
  assert.is(await status({ operation: 'READ', name, type: 'com.microsoft:eventhub' }), 401);
  assert.is(await status({ operation: 'READ', name: 'other', type: 'com.microsoft:eventhub', security_token: good }), 404);
  assert.is(await status({ operation: 'READ', name, type: 'com.microsoft:partition', partition: '9', security_token: good }), 404);
  assert.is(await status({ operation: 'DELETE', name, type: 'com.microsoft:eventhub', security_token: good }), 400);
});

test.run();
