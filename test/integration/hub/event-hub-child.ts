// The official @azure/event-hubs `EventHubConsumerClient` in a child process. The SDK has no `ca`
// option: its documented way to trust a private CA is NODE_EXTRA_CA_CERTS (reference/iot-hub-amqp.md
// §1.5), read only at process start, so the tests fork this file with it set (event-hub-consumer.ts)
// and drive it over IPC (advanced serialization: Dates and Buffers cross intact):
//   → {id, op:'open', connectionString, consumerGroup} | {id, op:'hub'} | {id, op:'partition', partitionId}
//     | {id, op:'receive', partitionId, startPosition, count, trackLastEnqueuedEventProperties?} | {id, op:'close'}
//   ← {id, ok:true, result} | {id, ok:false, error:{name, code, message}} (core-amqp errors are MessagingError with `code`)
import { EventHubConsumerClient, type EventPosition, type ReceivedEventData } from '@azure/event-hubs';

export interface ReadEvent {
  body: unknown;
  properties: Record<string, unknown> | undefined;
  systemProperties: Record<string, unknown> | undefined;
  sequenceNumber: number;
  offset: string;
  enqueuedTimeUtc: Date;
  messageId: unknown;
  correlationId: unknown;
  contentType: string | undefined;
  lastEnqueued: { sequenceNumber?: number; offset?: string; enqueuedOn?: Date; retrievedOn?: Date } | undefined;
}

export type Request =
  | { id: number; op: 'open'; connectionString: string; consumerGroup: string }
  | { id: number; op: 'hub' }
  | { id: number; op: 'partition'; partitionId: string }
  | { id: number; op: 'receive'; partitionId: string; startPosition: EventPosition; count: number; trackLastEnqueuedEventProperties?: boolean }
  | { id: number; op: 'close' };

let client: EventHubConsumerClient | undefined;

function toRead(e: ReceivedEventData, lastEnqueued: ReadEvent['lastEnqueued']): ReadEvent {
  return {
    body: e.body,
    properties: e.properties,
    systemProperties: e.systemProperties,
    sequenceNumber: e.sequenceNumber,
    offset: e.offset,
    enqueuedTimeUtc: e.enqueuedTimeUtc,
    messageId: e.messageId,
    correlationId: e.correlationId,
    contentType: e.contentType,
    lastEnqueued,
  };
}

function receive(r: Extract<Request, { op: 'receive' }>): Promise<ReadEvent[]> {
  const events: ReadEvent[] = [];
  let done = false;
  return new Promise((resolve, reject) => {
    const subscription = client!.subscribe(
      r.partitionId,
      {
        processEvents: async (batch, context) => {
          if (done) return;
          for (const e of batch) {
            if (events.length < r.count) events.push(toRead(e, r.trackLastEnqueuedEventProperties ? { ...context.lastEnqueuedEventProperties } : undefined));
          }
          if (events.length < r.count) return;
          done = true;
          await subscription.close().then(() => resolve(events), reject);
        },
        processError: async (error) => {
          if (done) return;
          done = true;
          await subscription.close();
          reject(error);
        },
      },
      { startPosition: r.startPosition, maxBatchSize: 10, maxWaitTimeInSeconds: 5, trackLastEnqueuedEventProperties: r.trackLastEnqueuedEventProperties },
    );
  });
}

async function handle(r: Request): Promise<unknown> {
  switch (r.op) {
    case 'open':
      // No retries: a refusal must surface at once (core-amqp retries UnauthorizedError 3 × 30 s, §2.4).
      client = new EventHubConsumerClient(r.consumerGroup, r.connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 10_000 } });
      return undefined;
    case 'hub':
      return client!.getEventHubProperties();
    case 'partition':
      return client!.getPartitionProperties(r.partitionId);
    case 'receive':
      return receive(r);
    case 'close':
      await client?.close();
      return undefined;
  }
}

process.on('message', (r: Request) => {
  handle(r).then(
    (result) => process.send!({ id: r.id, ok: true, result }),
    (error: Error & { code?: string }) => process.send!({ id: r.id, ok: false, error: { name: error.name, code: error.code, message: error.message } }),
  );
});
