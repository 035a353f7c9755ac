// One connection to an Event Hub-compatible endpoint (reference/iot-hub-amqp.md §6), as
// @azure/event-hubs opens it: `$cbs` and `$management` request links, a CBS token per audience
// (the management link's and each partition receiver's own), `$management` READ for the partition
// ids and a partition's last sequence number, one receiver per partition with the selector filter
// (§6.3), credit granted by hand (credit_window 0), events accepted as they arrive. Whatever
// ends the connection or a receiver is reported once through `lost`; event-hub-reader.ts
// reconnects.
import { randomUUID } from 'node:crypto';
import rhea, { type Connection, type EventContext, type Receiver } from 'rhea';
import { formatSelectorFilter, SELECTOR_FILTER_DESCRIPTOR, SELECTOR_FILTER_KEY, type StartPosition } from '../../protocol/event-hubs-filter.js';
import { closeConnection, describeTarget, openConnection } from './amqp-connect.js';
import { eventHubToken, partitionPath, type EventHubEndpoint } from './event-hub-endpoint.js';
import { toReceivedEvent, type ReceivedEvent } from './received-event.js';
import { opened, putToken, RequestLink } from './request-link.js';
import { fromAmqpError, fromSocketError, fromStatusCode, ServiceError } from './service-error.js';

export interface SessionOptions {
  endpoint: EventHubEndpoint;
  consumerGroup: string;
  ca?: string | Uint8Array;
  /** Token lifetime in seconds (as the SDK: 3600). */
  tokenSeconds: number;
  nowMs: () => number;
  requestTimeoutMs: number;
  event(e: ReceivedEvent): void;
  lost(error: ServiceError): void;
}

export class EventHubSession {
  readonly #receivers = new Map<string, Receiver>();
  readonly #paths: string[] = [];
  #lost = false;

  private constructor(
    private readonly o: SessionOptions,
    private readonly connection: Connection,
    private readonly cbs: RequestLink,
    private readonly management: RequestLink,
    readonly partitionIds: string[],
  ) {
    const target = describeTarget(o.endpoint);
    connection.on('disconnected', (ctx: EventContext) => this.#fail(fromSocketError(ctx.error, target)));
    connection.on('connection_error', (ctx: EventContext) => this.#fail(fromAmqpError(ctx.connection.error, `${target} closed the connection`)));
  }

  static async open(o: SessionOptions): Promise<EventHubSession> {
    const e = o.endpoint;
    const connection = await openConnection({ host: e.host, port: e.port, tls: e.tls, ...(o.ca ? { ca: o.ca } : {}), ...(e.keyName ? { saslUsername: e.keyName } : {}), timeoutMs: o.requestTimeoutMs });
    try {
      const cbs = await RequestLink.open(connection, '$cbs', o.requestTimeoutMs);
      const managementPath = `${e.entity}/$management`;
      const { audience, token } = eventHubToken(e, managementPath, expiry(o));
      await putToken(cbs, token, audience);
      const management = await RequestLink.open(connection, '$management', o.requestTimeoutMs);
      const body = await read(management, e, o, { type: 'com.microsoft:eventhub' });
      const ids = (body as { partition_ids?: unknown }).partition_ids;
      if (!Array.isArray(ids) || ids.length === 0) throw new ServiceError('rejected', `$management READ of ${e.entity} returned no partition_ids`);
      const session = new EventHubSession(o, connection, cbs, management, ids.map(String));
      session.#paths.push(managementPath);
      return session;
    } catch (error) {
      await closeConnection(connection);
      throw error;
    }
  }

  /** The partition's last enqueued sequence number (-1 when it has none): `@latest` made exact. */
  async lastSequenceNumber(partition: string): Promise<number> {
    const body = (await read(this.management, this.o.endpoint, this.o, { type: 'com.microsoft:partition', partition })) as Record<string, unknown>;
    return body.is_partition_empty === true ? -1 : Number(body.last_enqueued_sequence_number ?? -1);
  }

  /** Puts the partition's token and attaches its receiver with no credit. */
  async attach(partition: string, position: StartPosition): Promise<void> {
    const path = partitionPath(this.o.endpoint, this.o.consumerGroup, partition);
    const { audience, token } = eventHubToken(this.o.endpoint, path, expiry(this.o));
    await putToken(this.cbs, token, audience);
    this.#paths.push(path);
    const consumerId = randomUUID();
    const receiver = this.connection.open_receiver({
      name: `${path}-${randomUUID()}`,
      source: { address: path, filter: { [SELECTOR_FILTER_KEY]: rhea.types.wrap_described(formatSelectorFilter(position), SELECTOR_FILTER_DESCRIPTOR) } },
      target: { address: consumerId },
      credit_window: 0,
      autoaccept: true,
      properties: { 'com.microsoft:receiver-name': consumerId },
      desired_capabilities: ['com.microsoft:georeplication'],
    } as never);
    await opened(receiver, 'receiver_open', path);
    this.#receivers.set(partition, receiver);
    receiver.on('message', (ctx: EventContext) => this.o.event(toReceivedEvent(ctx.message!, partition)));
    const onDetach = (): void => this.#fail(fromAmqpError(receiver.error, `the hub detached the receiver of ${path}`));
    receiver.on('receiver_error', onDetach);
    receiver.on('receiver_close', onDetach);
  }

  /** Grants `n` more credit to the partition's receiver (AMQP 1.0 §2.6.7 link-credit). */
  addCredit(partition: string, n: number): void {
    const receiver = this.#receivers.get(partition);
    if (n > 0 && receiver?.is_open()) receiver.add_credit(n);
  }

  /** Credit the partition's receiver holds now. */
  credit(partition: string): number {
    return (this.#receivers.get(partition) as unknown as { credit?: number } | undefined)?.credit ?? 0;
  }

  /** Puts fresh tokens for every audience on the same `$cbs` link (§2.5: no reconnect). */
  async renewTokens(): Promise<void> {
    for (const path of this.#paths) {
      const { audience, token } = eventHubToken(this.o.endpoint, path, expiry(this.o));
      await putToken(this.cbs, token, audience);
    }
  }

  async close(): Promise<void> {
    this.#lost = true;
    this.cbs.failAll(new ServiceError('disconnected', 'closed'));
    await closeConnection(this.connection);
  }

  #fail(error: ServiceError): void {
    if (this.#lost) return;
    this.#lost = true;
    this.cbs.failAll(error);
    this.management.failAll(error);
    this.o.lost(error);
  }
}

const expiry = (o: Pick<SessionOptions, 'nowMs' | 'tokenSeconds'>): number => Math.floor(o.nowMs() / 1000) + o.tokenSeconds;

/** `$management` READ (§6.2): the reply body is an AMQP map; security_token covers the entity. */
async function read(link: RequestLink, e: EventHubEndpoint, o: SessionOptions, props: Record<string, string>): Promise<unknown> {
  const { token } = eventHubToken(e, e.entity, expiry(o));
  const what = `$management READ ${props.type}${props.partition === undefined ? '' : ` partition ${props.partition}`} of ${e.entity}`;
  const reply = await link.request({ application_properties: { operation: 'READ', name: e.entity, security_token: token, ...props }, body: Buffer.from('[]') }, what);
  const error = fromStatusCode(reply.status, reply.description, what);
  if (error) throw error;
  return reply.message.body ?? {};
}
