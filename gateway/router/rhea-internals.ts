// The ONE module that touches rhea 3.0.5 internals (untyped fields), so that the rest of the
// router talks to rhea only through typed functions. Every trick here is described in
// reference/node-stack-notes.md ("Link routing with rhea") and gateway/decisions/0001.
//
// - Deferred attach: rhea answers a remote attach by itself on the next tick; clearing
//   `state.local_open` and `state.open_requests` inside the *_open handler holds the answer
//   until answerAttach() (qdrouterd.md §2.2 step 3).
// - Raw receive: rhea decodes every format-0 transfer. captureRawTransfers() wraps one
//   session's on_transfer so that, for the links it is told about, the first frame's
//   message-format is replaced by a sentinel: rhea then hands the reassembled bytes over
//   undecoded, and the real format is kept here (DESIGN decision 2).
// - Aborted transfers (AMQP 1.0 §2.7.5 `aborted`): rhea ignores the flag; we end the delivery
//   there, mark it settled locally and report it as aborted.
import rhea, { type Connection, type Delivery, type Message, type Receiver, type Sender, type Session, type link as Link } from 'rhea';
import { checkValue } from './encoding-check.js';
import type { Duplex } from 'node:stream';

/** A terminus, properties map or capability list as rhea decoded it (opaque; copied as-is). */
export type Wire = unknown;

/** What an attach carried, in the shape needed to copy it to the other side. */
export interface AttachFields {
  name: string;
  /** True when the peer is the receiver (it attached with role=receiver). */
  peerIsReceiver: boolean;
  /** The decoded terminus (an rhea composite), undefined when the attach carried null. */
  source: TerminusLike | undefined;
  target: TerminusLike | undefined;
  sourceAddress: string | undefined;
  targetAddress: string | undefined;
  sndSettleMode: number;
  rcvSettleMode: number;
  maxMessageSize: number | undefined;
  offeredCapabilities: Wire;
  desiredCapabilities: Wire;
  properties: Wire;
}

interface Described { described(): Wire }
export interface TerminusLike { address?: string; described?: () => Wire; value?: unknown[] }
interface LinkInternals {
  state: { local_open: boolean; open_requests: number };
  local: { attach: Record<string, unknown>; handle: number };
  remote: { attach?: Record<string, unknown> };
  credit: number;
  delivery_count: number;
  _incomplete?: unknown;
  _draining?: boolean;
  drain?: boolean;
  issue_flow?: boolean;
}
const inner = (l: Link): LinkInternals => l as unknown as LinkInternals;

/** A decoded terminus is present when it is a described composite (a typed null is not). */
function terminus(value: unknown): TerminusLike | undefined {
  if (value && typeof value === 'object' && typeof (value as TerminusLike).described === 'function') return value as TerminusLike;
  return undefined;
}
function rewrap(value: unknown): Wire {
  const t = terminus(value);
  return t ? (t as Described).described() : undefined;
}

export function remoteAttach(l: Link): AttachFields {
  const a = inner(l).remote.attach ?? {};
  const source = terminus(a.source);
  const target = terminus(a.target);
  return {
    name: String(a.name),
    peerIsReceiver: Boolean(a.role),
    source,
    target,
    sourceAddress: source?.address ?? undefined,
    targetAddress: target?.address ?? undefined,
    sndSettleMode: Number(a.snd_settle_mode ?? 2),
    rcvSettleMode: Number(a.rcv_settle_mode ?? 0),
    maxMessageSize: a.max_message_size === undefined || a.max_message_size === null ? undefined : Number(a.max_message_size),
    offeredCapabilities: a.offered_capabilities ?? undefined,
    desiredCapabilities: a.desired_capabilities ?? undefined,
    properties: a.properties ?? undefined,
  };
}

