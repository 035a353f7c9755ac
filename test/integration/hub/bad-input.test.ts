// Bad input never crashes the hub (issue 3 item 10): garbage instead of TLS, garbage or a wrong
// protocol header after TLS, and every Qpid Proton fuzz input (shared/data/proton-fuzz, Apache-2.0)
// as a connection's bytes. Each ends in a closed connection; afterwards the hub still serves the
// device SDK, holds no connection state and its heap has not grown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import rhea, { type Connection, type EventContext, type Sender } from 'rhea';
import { createSasToken } from '../../../protocol/sas.js';
import { DeviceMessage, cbsClient, deviceClient, next, rawClient, startTestHub, withRheaChatterMuted, type TestHub } from './helpers.js';

const FUZZ = new URL('../../../../shared/data/proton-fuzz/', import.meta.url).pathname;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** The JS heap in use after a full collection: what the hub still holds. */
const heapHeld = (): number => (gc(), process.memoryUsage().heapUsed);

let t: TestHub;
let onClosed = (): void => undefined;
/** Resolves once the hub holds no AMQP connection (checked at each connection-closed event). */
function noConnections(): Promise<void> {
  return new Promise((resolve) => {
    onClosed = () => t.hub.connectionCount === 0 && resolve();
    onClosed();
  });
}
test.before(async () => {
  t = await startTestHub({ plainPort: 0, onEvent: (e) => e.type === 'connection-closed' && onClosed() });
  t.hub.registry.addDevice('survivor');
});
test.after(async () => {
  await t.stop();
});

/** Writes `bytes`, half-closes, and resolves with what the hub sent before the socket closed. */
function exchange(socket: Socket, bytes: Buffer): Promise<Buffer> {
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => undefined);
  socket.end(bytes);
  return new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(received))));
}

function overTls(bytes: Buffer): Promise<Buffer> {
  const socket = tlsConnect({ host: 'localhost', port: t.hub.port, ca: t.hub.certificates.caPem, servername: 'localhost' });
  return new Promise((resolve) => socket.once('secureConnect', () => resolve(exchange(socket, bytes))));
}

async function stillServes(id: string): Promise<void> {
  const client = deviceClient(t.hub, t.hub.deviceConnectionString('survivor'));
  await client.open();
  await client.sendEvent(new DeviceMessage(id));
  await client.close();
}

test('garbage instead of a TLS handshake is dropped and the hub still serves', async () => {
  const socket = tcpConnect({ host: 'localhost', port: t.hub.port });
  await new Promise((resolve) => socket.once('connect', resolve));
  await exchange(socket, Buffer.from('this is not TLS at all\r\n\r\n'));
  await stillServes('after-garbage-tls');
});

test('garbage after TLS and an HTTP request get the AMQP header back and a closed connection', async () => {
  const reply = await overTls(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
  assert.ok(reply.length === 0 || reply.subarray(0, 4).toString() === 'AMQP');
  await stillServes('after-http');
});

test('a wrong AMQP protocol header closes the connection', async () => {
  const reply = await overTls(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0x02, 0x01, 0x00, 0x00]));
  assert.ok(reply.length === 0 || reply.subarray(0, 4).toString() === 'AMQP');
  await stillServes('after-wrong-version');
});

test('a frame larger than the advertised max-frame-size closes the connection at its header', async () => {
  const header = Buffer.from('AMQP\x00\x01\x00\x00', 'latin1');
  const frame = Buffer.alloc(8);
  frame.writeUInt32BE(10 * 1024 * 1024, 0); // announces 10 MB; only the header is ever sent
  frame.writeUInt8(2, 4);
  const socket = tcpConnect({ host: 'localhost', port: t.hub.plainPort! });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => undefined);
  socket.write(Buffer.concat([header, frame])); // no end(): the hub must close by itself
  await new Promise((resolve) => socket.once('close', resolve));
  await stillServes('after-big-frame');
});

