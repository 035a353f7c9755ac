// The data path through rhea (DESIGN 2; gateway/decisions/0001): raw capture of received
// transfers, raw sends, credit and drain, outcomes. rhea decodes every format-0 transfer;
// captureRawTransfers() wraps one session's on_transfer so that, for the links it is told about,
// the first frame's message-format is replaced by a sentinel: rhea's own reassembly then hands the
// bytes over undecoded, and the real format is kept here. Aborted transfers (AMQP 1.0 §2.7.5),
// which rhea ignores, end the delivery there and are reported as aborted.
import rhea, { type Delivery, type Message, type Receiver, type Sender, type Session, type link as Link } from 'rhea';
import { checkValue } from '../encoding-check.js';
import { inner, type Described, type Wire } from './internals.js';
import { leanReceive, leanSend, type LeanOutgoing, type TransferFrame } from './lean.js';

export const receiverCredit = (r: Receiver): number => inner(r).credit;

export const senderCredit = (s: Sender): number => inner(s).credit;

export const senderDraining = (s: Sender): boolean => Boolean(inner(s)._draining);

/** Set or clear the (sticky) drain flag of a receiver and send a flow if it changed. */
export function setReceiverDrain(r: Receiver, drain: boolean): void {
  if (Boolean(inner(r).drain) === drain) return;
  if (drain) r.drain_credit();
  else inner(r).drain = false;
}

/** Tell the receiving peer we have nothing more to send for its drain (AMQP 1.0 §2.6.7); rhea's set_drained does not schedule the flow. */
export function reportDrained(s: Sender): void {
  s.set_drained(true);
  (s.connection as unknown as { _register(): void })._register();
}

/** Send encoded message bytes unchanged; pre-settled when the original was. */
export function sendRaw(s: Sender, bytes: Buffer, tag: Buffer | string, format: number, settled: boolean): Delivery {
  const d = s.send(bytes, typeof tag === 'string' ? Buffer.from(tag) : tag, format);
  if (settled) (d as unknown as { settled: boolean }).settled = true;
  return d;
}

/** Whether a delivery of ours has gone out on the wire (rhea keeps unsent ones queued per session). */
export function isTransferred(d: Delivery): boolean {
  const outgoing = (d.link.session as unknown as { outgoing: { next_pending_delivery: number } }).outgoing;
  return d.id < outgoing.next_pending_delivery;
}

/** Settle an aborted delivery locally without a disposition (it is implicitly settled, AMQP 1.0 §2.7.5). */
function dropAborted(d: Delivery): void {
  (d as unknown as { remote_settled: boolean }).remote_settled = true;
  d.update(true);
}

export interface RawDelivery {
  delivery: Delivery;
  bytes: Buffer;
  format: number;
  aborted: boolean;
  /** The peer sent it without credit (AMQP 1.0 §2.6.7 violation). */
  overCredit: boolean;
}

const RAW_FORMAT = -1;
const rawHandlers = new WeakMap<Link, (d: RawDelivery) => void>();
const pendingFormat = new WeakMap<Link, { format: number; aborted: boolean; overCredit: boolean }>();
const wrappedSessions = new WeakSet<Session>();
const leanLinks = new WeakSet<Link>();

/** From now on `receiver`'s whole single-frame deliveries take the lean path (lean.ts); it must be captured. */
export function receiveLean(receiver: Receiver): void {
  leanLinks.add(receiver);
}

/** Send on the lean path when possible (lean.ts), else through rhea (sendRaw). */
export function sendLean(s: Sender, bytes: Buffer, tag: Buffer | string, format: number, settled: boolean): { delivery: Delivery; lean: LeanOutgoing | undefined } {
  const t = typeof tag === 'string' ? Buffer.from(tag) : tag;
  const lean = leanSend(s, bytes, t, format, settled);
  return lean ? { delivery: lean as unknown as Delivery, lean } : { delivery: sendRaw(s, bytes, t, format, settled), lean: undefined };
}

