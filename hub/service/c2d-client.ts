// Cloud-to-device commands and their feedback, as azure-iothub's Client does it over AMQP
// (reference/iot-hub-amqp.md §1.1, §2, §5): TLS, no SASL; one hub-scope CBS token (`sr` = the raw
// HostName, port included, signed with the base64-decoded policy key: the 'iothub' convention),
// renewed at 3/4 of its life on the same link; a sender on /messages/devicebound (`to` =
// /devices/<encoded id>/messages/devicebound, message-id a uuid, `iothub-ack`,
// `absolute-expiry-time`, data body); a receiver on /messages/serviceBound/feedback whose records
// (protocol/feedback.ts) go to listeners and to waitForFeedback(messageId). Feedback is a queue
// shared by every service client of the hub: whoever is listening takes (accepts) each message.
import { randomUUID } from 'node:crypto';
import rhea, { type Connection, type EventContext, type Receiver, type Sender } from 'rhea';
import { c2dToAddress } from '../../protocol/address.js';
import { ConnectionStringError, parseIotHubConnectionString } from '../../protocol/connection-string.js';
import { decodeFeedback, type FeedbackAck, type FeedbackRecord } from '../../protocol/feedback.js';
import { closeConnection, describeTarget, openConnection } from './amqp-connect.js';
import { FeedbackWaiters } from './feedback-waiters.js';
import { renewEveryMs } from './event-hub-reader.js';
import { bodyBytes } from './received-event.js';
import { opened, putToken, RequestLink } from './request-link.js';
import { serviceToken } from './service-token.js';
import { fromAmqpError, ServiceError } from './service-error.js';

export interface C2dClientOptions {
  /** `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…` (a policy with ServiceConnect). */
  connectionString: string;
  ca?: string | Uint8Array;
  tokenSeconds?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  /** Called once when the connection is lost (this client does not reconnect: open a new one). */
  onLost?: (error: ServiceError) => void;
}

export interface CommandOptions {
  body: Uint8Array;
  /** Default: a fresh uuid. */
  messageId?: string;
  /** `iothub-ack`; 'none' sends no property (absent means none, §5.1). */
  ack?: FeedbackAck;
  /** absolute-expiry-time, ms since the epoch. */
  expiresAtMs?: number;
  applicationProperties?: Record<string, string>;
  contentType?: string;
}

export class C2dClient {
  readonly #waiters = new FeedbackWaiters();
  /** Rejecters of commands sent and not yet settled: failed when the connection goes. */
  readonly #sends = new Set<(error: Error) => void>();
  #feedback: Receiver | undefined;
  #renewal: NodeJS.Timeout;
  #closed = false;

