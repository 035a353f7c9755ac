// The demo's in-memory serial line (cli/demo/serial-line.ts, --serial memory) when the demo stops:
// closing it pulls the cable, so a board link still opening stops resending its open at once (it
// kept its timers, and the process, alive for up to its 10 s open time-out), an open session ends,
// and no board opens the line again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Duplex } from 'node:stream';
import { openSerialLine } from '../../../cli/demo/serial-line.js';

test('closing the line while a board link is opening: the open fails at once, and the line cannot be opened again', async () => {
  const line = await openSerialLine('memory');
  line.attach!(() => undefined);
  const started = Date.now();
  const opening = line.boardTransport.open().then(() => 'opened', (e: Error) => e.message);
  await line.close();
  const outcome = await opening;
  assert.is.not(outcome, 'opened');
  assert.ok(Date.now() - started < 2000, `settled after ${Date.now() - started} ms: ${outcome}`);
  assert.match(await line.boardTransport.open().then(() => 'opened', (e: Error) => e.message), /the in-memory serial line is closed/);
});

test('closing the line ends an open session on both sides', async () => {
  const line = await openSerialLine('memory');
  const gatewaySide: Duplex[] = [];
  line.attach!((stream) => gatewaySide.push(stream));
  const board = await line.boardTransport.open();
  assert.is(gatewaySide.length, 1);
  const boardGone = new Promise<void>((resolve) => board.once('close', () => resolve()));
  const gatewayGone = new Promise<void>((resolve) => gatewaySide[0]!.once('close', () => resolve()));
  board.on('error', () => undefined);
  gatewaySide[0]!.on('error', () => undefined);
  gatewaySide[0]!.resume();
  board.resume();
  await line.close();
  const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
  assert.is(await Promise.race([Promise.all([boardGone, gatewayGone]).then(() => 'closed'), timeout]), 'closed');
});

test.run();
