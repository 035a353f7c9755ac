// The hub's connection is lost mid-stream (qdrouterd.md §2.5): every routed link is detached with
// qd:routed-link-lost, deliveries in doubt are failed back (modified, delivery-failed), the device
// connection stays up; after the pool reconnects, the device re-attaches (its token is replayed).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sender } from 'rhea';
import { harness } from '../../helpers/gateway-harness.js';
import { AsyncQueue } from '../../helpers/async-queue.js';

test('GIVEN telemetry in flight WHEN the hub is killed THEN the device link is detached with qd:routed-link-lost, in-doubt deliveries come back modified, and the device connection stays up', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const s = await device.attachSender('devices/A/messages/events', { treat_modified_as_released: false });
    const r = await device.attachReceiver('devices/A/messages/devicebound');
    if (!s.ok || !r.ok) throw new Error('attach refused');
    const failed = new AsyncQueue<boolean>();
    s.link.on('modified', (c) => failed.push(Boolean((c.delivery!.remote_state as { delivery_failed?: boolean }).delivery_failed)));
    const detached = new AsyncQueue<string>();
    s.link.on('sender_close', () => detached.push(`sender:${s.link.error ? (s.link.error as { condition: string }).condition : ''}`));
    r.link.on('receiver_close', () => detached.push(`receiver:${r.link.error ? (r.link.error as { condition: string }).condition : ''}`));
    s.link.send({ body: 'in doubt 1' });
    s.link.send({ body: 'in doubt 2' });
    await h.hub.deliveries.next();
    await h.hub.deliveries.next();
    await h.hub.kill();
    assert.equal([await failed.next(), await failed.next()], [true, true]);
    assert.equal([await detached.next(), await detached.next()].sort(), ['receiver:qd:routed-link-lost', 'sender:qd:routed-link-lost']);
    assert.ok(device.connection.is_open(), 'the device connection stays up');
  } finally {
    await h.close();
  }
});

test('WHEN the hub comes back THEN the device re-attaches on the same connection without a new put-token, and telemetry flows again', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const first = await device.attachSender('devices/A/messages/events');
    if (!first.ok) throw new Error(first.description);
    const lost = new Promise((resolve) => first.link.once('sender_close', resolve));
    await h.hub.kill();
    await lost;
    const tokensBefore = h.hub.putTokens.length;
    await h.hub.restart();
    assert.ok(await h.gateway.upstreamReady(5000), 'the connector reconnects');
    const again = await device.attachSender('devices/A/messages/events');
    assert.ok(again.ok, again.ok ? '' : `${again.condition}: ${again.description}`);
    assert.is(h.hub.putTokens.length, tokensBefore + 1, 'the gateway replayed the token on the new upstream connection');
    const accepted = new Promise((resolve) => (again as { link: Sender }).link.once('accepted', resolve));
    (again as { link: Sender }).link.send({ body: 'after reconnect' });
    (await h.hub.deliveries.next()).delivery.accept();
    await accepted;
  } finally {
    await h.close();
  }
});

test("WHEN a device's connection drops with commands in doubt THEN the hub's half is detached with qd:routed-link-lost and the commands come back modified (delivery-failed)", async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const r = await device.attachReceiver('devices/A/messages/devicebound', { credit_window: 5, autoaccept: false });
    if (!r.ok) throw new Error(r.description);
    const hubSender = await h.hub.senderFor('devices/A/messages/devicebound');
    const outcomes = new AsyncQueue<string>();
    hubSender.on('modified', (c) => outcomes.push(`modified:${(c.delivery!.remote_state as { delivery_failed?: boolean }).delivery_failed}`));
    const detached = new Promise<string>((resolve) => hubSender.on('sender_close', () => resolve(String((hubSender.error as { condition?: string } | undefined)?.condition))));
    const delivered = new Promise((resolve) => r.link.once('message', resolve));
    hubSender.send({ body: 'in doubt' });
    await delivered;
    (device.connection as unknown as { socket: { destroy(): void } }).socket.destroy();
    assert.is(await outcomes.next(), 'modified:true');
    assert.is(await detached, 'qd:routed-link-lost');
  } finally {
    await h.close();
  }
});

test.run();