/** Fields for session.create_sender/create_receiver: rhea copies them into the local attach. */
export function attachOptions(f: AttachFields): Record<string, unknown> {
  return {
    source: f.source ? rewrap(f.source) : null,
    target: f.target ? rewrap(f.target) : null,
    snd_settle_mode: f.sndSettleMode,
    rcv_settle_mode: f.rcvSettleMode,
    max_message_size: f.maxMessageSize,
    offered_capabilities: f.offeredCapabilities,
    desired_capabilities: f.desiredCapabilities,
    properties: f.properties,
  };
}

/** A copy of `f` whose source or target carries `address` (add/delExternalPrefix, qdrouterd.md §1.2). */
export function withAddress(f: AttachFields, which: 'source' | 'target', address: string): AttachFields {
  const t = f[which];
  if (!t) return f;
  const Ctor = (t as { constructor: new (value: unknown[]) => TerminusLike }).constructor;
  const copy = new Ctor([...(t.value ?? [])]);
  copy.address = address;
  return which === 'source' ? { ...f, source: copy, sourceAddress: address } : { ...f, target: copy, targetAddress: address };
}

/** Create and attach our end of a routed link on `session` with the fields of the other side's attach. */
export function openLink(session: Session, role: 'sender' | 'receiver', name: string, f: AttachFields, options: Record<string, unknown>): Sender | Receiver {
  const s = session as unknown as { create_sender(n: string, o: object): Sender; create_receiver(n: string, o: object): Receiver };
  const l = role === 'sender' ? s.create_sender(name, options) : s.create_receiver(name, options);
  Object.assign(inner(l).local.attach, attachOptions(f));
  l.attach();
  return l;
}

/** Call inside the sender_open/receiver_open handler: rhea will not answer the attach. */
export function deferAttach(l: Link): void {
  inner(l).state.local_open = false;
  inner(l).state.open_requests = 0;
}

/** Answer a deferred attach with the far side's attach (termini, properties, capabilities). */
export function answerAttach(l: Link, reply: AttachFields): void {
  Object.assign(inner(l).local.attach, attachOptions(reply));
  l.open();
}

/** Refuse a deferred attach: attach with a null terminus, then detach(closed) with the error (qdrouterd.md §2.4). */
export function refuseAttach(l: Link, error?: { condition: string; description: string }): void {
  const local = inner(l).local.attach;
  local.source = l.is_sender() ? null : rewrap(inner(l).remote.attach?.source) ?? null;
  local.target = l.is_receiver() ? null : rewrap(inner(l).remote.attach?.target) ?? null;
  l.open();
  l.close(error);
}

export const attachedName = (l: Link): string => String(inner(l).remote.attach?.name ?? '');

/** The hub's (or device's) credit limit on a sender: delivery-count + link-credit (AMQP 1.0 §2.6.7). */
export function senderLimit(s: Sender): { limit: number; draining: boolean } {
  return { limit: inner(s).delivery_count + inner(s).credit, draining: Boolean(inner(s)._draining) };
}
export const receiverCredit = (r: Receiver): number => inner(r).credit;

/** Set or clear the (sticky) drain flag of a receiver and send a flow if it changed. */
export function setReceiverDrain(r: Receiver, drain: boolean): void {
  if (Boolean(inner(r).drain) === drain) return;
  if (drain) r.drain_credit();
  else inner(r).drain = false;
}

