// A request/response pair of links, as core-amqp builds them for `$cbs` and `$management`
// (reference/iot-hub-amqp.md §2.1, §6.1): its own session, a sender to `address`, a receiver from
// `address` whose name (and target) is the reply-to; replies matched by correlation-id = the
// request's message-id (a uuid string). Each request times out on its own, and every waiting
// request fails at once when the connection is lost: a request left waiting on a dead connection
// (put-token during an open that the hub's shutdown cut short) would hold its timer, and the
// process, for the whole time-out.
import { randomUUID } from 'node:crypto';
import type { Connection, EventContext, Message, Receiver, Sender } from 'rhea';
import { fromAmqpError, fromStatusCode, ServiceError } from './service-error.js';

export interface Reply {
  status: unknown;
  description: unknown;
  message: Message;
}

export class RequestLink {
  readonly #pending = new Map<string, { resolve(reply: Reply): void; reject(error: Error): void; timer: NodeJS.Timeout }>();
  /** Requests waiting for credit: rhea would send them without it (AMQP 1.0 §2.6.7). */
  readonly #unsent: Message[] = [];

  private constructor(
    private readonly sender: Sender,
    private readonly receiver: Receiver,
    private readonly replyTo: string,
    private readonly timeoutMs: number,
  ) {
    sender.on('sendable', () => this.#flush());
    const lost = (): void => this.failAll(new ServiceError('disconnected', 'the connection was lost while the request waited for its reply'));
    sender.connection.on('disconnected', lost);
    sender.connection.on('connection_close', lost);
    receiver.on('message', (ctx: EventContext) => {
      const m = ctx.message!;
      const id = String(m.correlation_id ?? '');
      const waiter = this.#pending.get(id);
      if (!waiter) return;
      this.#pending.delete(id);
      clearTimeout(waiter.timer);
      const props = (m.application_properties ?? {}) as Record<string, unknown>;
      waiter.resolve({ status: props['status-code'] ?? props.statusCode, description: props['status-description'] ?? props.statusDescription, message: m });
    });
  }

  /** Attaches both links; rejects with a ServiceError if the peer refuses either. */
  static async open(connection: Connection, address: string, timeoutMs = 30_000): Promise<RequestLink> {
    const session = connection.create_session();
    session.begin();
    const name = `${address === '$cbs' ? 'cbs-' : ''}${randomUUID()}`;
    const receiver = session.attach_receiver({ name, source: { address }, target: { address: name }, autoaccept: true, credit_window: 100 } as never);
    const sender = session.attach_sender({ target: { address } });
    await Promise.all([opened(receiver, 'receiver_open', address), opened(sender, 'sendable', address)]);
    return new RequestLink(sender, receiver, name, timeoutMs);
  }

  /** Sends `message` and resolves with the reply; rejects on timeout (ServiceError 'timeout'). */
  request(message: Message, what: string): Promise<Reply> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ServiceError('timeout', `${what}: no reply within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.#unsent.push({ ...message, message_id: id, reply_to: this.replyTo });
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#unsent.length > 0 && this.sender.sendable()) this.sender.send(this.#unsent.shift()!);
  }

  /** Fails every waiting request (the connection is gone). */
  failAll(error: Error): void {
    for (const [id, w] of this.#pending) {
      clearTimeout(w.timer);
      this.#pending.delete(id);
      w.reject(error);
    }
  }
}

/** CBS put-token (§2.2): the token as an amqp-value string, `name` = the audience as the SDK sends it. */
export async function putToken(cbs: RequestLink, token: string, name: string): Promise<void> {
  const reply = await cbs.request(
    { to: '$cbs', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name }, body: token },
    `put-token for ${name}`,
  );
  const error = fromStatusCode(reply.status, reply.description, `the hub refused the SAS token for ${name}`);
  if (error) throw error;
}

/** Resolves on `event` (receiver_open, or sendable: attached and given credit); rejects if refused. */
export function opened(link: Sender | Receiver, event: 'receiver_open' | 'sendable', address: string): Promise<void> {
  const kind = event === 'receiver_open' ? 'receiver' : 'sender';
  return new Promise((resolve, reject) => {
    // The connection outlives this attach: its listener goes once the attach is settled either way
    // (one per attach would pile up on a long-lived connection: the console reattaches for ever).
    const lost = (): void => reject(new ServiceError('disconnected', `connection lost while attaching to ${address}`));
    link.connection.once('disconnected', lost);
    const settle = (f: () => void): void => {
      link.connection.removeListener('disconnected', lost);
      f();
    };
    // A refusal is an attach and a detach in one write (AMQP 1.0 §2.6.3): rhea reports the open
    // first, so look again once that write is processed.
    link.once(event, () => setImmediate(() => settle(() => (link.is_remote_open() ? resolve() : reject(fromAmqpError(link.error, `attaching a ${kind} on ${address} was refused`))))));
    link.once(`${kind}_error`, (ctx: EventContext) => settle(() => reject(fromAmqpError(link.error ?? ctx.connection.error, `attaching a ${kind} on ${address} failed`))));
  });
}
