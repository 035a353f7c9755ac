// Reads every partition of an Event Hub-compatible endpoint as an async iterable of events
// (reference/iot-hub-amqp.md §6), speaking AMQP as an external service app does, so it works
// against the local hub and, unchanged, a real Azure IoT Hub. Per partition: start at `from`
// (earliest, latest = after the last sequence number at the first connect, or after an enqueued
// time) unless `resume` names the last sequence number already handled; at most `prefetch`
// events buffered (credit is granted as the consumer takes them). Tokens are renewed at 3/4 of
// their life on the same `$cbs` link. A lost connection or receiver reconnects with backoff and
// resumes each partition after the last event it received: no gap, no repeat. The first
// connect is not retried (its error says what to fix); a later 401 or not-found ends the
// iteration with that error.
import type { StartPosition } from '../../protocol/event-hubs-filter.js';
import { eventHubEndpoint, type EventHubEndpoint } from './event-hub-endpoint.js';
import { EventHubSession } from './event-hub-session.js';
import type { ReceivedEvent } from './received-event.js';
import { ServiceError } from './service-error.js';

export type ReaderStart = 'earliest' | 'latest' | { enqueuedAfter: Date };

export interface EventHubReaderOptions {
  /** `Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath=…[;UseDevelopmentEmulator=true]`. */
  connectionString: string;
  consumerGroup?: string;
  from?: ReaderStart;
  /** partition id → last sequence number already handled; those partitions resume after it. */
  resume?: Record<string, number>;
  /** PEM CA certificates to trust instead of Node's default roots. */
  ca?: string | Uint8Array;
  prefetch?: number;
  tokenSeconds?: number;
  backoff?: { initialMs: number; maxMs: number };
  requestTimeoutMs?: number;
  now?: () => number;
  onStatus?: (status: ReaderStatus) => void;
}

export type ReaderStatus =
  | { state: 'connected'; partitionIds: string[] }
  | { state: 'renewed' }
  | { state: 'reconnecting'; attempt: number; delayMs: number; error: ServiceError };

/** Renew at 3/4 of a token's life (as the SDKs: 45 min of 60), less a second for `se` rounding down. */
export const renewEveryMs = (tokenSeconds: number): number => Math.max(500, tokenSeconds * 750 - 1000);

export class EventHubReader implements AsyncIterable<ReceivedEvent> {
  readonly endpoint: EventHubEndpoint;
  readonly #o: Required<Omit<EventHubReaderOptions, 'ca' | 'onStatus' | 'resume'>> & Pick<EventHubReaderOptions, 'ca' | 'onStatus'>;
  readonly #positions = new Map<string, StartPosition>();
  readonly #queue: ReceivedEvent[] = [];
  readonly #buffered = new Map<string, number>();
  #session: EventHubSession | undefined;
  #waiter: (() => void) | undefined;
  #error: Error | undefined;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #renewal: NodeJS.Timeout | undefined;

  /** Throws ConnectionStringError (protocol/) when the string is not usable. */
  constructor(options: EventHubReaderOptions) {
    this.endpoint = eventHubEndpoint(options.connectionString);
    this.#o = { consumerGroup: '$Default', from: 'latest', prefetch: 300, tokenSeconds: 3600, backoff: { initialMs: 1000, maxMs: 30_000 }, requestTimeoutMs: 30_000, now: Date.now, ...options };
    for (const [p, n] of Object.entries(options.resume ?? {})) this.#positions.set(p, { by: 'sequence', sequenceNumber: n, inclusive: false });
  }