/** Send encoded message bytes unchanged; pre-settled when the original was. */
export function sendRaw(s: Sender, bytes: Buffer, tag: Buffer | string, format: number, settled: boolean): Delivery {
  const d = s.send(bytes, typeof tag === 'string' ? Buffer.from(tag) : tag, format);
  if (settled) (d as unknown as { settled: boolean }).settled = true;
  return d;
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
interface TransferFrame { performative: { message_format?: number; aborted?: boolean; more?: boolean } }

/** The minimal socket rhea reads from and writes to. */
export interface SocketLike {
  on(event: 'data' | 'error' | 'end', handler: (arg?: never) => void): unknown;
  write(data: Buffer): unknown;
  end(): unknown;
  destroy?(): unknown;
  setNoDelay?(on: boolean): unknown;
  removeAllListeners?(event?: string): unknown;
}

/** Serve one accepted stream with a server-side rhea connection. */
export function acceptConnection(connection: Connection, socket: SocketLike | Duplex): Connection {
  return (connection as unknown as { accept(s: unknown): Connection }).accept(socket);
}

/**
 * Bound what a peer's Open makes rhea do: its idle-time-out becomes rhea's heartbeat period
 * (half of it), so a value beyond a timer's range (Node clamps it to 1 ms) or a tiny one would make
 * rhea write empty frames in a tight loop. Kept within [1 s, 2^31-1 ms]; call on connection_open.
 */
export function boundRemoteOpen(c: Connection): void {
  const open = (c as unknown as { remote: { open?: { idle_time_out?: unknown } } }).remote.open;
  if (!open || open.idle_time_out === undefined || open.idle_time_out === null) return;
  const value = Number(open.idle_time_out);
  open.idle_time_out = !Number.isFinite(value) || value <= 0 ? undefined : Math.min(Math.max(value, 1000), 2 ** 31 - 1);
}

/** Whether rhea has seen the peer's Open (so a Close can be sent rather than dropping the socket). */
export const remoteOpened = (c: Connection): boolean => Boolean((c as unknown as { remote: { open?: unknown } }).remote.open);
export const peerContainerId = (c: Connection): string => String((c as unknown as { remote: { open?: { container_id?: string } } }).remote.open?.container_id ?? '');

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
 * Drop a connection's socket at once (shutdown). rhea learns of a socket's end only from 'end' or
 * 'error', which destroy() does not emit, so its own disconnect is run too: that clears its
 * heartbeat timers (which would keep the process alive) and emits 'disconnected'.
 */
export function destroySocket(c: Connection): void {
  const internals = c as unknown as { socket?: { destroy?(): void; end?(): void }; _disconnected?(): void };
  if (internals.socket?.destroy) internals.socket.destroy();
  else internals.socket?.end?.();
  internals._disconnected?.();
}

/** Whether a delivery of ours has gone out on the wire (rhea keeps unsent ones queued per session). */
export function isTransferred(d: Delivery): boolean {
  const outgoing = (d.link.session as unknown as { outgoing: { next_pending_delivery: number } }).outgoing;
  return d.id < outgoing.next_pending_delivery;
}

export const senderCredit = (s: Sender): number => inner(s).credit;
export const senderDraining = (s: Sender): boolean => Boolean(inner(s)._draining);

/** The outcome a peer sent for `d`, re-wrapped to be sent on (AMQP 1.0 §3.4), or undefined. */
export function remoteOutcome(d: Delivery): Wire {
  const state = d.remote_state as unknown as Described | undefined;
  return state && typeof state.described === 'function' ? state.described() : undefined;
}

/** What a peer's detach said: closed or only detached (kept end to end, qdrouterd.md §2.3), and its error. */
export function remoteDetach(l: Link): { closed: boolean; error: { condition: string; description?: string } | undefined } {
  const detach = (l as unknown as { remote: { detach?: { closed?: boolean; error?: { condition: string; description?: string } } } }).remote.detach;
  return { closed: detach?.closed !== false, error: detach?.error ?? undefined };
}

/** The `modified(delivery-failed)` outcome, for deliveries whose far side was lost (qdrouterd.md §8). */
export function deliveryFailed(): Wire {
  const m = (rhea.message as unknown as { modified(p: object): Described }).modified({ delivery_failed: true });
  return m.described();
}

/** Tell the receiving peer we have nothing more to send for its drain (AMQP 1.0 §2.6.7); rhea's set_drained does not schedule the flow. */
export function reportDrained(s: Sender): void {
  s.set_drained(true);
  (s.connection as unknown as { _register(): void })._register();
}

/** `rejected(amqp:decode-error)`: a message whose bytes are not a well-formed AMQP message. */
export function rejectedAsMalformed(): Wire {
  const r = (rhea.message as unknown as { rejected(p: object): Described }).rejected({ error: { condition: 'amqp:decode-error', description: 'the message is not a well-formed AMQP message' } });
  return r.described();
}
