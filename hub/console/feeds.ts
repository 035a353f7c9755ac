// The console's two AMQP feeds, opened exactly as an external service application would (the
// hub/service clients, TLS with the hub's CA, the connection strings the hub prints):
// - telemetry: an EventHubReader on the Event Hub-compatible endpoint, every partition, from
//   `historyMs` ago; each event goes to the model with its body opened by viewBody(). The reader
//   reconnects by itself; should it give up (401, not-found), a new one resumes after the last
//   event seen, `retryMs` later.
// - commands: a C2dClient opened at the first command; when its connection is lost (onLost) it
//   is opened again, with backoff (1 s doubling to 30 s) while the hub is away, so feedback keeps
//   flowing. Its feedback receiver is attached at the
//   first command only: the hub's feedback is ONE queue that every
//   service client shares (reference/iot-hub-amqp.md §5.2), and a console that has sent nothing
//   should not take records that a `fogbridge command` is waiting for.
import { randomBytes } from 'node:crypto';
import { viewBody } from '../service/body-view.js';
import { C2dClient } from '../service/c2d-client.js';
import { EventHubReader, type EventHubReaderOptions } from '../service/event-hub-reader.js';
import { encodeCommand, type CommandRequest } from './commands.js';
import type { CommandEntry, ConsoleModel } from './model.js';
import type { ResolvedConsoleOptions } from './options.js';

export interface FeedSource {
  /** `service` (ServiceConnect) and `eventHub` (with EntityPath) connection strings. */
  connectionStrings: { service: string; eventHub: string };
  /** PEM of the CA that signed the hub's certificate. */
  ca: string;
}

export class TelemetryFeed {
  readonly #resume: Record<string, number> = {};
  #reader: EventHubReader | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly source: FeedSource, private readonly model: ConsoleModel, private readonly o: ResolvedConsoleOptions, private readonly retryMs = 5000) {}

  start(): void {
    void this.#run();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#reader?.close();
    this.model.setStatus({ state: 'closed' });
  }

  async #run(): Promise<void> {
    const options: EventHubReaderOptions = {
      connectionString: this.source.connectionStrings.eventHub, ca: this.source.ca, consumerGroup: this.o.consumerGroup, now: this.o.now,
      from: { enqueuedAfter: new Date(this.o.now() - this.o.historyMs) }, resume: { ...this.#resume },
      onStatus: (s) => {
        if (s.state === 'connected') this.model.setStatus({ state: 'connected', detail: `partitions ${s.partitionIds.join(', ')}` });
        if (s.state === 'reconnecting') this.model.setStatus({ state: 'reconnecting', detail: `${s.error.message}; again in ${s.delayMs / 1000} s` });
      },
    };
    const reader = new EventHubReader(options);
    this.#reader = reader;
    try {
      await reader.open();
      for (let e = await reader.next(); e; e = await reader.next()) {
        this.#resume[e.partition] = e.sequenceNumber;
        this.model.addTelemetry(e, viewBody(e.body, e.applicationProperties, e.deviceId === undefined ? undefined : this.o.keys.get(e.deviceId), e.deviceId));
      }
    } catch (error) {
      await reader.close();
      if (this.#closed) return;
      this.model.setStatus({ state: 'failed', detail: `${(error as Error).message}; trying again in ${this.retryMs / 1000} s` });
      this.#timer = setTimeout(() => void this.#run(), this.retryMs);
    }
  }
}

export class CommandFeed {
  #client: Promise<C2dClient> | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(private readonly source: FeedSource, private readonly model: ConsoleModel, private readonly o: ResolvedConsoleOptions) {}

  /** Seals (when the key is known), sends, logs; resolves once the hub has queued the command. */
  async send(request: CommandRequest): Promise<CommandEntry> {
    const encoded = encodeCommand(request, this.o.keys.get(request.deviceId), (n) => new Uint8Array(randomBytes(n)));
    const client = await this.#open();
    try {
      const messageId = await client.send(request.deviceId, { body: encoded.body, ack: request.ack, applicationProperties: encoded.applicationProperties });
      const entry: CommandEntry = { messageId, deviceId: request.deviceId, command: request.command, ack: request.ack, sealed: encoded.sealed, sentAt: this.o.now() };
      this.model.addCommand(entry);
      return entry;
    } catch (error) {
      // A refusal (unknown device, full queue) leaves the client usable; a lost connection does not.
      if ((error as { code?: string }).code === 'disconnected') this.#drop(client);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.close(), () => undefined);
  }

  #open(): Promise<C2dClient> {
    if (this.#client) return this.#client;
    const opening: Promise<C2dClient> = (this.#client = (async () => {
      const client: C2dClient = await C2dClient.open({
        connectionString: this.source.connectionStrings.service, ca: this.source.ca, now: this.o.now,
        onLost: () => {
          if (this.#client !== opening) return;
          this.#drop(client);
          this.#reopen(0); // feedback for commands already sent is kept by the hub until read
        },
      });
      await client.receiveFeedback((record) => this.model.addFeedback(record));
      return client;
    })());
    opening.catch(() => {
      if (this.#client === opening) this.#client = undefined;
    });
    return opening;
  }

  #reopen(attempt: number): void {
    if (this.#closed) return;
    this.#open().catch(() => {
      if (this.#closed) return;
      this.#retry = setTimeout(() => this.#reopen(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt));
      this.#retry.unref();
    });
  }

  #drop(client: C2dClient): void {
    this.#client = undefined;
    void client.close();
  }
}
