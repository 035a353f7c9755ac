// The lean data path of routed links (gateway/decisions/0005): for a whole, single-frame delivery,
// the gateway does rhea's per-delivery session bookkeeping itself instead of going through rhea's
// generic machinery (a delivery object with five closures, a 'message' event and its context, a
// transfer composite encoded field by field, two events per outcome). rhea stays the owner of the
// session: the lean deliveries live in its delivery buffers with the fields it reads (id, link,
// settled, state, remote_settled, update), ids and windows advance exactly as rhea advances them,
// and anything unusual (a multi-frame or aborted transfer, no credit, a peer window closed,
// something of rhea's still queued, a link closing) takes rhea's own path. Touches rhea 3.0.5
// internals: see internals.ts.
import type { Receiver, Sender, link as Link } from 'rhea';
import { encodeTransferFrame } from '../../../protocol/amqp-transfer-frame.js';
import { inner, type Wire } from './internals.js';

interface DeliveryBuffer { push(d: unknown): void; available(): number; by_id(id: number): unknown; get_head(): unknown }
interface IncomingState { next_transfer_id: number; next_delivery_id: number | undefined; deliveries: DeliveryBuffer; updated: unknown[] }
interface OutgoingState {
  next_delivery_id: number;
  next_pending_delivery: number;
  next_transfer_id: number;
  window: number;
  deliveries: DeliveryBuffer;
  transfer_window(): number;
  compute_max_payload(tag: Buffer): number | undefined;
}
interface SessionInternals {
  incoming: IncomingState;
  outgoing: OutgoingState;
  local: { channel: number };
  connection: { socket?: { write(b: Buffer): unknown }; socket_ready?: boolean; _register(): void };
  on_disposition(frame: DispositionFrame): void;
}
interface DispositionFrame { performative: { role?: boolean; first: number; last?: number; settled?: boolean; state?: OutcomeWire } }
interface OutcomeWire { descriptor?: { value?: unknown } }
export interface TransferFrame { performative: { handle?: number; delivery_id?: number; delivery_tag?: Buffer; message_format?: number; settled?: boolean; more?: boolean; aborted?: boolean }; payload?: Buffer }

const session = (l: Link): SessionInternals => l.session as unknown as SessionInternals;
const EMPTY = Buffer.alloc(0);

/** A delivery received on the lean path, as rhea's Incoming would have made it (without closures). */
export class LeanIncoming {
  settled = false;
  state: Wire = undefined;
  remote_state: Wire = undefined;
  constructor(readonly id: number, readonly tag: Buffer, readonly link: Receiver, public remote_settled: boolean) {}

  /** rhea's Incoming.update: settle and/or set the outcome; a disposition goes out when the peer has not settled. */
  update(settled?: boolean, state?: Wire): void {
    this.settled = settled ?? (inner(this.link).local.attach.rcv_settle_mode !== 1);
    if (state !== undefined) this.state = state;
    if (!this.remote_settled) session(this.link).incoming.updated.push(this);
    (this.link.connection as unknown as { _register(): void })._register();
  }
}

/** The outcome codes a lean delivery can be settled with (AMQP 1.0 §3.4). */
export const OUTCOME_CODES = { 0x24: 'accepted', 0x25: 'rejected', 0x26: 'released', 0x27: 'modified' } as const;
export type LeanOutcome = (typeof OUTCOME_CODES)[keyof typeof OUTCOME_CODES];
const outcomeOf = (state: OutcomeWire | undefined): LeanOutcome | undefined => OUTCOME_CODES[Number(state?.descriptor?.value) as keyof typeof OUTCOME_CODES];

/** A delivery sent on the lean path, as rhea's Outgoing would have made it once transferred. */
export class LeanOutgoing {
  state: Wire = undefined;
  remote_state: Wire = undefined;
  remote_settled: boolean;
  /** Called when the peer settles it with one of OUTCOME_CODES; unset, rhea's events report it. */
  onSettled: ((outcome: LeanOutcome, state: Wire) => void) | undefined;
  constructor(readonly id: number, readonly tag: Buffer, readonly link: Sender, readonly format: number, public settled: boolean) {
    this.remote_settled = settled;
  }

