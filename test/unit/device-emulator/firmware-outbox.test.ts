// Telemetry through the outbox: readings sent when online, kept until accepted, resent after a
// reconnect, the oldest dropped (and counted) when full, rejected dropped, released resent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { open } from '../../../protocol/envelope.js';
import type { OutgoingMessage } from '../../../device-emulator/session.js';
import { ENVELOPE, harness } from './harness.js';

const decode = (m: OutgoingMessage) => JSON.parse(new TextDecoder().decode(open('xtea-cbc-cts', ENVELOPE.key, m.body))) as Record<string, unknown>;

test('online, each interval a reading is sealed and sent, and accepted readings leave the outbox', () => {
  const h = harness();
  h.toOnline();
  h.advance(5_000);
  h.advance(5_000);
  const sent = h.session.sent('send').map((s) => s.message);
  assert.is(sent.length, 2);
  assert.equal(sent.map((m) => m.id), ['dev1:1:1', 'dev1:1:2']);
  assert.equal(sent[0]!.properties, { enc: 'xtea-cbc-cts' });
  const body = decode(sent[1]!);
  assert.equal(Object.keys(body).sort(), ['boot', 'deviceId', 'led', 'light', 'seq', 'temperature', 'ts'].sort());
  assert.is(body.deviceId, 'dev1');
  assert.is(body.seq, 2);
  assert.is(body.led, 'off');
  assert.ok(typeof body.temperature === 'number' && body.temperature > 10 && body.temperature < 35);
  assert.is(h.context().outbox.entries.length, 2);
  h.acceptAll();
  assert.is(h.context().outbox.entries.length, 0);
  assert.is(h.context().outbox.stats.accepted, 2);
});

test('readings taken while offline wait in the outbox and go out in order on reaching online', () => {
  const h = harness();
  h.advance(250);
  h.session.emit({ type: 'SESSION.FAILED', reason: 'transport-refused', detail: 'ECONNREFUSED' });
  for (let i = 0; i < 3; i++) h.advance(5_000); // SimulatedClock: one interval per increment
  assert.is(h.context().outbox.entries.length, 3);
  assert.is(h.session.sent('send').length, 0);
  h.toOnline();
  assert.equal(h.session.sent('send').map((s) => s.message.id), ['dev1:1:1', 'dev1:1:2', 'dev1:1:3']);
});

test('after a reconnect every unsettled message is sent again, with the same id and bytes', () => {
  const h = harness();
  h.toOnline();
  for (let i = 0; i < 3; i++) h.advance(5_000);
  const first = h.session.sent('send').map((s) => s.message);
  h.session.emit({ type: 'SESSION.OUTCOME', id: first[0]!.id, outcome: 'accepted' });
  h.session.emit({ type: 'SESSION.FAILED', reason: 'routed-link-lost', detail: 'hub gone' });
  assert.equal(h.context().outbox.entries.map((e) => e.inFlight), [false, false]);
  h.session.commands.length = 0;
  h.toOnline();
  const again = h.session.sent('send').map((s) => s.message);
  assert.equal(again.map((m) => m.id), [first[1]!.id, first[2]!.id]);
  assert.equal(again[0]!.body, first[1]!.body);
  assert.is(h.context().outbox.stats.resent, 2);
  h.acceptAll();
  assert.is(h.context().outbox.entries.length, 0);
  assert.is(h.context().outbox.stats.accepted, 3);
});

test('a full outbox drops the OLDEST reading and counts it; nothing else is lost', () => {
  const h = harness();
  h.advance(250);
  h.session.emit({ type: 'SESSION.FAILED', reason: 'transport-refused', detail: 'ECONNREFUSED' });
  h.advance(60_000);
  h.session.emit({ type: 'SESSION.FAILED', reason: 'transport-refused', detail: 'ECONNREFUSED' });
  for (let i = 0; i < 34 && h.context().outbox.stats.enqueued < 34; i++) h.advance(5_000);
  const { outbox } = h.context();
  assert.is(outbox.capacity, 32, 'capacity from the board profile');
  assert.is(outbox.entries.length, 32);
  assert.is(outbox.stats.dropped, 2);
  assert.is(outbox.entries[0]!.seq, 3, 'seq 1 and 2 were the oldest');
  assert.is(outbox.entries[31]!.seq, 34);
});

test('a rejected message is dropped and counted (never resent); a released one is sent again', () => {
  const h = harness();
  h.toOnline();
  h.advance(5_000);
  h.advance(5_000);
  const [a, b] = h.session.sent('send').map((s) => s.message);
  h.session.emit({ type: 'SESSION.OUTCOME', id: a!.id, outcome: 'rejected', condition: 'amqp:decode-error' });
  h.session.emit({ type: 'SESSION.OUTCOME', id: b!.id, outcome: 'released' });
  const sends = h.session.sent('send').map((s) => s.message.id);
  assert.equal(sends, [a!.id, b!.id, b!.id]);
  assert.equal(h.context().outbox.stats.rejected, 1);
  assert.equal(h.context().outbox.stats.released, 1);
  assert.equal(h.context().outbox.entries.map((e) => e.id), [b!.id]);
});

test('a button press sends an alert at once, marked with the alert property', () => {
  const h = harness();
  h.toOnline();
  h.advance(1_000);
  h.board.button.press();
  const [alert] = h.session.sent('send').map((s) => s.message);
  assert.equal(alert!.properties, { enc: 'xtea-cbc-cts', alert: 'true' });
  assert.is(decode(alert!).alert, 'button');
  assert.is(decode(alert!).seq, 1);
  assert.is(h.context().stats.alerts, 1);
});

test('a button press while offline is kept and sent on reconnect', () => {
  const h = harness();
  h.board.button.press();
  assert.is(h.context().outbox.entries.length, 1);
  h.toOnline();
  assert.is(h.session.sent('send')[0]!.message.properties.alert, 'true');
});

test.run();
