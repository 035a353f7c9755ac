// The lean data path (gateway/router/rhea/lean.ts, gateway/decisions/0005): whole single-frame
// deliveries bypass rhea's per-delivery machinery while rhea keeps the session. These tests push
// more deliveries through one session than rhea's 2,048-slot delivery buffers hold (so a lean
// delivery that were never released would stall the link), and mix lean and rhea-path deliveries
// (multi-frame messages) on one link, in both directions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Delivery, EventContext, Receiver, Sender } from 'rhea';
import { harness, telemetrySender } from '../../helpers/gateway-harness.js';

/** Sends `bodies` as fast as credit and the session allow; resolves with each delivery's outcome, in send order. */
function sendAll(sender: Sender, bodies: Buffer[]): Promise<string[]> {
  const outcomes: string[] = new Array(bodies.length);
  const index = new Map<Delivery, number>();
  let next = 0;
  let settled = 0;
  return new Promise((resolve) => {
    for (const outcome of ['accepted', 'rejected', 'released', 'modified']) {
      sender.on(outcome, (c: EventContext) => {
        outcomes[index.get(c.delivery!)!] = outcome;
        if (++settled === bodies.length) resolve(outcomes);
      });
    }
    const pump = (): void => {
      while (next < bodies.length && sender.sendable()) {
        index.set(sender.send({ body: bodies[next]!, message_id: `m${next}` }, Buffer.from(`t${next}`)), next);
        next++;
      }
    };
    sender.on('sendable', pump);
    pump();
  });
}

test("GIVEN 5,000 telemetry messages on one link (more than rhea's 2,048-delivery session buffer) WHEN the hub accepts each THEN the device sees 5,000 accepted", async () => {
  const h = await harness({ hub: { autoAccept: true } });
  try {
    const s = await telemetrySender(h);
    const outcomes = await sendAll(s, Array.from({ length: 5000 }, (_, i) => Buffer.from(`reading ${i}`)));
    assert.is(outcomes.filter((o) => o === 'accepted').length, 5000);
    assert.is(h.gateway.view.stats.deliveries.accepted, 5000, 'the gateway counted every outcome');
  } finally {
    await h.close();
  }
});

test('small and 200 KB messages interleaved on one link reach the hub in order with their tags, and each outcome reaches its own delivery', async () => {
  const h = await harness();
  try {
    const s = await telemetrySender(h);
    const big = Buffer.alloc(200 * 1024, 0x61);
    const bodies = Array.from({ length: 12 }, (_, i) => (i % 4 === 1 ? big : Buffer.from(`small ${i}`)));
    const outcomes = sendAll(s, bodies);
    const tags: string[] = [];
    for (let i = 0; i < bodies.length; i++) {
      const got = await h.hub.deliveries.next(5000, `message ${i}`);
      tags.push(Buffer.from(got.delivery.tag as Buffer).toString());
      const content = (got.message.body as { content?: Buffer }).content ?? (got.message.body as Buffer);
      assert.is(Buffer.compare(Buffer.from(content), bodies[i]!), 0, `body of message ${i}`);
      if (i % 3 === 0) got.delivery.reject({ condition: 'amqp:invalid-field', description: `no ${i}` });
      else got.delivery.accept();
      got.receiver.add_credit(1);
    }
    assert.equal(tags, bodies.map((_, i) => `t${i}`));
    assert.equal(await outcomes, bodies.map((_, i) => (i % 3 === 0 ? 'rejected' : 'accepted')));
  } finally {
    await h.close();
  }
});

test('GIVEN 3,000 commands from the hub on one link WHEN the device accepts each THEN the hub sees 3,000 accepted, tags in order', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const r = await device.attachReceiver('devices/A/messages/devicebound', { credit_window: 300, autoaccept: true });
    if (!r.ok) throw new Error(r.description);
    const tags: string[] = [];
    (r.link as Receiver).on('message', (c: EventContext) => void tags.push(Buffer.from(c.delivery!.tag as Buffer).toString()));
    const hubSender = await h.hub.senderFor('devices/A/messages/devicebound');
    const outcomes = await sendAll(hubSender, Array.from({ length: 3000 }, (_, i) => Buffer.from(`command ${i}`)));
    assert.is(outcomes.filter((o) => o === 'accepted').length, 3000);
    assert.equal(tags, Array.from({ length: 3000 }, (_, i) => `t${i}`));
  } finally {
    await h.close();
  }
});

test.run();
