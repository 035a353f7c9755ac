// Outcomes and settlement are mirrored end to end, in both directions (qdrouterd.md §2.3); the
// device's delivery stays unsettled until the hub settles (node-stack-notes.md, patched rhea).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Delivery, Receiver, Sender } from 'rhea';
import { harness, telemetrySender } from '../../helpers/gateway-harness.js';
import { AsyncQueue } from '../../helpers/async-queue.js';

/** Every settled outcome the device sees, in order, by message-id. */
function outcomesOf(sender: Sender): AsyncQueue<{ id: string; outcome: string; state: unknown }> {
  const q = new AsyncQueue<{ id: string; outcome: string; state: unknown }>();
  const ids = new WeakMap<Delivery, string>();
  const send = sender.send.bind(sender);
  sender.send = ((m: { message_id: string }, tag?: Buffer) => {
    const d = send(m as never, tag);
    ids.set(d, m.message_id);
    return d;
  }) as Sender['send'];
  for (const outcome of ['accepted', 'rejected', 'released', 'modified']) {
    sender.on(outcome, (c) => q.push({ id: ids.get(c.delivery!)!, outcome, state: c.delivery!.remote_state }));
  }
  return q;
}

test('GIVEN three telemetry messages WHEN the hub settles reject, accept, accept in one tick THEN the device sees rejected (with its error), accepted, accepted', async () => {
  const h = await harness();
  try {
    const sender = await telemetrySender(h, { treat_modified_as_released: false });
    const outcomes = outcomesOf(sender);
    for (const id of ['m1', 'm2', 'm3']) sender.send({ body: id, message_id: id });
    const [a, b, c] = [await h.hub.deliveries.next(), await h.hub.deliveries.next(), await h.hub.deliveries.next()];
    let settledAtDevice = false;
    sender.once('settled', () => (settledAtDevice = true));
    assert.is(settledAtDevice, false, 'the device delivery stays unsettled while the hub has not settled');
    a!.delivery.reject({ condition: 'amqp:invalid-field', description: 'bad payload' });
    b!.delivery.accept();
    c!.delivery.accept();
    const seen = [await outcomes.next(), await outcomes.next(), await outcomes.next()];
    assert.equal(seen.map((o) => `${o.id}:${o.outcome}`), ['m1:rejected', 'm2:accepted', 'm3:accepted']);
    const error = (seen[0]!.state as { error?: { condition: string; description: string } }).error;
    assert.equal({ condition: error?.condition, description: error?.description }, { condition: 'amqp:invalid-field', description: 'bad payload' });
  } finally {
    await h.close();
  }
});

test('WHEN the hub releases one message and modifies another THEN the device sees released and modified (delivery-failed, undeliverable-here)', async () => {
  const h = await harness();
  try {
    const sender = await telemetrySender(h, { treat_modified_as_released: false });
    const outcomes = outcomesOf(sender);
    sender.send({ body: 'r', message_id: 'r' });
    sender.send({ body: 'm', message_id: 'm' });
    const [r, m] = [await h.hub.deliveries.next(), await h.hub.deliveries.next()];
    r!.delivery.release();
    m!.delivery.modified({ delivery_failed: true, undeliverable_here: true });
    const seen = [await outcomes.next(), await outcomes.next()];
    assert.equal(seen.map((o) => `${o.id}:${o.outcome}`), ['r:released', 'm:modified']);
    const state = seen[1]!.state as { delivery_failed?: boolean; undeliverable_here?: boolean };
    assert.equal([state.delivery_failed, state.undeliverable_here], [true, true]);
  } finally {
    await h.close();
  }
});

test('a pre-settled telemetry message reaches the hub pre-settled', async () => {
  const h = await harness();
  try {
    const s = await telemetrySender(h, { snd_settle_mode: 1 });
    s.send({ body: 'fire and forget', message_id: 'p1' });
    const got = await h.hub.deliveries.next();
    assert.is(got.delivery.remote_settled, true);
    assert.is(got.message.body, 'fire and forget');
  } finally {
    await h.close();
  }
});

test("GIVEN commands from the hub WHEN the device accepts, rejects and releases them THEN the hub sees each outcome", async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const r = await device.attachReceiver('devices/A/messages/devicebound', { credit_window: 10, autoaccept: false });
    if (!r.ok) throw new Error(r.description);
    const hubSender = await h.hub.senderFor('devices/A/messages/devicebound');
    const atHub = new AsyncQueue<string>();
    for (const outcome of ['accepted', 'rejected', 'released']) hubSender.on(outcome, (c) => atHub.push(`${c.delivery!.tag}:${outcome}`));
    (r.link as Receiver).on('message', (c) => {
      const body = String(c.message!.body);
      if (body === 'a') c.delivery!.accept();
      else if (body === 'b') c.delivery!.reject({ condition: 'amqp:not-allowed', description: 'no' });
      else c.delivery!.release();
    });
    hubSender.send({ body: 'a' }, Buffer.from('t1'));
    hubSender.send({ body: 'b' }, Buffer.from('t2'));
    hubSender.send({ body: 'c' }, Buffer.from('t3'));
    const seen = [await atHub.next(), await atHub.next(), await atHub.next()];
    assert.equal(seen, ['t1:accepted', 't2:rejected', 't3:released']);
  } finally {
    await h.close();
  }
});

test.run();
