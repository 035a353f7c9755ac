// The firmware machine with its real rhea session actor against a small in-process rhea hub over
// in-memory streams (no port): it boots, authenticates over $cbs, sends readings that decrypt to
// the JSON it measured, settles commands (led on accepted, undecryptable rejected), and turns a
// CBS 401, a refused link and a routed-link-lost into backoff, resending what was unsettled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, SimulatedClock, waitFor } from 'xstate';
import { NetduinoPlus2 } from '../../../hardware/board/netduino.js';
import { mulberry32 } from '../../../hardware/random.js';
import { open, parseKey, seal } from '../../../protocol/envelope.js';
import { firmwareMachine } from '../../../device-emulator/machines/firmware.js';
import { firmwarePhase, type Phase } from '../../../device-emulator/machines/phase.js';
import { MiniHub, type MiniHubOptions } from './mini-hub.js';

const DEVICE_KEY = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';
const KEY = parseKey('0f0e0d0c0b0a09080706050403020100', 'xtea-cbc-cts');

function boardOnHub(hubOptions: Partial<MiniHubOptions> = {}, idleTimeoutMs = 120_000) {
  const hub = new MiniHub({ deviceKey: DEVICE_KEY, ...hubOptions });
  const clock = new SimulatedClock();
  clock.set(Date.now());
  const board = new NetduinoPlus2({ clock, seed: 3 });
  const ivs = mulberry32(9);
  const actor = createActor(firmwareMachine, {
    clock,
    input: {
      deviceId: 'dev1',
      hubHostName: 'localhost:25671',
      deviceKey: DEVICE_KEY,
      envelope: { name: 'xtea-cbc-cts', key: KEY },
      timing: { idleTimeoutMs },
      deps: { board, transport: hub.transport(), randomBytes: (n) => Uint8Array.from({ length: n }, () => ivs.nextInt(256)), random: () => 0.5 },
    },
  });
  actor.start();
  clock.increment(250); // boot
  const phase = () => firmwarePhase(actor.getSnapshot());
  const reach = (p: Phase) => waitFor(actor, (s) => firmwarePhase(s) === p, { timeout: 3000 });
  return { hub, clock, board, actor, phase, reach };
}

const sealed = (text: string) => seal('xtea-cbc-cts', KEY, new TextEncoder().encode(text), Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));

test('the board authenticates over $cbs, sends readings that decrypt to its JSON, and the hub accepts them', async () => {
  const b = boardOnHub();
  await b.reach('online');
  const token = await b.hub.tokens.next(1000, 'a put-token');
  assert.match(token, /^SharedAccessSignature sr=localhost%3A25671%2Fdevices%2Fdev1&sig=/);
  for (let i = 1; i <= 3; i++) {
    b.clock.increment(5_000);
    const { message } = await b.hub.telemetry.next(2000, `reading ${i}`);
    assert.is(message.message_id, `dev1:1:${i}`);
    assert.is(message.application_properties?.enc, 'xtea-cbc-cts');
    assert.is(message.to, '/devices/dev1/messages/events');
    const body = (message.body as { typecode: number; content: Buffer });
    assert.is(body.typecode, 0x75, 'one data section');
    const json = JSON.parse(new TextDecoder().decode(open('xtea-cbc-cts', KEY, body.content)));
    assert.equal([json.deviceId, json.seq, json.led], ['dev1', i, 'off']);
    assert.ok(Math.abs(json.ts - b.clock.now()) < 1 && typeof json.temperature === 'number' && typeof json.light === 'number');
  }
  await waitFor(b.actor, (s) => s.context.outbox.stats.accepted === 3, { timeout: 2000 });
  assert.is(b.actor.getSnapshot().context.outbox.entries.length, 0);
  b.actor.send({ type: 'SHUTDOWN' });
  await b.reach('stopped');
});

