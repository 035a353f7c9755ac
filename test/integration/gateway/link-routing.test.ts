// Link routing end to end through the gateway (reference/qdrouterd.md §2.2-§2.4, DESIGN 1-2).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Receiver } from 'rhea';
import { harness, type AttachResult } from '../../helpers/gateway-harness.js';

const why = (r: AttachResult<unknown>): string => (r.ok ? 'attached' : `${r.condition}: ${r.description}`);

test("GIVEN a hub that holds attaches WHEN a device attaches THEN the device's attach is answered only after the hub answers, with the hub's terminus", async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    h.hub.holdAttaches = true;
    let answered = false;
    const pending = device.attachSender('devices/A/messages/events', { properties: { 'com.microsoft:client-version': 'test/1' } });
    void pending.then(() => (answered = true));
    const seen = await h.hub.attaches.next(3000, 'the routed attach at the hub');
    assert.is(seen.name.endsWith('@dev-A'), true, 'upstream link name is <name>@<container-id>');
    assert.equal(seen.link.properties, { 'com.microsoft:client-version': 'test/1' });
    await new Promise((r) => setTimeout(r, 50)); // the hub is silent: nothing may answer the device
    assert.is(answered, false);
    h.hub.release();
    const result = await pending;
    assert.ok(result.ok, why(result));
    if (result.ok) assert.is(result.link.target.address, 'devices/A/messages/events');
  } finally {
    await h.close();
  }
});

test("a device receiver's source filter, desired capabilities and settle modes reach the hub, and the hub's offered capabilities reach the device", async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const filter = { 'apache.org:selector-filter:string': 'led = 1' };
    const pending = device.attachReceiver('devices/A/messages/devicebound', { source: { address: 'devices/A/messages/devicebound', filter }, desired_capabilities: ['com.microsoft:feature-x'], rcv_settle_mode: 0, snd_settle_mode: 2 });
    const seen = await h.hub.attaches.next();
    assert.equal(seen.link.source.filter, filter);
    assert.equal(seen.link.desired_capabilities, ['com.microsoft:feature-x']);
    assert.is(seen.link.snd_settle_mode, 2);
    const result = await pending;
    assert.ok(result.ok, why(result));
    if (result.ok) {
      assert.equal(result.link.source.filter, filter, 'the hub echoes the filter and the device gets it back');
      assert.equal(result.link.offered_capabilities, ['com.microsoft:feature-x']);
    }
  } finally {
    await h.close();
  }
});

test("WHEN the hub refuses an attach THEN the device gets the hub's own error", async () => {
  const h = await harness();
  try {
    h.hub.refusals.set('devices/A/messages/events', { condition: 'amqp:not-found', description: 'device A is not registered' });
    const device = await h.device('dev-A');
    await device.putToken('A');
    const result = await device.attachSender('devices/A/messages/events');
    assert.equal(result, { ok: false, condition: 'amqp:not-found', description: 'device A is not registered' });
  } finally {
    await h.close();
  }
});

test('WHEN an address matches no link route THEN the attach is refused at once with qd:no-route-to-dest', async () => {
  const h = await harness();
  try {
    const device = await h.device();
    const result = await device.attachSender('nowhere/at/all');
    assert.is(result.ok, false);
    if (!result.ok) {
      assert.is(result.condition, 'qd:no-route-to-dest');
      assert.match(result.description, 'nowhere/at/all');
    }
  } finally {
    await h.close();
  }
});

test('WHEN the connector is down THEN attaches are refused at once with qd:no-route-to-dest naming the connector', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    await h.hub.kill();
    await h.gateway.connectors.get('HUB')!.until(false);
    const result = await device.attachSender('devices/A/messages/events');
    assert.is(result.ok, false);
    if (!result.ok) {
      assert.is(result.condition, 'qd:no-route-to-dest');
      assert.match(result.description, 'HUB');
    }
  } finally {
    await h.close();
  }
});

test('a pattern route (devices/*/#) carries a command from the hub to a device receiver, tag and bytes unchanged', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const r = await device.attachReceiver('devices/A/messages/devicebound', { credit_window: 5 });
    assert.ok(r.ok, why(r));
    const hubSender = await h.hub.senderFor('devices/A/messages/devicebound');
    const got = new Promise<{ body: unknown; tag: unknown; props: unknown }>((resolve) =>
      (r as { link: Receiver }).link.once('message', (c) => resolve({ body: c.message!.body, tag: c.delivery!.tag, props: c.message!.application_properties })));
    hubSender.send({ body: Buffer.from('cmd-1'), message_id: 'c1', application_properties: { led: 'on' } }, Buffer.from('hub-tag-7'));
    const m = await got;
    assert.equal(m.props, { led: 'on' });
    assert.is(Buffer.from(m.tag as Buffer).toString(), 'hub-tag-7');
    assert.is(m.body && (m.body as { content?: Buffer }).content ? (m.body as { content: Buffer }).content.toString() : String(m.body), 'cmd-1');
  } finally {
    await h.close();
  }
});

test('a 200 KB telemetry message crosses in many frames with its tag, and its bytes arrive intact', async () => {
  const h = await harness();
  try {
    const device = await h.device('dev-A');
    await device.putToken('A');
    const s = await device.attachSender('devices/A/messages/events');
    assert.ok(s.ok, why(s));
    if (!s.ok) return;
    const body = Buffer.alloc(200 * 1024, 0).map((_, i) => (i * 7) % 251);
    s.link.send({ body, message_id: 'big' }, Buffer.from('big-tag'));
    const got = await h.hub.deliveries.next(5000, 'the 200 KB message');
    const content = (got.message.body as { content?: Buffer }).content ?? got.message.body;
    assert.ok(Buffer.compare(Buffer.from(content as Buffer), body) === 0, 'body bytes differ');
    assert.is(Buffer.from(got.delivery.tag as Buffer).toString(), 'big-tag');
    got.delivery.accept();
  } finally {
    await h.close();
  }
});

test.run();
