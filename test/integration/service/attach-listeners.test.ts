// hub/service/request-link.ts opened(): every attach watched the connection's 'disconnected' and
// never let go, so a long-lived service connection (the console's, which reattaches its readers)
// gathered one listener per attach for ever (Node's MaxListenersExceededWarning at the 11th).
// Settled attaches, opened or refused, must leave the connection's listeners as they were.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import rhea, { type EventContext } from 'rhea';
import { opened } from '../../../hub/service/request-link.js';

test('GIVEN one connection WHEN 30 receivers attach and 5 more are answered with a refusal THEN no disconnected listener is left behind', async () => {
  const server = rhea.create_container({ id: 'attach-server' });
  server.on('sender_open', (ctx: EventContext) => {
    const address = (ctx.sender as unknown as { remote: { attach: { source?: { address?: string } } } }).remote.attach.source?.address ?? '';
    if (address.startsWith('refuse/')) ctx.sender!.close({ condition: 'amqp:not-found', description: `no ${address}` });
    else ctx.sender!.set_source({ address });
  });
  const listener = server.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
  await once(listener, 'listening');
  const client = rhea.create_container({ id: 'attach-client' });
  const connection = client.connect({ port: (listener.address() as AddressInfo).port, host: '127.0.0.1', reconnect: false });
  connection.on('connection_error', () => undefined);
  await once(connection, 'connection_open');
  try {
    const before = connection.listenerCount('disconnected');
    for (let i = 0; i < 30; i++) await opened(connection.open_receiver({ source: { address: `ok/${i}` } }), 'receiver_open', `ok/${i}`);
    for (let i = 0; i < 5; i++) {
      const receiver = connection.open_receiver({ source: { address: `refuse/${i}` } });
      receiver.on('receiver_error', () => undefined);
      // Settled either way (rhea may report the attach before its detach): only the listeners matter here.
      await opened(receiver, 'receiver_open', `refuse/${i}`).catch(() => undefined);
    }
    assert.is(connection.listenerCount('disconnected'), before);
  } finally {
    connection.close();
    listener.close();
  }
});

test.run();