test('a delivery spread over frames past 1 MB drops the connection; 300 KB is rejected as too large', async () => {
  const token = createSasToken({ audience: `localhost/devices/survivor`, key: t.hub.registry.device('survivor')!.primaryKey, keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  const open = async (): Promise<{ connection: Connection; sender: Sender }> => {
    const connection = await rawClient(t.hub);
    const cbs = await cbsClient(connection);
    assert.is((await cbs.put(token, 'n')).status, 200);
    const sender = connection.open_sender({ target: { address: '/devices/survivor/messages/events' } });
    await next(sender, 'sendable');
    return { connection, sender };
  };
  const polite = await open();
  polite.sender.send({ body: rhea.message.data_section(Buffer.alloc(300 * 1024, 1)) });
  const rejected = await next<EventContext>(polite.sender, 'rejected');
  assert.is((rejected.delivery!.remote_state as { error: { condition: string } }).error.condition, 'amqp:link:message-size-exceeded');
  polite.connection.close();

  const rude = await open();
  rude.connection.on('connection_error', () => undefined);
  const gone = next(rude.connection, 'disconnected');
  rude.sender.send({ body: rhea.message.data_section(Buffer.alloc(2 * 1024 * 1024, 2)) });
  await gone;
  await stillServes('after-huge-delivery');
});

test('every Proton message-decode fuzz input sent as telemetry is accepted or rejected with decode-error; the connection stays', async () => {
  const dir = join(FUZZ, 'fuzz-message-decode');
  const files = fuzzFiles(dir);
  assert.ok(files.length > 300);
  const token = createSasToken({ audience: `localhost/devices/survivor`, key: t.hub.registry.device('survivor')!.primaryKey, keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  const connection = await rawClient(t.hub);
  try {
    assert.is((await (await cbsClient(connection)).put(token, 'n')).status, 200);
    const sender = connection.open_sender({ target: { address: '/devices/survivor/messages/events' } });
    await next(sender, 'sendable');
    const outcomes: Record<string, number> = {};
    const settled = new Promise<void>((resolve) => {
      let count = 0;
      const record = (name: string) => (ctx: EventContext): void => {
        const condition = (ctx.delivery!.remote_state as { error?: { condition: string } } | undefined)?.error?.condition;
        const key = condition ? `${name} ${condition}` : name;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (++count === files.length) resolve();
      };
      sender.on('accepted', record('accepted'));
      sender.on('rejected', record('rejected'));
    });
    for (const file of files) sender.send(readFileSync(file), undefined, 0); // raw bytes as the message
    await withRheaChatterMuted(() => settled);
    assert.equal(Object.keys(outcomes).sort(), ['accepted', 'rejected amqp:decode-error']);
    assert.ok(connection.is_open());
  } finally {
    connection.close();
  }
});

function fuzzFiles(root = FUZZ): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!/\.(md|txt|tsv)$/.test(name)) out.push(path);
    }
  };
  walk(root);
  return out;
}

test('every Proton fuzz input fed as a connection ends closed; the hub still serves and holds no connections', async () => {
  const files = fuzzFiles();
  assert.ok(files.length > 2000, `found ${files.length} fuzz files in ${FUZZ}`);
  await stillServes('before-fuzz');
  const heapBefore = heapHeld();
  let index = 0;
  const worker = async (): Promise<void> => {
    while (index < files.length) {
      const bytes = readFileSync(files[index++]!);
      const socket = tcpConnect({ host: 'localhost', port: t.hub.plainPort! });
      await new Promise((resolve) => socket.once('connect', resolve));
      await exchange(socket, bytes);
    }
  };
  await withRheaChatterMuted(() => Promise.all(Array.from({ length: 32 }, worker)));
  await stillServes('after-fuzz');
  await noConnections();
  assert.is(t.hub.connectionCount, 0);
  const grownMb = (heapHeld() - heapBefore) / 2 ** 20;
  // Before rhea-timers.ts each such connection stayed reachable from its heartbeat timer (~8 MB here).
  assert.ok(grownMb < 4, `the heap grew by ${grownMb.toFixed(1)} MB over ${files.length} hostile connections`);
});

test.run();
