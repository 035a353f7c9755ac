// Credit is mirrored, never invented by the gateway: the device gets exactly the hub's credit
// and the hub exactly the device's, drain included (qdrouterd.md §2.3, AMQP 1.0 §2.6.7).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Receiver, Sender, link as Link } from 'rhea';
import { harness, telemetrySender } from '../../helpers/gateway-harness.js';

const creditOf = (l: Link): number => (l as unknown as { credit: number }).credit;
const nextEvent = (l: Link, event: string): Promise<void> => new Promise((resolve) => l.once(event, () => resolve()));

test('GIVEN a hub that grants no credit WHEN it grants 3 THEN the device sender has exactly 3, and a 4th message waits', async () => {
  const h = await harness({ hub: { initialCredit: 0 } });
  try {
    const s = await telemetrySender(h);
    assert.is(creditOf(s), 0);
    const hubReceiver = (await h.hub.attaches.next()).link as Receiver;
    const flowed = nextEvent(s, 'sendable');
    hubReceiver.add_credit(3);
    await flowed;
    assert.is(creditOf(s), 3);
    for (let i = 0; i < 4; i++) s.send({ body: `m${i}` });
    for (let i = 0; i < 3; i++) (await h.hub.deliveries.next()).delivery.accept();
    assert.is(h.hub.deliveries.size, 0);
    const more = nextEvent(s, 'sender_flow');
    hubReceiver.add_credit(1);
    await more;
    const fourth = await h.hub.deliveries.next(3000, 'the 4th message after new credit');
    assert.is(fourth.message.body, 'm3');
  } finally {
    await h.close();
  }
});

test("WHEN the hub drains a device sender's credit THEN the device is asked to drain, and the hub gets its drained flow back", async () => {
  const h = await harness({ hub: { initialCredit: 0 } });
  try {
    const s = await telemetrySender(h);
    s.on('sender_draining', () => s.set_drained(true)); // nothing to send: give the credit back
    const hubReceiver = (await h.hub.attaches.next()).link as Receiver;
    hubReceiver.add_credit(5);
    await nextEvent(s, 'sendable');
    const drained = nextEvent(hubReceiver, 'receiver_drained');
    hubReceiver.drain_credit();
    await drained;
    assert.is(creditOf(hubReceiver), 0);
    assert.is(creditOf(s), 0);
  } finally {
    await h.close();
  }
});

test("a device receiver's credit reaches the hub unchanged, and its drain is relayed both ways", async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const r = await device.attachReceiver('devices/A/messages/devicebound', { credit_window: 0 });
    if (!r.ok) throw new Error(r.description);
    const hubSender: Sender = await h.hub.senderFor('devices/A/messages/devicebound');
    assert.is(creditOf(hubSender), 0);
    const flowed = nextEvent(hubSender, 'sendable');
    r.link.add_credit(7);
    await flowed;
    assert.is(creditOf(hubSender), 7);
    hubSender.on('sender_draining', () => hubSender.set_drained(true));
    const drained = nextEvent(r.link, 'receiver_drained');
    r.link.drain_credit();
    await drained;
    assert.is(creditOf(hubSender), 0);
    assert.is(creditOf(r.link), 0);
  } finally {
    await h.close();
  }
});

test("GIVEN a hub granting 5000 credits THEN the device is offered no more than rhea's session buffer holds (2048)", async () => {
  const h = await harness({ hub: { initialCredit: 5000 } });
  try {
    const s = await telemetrySender(h);
    if (creditOf(s) === 0) await nextEvent(s, 'sendable');
    assert.is(creditOf(s), 2048);
  } finally {
    await h.close();
  }
});

test.run();