  private constructor(
    private readonly connection: Connection,
    private readonly sender: Sender,
    cbs: RequestLink,
    renew: () => Promise<void>,
    tokenSeconds: number,
    onLost: ((error: ServiceError) => void) | undefined,
  ) {
    this.#renewal = setInterval(() => void renew().catch((e: unknown) => this.#waiters.failAll(e as Error)), renewEveryMs(tokenSeconds));
    this.#renewal.unref();
    const lost = (error: ServiceError): void => {
      cbs.failAll(error);
      this.#waiters.failAll(error);
      for (const fail of [...this.#sends]) fail(error);
      if (!this.#closed) onLost?.(error);
      this.#closed = true;
    };
    connection.on('disconnected', (ctx: EventContext) => lost(new ServiceError('disconnected', `connection to the hub lost${ctx.error ? `: ${(ctx.error as Error).message}` : ''}`)));
    connection.on('connection_error', (ctx: EventContext) => lost(fromAmqpError(ctx.connection.error, 'the hub closed the connection')));
  }

  /** Connects, puts the token, attaches the command sender. Throws ConnectionStringError or ServiceError. */
  static async open(o: C2dClientOptions): Promise<C2dClient> {
    const c = parseIotHubConnectionString(o.connectionString);
    if (c.kind !== 'service' || (c.sharedAccessKey === undefined && c.sharedAccessSignature === undefined)) {
      throw new ConnectionStringError('bad-field', 'the connection string is a device string: use a service policy string (HostName=…;SharedAccessKeyName=service;SharedAccessKey=…)');
    }
    const now = o.now ?? Date.now;
    const tokenSeconds = o.tokenSeconds ?? 3600;
    const timeoutMs = o.requestTimeoutMs ?? 30_000;
    const host = c.host.replace(/^\[(.*)\]$/, '$1');
    const connection = await openConnection({ host, port: c.port ?? 5671, tls: true, ...(o.ca ? { ca: o.ca } : {}), timeoutMs });
    try {
      const cbs = await RequestLink.open(connection, '$cbs', timeoutMs);
      const renew = (): Promise<void> => putToken(cbs, serviceToken(c, Math.floor(now() / 1000) + tokenSeconds), c.hostName);
      await renew();
      const sender = connection.open_sender({ target: { address: '/messages/devicebound' }, autosettle: true, treat_modified_as_released: false } as never);
      await opened(sender, 'sendable', '/messages/devicebound');
      return new C2dClient(connection, sender, cbs, renew, tokenSeconds, o.onLost);
    } catch (error) {
      await closeConnection(connection);
      throw error instanceof ServiceError ? error : new ServiceError('disconnected', `${describeTarget({ host, port: c.port ?? 5671, tls: true })}: ${(error as Error).message}`);
    }
  }

  /** Sends one command; resolves with its message-id once the hub has accepted (queued) it. */
  send(deviceId: string, command: CommandOptions): Promise<string> {
    const messageId = command.messageId ?? randomUUID();
    const applicationProperties: Record<string, string> = { ...command.applicationProperties };
    if (command.ack && command.ack !== 'none') applicationProperties['iothub-ack'] = command.ack;
    return new Promise((resolve, reject) => {
      const delivery = this.sender.send({
        message_id: messageId,
        to: c2dToAddress(deviceId),
        ...(command.expiresAtMs === undefined ? {} : { absolute_expiry_time: new Date(command.expiresAtMs) }),
        ...(command.contentType === undefined ? {} : { content_type: command.contentType }),
        application_properties: applicationProperties,
        body: rhea.message.data_section(Buffer.from(command.body)),
      });
      const handlers = new Map<Outcome, (ctx: EventContext) => void>();
      const finish = (): void => {
        for (const [outcome, handler] of handlers) this.sender.removeListener(outcome, handler);
        this.#sends.delete(reject);
      };
      for (const outcome of OUTCOMES) {
        handlers.set(outcome, (ctx: EventContext) => {
          if (ctx.delivery !== delivery) return;
          finish();
          if (outcome === 'accepted') return resolve(messageId);
          const error = (delivery.remote_state as { error?: unknown } | undefined)?.error;
          reject(error ? fromAmqpError(error, `the hub refused the command for ${deviceId}`) : new ServiceError('rejected', `the hub ${outcome} the command for ${deviceId}: send it again`));
        });
        this.sender.on(outcome, handlers.get(outcome)!);
      }
      this.#sends.add((e) => {
        finish();
        reject(e);
      });
    });
  }

  /** Attaches the feedback receiver (once); every record goes to `listener` as well. */
  async receiveFeedback(listener?: (record: FeedbackRecord) => void): Promise<void> {
    if (listener) this.#waiters.listen(listener);
    if (this.#feedback) return;
    const receiver = this.connection.open_receiver({ source: { address: '/messages/serviceBound/feedback' }, credit_window: 100, autoaccept: true });
    this.#feedback = receiver;
    receiver.on('message', (ctx: EventContext) => {
      try {
        this.#waiters.deliver(decodeFeedback(bodyBytes(ctx.message!.body)));
      } catch {
        // Not a feedback body: nothing to match; it was accepted like every feedback message (§5.2).
      }
    });
    await opened(receiver, 'receiver_open', '/messages/serviceBound/feedback');
  }

  /** The record whose originalMessageId is `messageId` (attaches the feedback receiver if needed). */
  async waitForFeedback(messageId: string, timeoutMs: number): Promise<FeedbackRecord> {
    const record = this.#waiters.waitFor(messageId, timeoutMs);
    // It may fail while the receiver is still attaching; the caller sees that failure (or the attach's) below.
    record.catch(() => undefined);
    await this.receiveFeedback();
    return record;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#renewal);
    this.#waiters.failAll(new ServiceError('disconnected', 'closed'));
    await closeConnection(this.connection);
  }
}

const OUTCOMES = ['accepted', 'rejected', 'released', 'modified'] as const;
type Outcome = (typeof OUTCOMES)[number];
