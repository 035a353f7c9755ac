// The parent side of event-hub-child.ts: an @azure/event-hubs `EventHubConsumerClient` in a child
// process that trusts the hub's CA through NODE_EXTRA_CA_CERTS (reference/iot-hub-amqp.md §1.5).
import { fork, type ChildProcess } from 'node:child_process';
import type { EventHubProperties, EventPosition, PartitionProperties } from '@azure/event-hubs';
import type { Hub } from '../../../hub/hub.js';
import type { ReadEvent, Request } from './event-hub-child.js';

export class EventHubSdkError extends Error {
  constructor(readonly sdkName: string, readonly code: string | undefined, message: string) {
    super(`${sdkName}${code ? ` (${code})` : ''}: ${message}`);
    this.name = 'EventHubSdkError';
  }
}

type Op = Request extends infer R ? (R extends { op: infer O } ? O : never) : never;

export class EventHubConsumer {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private counter = 0;

  constructor(hub: Hub, caFile = hub.certificates.caFile) {
    this.child = fork(new URL('./event-hub-child.ts', import.meta.url).pathname, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: { name: string; code?: string; message: string } }) => {
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) waiter?.resolve(m.result);
      else waiter?.reject(new EventHubSdkError(m.error!.name, m.error!.code, m.error!.message));
    });
  }

  private call<T>(op: Op, fields: Record<string, unknown> = {}): Promise<T> {
    const id = ++this.counter;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, op, ...fields });
    });
  }

  open(connectionString: string, consumerGroup = '$Default'): Promise<void> {
    return this.call('open', { connectionString, consumerGroup });
  }

  hubProperties(): Promise<EventHubProperties> {
    return this.call('hub');
  }

  partitionProperties(partitionId: string): Promise<PartitionProperties> {
    return this.call('partition', { partitionId });
  }

  /** subscribe() on one partition until `count` events arrived. */
  receive(partitionId: string, startPosition: EventPosition, count: number, o: { trackLastEnqueuedEventProperties?: boolean } = {}): Promise<ReadEvent[]> {
    return this.call('receive', { partitionId, startPosition, count, ...o });
  }

  async stop(): Promise<void> {
    await this.call('close').catch(() => undefined);
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}
