// Raw rhea clients of the hub's Event Hub-compatible endpoint (reference/iot-hub-amqp.md §6): an
// Event Hubs token on $cbs, partition receivers with the SDK's filter and properties, $management
// requests, and raw device telemetry to fill partitions. Built on helpers.ts.
import rhea, { type Connection, type EventContext, type Message, type Receiver } from 'rhea';
import { SELECTOR_FILTER_DESCRIPTOR, SELECTOR_FILTER_KEY } from '../../../protocol/event-hubs-filter.js';
import { createSasToken } from '../../../protocol/sas.js';
import { partitionOf } from '../../../hub/telemetry/partition.js';
import type { Hub } from '../../../hub/hub.js';
import { cbsClient, next, rawClient } from './helpers.js';

export const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

/** An Event Hubs token (key text, §3.2) for `sb://localhost:<port>/<path>`, signed with policy `service`. */
export function eventHubToken(hub: Hub, path = hub.options.name, policy = 'service', expiresAt = inAnHour()): { token: string; audience: string } {
  const audience = `sb://localhost:${hub.port}/${path}`;
  const key = hub.registry.policy(policy)!.primaryKey;
  return { token: createSasToken({ audience, key, keyName: policy, keyConvention: 'eventhub', expiresAt }), audience };
}

/** A raw connection holding an Event Hubs token for the whole hub (ServiceConnect). */
export async function eventHubClient(hub: Hub, authorized = true): Promise<Connection> {
  const connection = await rawClient(hub);
  if (authorized) {
    const { token, audience } = eventHubToken(hub);
    const reply = await (await cbsClient(connection)).put(token, audience);
    if (reply.status !== 200) throw new Error(`put-token: ${String(reply.status)} ${String(reply.description)}`);
  }
  return connection;
}

export interface PartitionReceiverOptions {
  consumerGroup?: string;
  filter?: string;
  epoch?: number;
  runtimeMetric?: boolean;
  hubName?: string;
}

/** A receiver as @azure/event-hubs attaches it (§6.3): credit_window 0, filter, epoch, capabilities. */
export function attachPartition(connection: Connection, hub: Hub, partition: number, o: PartitionReceiverOptions = {}): Receiver {
  const address = `${o.hubName ?? hub.options.name}/ConsumerGroups/${o.consumerGroup ?? '$Default'}/Partitions/${partition}`;
  return connection.open_receiver({
    name: `${address}-${Math.random().toString(16).slice(2)}`,
    source: { address, ...(o.filter ? { filter: { [SELECTOR_FILTER_KEY]: rhea.types.wrap_described(o.filter, SELECTOR_FILTER_DESCRIPTOR) } } : {}) },
    target: { address: 'consumer-1' },
    credit_window: 0,
    autoaccept: true,
    properties: { 'com.microsoft:receiver-name': 'consumer-1', ...(o.epoch === undefined ? {} : { 'com.microsoft:epoch': rhea.types.wrap_long(o.epoch) }) },
    desired_capabilities: ['com.microsoft:georeplication', ...(o.runtimeMetric ? ['com.microsoft:enable-receiver-runtime-metric'] : [])],
  } as never);
}

/** The condition a link was refused or detached with. */
export async function detachCondition(link: Receiver): Promise<string> {
  const ctx = await next<EventContext>(link, 'receiver_error');
  return (ctx.receiver!.error as { condition: string }).condition;
}

/** Collects `count` messages from `link` (credit given by the caller). */
export function collect(link: Receiver, count: number): Promise<Message[]> {
  const got: Message[] = [];
  return new Promise((resolve) => {
    const onMessage = (ctx: EventContext): void => {
      got.push(ctx.message!);
      if (got.length === count) {
        link.removeListener('message', onMessage);
        resolve(got);
      }
    };
    link.on('message', onMessage);
  });
}

/** A device id that lands on `partition` (partitionOf is a stable hash). */
export function deviceOnPartition(hub: Hub, partition: number, prefix = 'eh'): string {
  for (let i = 0; ; i++) if (partitionOf(`${prefix}-${i}`, hub.options.partitions) === partition) return `${prefix}-${i}`;
}

/** Registers `deviceId` (if needed) and sends `bodies` as raw device telemetry; resolves once all are accepted. */
export async function sendTelemetry(hub: Hub, deviceId: string, bodies: string[]): Promise<void> {
  const device = hub.registry.device(deviceId) ?? hub.registry.addDevice(deviceId);
  const connection = await rawClient(hub);
  try {
    const audience = `localhost/devices/${deviceId}`;
    const token = createSasToken({ audience, key: device.primaryKey, keyConvention: 'iothub', expiresAt: inAnHour() });
    const reply = await (await cbsClient(connection)).put(token, audience);
    if (reply.status !== 200) throw new Error(`device put-token: ${String(reply.status)}`);
    const sender = connection.open_sender({ target: { address: `/devices/${deviceId}/messages/events` } });
    await next(sender, 'sendable');
    const pending = new Map<unknown, { resolve(): void; reject(error: Error): void }>();
    sender.on('accepted', (ctx: EventContext) => pending.get(ctx.delivery)?.resolve());
    sender.on('rejected', (ctx: EventContext) => pending.get(ctx.delivery)?.reject(new Error('telemetry rejected')));
    await Promise.all(
      bodies.map((body, i) => new Promise<void>((resolve, reject) => {
        pending.set(sender.send({ message_id: `${deviceId}-${i}`, body: rhea.message.data_section(Buffer.from(body)) }), { resolve, reject });
      })),
    );
  } finally {
    connection.close();
  }
}

/** A `$management` client (§6.2): request(props) resolves with the reply. */
export async function managementClient(connection: Connection): Promise<{ request(props: Record<string, unknown>, messageId?: string): Promise<Message> }> {
  const session = connection.create_session();
  session.begin();
  const replyTo = `mgmt-${Math.random().toString(16).slice(2)}`;
  const receiver = session.attach_receiver({ name: replyTo, source: { address: '$management' }, target: { address: replyTo }, autoaccept: true } as never);
  const sender = session.attach_sender({ target: { address: '$management' } });
  await Promise.all([next(receiver, 'receiver_open'), next(sender, 'sendable')]);
  let counter = 0;
  return {
    request(props, messageId = `mgmt-req-${++counter}`) {
      const reply = new Promise<Message>((resolve) => {
        const onMessage = (ctx: EventContext): void => {
          if (ctx.message!.correlation_id !== messageId) return;
          receiver.removeListener('message', onMessage);
          resolve(ctx.message!);
        };
        receiver.on('message', onMessage);
      });
      sender.send({ message_id: messageId, reply_to: replyTo, application_properties: props, body: Buffer.from('[]') });
      return reply;
    },
  };
}