test('an encrypted led-on command turns the LED on and is accepted; an undecryptable one is rejected', async () => {
  const b = boardOnHub();
  await b.reach('online');
  b.hub.sendCommand('c1', sealed('{"cmd":"led","value":"on"}'), 'xtea-cbc-cts');
  assert.equal(await b.hub.commandOutcomes.next(2000, 'c1 outcome'), { id: 'c1', outcome: 'accepted' });
  assert.is(b.board.led.mode, 'on');
  b.hub.sendCommand('c2', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17), 'xtea-cbc-cts');
  assert.equal(await b.hub.commandOutcomes.next(2000, 'c2 outcome'), { id: 'c2', outcome: 'rejected' });
  b.hub.sendCommand('c3', sealed('{"cmd":"led","value":"blink"}'));
  assert.equal(await b.hub.commandOutcomes.next(2000, 'c3 outcome (credit granted again after the reject)'), { id: 'c3', outcome: 'accepted' });
  assert.is(b.board.led.mode, 'blink');
  b.actor.send({ type: 'SHUTDOWN' });
  await b.reach('stopped');
});

test('a CBS answer of 401 sends the board to backoff as unauthorized', async () => {
  const b = boardOnHub({ cbsStatus: 401 });
  await b.reach('backoff');
  assert.is(b.actor.getSnapshot().context.lastFailure?.reason, 'unauthorized');
  b.actor.stop();
});

test('a refused events link sends the board to backoff as link-refused', async () => {
  const b = boardOnHub({ refuseEvents: 'amqp:not-found' });
  await b.reach('backoff');
  assert.equal(b.actor.getSnapshot().context.lastFailure, { reason: 'link-refused', detail: 'amqp:not-found: refused by the mini hub' });
  b.actor.stop();
});

test('qd:routed-link-lost ends the session; after backoff the unsettled readings are resent and accepted', async () => {
  const b = boardOnHub();
  await b.reach('online');
  b.hub.hold = true;
  b.clock.increment(5_000);
  b.clock.increment(5_000);
  const held = [await b.hub.telemetry.next(), await b.hub.telemetry.next()].map((t) => t.message.message_id);
  b.hub.eventsLinks[0]!.close({ condition: 'qd:routed-link-lost', description: 'hub connection lost' });
  await b.reach('backoff');
  assert.is(b.actor.getSnapshot().context.lastFailure?.reason, 'routed-link-lost');
  b.hub.hold = false;
  b.clock.increment(b.actor.getSnapshot().context.backoffMs);
  await b.reach('online');
  const resent = [await b.hub.telemetry.next(), await b.hub.telemetry.next()].map((t) => t.message.message_id);
  assert.equal(resent, held);
  await waitFor(b.actor, (s) => s.context.outbox.entries.length === 0, { timeout: 2000 });
  assert.is(b.actor.getSnapshot().context.outbox.stats.resent, 2);
  b.actor.send({ type: 'SHUTDOWN' });
  await b.reach('stopped');
});

test('the hub dropping the byte stream is transport-closed, then the board reconnects', async () => {
  const b = boardOnHub();
  await b.reach('online');
  (b.hub.connections[0] as unknown as { socket: { destroy(): void } }).socket.destroy();
  await b.reach('backoff');
  assert.is(b.actor.getSnapshot().context.lastFailure?.reason, 'transport-closed');
  b.clock.increment(b.actor.getSnapshot().context.backoffMs);
  await b.reach('online');
  assert.is(b.hub.connections.length, 2);
  b.actor.send({ type: 'SHUTDOWN' });
  await b.reach('stopped');
});

test('a hub that falls silent is detected by the idle time-out (rhea, twice the advertised value)', async () => {
  const b = boardOnHub({}, 250); // detected after 500 ms of silence
  await b.reach('online');
  (b.hub.connections[0] as unknown as { socket: { write(): boolean } }).socket.write = () => true; // the hub goes mute
  await b.reach('backoff');
  assert.is(b.actor.getSnapshot().context.lastFailure?.reason, 'idle-timeout', JSON.stringify(b.actor.getSnapshot().context.lastFailure));
  b.actor.stop();
});

test.run();
