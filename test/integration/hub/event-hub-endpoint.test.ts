// The Event Hub-compatible endpoint over raw rhea, attaching as @azure/event-hubs does (issue 3
// item 6; reference/iot-hub-amqp.md §6.1-6.5): credit, filters, epochs, refusals, token expiry, runtime metric ($management: event-hub-management.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Connection } from 'rhea';
import { formatSelectorFilter } from '../../../protocol/event-hubs-filter.js';
import { createSasToken } from '../../../protocol/sas.js';
import { cbsClient, next, openedConnections, startTestHub, type TestHub } from './helpers.js';
import { attachPartition, collect, detachCondition, deviceOnPartition, eventHubClient, eventHubToken, inAnHour, managementClient, sendTelemetry } from './event-hub-helpers.js';

let t: TestHub;
let clock = Date.now();
const opened = openedConnections();
const P = 1; // the partition most tests read
let device: string;

test.before(async () => {
  t = await startTestHub({ partitions: 4, consumerGroups: ['analytics'], now: () => clock, tokenSweepMs: 10 });
  device = deviceOnPartition(t.hub, P);
  await sendTelemetry(t.hub, device, ['e0', 'e1', 'e2', 'e3', 'e4']);
});
test.after.each(opened.closeAll);
test.after(async () => {
  await t.stop();
});

const client = (authorized = true): Promise<Connection> => opened.keep(eventHubClient(t.hub, authorized));

const bodies = (messages: { body?: unknown }[]): string[] => messages.map((m) => (m.body as { content: Buffer }).content.toString());
const stored = () => t.hub.telemetry.read(P, { by: 'sequence', sequenceNumber: -1, inclusive: false }, 100);

/** Proves the hub has handled everything sent before on `c`: a $management round trip. */
async function roundTrip(c: Connection): Promise<void> {
  await (await managementClient(c)).request({ operation: 'READ', name: t.hub.options.name, type: 'com.microsoft:eventhub' });
}

test('a receiver with credit 2 gets exactly 2 events; more credit brings the rest, stored then live', async () => {
  const c = await client();
  const link = attachPartition(c, t.hub, P, { filter: formatSelectorFilter({ by: 'start' }) });
  await next(link, 'receiver_open');
  let received = 0;
  link.on('message', () => received++);
  const first = collect(link, 2);
  link.add_credit(2);
  assert.equal(bodies(await first), ['e0', 'e1']);
  await sendTelemetry(t.hub, device, ['live-0']);
  await roundTrip(c);
  assert.is(received, 2, 'nothing is sent without credit, even when a new event is committed');
  const rest = collect(link, 4);
  link.add_credit(10);
  assert.equal(bodies(await rest), ['e2', 'e3', 'e4', 'live-0']);
  const live = collect(link, 1);
  await sendTelemetry(t.hub, device, ['live-1']);
  assert.equal(bodies(await live), ['live-1']);
});

test('the three filter forms start where asked: offset, sequence number (> and >=), enqueued time, -1 and @latest', async () => {
  const c = await client();
  const events = stored();
  const read = async (filter: string, count: number): Promise<string[]> => {
    const link = attachPartition(c, t.hub, P, { filter });
    const got = collect(link, count);
    link.add_credit(count);
    const messages = await got;
    link.close();
    return bodies(messages);
  };
  assert.equal(await read("amqp.annotation.x-opt-offset > '-1'", 2), ['e0', 'e1']);
  assert.equal(await read(formatSelectorFilter({ by: 'offset', offset: Number(events[1]!.offset), inclusive: false }), 1), ['e2']);
  assert.equal(await read(formatSelectorFilter({ by: 'offset', offset: Number(events[1]!.offset), inclusive: true }), 1), ['e1']);
  assert.equal(await read(formatSelectorFilter({ by: 'sequence', sequenceNumber: events[2]!.sequenceNumber, inclusive: false }), 1), ['e3']);
  assert.equal(await read(formatSelectorFilter({ by: 'sequence', sequenceNumber: events[2]!.sequenceNumber, inclusive: true }), 1), ['e2']);
  assert.equal(await read(`amqp.annotation.x-opt-enqueued-time > '${events[0]!.enqueuedAt - 1}'`, 1), ['e0']);

  const latest = attachPartition(c, t.hub, P, { filter: "amqp.annotation.x-opt-offset > '@latest'" });
  await next(latest, 'receiver_open');
  const got = collect(latest, 1);
  latest.add_credit(5);
  await sendTelemetry(t.hub, device, ['after-latest']);
  assert.equal(bodies(await got), ['after-latest']);
});

test('events arrive as stored: stamped annotations, properties and body', async () => {
  const c = await client();
  const link = attachPartition(c, t.hub, P);
  const [m] = await (link.add_credit(1), collect(link, 1));
  const first = stored()[0]!;
  const a = m!.message_annotations!;
  assert.is(a['x-opt-sequence-number'], first.sequenceNumber);
  assert.is(a['x-opt-offset'], first.offset);
  assert.ok(a['x-opt-enqueued-time'] instanceof Date);
  assert.is(a['iothub-connection-device-id'], device);
  assert.is(m!.message_id, `${device}-0`);
  assert.is(m!.delivery_annotations, undefined);
});

