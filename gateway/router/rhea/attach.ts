// Deferred attaches and copied termini (qdrouterd.md §2.2-§2.4; node-stack-notes.md "Link
// routing with rhea"): rhea answers a remote attach by itself on the next tick; clearing
// `state.local_open` and `state.open_requests` inside the *_open handler holds the answer until
// answerAttach(). Termini, properties, capabilities and settle modes are copied as rhea decoded
// them (re-wrapped with `.described()`).
import type { Receiver, Sender, Session, link as Link } from 'rhea';
import { inner, rewrap, terminus, type TerminusLike, type Wire } from './internals.js';

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

/** What a peer's detach said: closed or only detached (kept end to end, qdrouterd.md §2.3), and its error. */
export function remoteDetach(l: Link): { closed: boolean; error: { condition: string; description?: string } | undefined } {
  const detach = (l as unknown as { remote: { detach?: { closed?: boolean; error?: { condition: string; description?: string } } } }).remote.detach;
  return { closed: detach?.closed !== false, error: detach?.error ?? undefined };
}
