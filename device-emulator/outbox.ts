// The firmware's outbox: every telemetry or alert message stays here until the hub's outcome is
// `accepted` (DESIGN decision 6: nothing acknowledged is lost). Bounded like the board's RAM: when
// full, the OLDEST entry is dropped and counted, the only way a reading may be lost. Pure and
// immutable (the machine keeps it in context); every function returns a new outbox.
//
// Outcomes: accepted -> removed; rejected -> removed and counted (the hub will never take it, so
// resending would loop); released / modified -> back in the queue and sent again. After a
// connection loss every in-flight entry goes back in the queue, because rhea drops unsettled
// deliveries with no event (reference/node-stack-notes.md).
import type { OutgoingMessage, SendOutcome } from './session.js';

export interface OutboxEntry extends OutgoingMessage {
  readonly seq: number;
  readonly inFlight: boolean;
  /** How many times it was handed to the wire. */
  readonly attempts: number;
}

export interface OutboxStats {
  readonly enqueued: number;
  readonly sent: number;
  readonly resent: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly released: number;
  readonly dropped: number;
}

export interface Outbox {
  readonly capacity: number;
  readonly entries: readonly OutboxEntry[];
  readonly stats: OutboxStats;
}

const ZERO: OutboxStats = { enqueued: 0, sent: 0, resent: 0, accepted: 0, rejected: 0, released: 0, dropped: 0 };

export function createOutbox(capacity: number): Outbox {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`outbox capacity is ${capacity}: a whole number >= 1`);
  return { capacity, entries: [], stats: ZERO };
}

/** Adds a message; when full, first drops the oldest entry (returned as `dropped`). */
export function enqueue(outbox: Outbox, message: OutgoingMessage & { seq: number }): { outbox: Outbox; dropped?: OutboxEntry } {
  const entry: OutboxEntry = { ...message, inFlight: false, attempts: 0 };
  const full = outbox.entries.length >= outbox.capacity;
  const kept = full ? outbox.entries.slice(1) : outbox.entries;
  const stats = { ...outbox.stats, enqueued: outbox.stats.enqueued + 1, dropped: outbox.stats.dropped + (full ? 1 : 0) };
  const next = { ...outbox, entries: [...kept, entry], stats };
  return full ? { outbox: next, dropped: outbox.entries[0]! } : { outbox: next };
}

/** Marks every queued (not in-flight) entry as in flight, oldest first, and returns them to send. */
export function takeUnsent(outbox: Outbox): { outbox: Outbox; toSend: OutboxEntry[] } {
  const toSend: OutboxEntry[] = [];
  let resent = 0;
  const entries = outbox.entries.map((e) => {
    if (e.inFlight) return e;
    if (e.attempts > 0) resent += 1;
    const sent = { ...e, inFlight: true, attempts: e.attempts + 1 };
    toSend.push(sent);
    return sent;
  });
  if (toSend.length === 0) return { outbox, toSend };
  const stats = { ...outbox.stats, sent: outbox.stats.sent + toSend.length, resent: outbox.stats.resent + resent };
  return { outbox: { ...outbox, entries, stats }, toSend };
}

/** Applies a send outcome. An id no longer here (dropped while in flight, or a duplicate) changes nothing. */
export function settle(outbox: Outbox, id: string, outcome: SendOutcome): Outbox {
  const index = outbox.entries.findIndex((e) => e.id === id && e.inFlight);
  if (index < 0) return outbox;
  const s = outbox.stats;
  if (outcome === 'accepted' || outcome === 'rejected') {
    const entries = outbox.entries.filter((_, i) => i !== index);
    const stats = outcome === 'accepted' ? { ...s, accepted: s.accepted + 1 } : { ...s, rejected: s.rejected + 1 };
    return { ...outbox, entries, stats };
  }
  const entries = outbox.entries.map((e, i) => (i === index ? { ...e, inFlight: false } : e));
  return { ...outbox, entries, stats: { ...s, released: s.released + 1 } };
}

/** After the connection is lost: everything in flight is queued again (rhea forgot it). */
export function requeueInFlight(outbox: Outbox): Outbox {
  if (!outbox.entries.some((e) => e.inFlight)) return outbox;
  return { ...outbox, entries: outbox.entries.map((e) => (e.inFlight ? { ...e, inFlight: false } : e)) };
}

export const depth = (outbox: Outbox): number => outbox.entries.length;
export const inFlight = (outbox: Outbox): number => outbox.entries.filter((e) => e.inFlight).length;
