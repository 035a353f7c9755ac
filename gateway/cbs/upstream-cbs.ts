// The upstream connection's own `$cbs` sender/receiver pair (DESIGN decision 4): every device's
// put-token is sent here with a gateway-chosen message-id, and the hub's answer is matched by
// correlation-id (iot-hub-amqp.md §2.2-§2.3). This is the control path: messages are decoded.
import rhea, { type Connection, type Receiver, type Sender } from 'rhea';
import type { Clock } from '../router/options.js';

export interface PutToken {
  token: string;
  /** The CBS `name` (audience) and `type` as the device sent them. */
  name: string;
  type: string;
}

export interface CbsAnswer {
  statusCode: number;
  description: string;
}

/** Put-token failures the gateway answers itself, as CBS status codes (the device edge of CBS). */
export type CbsFailure = 'hub-timeout' | 'hub-lost' | 'not-put-token' | 'no-token';

/** CBS status for a failure of the gateway's own (one function for this edge and direction). */
export function toCbsAnswer(f: CbsFailure): CbsAnswer {
  switch (f) {
    case 'hub-timeout': return { statusCode: 504, description: 'the hub did not answer the put-token in time' };
    case 'hub-lost': return { statusCode: 503, description: 'the connection to the hub was lost before it answered' };
    case 'not-put-token': return { statusCode: 501, description: 'the gateway proxies only the put-token operation on $cbs' };
    case 'no-token': return { statusCode: 400, description: 'put-token needs the token as an amqp-value string body and a name' };
  }
}

interface Pending { resolve: (a: CbsAnswer) => void; timer: unknown }

export class UpstreamCbs {
  private readonly sender: Sender;
  private readonly receiver: Receiver;
  private readonly pending = new Map<string, Pending>();
  private readonly replyTo = `cbs-${rhea.generate_uuid()}`;

  constructor(connection: Connection, private readonly clock: Clock, private readonly timeoutMs: number) {
    const session = connection.create_session();
    session.begin();
    this.sender = session.attach_sender({ target: { address: '$cbs' }, autosettle: true });
    this.receiver = session.attach_receiver({ source: { address: '$cbs' }, target: { address: this.replyTo }, credit_window: 100, autoaccept: true });
    this.receiver.on('message', (context) => {
      const m = context.message!;
      const id = String(m.correlation_id ?? '');
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      this.clock.clearTimeout(p.timer);
      const props = (m.application_properties ?? {}) as Record<string, unknown>;
      p.resolve({ statusCode: Number(props['status-code'] ?? 500), description: String(props['status-description'] ?? '') });
    });
  }

  putToken(request: PutToken): Promise<CbsAnswer> {
    const id = rhea.generate_uuid();
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.pending.delete(id);
        resolve(toCbsAnswer('hub-timeout'));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.sender.send({
        message_id: id,
        to: '$cbs',
        reply_to: this.replyTo,
        application_properties: { operation: 'put-token', type: request.type, name: request.name },
        body: request.token,
      });
    });
  }

  /** The connection is gone: every outstanding request fails. */
  fail(): void {
    for (const [id, p] of this.pending) {
      this.clock.clearTimeout(p.timer);
      p.resolve(toCbsAnswer('hub-lost'));
      this.pending.delete(id);
    }
  }
}
