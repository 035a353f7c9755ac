// rhea 3.0.5's Session.on_begin() re-opens a session the application already ended: a session
// begun and ended before the peer's answering Begin arrived is begun AGAIN when that Begin comes
// (a second Begin, remote-channel unset, on the same channel), and ended a second time when the
// peer's End comes, which frees the channel while the peer answers the phantom Begin. The peer's
// answer then names a channel rhea no longer has (`Invalid value for remote channel N`) or one a
// newer session reuses (`Begin already received`): rhea drops the whole connection. This is what
// dropped the gateway's pooled hub connections when devices left before the hub answered their
// session (bench:fleet, 2,500 boards). scripts/patch-rhea.mjs fixes it at install; this test
// holds the server's bytes back so the client's End crosses the server's Begin, deterministically.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea from 'rhea';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';

test('a session ended before the peer answered its Begin is not begun again; the connection survives and the channel is reused cleanly', async () => {
  const server = rhea.create_container({ id: 'server' });
  let begins = 0;
  const serverEnds: unknown[] = [];
  server.on('session_open', () => begins++);
  server.on('session_close', (ctx) => serverEnds.push(ctx.session));
  const listener = server.listen({ port: 0, host: '127.0.0.1' });
  await once(listener, 'listening');

  // A proxy that can hold the server's bytes back from the client.
  let hold = false;
  const held: Buffer[] = [];
  let toClient: Socket | undefined;
  const proxy = createServer((client) => {
    toClient = client;
    const upstream = connect((listener.address() as AddressInfo).port, '127.0.0.1');
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => (hold ? held.push(d) : client.write(d)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');

  const client = rhea.create_container({ id: 'client' });
  const failures: string[] = [];
  client.on('error', (e: Error) => failures.push(e.message));
  const connection = client.connect({ port: (proxy.address() as AddressInfo).port, host: '127.0.0.1', reconnect: false });
  for (const e of ['protocol_error', 'connection_error', 'disconnected']) connection.on(e, (ctx: { error?: Error }) => failures.push(`${e}: ${String(ctx?.error?.message ?? ctx?.error ?? '')}`));
  await once(connection, 'connection_open');
  try {
    hold = true;
    const first = connection.create_session();
    first.begin();
    while (begins < 1) await new Promise((r) => setImmediate(r)); // the server answered (held back)
    first.close();
    while (serverEnds.length < 1) await new Promise((r) => setImmediate(r)); // the client's End crossed it
    hold = false;
    for (const d of held.splice(0)) toClient!.write(d);
    await new Promise((r) => setTimeout(r, 100));
    assert.is(begins, 1, 'the server saw one Begin on the channel, not a second one');

    const second = connection.create_session(); // reuses channel 0 once both Ends were exchanged
    second.begin();
    await Promise.race([once(second, 'session_open'), new Promise((_, reject) => setTimeout(() => reject(new Error(`no session_open; ${failures.join('; ')}`)), 2000))]);
    assert.equal(failures, []);
    assert.ok(connection.is_open(), 'the connection is still open');
    assert.is(begins, 2);
  } finally {
    connection.close();
    listener.close();
    proxy.close();
  }
});

test.run();
