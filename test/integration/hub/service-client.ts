// The parent side of service-child.ts: an azure-iothub `Client` in a child process that trusts the
// hub's CA through NODE_EXTRA_CA_CERTS. Feedback messages arrive on `feedback` (an AsyncQueue).
import { fork, type ChildProcess } from 'node:child_process';
import { AsyncQueue } from '../../helpers/async-queue.js';
import type { Hub } from '../../../hub/hub.js';
import type { C2dSpec, Request } from './service-child.js';

export interface FeedbackMessage {
  data: string;
  contentType: string;
}

export class ServiceSdkError extends Error {
  constructor(readonly sdkName: string, message: string) {
    super(`${sdkName}: ${message}`);
    this.name = 'ServiceSdkError';
  }
}

type Op = Request extends infer R ? (R extends { op: infer O } ? O : never) : never;

export class ServiceClient {
  readonly feedback = new AsyncQueue<FeedbackMessage>();
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private counter = 0;

  constructor(hub: Hub, caFile = hub.certificates.caFile) {
    this.child = fork(new URL('./service-child.ts', import.meta.url).pathname, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: { id?: number; ok?: boolean; error?: { name: string; message: string }; event?: string } & FeedbackMessage) => {
      if (m.event === 'feedback') return this.feedback.push({ data: m.data, contentType: m.contentType });
      const waiter = this.pending.get(m.id!);
      this.pending.delete(m.id!);
      if (m.ok) waiter?.resolve();
      else waiter?.reject(new ServiceSdkError(m.error!.name, m.error!.message));
    });
  }

  private call(op: Op, fields: Record<string, unknown> = {}): Promise<void> {
    const id = ++this.counter;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, op, ...fields });
    });
  }

  open(connectionString: string): Promise<void> {
    return this.call('open', { connectionString });
  }

  send(deviceId: string, message: C2dSpec): Promise<void> {
    return this.call('send', { deviceId, message });
  }

  /** Attaches the feedback receiver (getFeedbackReceiver); messages go to `feedback`. */
  receiveFeedback(): Promise<void> {
    return this.call('feedback');
  }

  async stop(): Promise<void> {
    await this.call('close').catch(() => undefined);
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}
