// Feedback on `/messages/serviceBound/feedback` (any case; issue 3 item 8; reference/iot-hub-amqp.md
// §5.2, §5.3). The hub sends; batching and redelivery are c2d/feedback-queue.ts.
// - Attach: a valid token covering the hub with ServiceConnect.
// - Delivery: stored batches oldest first as credit allows (amqp/c2d-message.ts feedbackMessage);
//   several receivers share the batches.
// - Outcomes: the first one counts (the service SDK auto-accepts, then accepts again on
//   complete(): §5.2). accepted/rejected → done; released/modified → delivered again (counted).
//   Unsettled batches of a link that goes are delivered again (to this or the next receiver).
import type { Delivery, EventContext, Sender } from 'rhea';
import { resources } from '../auth/audience.js';
import { HubError } from '../errors.js';
import { feedbackMessage } from './c2d-message.js';
import { toAmqpError } from './conditions.js';
import type { Attach, HandlerFactory } from './link-handler.js';
import { isAttachSent } from './rhea-links.js';

function tagOf(id: number): Buffer {
  const tag = Buffer.alloc(8);
  tag.writeBigUInt64BE(BigInt(id));
  return tag;
}

export const feedbackHandler: HandlerFactory<'feedback'> = (services) => ({
  sender(link: Sender, attach: Attach<'feedback'>) {
    const { connection } = attach;
    const { feedback } = services.c2d;
    const resource = resources.hub(services.identity);
    const lost = (): void => {
      link.close(toAmqpError(new HubError('unauthorized', `the token for ${resource} expired or was replaced by one that does not cover it`)));
    };
    const held = connection.auth.require(resource, 'ServiceConnect', lost);
    if (!held) throw new HubError('unauthorized', `put a token with ServiceConnect for ${resource} on $cbs before attaching ${attach.rawAddress}`);

    const unsettled = new Map<Delivery, number>();
    const pump = (): void => {
      // isAttachSent: a peer's attach + flow in one burst makes the link sendable before the
        // hub's attach reply is written; a transfer then would name an unknown handle (§2.6.3).
        while (isAttachSent(link) && link.is_open() && link.sendable()) {
        const batch = feedback.take();
        if (!batch) return;
        unsettled.set(link.send(feedbackMessage(services.name, batch), tagOf(batch.id), 0), batch.id);
      }
    };
    const outcome = (result: 'done' | 'retry') => (context: EventContext): void => {
      const id = context.delivery ? unsettled.get(context.delivery) : undefined;
      if (id === undefined) return;
      unsettled.delete(context.delivery!);
      feedback.settle(id, result);
    };
    link.on('sendable', pump);
    link.on('accepted', outcome('done'));
    link.on('rejected', outcome('done'));
    link.on('released', outcome('retry'));
    link.on('modified', outcome('retry'));
    const unsubscribe = feedback.onAvailable(pump);
    setImmediate(pump); // after the attach answer is written: credit may have come with the attach
    connection.track(link, () => {
      held.release();
      unsubscribe();
      for (const id of unsettled.values()) feedback.unlock(id);
      unsettled.clear();
    });
  },
});
