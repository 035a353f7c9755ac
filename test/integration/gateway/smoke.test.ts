import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { harness } from '../../helpers/gateway-harness.js';

test('smoke: put-token then telemetry accepted end to end', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    assert.is(await device.putToken('A'), 200);
    const s = await device.attachSender('devices/A/messages/events');
    assert.ok(s.ok, s.ok ? '' : `${s.condition}: ${s.description}`);
    if (!s.ok) return;
    const accepted = new Promise((r) => s.link.once('accepted', r));
    s.link.send({ body: 'hello', message_id: 'm1' });
    const got = await h.hub.deliveries.next(3000, 'telemetry at the hub');
    assert.is(got.message.body, 'hello');
    got.delivery.accept();
    await accepted;
  } finally {
    await h.close();
  }
});

test.run();
