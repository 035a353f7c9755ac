// AMQP runs over the reliable serial link unchanged: rhea client (board) and rhea server (gateway)
// each see a Duplex; under them the link, under it an in-memory line paced at 115200 baud that
// drops, garbles and duplicates bytes (seeded). Real time: rhea keeps its own timers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea, { type Connection, type ConnectionOptions, type Message } from 'rhea';
import type { Duplex } from 'node:stream';
import { systemScheduler } from '../../../hardware/clock.js';
import { SerialLink } from '../../../hardware/serial-link/link.js';
import { memoryPair } from '../../../hardware/transport/memory.js';
import { pattern } from './streams.js';

function serve(stream: Duplex): Connection {
  const container = rhea.create_container({ id: 'gateway' });
  container.on('sender_open', () => {});
  container.on('message', (ctx) => {
    const reply = ctx.connection.find_sender(() => true);
    reply?.send({ body: ctx.message!.body, correlation_id: ctx.message!.message_id });
    ctx.delivery!.accept();
  });
  const connection = container.create_connection({ container_id: 'gateway' } as never);
  (connection as unknown as { accept(s: Duplex): void }).accept(stream);
  return connection;
}

function connectOver(stream: Duplex): Connection {
  return rhea.create_container({ id: 'board-1' }).connect({
    reconnect: false,
    max_frame_size: 2048,
    connection_details: () => ({
      host: 'gateway',
      port: 0,
      connect: (_p: number, _h: string, _o: unknown, connected: () => void) => {
        process.nextTick(connected);
        return stream;
      },
    }),
  } as unknown as ConnectionOptions);
}

test('GIVEN rhea on both ends of a serial link over a lossy 115200 baud line WHEN the board sends a message THEN it is accepted and the echo comes back intact', async () => {
  const line = memoryPair({ baud: 115200, scheduler: systemScheduler, loss: { drop: 1e-3, corrupt: 1e-3, duplicate: 5e-4, seed: 11 } });
  const board = new SerialLink(line.a, { role: 'initiator', scheduler: systemScheduler, session: 1 });
  const gateway = new SerialLink(line.b, { role: 'responder', scheduler: systemScheduler });
  let server: Connection | undefined;
  gateway.on('stream', (stream) => (server = serve(stream)));
  const client = connectOver(await board.open());

  const body = pattern(900, 5); // under the board profile's 1024-byte message limit
  const receiver = client.open_receiver('replies');
  const sender = client.open_sender('devices/board-1/messages/events');
  const echoed = new Promise<Message>((resolve) => receiver.once('message', (ctx) => resolve(ctx.message!)));
  const accepted = new Promise<void>((resolve) => sender.once('accepted', () => resolve()));
  sender.once('sendable', () => sender.send({ message_id: 'm-1', body }));
  await accepted;
  const reply = await echoed;
  assert.ok(Buffer.from(reply.body as Buffer).equals(body));
  assert.is(reply.correlation_id, 'm-1');

  const closed = new Promise((resolve) => client.once('connection_close', resolve));
  client.close();
  await closed;
  const { aToB, bToA } = line.stats();
  const s = board.stats;
  console.log(
    `    AMQP round trip over the serial link: board sent ${s.framesSent} frames (${s.retransmissions} resent), line damaged ${aToB.dropped + aToB.corrupted + aToB.duplicated + bToA.dropped + bToA.corrupted + bToA.duplicated} bytes`,
  );
  assert.ok(server);
  board.detach();
  gateway.detach();
  line.a.destroy();
  line.b.destroy();
});

test.run();
