// An aborted transfer (AMQP 1.0 §2.7.5) is dropped at the gateway: nothing reaches the hub, the
// link stays up, and the next message passes. rhea clients cannot abort, so the device writes the
// two transfer frames by hand through rhea's frame encoder.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import type { Sender } from 'rhea';
import { harness, telemetrySender } from '../../helpers/gateway-harness.js';

const frames = createRequire(import.meta.url)('rhea/lib/frames.js') as { transfer(fields: object): unknown };

/** Sends the first half of a delivery (more=true), then a transfer with aborted=true. */
function sendAborted(sender: Sender, tag: string, firstHalf: Buffer): void {
  const link = sender as unknown as { local: { handle: number }; session: { outgoing: { next_delivery_id: number; next_pending_delivery: number; next_transfer_id: number }; output(frame: unknown, payload?: Buffer): void } };
  const outgoing = link.session.outgoing;
  const id = outgoing.next_delivery_id++;
  outgoing.next_pending_delivery++; // rhea's queue never held this delivery
  link.session.output(frames.transfer({ handle: link.local.handle, delivery_id: id, delivery_tag: Buffer.from(tag), message_format: 0, more: true }), firstHalf);
  link.session.output(frames.transfer({ handle: link.local.handle, more: false, aborted: true }));
  outgoing.next_transfer_id += 2;
}

test('GIVEN a device that aborts a multi-frame transfer THEN the hub receives nothing of it, the link stays up and the next message passes', async () => {
  const h = await harness();
  try {
    const s = await telemetrySender(h);
    sendAborted(s, 'aborted-1', Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x10, 1, 2, 3]));
    s.send({ body: 'after the abort', message_id: 'm2' });
    const first = await h.hub.deliveries.next(3000, 'the message after the aborted one');
    assert.is(first.message.body, 'after the abort');
    const routed = [...[...h.gateway.connections][0]!.links][0]!;
    assert.is(routed.counts?.aborted, 1);
    assert.is(routed.counts?.delivered, 1);
    assert.ok(s.is_open());
  } finally {
    await h.close();
  }
});

test.run();
