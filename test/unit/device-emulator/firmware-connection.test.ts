// The connection lifecycle of the firmware machine: boot -> link up -> connecting -> cbs ->
// attaching -> online, every failure into `backoff`, token renewal. SimulatedClock + fake session.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSasToken, verifySasToken } from '../../../protocol/sas.js';
import type { FailureReason } from '../../../device-emulator/session.js';
import { DEVICE_KEY, harness } from './harness.js';

test('a board boots, then walks link-up, connecting, cbs, attaching and reaches online', () => {
  const h = harness();
  assert.is(h.phase(), 'boot');
  assert.is(h.session.starts, 0);
  h.advance(249);
  assert.is(h.phase(), 'boot');
  h.advance(1);
  assert.is(h.phase(), 'link-up');
  assert.is(h.session.starts, 1);
  assert.equal(h.session.input?.deviceId, 'dev1');
  assert.is(h.session.input?.maxFrameSize, 2048);
  h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' });
  assert.is(h.phase(), 'connecting');
  h.session.emit({ type: 'SESSION.OPENED' });
  assert.is(h.phase(), 'cbs');
  assert.is(h.session.sent('put-token').length, 1);
  h.session.emit({ type: 'SESSION.CBS', status: 200, description: 'OK' });
  assert.is(h.phase(), 'attaching');
  assert.is(h.session.sent('attach').length, 1);
  h.session.emit({ type: 'SESSION.ATTACHED' });
  assert.is(h.phase(), 'online');
});

test('the put-token carries a device SAS token signed with the device key, valid for one hour', () => {
  const h = harness();
  h.advance(1_000_000);
  h.toOnline();
  const [put] = h.session.sent('put-token');
  assert.is(put!.audience, 'myhub.azure-devices.net/devices/dev1');
  const token = parseSasToken(put!.token);
  const now = Math.floor(h.clock.now() / 1000);
  verifySasToken(token, DEVICE_KEY, 'iothub', now);
  assert.is(token.se, now + 3600);
  assert.is(h.context().tokenExpiresAt, now + 3600);
});

const FAILURES: [string, () => ReturnType<typeof harness>, FailureReason][] = [
  ['a refused transport (ECONNREFUSED) in link-up', () => harness(), 'transport-refused'],
  ['a refused AMQP connection in connecting', () => harness(), 'connection-refused'],
  ['a refused link in attaching', () => harness(), 'link-refused'],
  ['qd:routed-link-lost while online', () => harness(), 'routed-link-lost'],
  ['an idle time-out while online', () => harness(), 'idle-timeout'],
  ['a closed transport while online', () => harness(), 'transport-closed'],
];
const AT: Record<string, (h: ReturnType<typeof harness>) => void> = {
  'transport-refused': (h) => h.advance(250),
  'connection-refused': (h) => {
    h.advance(250);
    h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' });
  },
  'link-refused': (h) => {
    h.advance(250);
    h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' });
    h.session.emit({ type: 'SESSION.OPENED' });
    h.session.emit({ type: 'SESSION.CBS', status: 200, description: 'OK' });
  },
  'routed-link-lost': (h) => h.toOnline(),
  'idle-timeout': (h) => h.toOnline(),
  'transport-closed': (h) => h.toOnline(),
};
for (const [name, make, reason] of FAILURES) {
  test(`${name} sends the board to backoff with reason ${reason}, then it reconnects`, () => {
    const h = make();
    AT[reason]!(h);
    const before = h.phase();
    h.session.emit({ type: 'SESSION.FAILED', reason, detail: 'test' });
    assert.is(h.phase(), 'backoff', `from ${before}`);
    assert.equal(h.context().lastFailure, { reason, detail: 'test' });
    assert.is(h.session.stops, 1, 'the session actor is stopped (connection dropped)');
    assert.is(h.context().stats.reconnects, 1);
    h.advance(h.context().backoffMs);
    assert.is(h.phase(), 'link-up');
    assert.is(h.session.starts, 2);
  });
}