  /** Connects and attaches every partition; resolves with the partition ids. Rejects with a ServiceError. */
  async open(): Promise<string[]> {
    const session = await this.#connect();
    if (this.#closed) return session.partitionIds; // closed while opening: #connect closed the session
    this.#renewal = setInterval(() => {
      const session = this.#session;
      session?.renewTokens().then(
        () => this.#o.onStatus?.({ state: 'renewed' }),
        (e: unknown) => session === this.#session && this.#lost(e as ServiceError),
      );
    }, renewEveryMs(this.#o.tokenSeconds));
    this.#renewal.unref();
    return session.partitionIds;
  }

  /** Events waiting to be taken (the consumer may checkpoint when this reaches 0). */
  get buffered(): number {
    return this.#queue.length;
  }

  /** The next event; undefined once closed; rejects with a ServiceError that reconnecting cannot cure. */
  async next(): Promise<ReceivedEvent | undefined> {
    while (this.#queue.length === 0) {
      if (this.#error) throw this.#error;
      if (this.#closed) return undefined;
      await new Promise<void>((wake) => (this.#waiter = wake));
    }
    const event = this.#queue.shift()!;
    const held = (this.#buffered.get(event.partition) ?? 1) - 1;
    this.#buffered.set(event.partition, held);
    const want = this.#o.prefetch - held - (this.#session?.credit(event.partition) ?? 0);
    if (want >= Math.ceil(this.#o.prefetch / 2)) this.#session?.addCredit(event.partition, want);
    return event;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ReceivedEvent> {
    for (let e = await this.next(); e; e = await this.next()) yield e;
  }

  /** Stops receiving; events already buffered are still returned by next(). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#renewal);
    this.#wake();
    await this.#session?.close();
    this.#session = undefined;
  }

  async #connect(): Promise<EventHubSession> {
    const session = await EventHubSession.open({
      endpoint: this.endpoint, consumerGroup: this.#o.consumerGroup, ca: this.#o.ca, tokenSeconds: this.#o.tokenSeconds, nowMs: this.#o.now, requestTimeoutMs: this.#o.requestTimeoutMs,
      event: (e) => this.#received(e),
      lost: (error) => this.#lost(error),
    });
    try {
      for (const p of session.partitionIds) {
        const position = this.#positions.get(p) ?? (await this.#startOf(session, p));
        this.#positions.set(p, position);
        await session.attach(p, position);
        session.addCredit(p, this.#o.prefetch - (this.#buffered.get(p) ?? 0));
      }
    } catch (error) {
      await session.close();
      throw error;
    }
    if (this.#closed) await session.close();
    else this.#session = session;
    this.#o.onStatus?.({ state: 'connected', partitionIds: session.partitionIds });
    return session;
  }

  async #startOf(session: EventHubSession, partition: string): Promise<StartPosition> {
    const from = this.#o.from;
    if (from === 'earliest') return { by: 'start' };
    if (from === 'latest') return { by: 'sequence', sequenceNumber: await session.lastSequenceNumber(partition), inclusive: false };
    return { by: 'enqueued-time', enqueuedAt: from.enqueuedAfter.getTime(), inclusive: false };
  }

  #received(e: ReceivedEvent): void {
    if (this.#closed) return;
    this.#positions.set(e.partition, { by: 'sequence', sequenceNumber: e.sequenceNumber, inclusive: false });
    this.#buffered.set(e.partition, (this.#buffered.get(e.partition) ?? 0) + 1);
    this.#queue.push(e);
    this.#wake();
  }

  #lost(error: ServiceError): void {
    if (this.#closed) return;
    const session = this.#session;
    this.#session = undefined;
    void session?.close();
    if (!(error instanceof ServiceError) || !error.retryable) return this.#end(error);
    this.#attempt += 1;
    const delayMs = Math.min(this.#o.backoff.maxMs, this.#o.backoff.initialMs * 2 ** (this.#attempt - 1));
    this.#o.onStatus?.({ state: 'reconnecting', attempt: this.#attempt, delayMs, error });
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#connect().then(
        () => (this.#attempt = 0),
        (e: unknown) => this.#lost(e as ServiceError),
      );
    }, delayMs);
  }

  #end(error: Error): void {
    this.#error = error;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }
}
