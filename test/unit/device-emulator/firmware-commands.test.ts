// Commands on the devicebound link: executed on the board and accepted, rejected when they cannot
// be decrypted, parsed or are unknown, released while busy (rebooting); clean shutdown.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seal } from '../../../protocol/envelope.js';
import { ENVELOPE, harness } from './harness.js';

const IV = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const sealed = (json: unknown) => seal('xtea-cbc-cts', ENVELOPE.key, new TextEncoder().encode(JSON.stringify(json)), IV);

function online() {
  const h = harness();
  h.toOnline();
  return h;
}

test('{"cmd":"led","value":"on"} turns the LED on and is settled accepted with the next credit', () => {
  const h = online();
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 1, body: sealed({ cmd: 'led', value: 'on' }), enc: 'xtea-cbc-cts' });
  assert.is(h.board.led.mode, 'on');
  assert.equal(h.session.sent('settle'), [{ type: 'settle', deliveryId: 1, outcome: 'accepted', credit: true }]);
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 2, body: sealed({ cmd: 'led', value: 'blink' }) });
  assert.is(h.board.led.mode, 'blink', 'no enc property: the default envelope');
  assert.is(h.context().stats.commands.accepted, 2);
});

test('{"cmd":"interval"} changes the sampling interval from now on', () => {
  const h = online();
  h.advance(2_000);
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 1, body: sealed({ cmd: 'interval', seconds: 1 }) });
  assert.is(h.context().intervalMs, 1_000);
  h.advance(1_000);
  assert.is(h.session.sent('send').length, 1);
  h.advance(1_000);
  assert.is(h.session.sent('send').length, 2);
  assert.is(h.session.sent('settle')[0]!.outcome, 'accepted');
});

for (const [what, body, enc] of [
  ['a body that is not the envelope (too short)', Uint8Array.from([1, 2, 3]), undefined],
  ['a body sealed with another key (garbage JSON)', seal('xtea-cbc-cts', new Uint8Array(16).fill(9), new TextEncoder().encode('{"cmd":"led","value":"on"}'), IV), undefined],
  ['an unknown envelope name', sealed({ cmd: 'led', value: 'on' }), 'rot13'],
  ['an unknown command', sealed({ cmd: 'selfdestruct' }), undefined],
  ['a bad LED value', sealed({ cmd: 'led', value: 'purple' }), undefined],
  ['an interval of zero seconds', sealed({ cmd: 'interval', seconds: 0 }), undefined],
] as const) {
  test(`${what} is settled rejected and changes nothing`, () => {
    const h = online();
    h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 7, body, ...(enc ? { enc } : {}) });
    assert.equal(h.session.sent('settle'), [{ type: 'settle', deliveryId: 7, outcome: 'rejected', credit: true }]);
    assert.is(h.board.led.mode, 'off');
    assert.is(h.context().intervalMs, 5_000);
    assert.is(h.context().stats.commands.rejected, 1);
    assert.is(h.phase(), 'online');
  });
}

test('reboot is accepted, commands during the reboot are released without new credit, then the board boots again', () => {
  const h = online();
  h.advance(5_000);
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 1, body: sealed({ cmd: 'led', value: 'on' }) });
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 2, body: sealed({ cmd: 'reboot' }) });
  assert.is(h.phase(), 'rebooting');
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 3, body: sealed({ cmd: 'led', value: 'off' }) });
  assert.equal(h.session.sent('settle').map((s) => [s.deliveryId, s.outcome, s.credit]), [
    [1, 'accepted', true],
    [2, 'accepted', true],
    [3, 'released', false],
  ]);
  h.advance(2_000);
  assert.is(h.phase(), 'boot');
  assert.is(h.session.stops, 1);
  assert.is(h.board.led.mode, 'off', 'a reboot resets the LED');
  assert.is(h.context().boot, 2);
  assert.is(h.context().seq, 0, 'seq restarts per boot');
  assert.is(h.context().outbox.entries.length, 1, 'the unsettled reading survives the reboot');
  h.toOnline();
  h.advance(5_000);
  assert.equal(h.session.sent('send').map((s) => s.message.id), ['dev1:1:1', 'dev1:1:1', 'dev1:2:1']);
});

test('a command arriving before the board is online is released', () => {
  const h = harness();
  h.advance(250);
  h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' });
  h.session.emit({ type: 'SESSION.COMMAND', deliveryId: 4, body: sealed({ cmd: 'led', value: 'on' }) });
  assert.equal(h.session.sent('settle'), [{ type: 'settle', deliveryId: 4, outcome: 'released', credit: false }]);
  assert.is(h.board.led.mode, 'off');
});

test('shutdown while online closes the session cleanly and stops', () => {
  const h = online();
  h.actor.send({ type: 'SHUTDOWN' });
  assert.is(h.phase(), 'closing');
  assert.is(h.session.sent('close').length, 1);
  h.session.emit({ type: 'SESSION.CLOSED' });
  assert.is(h.phase(), 'stopped');
  assert.is(h.actor.getSnapshot().status, 'done');
  assert.is(h.session.stops, 1);
});

test('shutdown stops even when the peer never answers the close, and at once from backoff', () => {
  const h = online();
  h.actor.send({ type: 'SHUTDOWN' });
  h.advance(3_000);
  assert.is(h.phase(), 'stopped');
  const g = harness();
  g.advance(250);
  g.session.emit({ type: 'SESSION.FAILED', reason: 'transport-refused', detail: 'x' });
  g.actor.send({ type: 'SHUTDOWN' });
  assert.is(g.phase(), 'stopped');
});

test.run();
