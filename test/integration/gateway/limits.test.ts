// Limits and bad input on the device side (issue 4 item 6): garbage, oversize frames, idle and
// silent clients, policy.maxConnections. The gateway closes the offender and keeps serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { memoryPair } from '../../../hardware/transport/memory.js';
import { harness } from '../../helpers/gateway-harness.js';
import { AMQP_HEADER, frameHeader, openFrame, readUntilClosed } from '../../helpers/raw-amqp.js';

test('GIVEN garbage bytes instead of a protocol header THEN the gateway answers with its AMQP header, closes, and keeps serving', async () => {
  const h = await harness();
  try {
    const { a, b } = memoryPair();
    h.gateway.acceptStream(b, 'garbage');
    const reply = readUntilClosed(a);
    a.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    assert.equal([...(await reply)], [...AMQP_HEADER]);
    const device = await h.device('dev-A');
    assert.is(await device.putToken('A'), 200, 'the gateway still serves real traffic');
  } finally {
    await h.close();
  }
});

test('WHEN a device sends a frame larger than the max-frame-size it was offered THEN the connection is closed with amqp:connection:framing-error', async () => {
  const h = await harness({ plan: { listener: { maxFrameSize: 512 } } });
  try {
    const device = await h.device('dev-A');
    const closed = once(device.connection, 'connection_close');
    // An attach cannot be split across frames: 2 KB of link properties makes one oversize frame.
    device.connection.open_sender({ target: { address: 'devices/A/messages/events' }, properties: { padding: 'x'.repeat(2048) } });
    await closed;
    const error = device.connection.error as { condition?: string; description?: string } | undefined;
    assert.is(error?.condition, 'amqp:connection:framing-error');
    assert.match(String(error?.description), '512');
  } finally {
    await h.close();
  }
});

test('a frame header announcing 1 GB is refused before any body is buffered', async () => {
  const h = await harness();
  try {
    const { a, b } = memoryPair();
    h.gateway.acceptStream(b, 'huge');
    const reply = readUntilClosed(a);
    a.write(Buffer.concat([AMQP_HEADER, openFrame('dev'), frameHeader(1 << 30)]));
    const bytes = await reply;
    assert.ok(bytes.includes(Buffer.from('amqp:connection:framing-error')), 'a Close with framing-error was sent');
  } finally {
    await h.close();
  }
});

test('GIVEN an idle timeout WHEN a device opens and then stays silent THEN the gateway closes it (max idle time exceeded)', async () => {
  const h = await harness();
  try {
    const { a, b } = memoryPair();
    h.gateway.acceptStream(b, 'silent', { idleTimeoutSeconds: 0.2 });
    const reply = readUntilClosed(a);
    a.write(Buffer.concat([AMQP_HEADER, openFrame('dev')]));
    assert.ok((await reply).includes(Buffer.from('max idle time exceeded')));
  } finally {
    await h.close();
  }
});

test('GIVEN an initial handshake timeout WHEN a client never sends Open THEN it is dropped', async () => {
  const h = await harness();
  try {
    const { a, b } = memoryPair();
    h.gateway.acceptStream(b, 'mute', { initialHandshakeTimeoutSeconds: 0.1 });
    const reply = readUntilClosed(a);
    a.write(AMQP_HEADER);
    await reply;
    assert.is(h.gateway.connections.size, 0);
  } finally {
    await h.close();
  }
});

test('GIVEN policy.maxConnections = 1 WHEN a second device connects THEN it is closed with amqp:resource-limit-exceeded', async () => {
  const h = await harness({ plan: { maxConnections: 1 } });
  try {
    const first = await h.device('dev-A');
    const second = await h.device('dev-B').catch((e: unknown) => e);
    const connection = (second as { connection?: typeof first.connection }).connection;
    if (connection && !connection.error) await once(connection, 'connection_close');
    assert.is((connection?.error as { condition?: string } | undefined)?.condition, 'amqp:resource-limit-exceeded');
    assert.is(await first.putToken('A'), 200, 'the first connection is unaffected');
  } finally {
    await h.close();
  }
});

test('a Duplex handed to acceptStream carries a whole device session (same path as TCP)', async () => {
  const h = await harness();
  try {
    const { a, b } = memoryPair();
    h.gateway.acceptStream(b, 'memory');
    const { default: rhea } = await import('rhea');
    const container = rhea.create_container({ id: 'mem-dev' });
    const connection = container.connect({ reconnect: false, connection_details: () => ({ port: 0, host: 'memory', options: {}, connect: (_p: number, _h: string, _o: unknown, connected: () => void) => (process.nextTick(connected), a) }) } as never);
    connection.on('disconnected', () => undefined);
    await once(connection, 'connection_open');
    const sender = connection.open_sender({ target: { address: 'nowhere' } });
    await once(sender, 'sender_close');
    assert.is((sender.error as { condition?: string }).condition, 'qd:no-route-to-dest');
    connection.close();
  } finally {
    await h.close();
  }
});

test.run();
