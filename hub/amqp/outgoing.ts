// Sending a queue's items on a link the hub sends on, with their outcomes (device-bound.ts: C2D
// commands, feedback.ts: feedback batches; issue 3 items 7-8). One place for what both need:
// - Items go out as credit allows, and never before the hub's attach reply has been written: a
//   peer that grants credit in the same burst as its attach makes rhea report the link sendable
//   at once, and a transfer then names a handle the peer does not know yet (AMQP 1.0 §2.6.3,
//   §2.7.5; rhea-links.ts isAttachSent). So the first pump runs after the reply.
// - The first outcome of a delivery counts; later ones (duplicates) are ignored.
// - Deliveries still unsettled when the link or connection goes are handed back with `unlock`.
// - A drain (AMQP 1.0 §2.6.7) with nothing ready is answered at once: credit used up, flow sent.
import type { Delivery, EventContext, Message, Sender } from 'rhea';
import type { HubConnection } from './hub-connection.js';
import { isAttachSent, isDraining, reportDrained } from './rhea-links.js';

export type Outcome = 'accepted' | 'rejected' | 'released' | 'modified';

export interface OutgoingQueue<K> {
  /** The next item, now taken (locked) for this link, or undefined when none is ready. */
  take(): { message: Message | Buffer; tag: Buffer; key: K } | undefined;
  settle(key: K, outcome: Outcome): void;
  /** The link went with the item unsettled: back in line. */
  unlock(key: K): void;
}

/** Serves `queue` on `link`; returns `pump` (call it when an item may be ready). Cleanup runs with connection.track. */
export function serveOutgoing<K>(link: Sender, connection: HubConnection, queue: OutgoingQueue<K>, cleanup: () => void): () => void {
  const unsettled = new Map<Delivery, K>();
  const pump = (): void => {
    while (isAttachSent(link) && link.is_open() && link.sendable()) {
      const item = queue.take();
      if (!item) {
        // A drain with nothing queued: use the credit up and say so, or the peer waits for ever.
        if (isDraining(link)) reportDrained(link);
        return;
      }
      unsettled.set(link.send(item.message, item.tag, Buffer.isBuffer(item.message) ? 0 : undefined), item.key);
    }
  };
  for (const outcome of ['accepted', 'rejected', 'released', 'modified'] as const) {
    link.on(outcome, (context: EventContext) => {
      const key = context.delivery ? unsettled.get(context.delivery) : undefined;
      if (key === undefined) return;
      unsettled.delete(context.delivery!);
      queue.settle(key, outcome);
    });
  }
  link.on('sendable', pump);
  link.on('sender_draining', pump);
  setImmediate(pump); // after the attach reply is written: credit may have come with the attach
  connection.track(link, () => {
    cleanup();
    for (const key of unsettled.values()) queue.unlock(key);
    unsettled.clear();
  });
  return pump;
}
