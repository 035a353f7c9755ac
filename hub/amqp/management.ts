// The Event Hubs `$management` node (issue 3 item 6; reference/iot-hub-amqp.md §6.1, §6.2). The
// peer attaches a sender with target `$management` (requests) and a receiver with source
// `$management` whose target is its own name (the requests' reply-to).
// Reply (§6.2, same rules as CBS §2.3): `correlation-id` = the request's `message-id`,
// `status-code` an AMQP int (200, 400, 401, 404) with `status-description`, the body an
// amqp-value map (eventhub/management-read.ts); sent on this connection's `$management` receiver
// whose target equals the request's `reply-to`. The request is accepted once answered; one with no
// message-id, or no such reply link, is rejected (it cannot be answered).
import rhea, { type Message, type Receiver, type Sender } from 'rhea';
import { HubError } from '../errors.js';
import { readManagement, type ManagementContext } from '../eventhub/management-read.js';
import { toAmqpError, toStatusCode } from './conditions.js';
import type { HubConnection } from './hub-connection.js';
import type { Attach, HandlerFactory } from './link-handler.js';

/** Requests a client may have in flight on one `$management` link. */
const MANAGEMENT_CREDIT = 50;

export const managementHandler: HandlerFactory<'management'> = (services) => {
  const replyLinks = new WeakMap<HubConnection, Map<string, Sender>>();
  const context: ManagementContext = {
    identity: services.identity,
    registry: services.registry,
    name: services.name,
    partitionCount: services.partitionCount,
    createdAt: services.now(),
    now: services.now,
    partitionInfo: (p) => services.telemetry.partitionInfo(p),
  };
  return {
    sender(link: Sender, attach: Attach<'management'>) {
      const address = (link.target as { address?: unknown } | undefined)?.address;
      if (typeof address !== 'string' || address === '') throw new HubError('bad-request', 'a $management receiver needs a target address: the reply-to of its requests');
      const links = replyLinks.get(attach.connection) ?? new Map<string, Sender>();
      replyLinks.set(attach.connection, links);
      links.set(address, link);
      attach.connection.track(link, () => {
        if (links.get(address) === link) links.delete(address);
      });
    },
    receiver(link: Receiver, attach: Attach<'management'>) {
      link.add_credit(MANAGEMENT_CREDIT);
      link.on('message', ({ message, delivery }) => {
        link.add_credit(1);
        const request = message as Message;
        const messageId = request.message_id;
        const replyLink = typeof request.reply_to === 'string' ? replyLinks.get(attach.connection)?.get(request.reply_to) : undefined;
        if (messageId === undefined || messageId === null || !replyLink?.is_open()) {
          const why = messageId === undefined || messageId === null ? 'a message-id to correlate the reply' : `a receiver from $management whose target is its reply-to (${String(request.reply_to)})`;
          delivery.reject(toAmqpError(new HubError('bad-request', `a $management request needs ${why}`)));
          return;
        }
        let status = 200;
        let description = 'OK';
        let body: unknown = null;
        try {
          body = readManagement((request.application_properties ?? {}) as Record<string, unknown>, attach.connection.auth, context);
        } catch (error) {
          ({ status, description } = toStatusCode(error));
        }
        replyLink.send({
          correlation_id: messageId,
          to: request.reply_to,
          application_properties: { 'status-code': rhea.types.wrap_int(status), 'status-description': description },
          body,
        });
        delivery.accept();
      });
    },
  };
};
