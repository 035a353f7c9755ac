// The data path of one routed link, in one direction: deliveries arrive on `receiver` (ours,
// facing one peer) and leave on `sender` (ours, facing the other peer). 'in' links use it as
// device -> hub, 'out' links as hub -> device. qdrouterd.md §2.3:
//  - bytes are forwarded undecoded with their delivery tag and message-format (DESIGN 2);
//  - credit comes only from the receiving peer and is mirrored: the receiver offers its peer
//    exactly the sender's credit minus what is queued here (AMQP 1.0 §2.6.7), capped by the room
//    left in rhea's session buffers; drain is relayed both ways (the receiver's peer drains
//    first, then the sender reports drained);
//  - outcomes and settlement travel back unchanged; the incoming delivery stays unsettled until
//    the far peer settles (node-stack-notes.md); pre-settled deliveries pass pre-settled;
//  - an aborted transfer (AMQP 1.0 §2.7.5) is dropped here: nothing had gone out yet.
import type { Delivery, Receiver, Sender } from 'rhea';
import type { DeliveryCounts } from './stats.js';
import {
  captureRawTransfers, deliveryFailed, isTransferred, receiveLean, receiverCredit, reportDrained, remoteOutcome, sendLean, senderCredit, senderDraining, sessionRoom, setReceiverDrain,
  type LeanOutcome, type Wire,
} from './rhea-internals.js';

const OUTCOME_EVENTS = ['accepted', 'rejected', 'released', 'modified', 'settled'] as const;

export class Relay {
  private readonly inFlight = new Map<Delivery, Delivery>();
  /** Deliveries sent on `sender` that rhea has not written yet, oldest first (rhea writes them in order). */
  private queued: Delivery[] = [];
  private queuedHead = 0;
  /** Counters for management (`stat -l`). */
  readonly counts = { delivered: 0, accepted: 0, rejected: 0, released: 0, modified: 0, aborted: 0 };

  /** `onOverCredit`: the receiving side's peer sent without credit; the owner ends the link. `totals`: the gateway's sums (stats.ts). */
  constructor(private readonly receiver: Receiver, private readonly sender: Sender, onOverCredit: () => void, private readonly totals?: DeliveryCounts) {
    captureRawTransfers(receiver, ({ delivery, bytes, format, aborted, overCredit }) => {
      if (overCredit) {
        delivery.update(true, deliveryFailed());
        return onOverCredit();
      }
      if (aborted) this.count('aborted');
      else this.forward(delivery, bytes, format);
      this.mirrorCredit();
    });
    receiveLean(receiver);
    sender.on('sender_flow', () => {
      if (!senderDraining(sender)) setReceiverDrain(receiver, false);
      this.mirrorCredit();
    });
    sender.on('sender_draining', () => setReceiverDrain(receiver, true));
    receiver.on('receiver_drained', () => {
      setReceiverDrain(receiver, false);
      reportDrained(sender);
    });
    for (const event of OUTCOME_EVENTS) sender.on(event, (context) => this.mirrorOutcome(event, context.delivery!));
  }

  /** Begin: offer the receiving side whatever credit the sending side already has. */
  start(): void {
    this.mirrorCredit();
  }

  /** The far peer is gone: every delivery still in doubt is failed back (modified, delivery-failed). */
  failInFlight(): void {
    for (const incoming of this.inFlight.values()) {
      if (!incoming.settled) incoming.update(true, deliveryFailed());
    }
    this.inFlight.clear();
  }

  /** Deliveries forwarded and not yet settled by the far peer. */
  get unsettled(): number {
    return this.inFlight.size;
  }

  private count(what: keyof DeliveryCounts): void {
    this.counts[what]++;
    if (this.totals) this.totals[what]++;
  }

  private forward(incoming: Delivery, bytes: Buffer, format: number): void {
    this.count('delivered');
    const presettled = incoming.remote_settled;
    const { delivery: outgoing, lean } = sendLean(this.sender, bytes, incoming.tag, format, presettled);
    if (!lean) this.queued.push(outgoing); // rhea writes it when the link and session allow
    if (presettled) return void incoming.update(true);
    this.inFlight.set(outgoing, incoming);
    if (lean) lean.onSettled = (outcome, state) => this.settledLean(outgoing, outcome, state);
  }

  /** The far peer settled a lean delivery (rhea/lean.ts): the same as mirrorOutcome, without rhea's events. */
  private settledLean(outgoing: Delivery, outcome: LeanOutcome, state: Wire): void {
    const incoming = this.inFlight.get(outgoing);
    if (!incoming) return;
    this.count(outcome);
    this.inFlight.delete(outgoing);
    incoming.update(true, state);
    this.mirrorCredit();
  }

  private mirrorCredit(): void {
    while (this.queuedHead < this.queued.length && isTransferred(this.queued[this.queuedHead]!)) this.queuedHead++;
    if (this.queuedHead === this.queued.length) {
      this.queued = [];
      this.queuedHead = 0;
    } else if (this.queuedHead > 1024) {
      this.queued = this.queued.slice(this.queuedHead);
      this.queuedHead = 0;
    }
    // Never more than rhea's session buffers on either side can still hold (sessionRoom).
    const want = Math.min(senderCredit(this.sender) - (this.queued.length - this.queuedHead), sessionRoom(this.sender), sessionRoom(this.receiver));
    const have = receiverCredit(this.receiver);
    if (want > have) this.receiver.add_credit(want - have);
  }

  private mirrorOutcome(event: (typeof OUTCOME_EVENTS)[number], outgoing: Delivery): void {
    const incoming = this.inFlight.get(outgoing);
    if (!incoming) return;
    if (event !== 'settled') this.count(event);
    if (event !== 'settled' && outgoing.remote_settled) return; // 'settled' follows in the same turn
    incoming.update(outgoing.remote_settled, remoteOutcome(outgoing));
    if (outgoing.remote_settled) {
      this.inFlight.delete(outgoing);
      this.mirrorCredit(); // settled deliveries free session room, which may have held credit back
    }
  }
}
