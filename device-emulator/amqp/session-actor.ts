// The firmware's `session` actor over rhea: opens the Transport, runs AMQP on its byte stream, puts
// tokens on `$cbs`, attaches the device links, sends telemetry and settles commands as the machine
// asks (SessionCommand), and reports every step and failure as a SessionEvent. Exactly one
// SESSION.FAILED or SESSION.CLOSED ends it; when the machine leaves the session state the
// connection is dropped at once (rhea forgets unsettled deliveries; the outbox resends them).
import { fromCallback } from 'xstate';
import type { Connection, EventContext } from 'rhea';
import type { Duplex } from 'node:stream';
import type { Transport } from '../../hardware/transport/transport.js';
import type { FailureReason, SessionCommand, SessionEvent, SessionInput } from '../session.js';
import { CbsClient } from './cbs.js';
import { abortConnection, openAmqpConnection } from './connect.js';
import { DeviceLinks } from './device-links.js';
import { describeError, toFailureReason, type AmqpErrorLike } from './failure.js';

export type AmqpSessionInput = SessionInput & { transport: Transport };

export const amqpSession = fromCallback<SessionCommand, AmqpSessionInput>(({ input, sendBack, receive }) => {
  let ended = false;
  let closing = false;
  let stream: Duplex | undefined;
  let connection: Connection | undefined;
  let cbs: CbsClient | undefined;
  let links: DeviceLinks | undefined;
  const report = (event: SessionEvent): void => {
    if (!ended) sendBack(event);
  };
  const end = (event: SessionEvent): void => {
    if (ended) return;
    report(event);
    ended = true;
    if (connection && stream) abortConnection(connection, stream);
    else stream?.destroy();
  };
  const fail = (reason: FailureReason, detail: string): void => end({ type: 'SESSION.FAILED', reason, detail });

  const start = (s: Duplex): void => {
    stream = s;
    report({ type: 'SESSION.LINK_UP', via: input.transport.describe() });
    const c = openAmqpConnection(s, {
      containerId: input.deviceId,
      hostname: input.hostname.replace(/:\d+$/, ''),
      maxFrameSize: input.maxFrameSize,
      idleTimeoutMs: input.idleTimeoutMs,
      onIdle: () => fail('idle-timeout', `no frame from the peer for ${2 * input.idleTimeoutMs} ms`),
    });
    connection = c;
    let opened = false;
    c.on('connection_open', () => {
      opened = true;
      report({ type: 'SESSION.OPENED' });
    });
    c.on('connection_close', (ctx: EventContext) => {
      const error = ctx.connection.error as AmqpErrorLike | undefined;
      if (closing && !error) return end({ type: 'SESSION.CLOSED' });
      fail(toFailureReason(error, opened ? 'connection-open' : 'connection-opening'), describeError(error, 'the peer closed the connection'));
    });
    c.on('connection_error', () => {}); // connection_close follows with the same error
    c.on('disconnected', (ctx: EventContext) => {
      if (closing) return end({ type: 'SESSION.CLOSED' });
      fail('transport-closed', describeError(ctx.error as AmqpErrorLike | undefined, 'the byte stream ended'));
    });
    c.on('protocol_error', (e: Error) => fail('transport-closed', `AMQP protocol error: ${e.message}`));
    c.on('error', (e: Error) => fail('transport-closed', e.message));
  };

  const watchLink = (link: CbsClient['sender'] | CbsClient['receiver'], isOpen: () => boolean): void => {
    const onClose = (ctx: EventContext): void => {
      if (closing) return;
      const error = (ctx.sender ?? ctx.receiver)?.error as AmqpErrorLike | undefined;
      fail(toFailureReason(error, isOpen() ? 'link-open' : 'link-opening'), describeError(error, 'the peer detached a link'));
    };
    link.on(link.is_sender() ? 'sender_close' : 'receiver_close', onClose);
    link.on(link.is_sender() ? 'sender_error' : 'receiver_error', () => {}); // *_close follows
  };

  const attach = (c: Connection): void => {
    let attached = false;
    const l = new DeviceLinks(c, input.deviceId, {
      outcome: (id, outcome, condition) => report({ type: 'SESSION.OUTCOME', id, outcome, ...(condition ? { condition } : {}) }),
      command: (deliveryId, body, enc) => report({ type: 'SESSION.COMMAND', deliveryId, body, ...(enc ? { enc } : {}) }),
    });
    links = l;
    watchLink(l.sender, () => attached);
    watchLink(l.receiver, () => attached);
    const opened = (): void => {
      if (!l.sender.is_open() || !l.receiver.is_open()) return;
      // A refusal is attach + detach in one write: look again after rhea has read the whole buffer.
      setImmediate(() => {
        if (ended || attached || !l.sender.is_open() || !l.receiver.is_open()) return;
        attached = true;
        l.start();
        report({ type: 'SESSION.ATTACHED' });
      });
    };
    l.sender.on('sender_open', opened);
    l.receiver.on('receiver_open', opened);
  };

  receive((command) => {
    if (ended || !connection) return;
    switch (command.type) {
      case 'put-token':
        if (!cbs) {
          cbs = new CbsClient(connection, input.deviceId, (a) => report({ type: 'SESSION.CBS', status: a.status, description: a.description }));
          watchLink(cbs.sender, () => true);
          watchLink(cbs.receiver, () => true);
        }
        return cbs.putToken(command.token);
      case 'attach':
        return attach(connection);
      case 'send':
        return links?.send(command.message);
      case 'settle':
        return links?.settle(command.deliveryId, command.outcome, command.credit);
      case 'close':
        closing = true;
        links?.releaseHeld();
        return connection.close();
    }
  });

  input.transport.open().then(
    (s) => (ended ? s.destroy() : start(s)),
    (e: Error) => fail('transport-refused', `${input.transport.describe()}: ${e.message}`),
  );

  return () => {
    ended = true;
    if (connection && stream) abortConnection(connection, stream);
    else stream?.destroy();
  };
});
