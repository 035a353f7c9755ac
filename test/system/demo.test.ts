// `fogbridge demo` (npm start) as a user runs it, in a child process on free ports with a temp
// data folder: telemetry from all three boards read through the hub's Event Hub-compatible
// endpoint and decrypted with the keys file it wrote; `led on` (ack full) to the serial-attached
// board runs and comes back as Success feedback; SIGINT exits 0; a second start reuses the data
// folder (same devices, same keys); a port in use is named before anything starts. The gateway's
// management endpoint lists the three boards as its device connections.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { viewBody, type EnvelopeKey } from '../../hub/service/body-view.js';
import { C2dClient } from '../../hub/service/c2d-client.js';
import { readKeys } from '../../hub/service/cli-files.js';
import { EventHubReader } from '../../hub/service/event-hub-reader.js';
import { ENC_PROPERTY, parseKey, seal } from '../../protocol/envelope.js';
import { freePorts, startDemoProcess, type DemoProcess } from '../helpers/demo-process.js';

const BOARDS = ['netduino-1', 'netduino-2', 'netduino-3'];
const SERIAL_BOARD = 'netduino-3';

interface Strings {
  service: string;
  eventHub: string;
  caFile: string;
}

async function demo(data: string, extra: string[] = []): Promise<{ proc: DemoProcess; strings: Strings; keys: Map<string, EnvelopeKey>; ca: string }> {
  const [hub, gateway, management, web] = await freePorts(4);
  const proc = startDemoProcess(['--data', data, '--hub-port', String(hub), '--gateway-port', String(gateway), '--management-port', String(management), '--console-port', String(web), '--interval', '1', ...extra]);
  try {
    await proc.waitFor(/^ready: /m);
  } catch (error) {
    proc.kill();
    throw error;
  }
  const strings = JSON.parse(readFileSync(join(data, 'connection-strings.json'), 'utf8')) as Strings;
  return { proc, strings, keys: readKeys(join(data, 'keys.json')), ca: readFileSync(strings.caFile, 'utf8') };
}

/** Reads decrypted telemetry until `done` says so, within `ms`. */
async function readUntil(reader: EventHubReader, keys: Map<string, EnvelopeKey>, ms: number, done: (deviceId: string, body: Record<string, unknown>) => boolean): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    const event = await Promise.race([reader.next(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(0, left)).unref())]);
    if (event === 'timeout' || event === undefined) throw new Error(`no matching telemetry within ${ms} ms`);
    const view = viewBody(event.body, event.applicationProperties, keys.get(event.deviceId!), event.deviceId);
    assert.is(view.note, undefined, `${event.deviceId}: ${view.note}`);
    if (done(event.deviceId!, view.body as Record<string, unknown>)) return;
  }
}

test('npm start: three boards send decryptable telemetry, led on to the serial board gives Success, SIGINT exits 0, a second start (in-memory serial line) reuses the data folder', async () => {
  const data = mkdtempSync(join(tmpdir(), 'fogbridge-demo-'));
  let run: Awaited<ReturnType<typeof demo>> | undefined;
  let reader: EventHubReader | undefined;
  let c2d: C2dClient | undefined;
  try {
    run = await demo(data);
    assert.match(run.proc.output(), /first start: made the hub's CA/);
    assert.match(run.proc.output(), /registered now: netduino-1, netduino-2, netduino-3/);
    assert.match(run.proc.output(), /^serial +an? (socat pty pair|in-memory serial line)/m);
    assert.match(readFileSync(join(data, 'gateway.conf'), 'utf8'), /connector \{\n\s+name: IOTHUB/);

    reader = new EventHubReader({ connectionString: run.strings.eventHub, ca: run.ca, from: 'earliest' });
    await reader.open();
    const seen = new Set<string>();
    await readUntil(reader, run.keys, 20_000, (id, body) => {
      assert.is(body.deviceId, id, 'the decrypted body names the device the hub stamped');
      seen.add(id);
      return seen.size === BOARDS.length;
    });

    c2d = await C2dClient.open({ connectionString: run.strings.service, ca: run.ca });
    const key = run.keys.get(SERIAL_BOARD)!;
    const body = seal('xtea-cbc-cts', parseKey(key.key, 'xtea-cbc-cts'), new TextEncoder().encode('{"cmd":"led","value":"on"}'), new Uint8Array(randomBytes(8)));
    const messageId = await c2d.send(SERIAL_BOARD, { body, ack: 'full', applicationProperties: { [ENC_PROPERTY]: 'xtea-cbc-cts' } });
    const feedback = await c2d.waitForFeedback(messageId, 15_000);
    assert.is(feedback.statusCode, 'Success');
    assert.is(feedback.deviceId, SERIAL_BOARD);
    await readUntil(reader, run.keys, 10_000, (id, b) => id === SERIAL_BOARD && b.led === 'on');
    // The gateway's management endpoint shows the three boards as its device connections.
    const management = /^manage +(http:\/\/127\.0\.0\.1:\d+\/)/m.exec(run.proc.output())![1]!;
    const connections = (await (await fetch(`${management}stat/connections`)).json()) as { dir: string; devices: string[] }[];
    assert.equal(connections.filter((c) => c.dir === 'in').flatMap((c) => c.devices).sort(), BOARDS);
    await c2d.close();
    c2d = undefined;
    await reader.close();
    reader = undefined;

    assert.is(await run.proc.stop('SIGINT'), 0, run.proc.output());
    assert.match(run.proc.output(), /stopping the boards[^]*stopping the gateway[^]*stopping the hub/);
    const firstKeys = readFileSync(join(data, 'keys.json'), 'utf8');

    // Second start, the serial board on the in-memory line this time (what a machine without socat gets).
    run = await demo(data, ['--serial', 'memory']);
    assert.match(run.proc.output(), /reused: same certificates, devices and keys/);
    assert.match(run.proc.output(), /^serial +an in-memory serial line \(--serial memory\)/m);
    assert.not.match(run.proc.output(), /registered now/);
    assert.is(readFileSync(join(data, 'keys.json'), 'utf8'), firstKeys);
    reader = new EventHubReader({ connectionString: run.strings.eventHub, ca: run.ca, from: 'latest' });
    await reader.open();
    const again = new Set<string>();
    await readUntil(reader, run.keys, 20_000, (id) => again.add(id).size === BOARDS.length);
    await reader.close();
    reader = undefined;
    assert.is(await run.proc.stop('SIGTERM'), 0, run.proc.output());
  } finally {
    await c2d?.close();
    await reader?.close();
    run?.proc.kill();
    rmSync(data, { recursive: true, force: true });
  }
});

test('a port in use: the demo names it and the option that changes it, and starts nothing', async () => {
  const data = mkdtempSync(join(tmpdir(), 'fogbridge-demo-busy-'));
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  const port = (busy.address() as { port: number }).port;
  const [hub, management, web] = await freePorts(3);
  const proc = startDemoProcess(['--data', data, '--hub-port', String(hub), '--gateway-port', String(port), '--management-port', String(management), '--console-port', String(web)]);
  try {
    assert.is(await proc.exited(), 1, proc.output());
    assert.match(proc.output(), new RegExp(`port ${port} is in use[^\\n]*--gateway-port <n>`));
    assert.match(proc.output(), /nothing was started/);
  } finally {
    proc.kill();
    busy.close();
    rmSync(data, { recursive: true, force: true });
  }
});

test.run();
