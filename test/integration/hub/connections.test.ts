// The connection layer (issue 3 items 3, 10): heartbeats at half the peer's idle-time-out,
// thousands of idle connections held and released without leaking, retention on a timer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as tcpConnect, createServer, type Socket } from 'node:net';
import rhea from 'rhea';
import { DeviceMessage, deviceClient, startTestHub, type TestHub } from './helpers.js';

let t: TestHub;
let clock = Date.now();
const waiters = new Set<() => void>();
const retentions: number[] = [];
test.before(async () => {
  t = await startTestHub({
    plainPort: 0,
    openTimeoutMs: 300,
    now: () => clock,
    retentionMs: 60_000,
    retentionSweepMs: 20,
    onEvent: (e) => {
      if (e.type === 'retention') retentions.push(e.deleted);
      for (const w of waiters) w();
    },
  });
});
test.after(async () => {
  await t.stop();
});

/** Resolves when `condition()` holds, checked after every hub status event. */
function until(condition: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!condition()) return;
      waiters.delete(check);
      resolve();
    };
    waiters.add(check);
    check();
  });
}

/** The bytes a rhea client sends first (AMQP header + open), captured once to replay. */
async function clientHello(): Promise<Buffer> {
  const capture = createServer();
  await new Promise<void>((resolve) => capture.listen(0, 'localhost', resolve));
  const port = (capture.address() as { port: number }).port;
  const first = new Promise<Buffer>((resolve) => capture.once('connection', (s: Socket) => s.once('data', resolve)));
  const client = rhea.create_container({ id: 'hello' }).connect({ host: 'localhost', port, reconnect: false });
  client.on('disconnected', () => undefined);
  const bytes = await first;
  client.close();
  capture.close();
  return bytes;
}

test('the hub heartbeats at half the idle-time-out the client advertises', async () => {
  const connection = rhea.create_container().connect({ host: 'localhost', port: t.hub.plainPort!, idle_time_out: 60, reconnect: false } as never);
  let dropped = false;
  connection.on('disconnected', () => (dropped = true));
  connection.on('connection_error', () => (dropped = true));
  await new Promise((resolve) => connection.once('connection_open', resolve));
  // rhea drops a peer that is silent for 2 × 60 ms; nothing else is sent on this connection.
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.is(dropped, false);
  assert.ok(connection.is_open());
  connection.close();
});

test('two thousand idle AMQP connections are held, then released with nothing left behind', async () => {
  const hello = await clientHello();
  const base = t.hub.connectionCount;
  const sockets: Socket[] = [];
  for (let i = 0; i < 2000; i++) {
    const socket = tcpConnect({ host: 'localhost', port: t.hub.plainPort! });
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.write(hello);
    sockets.push(socket);
  }
  await until(() => t.hub.connectionCount === base + 2000);
  for (const s of sockets) s.destroy();
  await until(() => t.hub.connectionCount === base);
  const client = deviceClient(t.hub, t.hub.deviceConnectionString(t.hub.registry.addDevice('after-crowd').id));
  await client.open();
  await client.sendEvent(new DeviceMessage('still here'));
  await client.close();
});

test('a socket that never opens AMQP is closed after the open timeout', async () => {
  const socket = tcpConnect({ host: 'localhost', port: t.hub.plainPort! });
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  await new Promise((resolve) => socket.once('close', resolve)); // the hub closes it (300 ms here)
});

test('retention deletes telemetry older than the retention period on its timer', async () => {
  const client = deviceClient(t.hub, t.hub.deviceConnectionString(t.hub.registry.addDevice('ageing').id));
  await client.open();
  await client.sendEvent(new DeviceMessage('old news'));
  await client.close();
  clock += 61_000;
  await until(() => retentions.length > 0);
  assert.ok(retentions[0]! >= 1);
  for (let p = 0; p < t.hub.options.partitions; p++) assert.ok(t.hub.telemetry.partitionInfo(p).isEmpty);
});

test.run();