test('the attach reply echoes the source with its filter, and the target', async () => {
  const c = await client();
  const filter = "amqp.annotation.x-opt-sequence-number >= '3'";
  const link = attachPartition(c, t.hub, P, { filter });
  await next(link, 'receiver_open');
  const source = link.source as unknown as { address: string; filter: Record<string, { value: string; descriptor: { value: number } }> };
  assert.is(source.address, `${t.hub.options.name}/ConsumerGroups/$Default/Partitions/${P}`);
  const echoed = source.filter['apache.org:selector-filter:string']!;
  assert.is(echoed.value, filter);
  assert.is(Number(echoed.descriptor.value), 0x468c00000004);
  assert.is((link.target as { address: string }).address, 'consumer-1');
});

test('unknown hub, consumer group or partition is amqp:not-found; configured groups match case-insensitively', async () => {
  const c = await client();
  assert.is(await detachCondition(attachPartition(c, t.hub, P, { hubName: 'other' })), 'amqp:not-found');
  assert.is(await detachCondition(attachPartition(c, t.hub, P, { consumerGroup: 'nobody' })), 'amqp:not-found');
  assert.is(await detachCondition(attachPartition(c, t.hub, 4)), 'amqp:not-found');
  for (const consumerGroup of ['$default', 'ANALYTICS']) {
    const link = attachPartition(c, t.hub, P, { consumerGroup });
    await next(link, 'receiver_open');
    assert.ok(link.is_open(), consumerGroup);
  }
});

test('without an Event Hubs token, or with a device token only, the receiver is refused with unauthorized-access', async () => {
  const bare = await client(false);
  assert.is(await detachCondition(attachPartition(bare, t.hub, P)), 'amqp:unauthorized-access');
  const deviceOnly = await client(false);
  const key = t.hub.registry.device(device)!.primaryKey;
  const audience = `localhost/devices/${device}`;
  assert.is((await (await cbsClient(deviceOnly)).put(createSasToken({ audience, key, keyConvention: 'iothub', expiresAt: inAnHour() }), audience)).status, 200);
  assert.is(await detachCondition(attachPartition(deviceOnly, t.hub, P)), 'amqp:unauthorized-access');
});

test('when its token expires the partition receiver is detached with unauthorized-access', async () => {
  const c = await client(false);
  const { token, audience } = eventHubToken(t.hub, `${t.hub.options.name}/ConsumerGroups/$Default/Partitions/${P}`, 'service', Math.floor(clock / 1000) + 60);
  assert.is((await (await cbsClient(c)).put(token, audience)).status, 200);
  const link = attachPartition(c, t.hub, P);
  await next(link, 'receiver_open');
  clock += 61_000;
  assert.is(await detachCondition(link), 'amqp:unauthorized-access');
});

test('a malformed filter is refused with amqp:invalid-field', async () => {
  const c = await client();
  assert.is(await detachCondition(attachPartition(c, t.hub, P, { filter: "amqp.annotation.x-opt-offset ~ '3'" })), 'amqp:invalid-field');
  assert.is(await detachCondition(attachPartition(c, t.hub, P, { filter: "amqp.annotation.x-opt-sequence-number > 'ten'" })), 'amqp:invalid-field');
});

test('a higher epoch steals the partition with amqp:link:stolen; lower epochs and non-epoch receivers are then refused', async () => {
  const c = await client();
  const plain = attachPartition(c, t.hub, 2);
  await next(plain, 'receiver_open');
  const low = attachPartition(c, t.hub, 2, { epoch: 1 });
  assert.is(await detachCondition(plain), 'amqp:link:stolen', 'an epoch receiver displaces non-epoch ones');
  const high = attachPartition(c, t.hub, 2, { epoch: 5 });
  assert.is(await detachCondition(low), 'amqp:link:stolen');
  await next(high, 'receiver_open');
  assert.is(await detachCondition(attachPartition(c, t.hub, 2, { epoch: 4 })), 'amqp:link:stolen', 'a lower epoch is refused');
  assert.is(await detachCondition(attachPartition(c, t.hub, 2)), 'amqp:link:stolen', 'a non-epoch receiver is refused');
  const other = attachPartition(c, t.hub, 2, { consumerGroup: 'analytics', epoch: 0 });
  await next(other, 'receiver_open');
  assert.ok(high.is_open(), 'epochs are per consumer group');
  const equal = attachPartition(c, t.hub, 2, { epoch: 5 });
  assert.is(await detachCondition(high), 'amqp:link:stolen', 'an equal epoch takes over');
  await next(equal, 'receiver_open');
  equal.close();
  await next(equal, 'receiver_close');
  const after = attachPartition(c, t.hub, 2);
  await next(after, 'receiver_open');
});

test('with enable-receiver-runtime-metric each event carries the last-enqueued delivery annotations', async () => {
  const c = await client();
  const link = attachPartition(c, t.hub, P, { runtimeMetric: true });
  const got = collect(link, 1);
  link.add_credit(1);
  const [m] = await got;
  const info = t.hub.telemetry.partitionInfo(P);
  const d = m!.delivery_annotations!;
  assert.is(d.last_enqueued_sequence_number, info.lastSequenceNumber);
  assert.is(d.last_enqueued_offset, info.lastOffset);
  assert.equal(d.last_enqueued_time_utc, new Date(info.lastEnqueuedAt));
  assert.ok(d.runtime_info_retrieval_time_utc instanceof Date);
  assert.is((m!.body as { content: Buffer }).content.toString(), 'e0');
  assert.is(m!.message_annotations!['x-opt-sequence-number'], 0);
});

test.run();
