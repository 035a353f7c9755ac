// Feedback on `/messages/serviceBound/feedback` (any case; issue 3 item 8; reference/iot-hub-amqp.md
// §5.2, §5.3). The hub sends; batching and redelivery are c2d/feedback-queue.ts.
// - Attach: a valid token covering the hub with ServiceConnect.
// - Delivery: stored batches oldest first as credit allows (amqp/c2d-message.ts feedbackMessage);
//   several receivers share the batches.
// - Outcomes: the first one counts (the service SDK auto-accepts, then accepts again on
//   complete(): §5.2). accepted/rejected → done; released/modified → delivered again (counted).
//   Unsettled batches of a link that goes are delivered again (to this or the next receiver).
//   outgoing.ts: credit, the attach reply first, outcomes, unlock.
import type { Sender } from 'rhea';
import { resources } from '../auth/audience.js';
import { HubError } from '../errors.js';
import { feedbackMessage } from './c2d-message.js';
import { toAmqpError } from './conditions.js';
import type { Attach, HandlerFactory } from './link-handler.js';
import { serveOutgoing } from './outgoing.js';

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

    const pump = serveOutgoing(
      link,
      connection,
      {
        take: () => {
          const batch = feedback.take();
          return batch && { message: feedbackMessage(services.name, batch), tag: tagOf(batch.id), key: batch.id };
        },
        settle: (id, outcome) => feedback.settle(id, outcome === 'accepted' || outcome === 'rejected' ? 'done' : 'retry'),
        unlock: (id) => feedback.unlock(id),
      },
      () => {
        held.release();
        unsubscribe();
      },
    );
    const unsubscribe = feedback.onAvailable(pump);
  },
});
