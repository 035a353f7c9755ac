// The gateway end of a device's `$cbs` links (DESIGN decision 4): the device's put-token arrives
// here, goes to the hub over the upstream connection's own `$cbs` pair (UpstreamCbs), and the
// hub's answer comes back on the device's `$cbs` receiver with status-code as an AMQP int and
// correlation-id = the device's message-id (iot-hub-amqp.md §2.3). The links are answered at once
// (they end here, they are not routed).
import rhea, { type Message, type Receiver, type Sender } from 'rhea';
import { captureRawTransfers, decodeChecked, rejectedAsMalformed } from '../router/rhea-internals.js';
import { toCbsAnswer, type CbsAnswer, type PutToken } from './upstream-cbs.js';

const CREDIT = 10;

/** Our sender's snd-settle-mode, as answered to the device (0 unsettled, 1 settled, 2 mixed). */
const sendSettleMode = (s: Sender): number => Number((s as unknown as { local: { attach: { snd_settle_mode?: number } } }).local.attach.snd_settle_mode ?? 2);

export interface DeviceCbsHooks {
  /** Forward to the hub; resolves with the hub's answer (or the gateway's own failure answer). */
  forward(request: PutToken): Promise<CbsAnswer>;
  /** The hub accepted `request` (status 200) for this connection. */
  accepted(request: PutToken): void;
}

export class DeviceCbs {
  private readonly replySenders = new Set<Sender>();

  constructor(private readonly hooks: DeviceCbsHooks) {}

  /** The device's sender to `$cbs` (our receiver): answer it, grant credit, serve requests. */
  attachRequests(receiver: Receiver): void {
    receiver.add_credit(CREDIT);
    // Received undecoded and decoded only after a bounds check (router/encoding-check.ts).
    captureRawTransfers(receiver, ({ delivery, bytes, aborted, overCredit }) => {
      receiver.add_credit(1);
      const message = aborted || overCredit ? undefined : decodeChecked(bytes);
      if (!message) return delivery.update(true, rejectedAsMalformed());
      delivery.accept();
      void this.serve(message, receiver);
    });
  }

  /** The device's receiver from `$cbs` (our sender): answers go out here. */
  attachReplies(sender: Sender): void {
    this.replySenders.add(sender);
    sender.on('sender_close', () => this.replySenders.delete(sender));
  }

  private async serve(m: Message, via: Receiver): Promise<void> {
    const props = (m.application_properties ?? {}) as Record<string, unknown>;
    let answer: CbsAnswer;
    const request: PutToken = { token: typeof m.body === 'string' ? m.body : '', name: String(props.name ?? ''), type: String(props.type ?? '') };
    if (props.operation !== 'put-token') answer = toCbsAnswer('not-put-token');
    else if (!request.token || !request.name) answer = toCbsAnswer('no-token');
    else {
      answer = await this.hooks.forward(request);
      if (answer.statusCode === 200) this.hooks.accepted(request);
    }
    const sender = this.replySenderFor(via);
    if (!sender) return;
    const reply = sender.send({
      correlation_id: m.message_id,
      to: m.reply_to,
      application_properties: { 'status-code': rhea.types.wrap_int(answer.statusCode), 'status-description': answer.description },
      body: null,
    });
    // Pre-settled unless the device asked for unsettled replies (snd-settle-mode 0): an unsettled
    // reply the device never settles would hold a slot of the session's 2,048-delivery buffer for
    // good, and enough token refreshes would stall the connection's routed links.
    if (sendSettleMode(sender) !== 0) (reply as unknown as { settled: boolean }).settled = true;
  }

  /** Prefer the reply link on the request's session (iot-hub-amqp.md §2.3), else any. */
  private replySenderFor(via: Receiver): Sender | undefined {
    const open = [...this.replySenders].filter((s) => s.is_open());
    return open.find((s) => s.session === via.session) ?? open[0];
  }
}
