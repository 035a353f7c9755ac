// hub.devices(): which registered devices are connected now, and how (hub/presence.ts), over raw
// rhea clients: one device on its own connection is "direct"; devices multiplexed on one
// connection, or a connection whose open says product=fogbridge-gateway, are "through the
// gateway"; a device whose links are gone is offline again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import rhea, { type Connection, type EventContext } from 'rhea';
import { createSasToken } from '../../../protocol/sas.js';
import { cbsClient, next, rawClient, startTestHub, type TestHub } from './helpers.js';

let t: TestHub;
test.before(async () => {
  t = await startTestHub({ tokenSweepMs: 50 });
});
test.after(async () => {
  await t.stop();
});

const state = (id: string) => t.hub.devices().find((d) => d.deviceId === id)!;

async function attachTelemetry(c: Connection, id: string) {
  const device = t.hub.registry.device(id) ?? t.hub.registry.addDevice(id);
  const token = createSasToken({ audience: `localhost/devices/${id}`, key: device.primaryKey, keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600 });
  assert.is((await (await cbsClient(c)).put(token, `localhost/devices/${id}`)).status, 200);
  const sender = c.open_sender({ target: { address: `/devices/${id}/messages/events` } });
  await next(sender, 'sendable');
  return sender;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('a device alone on its connection is direct, with its peer address; offline once its link is gone', async () => {
  const c = await rawClient(t.hub);
  try {
    t.hub.registry.addDevice('solo');
    assert.equal(state('solo'), { deviceId: 'solo', status: 'enabled', via: undefined, links: 0 });
    const sender = await attachTelemetry(c, 'solo');
    const s = state('solo');
    assert.equal([s.via, s.links, typeof s.connectedSince], ['direct', 1, 'number']);
    assert.match(s.remote!, /^(::ffff:)?127\.0\.0\.1:\d+$/);
    sender.close();
    await next(sender, 'sender_close');
    assert.is(state('solo').via, undefined);
  } finally {
    c.close();
  }
});

test('two devices on one connection are both through the gateway', async () => {
  const c = await rawClient(t.hub);
  try {
    await attachTelemetry(c, 'mux-a');
    assert.is(state('mux-a').via, 'direct', 'one device so far');
    await attachTelemetry(c, 'mux-b');
    assert.equal([state('mux-a').via, state('mux-b').via], ['gateway', 'gateway']);
  } finally {
    c.close();
  }
  await until(() => state('mux-a').via === undefined);
  assert.equal([state('mux-a').via, state('mux-b').via], [undefined, undefined], 'the connection went: offline');
});

test("a connection whose open carries product=fogbridge-gateway is the gateway's, even with one device", async () => {
  const c = rhea.create_container({ id: 'fogbridge-gateway' }).connect({
    host: 'localhost', port: t.hub.port, transport: 'tls', ca: t.hub.certificates.caPem, servername: 'localhost', reconnect: false,
    properties: { product: 'fogbridge-gateway' },
  } as never);
  await new Promise<void>((resolve, reject) => {
    c.once('connection_open', () => resolve());
    c.once('disconnected', (ctx: EventContext) => reject(ctx.error ?? new Error('disconnected')));
  });
  try {
    await attachTelemetry(c, 'behind-gw');
    assert.equal([state('behind-gw').via, state('behind-gw').container], ['gateway', 'fogbridge-gateway']);
  } finally {
    c.close();
  }
});

test('a refused device link is not counted', async () => {
  const c = await rawClient(t.hub);
  try {
    t.hub.registry.addDevice('no-token');
    const sender = c.open_sender({ target: { address: '/devices/no-token/messages/events' } });
    await next(sender, 'sender_error');
    assert.is(state('no-token').via, undefined);
  } finally {
    c.close();
  }
});

test.run();
