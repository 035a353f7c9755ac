// The gateway answers a device's put-token itself (DESIGN 4). The reply is sent pre-settled when
// the device's $cbs receiver allows it (snd-settle-mode mixed, the default): a device that never
// settles its replies then holds nothing at the gateway, where every unsettled reply would keep one
// slot of rhea's 2,048-delivery session buffer and enough token refreshes would stall the
// connection. A device that asks for unsettled replies gets them unsettled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { EventContext, Receiver } from 'rhea';
import { DEVICE_KEY, harness } from '../../helpers/gateway-harness.js';
import { createSasToken, encodeUriComponentStrict } from '../../../protocol/sas.js';

async function putTokenReply(receiverOptions: Record<string, unknown>): Promise<{ status: number; settled: boolean }> {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    const s = await device.attachSender('$cbs');
    const r = await device.attachReceiver('$cbs', { credit_window: 10, autoaccept: false, ...receiverOptions });
    if (!s.ok || !r.ok) throw new Error('the gateway refused $cbs');
    const reply = new Promise<{ status: number; settled: boolean }>((resolve) =>
      (r.link as Receiver).once('message', (c: EventContext) => resolve({
        status: Number((c.message!.application_properties as Record<string, unknown>)['status-code']),
        settled: c.delivery!.remote_settled,
      })));
    const audience = 'localhost/devices/A';
    const token = createSasToken({ audience, key: DEVICE_KEY, keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
    s.link.send({ message_id: 'p1', to: '$cbs', reply_to: 'cbs', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: encodeUriComponentStrict(audience) }, body: token });
    return await reply;
  } finally {
    await h.close();
  }
}

test('a device $cbs receiver in mixed mode (the default) gets its put-token reply pre-settled', async () => {
  assert.equal(await putTokenReply({}), { status: 200, settled: true });
});

test('a device $cbs receiver that asks for unsettled deliveries gets its reply unsettled', async () => {
  assert.equal(await putTokenReply({ snd_settle_mode: 0 }), { status: 200, settled: false });
});

test.run();