  /** rhea's Outgoing.update. */
  update(settled: boolean, state?: Wire): void {
    this.settled = settled;
    if (state !== undefined) this.state = state;
    if (!this.remote_settled) (session(this.link).outgoing as unknown as { pending_dispositions: unknown[] }).pending_dispositions.push(this);
    (this.link.connection as unknown as { _register(): void })._register();
  }
}

/**
 * Take a received transfer frame on the lean path when it is a whole delivery that rhea would
 * accept as is; returns the delivery, or undefined to leave the frame to rhea.
 */
export function leanReceive(l: Receiver, frame: TransferFrame): { delivery: LeanIncoming; bytes: Buffer; format: number } | undefined {
  const p = frame.performative;
  const link = inner(l);
  if (p.more || p.aborted || link._incomplete !== undefined || link.credit <= 0 || p.delivery_id === undefined || !l.is_remote_open()) return undefined;
  const incoming = session(l).incoming;
  if (incoming.next_delivery_id !== undefined && p.delivery_id !== incoming.next_delivery_id) return undefined;
  if (incoming.deliveries.available() === 0) return undefined;
  incoming.next_transfer_id++;
  const delivery = new LeanIncoming(p.delivery_id, p.delivery_tag ?? EMPTY, l, Boolean(p.settled));
  incoming.deliveries.push(delivery);
  incoming.next_delivery_id = p.delivery_id + 1;
  link.credit--;
  link.delivery_count++;
  return { delivery, bytes: frame.payload ?? EMPTY, format: Number(p.message_format ?? 0) };
}

const hookedSessions = new WeakSet<object>();

/** Settled dispositions for lean deliveries go straight to their onSettled; rhea handles the rest of the frame as before. */
function hookDispositions(s: SessionInternals): void {
  if (hookedSessions.has(s)) return;
  hookedSessions.add(s);
  const original = s.on_disposition.bind(s);
  s.on_disposition = (frame: DispositionFrame) => {
    const p = frame.performative;
    const outcome = outcomeOf(p.state);
    if (p.role && p.settled && outcome) {
      const buffer = s.outgoing.deliveries;
      const head = buffer.get_head() as { id: number } | undefined;
      // Only ids rhea still holds (a peer's range may be wider than what is unsettled).
      const last = Math.min(p.last ? p.last : p.first, s.outgoing.next_delivery_id - 1);
      for (let id = Math.max(p.first, head?.id ?? last + 1); id <= last; id++) {
        const d = buffer.by_id(id);
        if (!(d instanceof LeanOutgoing) || d.remote_settled || !d.onSettled) continue;
        d.remote_settled = true;
        d.settled = true; // routed senders settle when the peer does (autosettle, ROUTED_LINK_OPTIONS)
        d.remote_state = p.state;
        d.onSettled(outcome, p.state);
      }
    }
    original(frame);
  };
}

/**
 * Send `bytes` on `s` on the lean path when nothing of rhea's is queued ahead of it and the link
 * and session may send now; returns the delivery, or undefined to send it through rhea instead.
 */
export function leanSend(s: Sender, bytes: Buffer, tag: Buffer, format: number, settled: boolean): LeanOutgoing | undefined {
  const ses = session(s);
  const out = ses.outgoing;
  const link = inner(s);
  const connection = ses.connection;
  if (!connection.socket || !connection.socket_ready) return undefined;
  if (out.next_pending_delivery !== out.next_delivery_id || link.credit <= 0 || out.transfer_window() <= 0 || out.deliveries.available() === 0) return undefined;
  const max = out.compute_max_payload(tag);
  if ((max !== undefined && bytes.length > max) || tag.length > 32 || !s.is_open() || !s.is_remote_open()) return undefined;
  hookDispositions(ses);
  const id = out.next_delivery_id++;
  const d = new LeanOutgoing(id, tag, s, format, settled);
  out.deliveries.push(d);
  out.next_pending_delivery++;
  out.next_transfer_id++;
  out.window--;
  link.credit--;
  link.delivery_count++;
  connection.socket.write(encodeTransferFrame({ channel: ses.local.channel, handle: link.local.handle, deliveryId: id, tag, messageFormat: format, settled }, bytes));
  return d;
}