test('CBS answering 401 sends the board to backoff as unauthorized', () => {
  const h = harness();
  h.advance(250);
  h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' });
  h.session.emit({ type: 'SESSION.OPENED' });
  h.session.emit({ type: 'SESSION.CBS', status: 401, description: 'Unauthorized' });
  assert.is(h.phase(), 'backoff');
  assert.equal(h.context().lastFailure, { reason: 'unauthorized', detail: 'CBS put-token answered 401 Unauthorized' });
  assert.is(h.session.sent('attach').length, 0, 'no link is attached without a token');
});

for (const [step, reach] of [
  ['link up', (h: ReturnType<typeof harness>) => h.advance(250)],
  ['AMQP open', (h: ReturnType<typeof harness>) => (h.advance(250), h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' }))],
  ['CBS put-token', (h: ReturnType<typeof harness>) => (h.advance(250), h.session.emit({ type: 'SESSION.LINK_UP', via: 'fake' }), h.session.emit({ type: 'SESSION.OPENED' }))],
] as const) {
  test(`no answer to ${step} within the step time-out is a timeout failure`, () => {
    const h = harness();
    reach(h);
    const phase = h.phase();
    h.advance(29_999);
    assert.is(h.phase(), phase);
    h.advance(1);
    assert.is(h.phase(), 'backoff');
    assert.is(h.context().lastFailure?.reason, 'timeout');
    assert.match(h.context().lastFailure!.detail, step);
  });
}

test('backoff grows exponentially with jitter from the injected random, and resets once online', () => {
  const h = harness({ timing: { backoff: { baseMs: 1000, maxMs: 8000 } } });
  h.advance(250);
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    h.session.emit({ type: 'SESSION.FAILED', reason: 'transport-refused', detail: 'ECONNREFUSED' });
    delays.push(h.context().backoffMs);
    h.advance(h.context().backoffMs - 1);
    assert.is(h.phase(), 'backoff');
    h.advance(1);
    assert.is(h.phase(), 'link-up');
  }
  // random() = 0.5 in the harness: d/2 + 0.5 * d/2 = 0.75 d, d = 1, 2, 4, 8, 8 s
  assert.equal(delays, [750, 1500, 3000, 6000, 6000]);
  h.toOnline();
  assert.is(h.context().attempt, 0);
  h.session.emit({ type: 'SESSION.FAILED', reason: 'transport-closed', detail: 'EOF' });
  assert.is(h.context().backoffMs, 750);
});

test('the token is renewed on the existing session at 45 minutes, before the hour runs out', () => {
  const h = harness();
  h.toOnline();
  const first = h.context().tokenExpiresAt!;
  h.advance(45 * 60_000 - 1);
  assert.is(h.phase(), 'online');
  h.advance(1);
  assert.is(h.phase(), 'renewing');
  const puts = h.session.sent('put-token');
  assert.is(puts.length, 2);
  assert.ok(parseSasToken(puts[1]!.token).se < first + 3600 && parseSasToken(puts[1]!.token).se > first);
  h.acceptAll();
  h.session.emit({ type: 'SESSION.CBS', status: 200, description: 'OK' });
  assert.is(h.phase(), 'online');
  assert.is(h.context().tokenExpiresAt, first + 45 * 60);
  assert.is(h.session.starts, 1, 'no reconnect for a renewal');
  assert.is(h.context().stats.tokens, 2);
});

test('a renewal the hub refuses, or does not answer, ends the session in backoff', () => {
  const h = harness();
  h.toOnline();
  h.advance(45 * 60_000);
  h.session.emit({ type: 'SESSION.CBS', status: 401, description: 'expired key' });
  assert.is(h.phase(), 'backoff');
  assert.is(h.context().lastFailure?.reason, 'unauthorized');
  const g = harness();
  g.toOnline();
  g.advance(45 * 60_000); // SimulatedClock schedules timers set while it fires from the new time: two steps
  g.advance(30_000);
  assert.is(g.phase(), 'backoff');
  assert.is(g.context().lastFailure?.reason, 'timeout');
});

test.run();
