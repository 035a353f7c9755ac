// Detach and close travel end to end with their errors (qdrouterd.md §2.3, DISPATCH-581), and a
// routed link ends when the token that authorized it expires (DESIGN 5).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import type { link as Link } from 'rhea';
import { harness, telemetrySender } from '../../helpers/gateway-harness.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const errorOf = (l: Link): string | undefined => (l.error as { condition?: string } | undefined)?.condition;
const remoteClosed = (l: Link): boolean | undefined => (l as unknown as { remote: { detach?: { closed?: boolean } } }).remote.detach?.closed;

test("WHEN the hub closes a routed link with an error THEN the device's link is closed with the hub's error", async () => {
  const h = await harness();
  try {
    const s = await telemetrySender(h);
    const hubLink = (await h.hub.attaches.next()).link;
    const closed = once(s, 'sender_close');
    hubLink.close({ condition: 'amqp:resource-deleted', description: 'device A was deleted' });
    await closed;
    assert.is(errorOf(s), 'amqp:resource-deleted');
    assert.is(remoteClosed(s), true);
  } finally {
    await h.close();
  }
});

test("WHEN the device detaches without closing THEN the hub sees a detach (closed=false) on its half", async () => {
  const h = await harness();
  try {
    const s = await telemetrySender(h);
    const hubLink = (await h.hub.attaches.next()).link;
    hubLink.on('receiver_close', () => undefined);
    const detached = once(hubLink, 'receiver_close');
    s.detach();
    await detached;
    assert.is(remoteClosed(hubLink), false);
  } finally {
    await h.close();
  }
});

test('GIVEN a link authorized by a token WHEN the token expires THEN the link is detached with amqp:unauthorized-access and the hub half closed', async () => {
  const clock = new ManualClock();
  const h = await harness({ deps: { clock } });
  try {
    const device = await h.device('dev-A');
    await device.putToken('A', { expiresAt: Math.floor(clock.now() / 1000) + 60 });
    const s = await device.attachSender('devices/A/messages/events');
    if (!s.ok) throw new Error(s.description);
    const hubLink = (await h.hub.attaches.next()).link;
    const hubClosed = once(hubLink, 'receiver_close');
    const closed = once(s.link, 'sender_close');
    clock.advance(61_000);
    await closed;
    assert.is(errorOf(s.link), 'amqp:unauthorized-access');
    assert.match(String((s.link.error as { description?: string }).description), 'expired');
    await hubClosed;
    assert.ok(device.connection.is_open(), 'the device connection stays up');
  } finally {
    await h.close();
  }
});

test.run();
