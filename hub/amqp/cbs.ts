// `$cbs` put-token (issue 3 item 4; reference/iot-hub-amqp.md §2). The peer attaches a sender to
// `$cbs` (requests) and a receiver from `$cbs` (replies). Each request is verified
// (auth/put-token.ts); a valid token is anchored on the connection for its audience.
//
// Reply (§2.3): `correlation-id` = the request's `message-id` (same type), `status-code` an AMQP
// int (the IoT SDKs test `=== 200`), `status-description`; sent on the `$cbs` reply link of the
// request's session, else any on the connection. The request is accepted once answered. A
// request with no message-id cannot be answered: it is rejected (amqp:invalid-field).
import rhea, { type Message, type Receiver, type Sender } from 'rhea';
import { verifyPutToken } from '../auth/put-token.js';
import { HubError } from '../errors.js';
import { toAmqpError, toStatusCode } from './conditions.js';
import type { Attach, HandlerFactory } from './link-handler.js';

/** Requests a client may have in flight on one `$cbs` link. */
const CBS_CREDIT = 100;
const SAS_TOKEN_TYPE = 'servicebus.windows.net:sastoken';

export const cbsHandler: HandlerFactory<'cbs'> = (services) => ({
  sender(link: Sender, attach: Attach<'cbs'>) {
    attach.connection.addCbsReplyLink(link);
  },
  receiver(link: Receiver, attach: Attach<'cbs'>) {
    const { connection } = attach;
    link.add_credit(CBS_CREDIT);
    link.on('message', ({ message, delivery }) => {
      link.add_credit(1);
      const request = message as Message;
      const messageId = request.message_id;
      if (messageId === undefined || messageId === null) {
        delivery.reject(toAmqpError(new HubError('bad-request', 'a put-token request needs a message-id to correlate the reply')));
        return;
      }
      let status = 200;
      let description = 'OK';
      try {
        const grant = verifyPutToken(readRequest(request), services.identity, services.registry, services.now());
        connection.auth.anchor(grant);
      } catch (error) {
        ({ status, description } = toStatusCode(error));
      }
      const replyLink = connection.cbsReplyLink(link.session);
      if (!replyLink) {
        delivery.reject(toAmqpError(new HubError('not-allowed', 'attach a receiver with source $cbs before sending put-token')));
        return;
      }
      replyLink.send(cbsReply(messageId, request.reply_to, status, description));
      delivery.accept();
    });
  },
});

/** §2.3: `status-code` an AMQP int (0x71 for 200), `correlation-id` the request's `message-id`. */
export function cbsReply(messageId: Message['message_id'], replyTo: string | undefined, status: number, description: string): Message {
  return {
    correlation_id: messageId,
    to: replyTo,
    application_properties: { 'status-code': rhea.types.wrap_int(status), 'status-description': description },
    body: null,
  };
}

function readRequest(request: Message): { name: string; token: string } {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  if (props.operation !== 'put-token') {
    throw new HubError('bad-request', `$cbs supports operation put-token, not ${String(props.operation)}`);
  }
  if (props.type !== SAS_TOKEN_TYPE) {
    throw new HubError('bad-request', `$cbs accepts token type ${SAS_TOKEN_TYPE}, not ${String(props.type)}`);
  }
  if (typeof request.body !== 'string') throw new HubError('bad-request', 'the put-token body must be the token as an amqp-value string');
  return { name: typeof props.name === 'string' ? props.name : '', token: request.body };
}