/**
 * From now on `receiver`'s deliveries reach `onDelivery` as undecoded bytes. Calling it again
 * replaces the handler (a device link is captured at attach, before it is routed or refused).
 */
export function captureRawTransfers(receiver: Receiver, onDelivery: (d: RawDelivery) => void): void {
  const captured = rawHandlers.has(receiver);
  rawHandlers.set(receiver, onDelivery);
  if (captured) return;
  receiver.on('message', (context) => {
    const state = pendingFormat.get(receiver) ?? { format: 0, aborted: false, overCredit: false };
    pendingFormat.delete(receiver);
    const delivery = context.delivery!;
    if (state.aborted) dropAborted(delivery);
    rawHandlers.get(receiver)!({ delivery, bytes: context.message as unknown as Buffer, format: state.format, aborted: state.aborted, overCredit: state.overCredit });
  });
  const session = receiver.session as Session & { on_transfer(frame: TransferFrame): void; _get_link(frame: TransferFrame): Link };
  if (wrappedSessions.has(session)) return;
  wrappedSessions.add(session);
  const original = session.on_transfer.bind(session);
  session.on_transfer = (frame: TransferFrame) => {
    const l = session._get_link(frame);
    if (rawHandlers.has(l)) {
      const lean = leanLinks.has(l) ? leanReceive(l as Receiver, frame) : undefined;
      if (lean) {
        rawHandlers.get(l)!({ delivery: lean.delivery as unknown as Delivery, bytes: lean.bytes, format: lean.format, aborted: false, overCredit: false });
        return;
      }
      const p = frame.performative;
      if (inner(l)._incomplete === undefined) {
        const overCredit = inner(l).credit <= 0;
        if (overCredit) inner(l).credit = 1; // rhea would log and go on; the relay ends the link instead
        pendingFormat.set(l, { format: Number(p.message_format ?? 0), aborted: false, overCredit });
      }
      if (p.aborted) {
        pendingFormat.get(l)!.aborted = true;
        p.more = false;
      }
      p.message_format = RAW_FORMAT;
    }
    original(frame);
  };
}


/** The outcome a peer sent for `d`, re-wrapped to be sent on (AMQP 1.0 §3.4), or undefined. */
export function remoteOutcome(d: Delivery): Wire {
  const state = d.remote_state as unknown as Described | undefined;
  return state && typeof state.described === 'function' ? state.described() : undefined;
}

/** The `modified(delivery-failed)` outcome, for deliveries whose far side was lost (qdrouterd.md §8). */
export function deliveryFailed(): Wire {
  const m = (rhea.message as unknown as { modified(p: object): Described }).modified({ delivery_failed: true });
  return m.described();
}

/** `rejected(amqp:decode-error)`: a message whose bytes are not a well-formed AMQP message. */
export function rejectedAsMalformed(): Wire {
  const r = (rhea.message as unknown as { rejected(p: object): Described }).rejected({ error: { condition: 'amqp:decode-error', description: 'the message is not a well-formed AMQP message' } });
  return r.described();
}

/** Decode message bytes after checking every section's encoding bounds (encoding-check.ts); undefined when malformed. */
export function decodeChecked(bytes: Buffer): Message | undefined {
  try {
    for (let p = 0; p < bytes.length;) p = checkValue(bytes, p, bytes.length);
    return rhea.message.decode(bytes) as unknown as Message;
  } catch {
    return undefined;
  }
}

/**
 * Free delivery slots in the link's session buffer (rhea keeps at most 2048 unsettled deliveries
 * per session and direction and throws when one more arrives or is sent), so that mirrored credit
 * never lets a peer overflow it.
 */
export function sessionRoom(l: Receiver | Sender): number {
  const session = l.session as unknown as { incoming: { deliveries: { available(): number } }; outgoing: { deliveries: { available(): number } } };
  return (l.is_receiver() ? session.incoming : session.outgoing).deliveries.available();
}
