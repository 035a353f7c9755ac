// The gateway as a process in front of the hub as a process (issue 4, "Tests that must exist"):
// rhea devices through `fogbridge gateway` to `fogbridge hub` on loopback. Telemetry outcomes come
// from the hub (accepted once stored, rejected when undecodable); command outcomes are the
// device's (accepted / rejected / released / modified) and the hub's queue and feedback show them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import rhea, { type Receiver, type Sender, type EventContext } from 'rhea';
import { C2dClient } from '../../../hub/service/c2d-client.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { DEVICE_KEY, DeviceClient } from '../../helpers/gateway-harness.js';
import { registerDevices, startGatewayProcess, startHubProcess, type GatewayProcess, type HubProcess } from '../../helpers/processes.js';
import { readTelemetry, systemConfig, within } from './system.js';

let hub: HubProcess;
let gateway: GatewayProcess;
let service: C2dClient;
const clients: DeviceClient[] = [];
const OTHER_KEY = randomBytes(32).toString('base64');

test.before(async () => {
  hub = await startHubProcess();
  registerDevices(hub.dataDir, ['d-telemetry', 'd-direct', 'd-big', 'd-cmd', 'd-drain', 'd-refuse', 'd-B'], DEVICE_KEY);
  registerDevices(hub.dataDir, ['d-A'], OTHER_KEY);
  gateway = await startGatewayProcess(systemConfig(hub));
  service = await C2dClient.open({ connectionString: hub.strings.service, ca: hub.caPem });
});

test.after(async () => {
  for (const c of clients) c.close();
  await service?.close();
  await gateway?.kill();
  await hub?.stop();
});

async function device(id: string, key?: string): Promise<DeviceClient> {
  const d = await DeviceClient.connect(gateway.port, id);
  clients.push(d);
  assert.is(await d.putToken(id, key ? { key } : {}), 200, `put-token for ${id}`);
  return d;
}

async function sender(d: DeviceClient, address: string): Promise<Sender> {
  const s = await d.attachSender(address);
  if (!s.ok) throw new Error(`attach ${address} refused: ${s.condition} ${s.description}`);
  if (!s.link.sendable()) await within(once(s.link, 'sendable'), 5000, `credit on ${address}`);
  return s.link;
}

/** rhea keeps a link's current credit untyped. */
const credit = (link: Sender | Receiver): number => (link as unknown as { credit: number }).credit;

const pending = new WeakMap<Sender, Map<number, (r: { outcome: string; condition?: string }) => void>>();

/** Sends with `send` and resolves with the outcome the device sees for that delivery. */
function outcome(s: Sender, send: () => unknown): Promise<{ outcome: string; condition?: string }> {
  let waiting = pending.get(s);
  if (!waiting) {
    const w = (waiting = new Map());
    pending.set(s, w);
    for (const kind of ['accepted', 'rejected', 'released', 'modified']) {
      s.on(kind, (ctx: EventContext) => {
        const error = (ctx.delivery!.remote_state as { error?: { condition?: string } } | undefined)?.error;
        w.get(ctx.delivery!.id)?.({ outcome: kind, ...(error?.condition ? { condition: String(error.condition) } : {}) });
        w.delete(ctx.delivery!.id);
      });
    }
  }
  const delivery = send() as { id: number };
  return within(new Promise((resolve) => waiting.set(delivery.id, resolve)), 10_000, `the outcome of delivery ${delivery.id}`);
}

test('telemetry through the gateway is accepted once stored and reads back from the Event Hub endpoint; the hub\'s credit reaches the device unchanged', async () => {
  const d = await device('d-telemetry');
  const s = await sender(d, 'devices/d-telemetry/messages/events');
  // Credit is the hub's, mirrored (DESIGN 1): the same figure a direct connection to the hub gets.
  const direct = await DeviceClient.connect(hub.port, 'd-direct', { ca: hub.caPem });
  clients.push(direct);
  assert.is(await direct.putToken('d-direct'), 200);
  const ds = await sender(direct, 'devices/d-direct/messages/events');
  assert.ok(credit(s) > 0);
  assert.is(credit(s), credit(ds), 'credit through the gateway = credit given directly');
  const results = [];
  for (let i = 0; i < 20; i++) results.push(outcome(s, () => s.send({ message_id: `t-${i}`, body: `reading ${i}` })));
  assert.equal((await Promise.all(results)).map((r) => r.outcome), Array(20).fill('accepted'));
  const events = await readTelemetry(hub, (e) => [...Array(20).keys()].every((i) => e.has(`t-${i}`)));
  assert.is(events.get('t-7')!.deviceId, 'd-telemetry');
});

test('rejected: an undecodable telemetry message is rejected by the hub with amqp:decode-error, relayed with its error; the link stays up', async () => {
  const d = await device('d-refuse');
  const s = await sender(d, 'devices/d-refuse/messages/events');
  // A data section whose vbin32 length runs past the message: forwarded as bytes (DESIGN 2), the hub cannot decode it.
  const garbage = Buffer.from([0x00, 0x53, 0x75, 0xb0, 0x00, 0x00, 0x10, 0x00, 0x01, 0x02]);
  const r = await outcome(s, () => s.send(garbage as never, Buffer.from('bad-1'), 0));
  assert.equal(r, { outcome: 'rejected', condition: 'amqp:decode-error' });
  assert.is((await outcome(s, () => s.send({ message_id: 'after-reject', body: 'ok' }))).outcome, 'accepted');
});

test('a 200 KB message crosses as several frames and is stored byte for byte', async () => {
  const d = await device('d-big');
  const s = await sender(d, 'devices/d-big/messages/events');
  const body = randomBytes(200 * 1024);
  const r = await outcome(s, () => s.send({ message_id: 'big-1', body: rhea.message.data_section(body) }));
  assert.is(r.outcome, 'accepted');
  const events = await readTelemetry(hub, (e) => e.has('big-1'));
  const got = Buffer.from(events.get('big-1')!.body);
  assert.is(got.length, body.length);
  assert.is(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(body).digest('hex'));
});

test('command outcomes: rejected → Rejected feedback and not delivered again; released and modified → delivered again; accepted → Success feedback', async () => {
  const d = await device('d-cmd');
  const got = new AsyncQueue<EventContext>();
  const r = await d.attachReceiver('devices/d-cmd/messages/devicebound', { credit_window: 0 });
  if (!r.ok) throw new Error(`${r.condition} ${r.description}`);
  const receiver: Receiver = r.link;
  receiver.on('message', (ctx) => got.push(ctx));
  receiver.add_credit(10);
  const feedback = new AsyncQueue<{ originalMessageId: string; statusCode: string }>();
  await service.receiveFeedback((record) => feedback.push(record as never));
  const rejectedId = await service.send('d-cmd', { body: Buffer.from('led blink'), ack: 'full', messageId: 'cmd-reject' });
  const first = await got.next(10_000, 'cmd-reject');
  assert.is(first.message!.message_id, rejectedId);
  first.delivery!.reject({ condition: 'amqp:not-implemented', description: 'no such led' });

  await service.send('d-cmd', { body: Buffer.from('led on'), ack: 'full', messageId: 'cmd-accept' });
  const second = await got.next(10_000, 'cmd-accept first delivery');
  assert.is(second.message!.message_id, 'cmd-accept', 'the rejected command is not delivered again');
  second.delivery!.release();
  const third = await got.next(10_000, 'cmd-accept after release');
  assert.is(third.message!.message_id, 'cmd-accept', 'released: abandoned, delivered again');
  third.delivery!.modified({ delivery_failed: true });
  const fourth = await got.next(10_000, 'cmd-accept after modified');
  assert.is(fourth.message!.message_id, 'cmd-accept', 'modified: abandoned, delivered again');
  fourth.delivery!.accept();

  // Feedback is batched by the hub (64 records or 15 s).
  const records = [await feedback.next(25_000, 'feedback 1'), await feedback.next(25_000, 'feedback 2')]
    .map((f) => `${f.originalMessageId}:${f.statusCode}`).sort();
  assert.equal(records, ['cmd-accept:Success', 'cmd-reject:Rejected']);
});

test('drain: a device receiver\'s drain reaches the hub, which uses up the credit; the device sees receiver_drained', async () => {
  const d = await device('d-drain');
  const r = await d.attachReceiver('devices/d-drain/messages/devicebound', { credit_window: 0 });
  if (!r.ok) throw new Error(`${r.condition} ${r.description}`);
  r.link.add_credit(5);
  const drained = once(r.link, 'receiver_drained');
  r.link.drain_credit();
  await within(drained, 5000, 'receiver_drained');
  assert.is(credit(r.link), 0);
});

test('refusals: the hub\'s own refusal (a receiver on an events address) is relayed with its error; an address no pattern matches gets qd:no-route-to-dest', async () => {
  const d = await device('d-refuse');
  const wrongWay = await d.attachReceiver('devices/d-refuse/messages/events');
  assert.equal(wrongWay.ok ? 'opened' : wrongWay.condition, 'amqp:not-found');
  const twin = await d.attachSender('devices/d-refuse/twin/patch');
  assert.equal(twin.ok ? 'opened' : twin.condition, 'qd:no-route-to-dest');
});

test('device B cannot attach devices/A/... while A is authenticated through the same gateway, nor after A leaves', async () => {
  const a = await device('d-A', OTHER_KEY);
  await sender(a, 'devices/d-A/messages/events');
  const b = await device('d-B');
  const during = await b.attachSender('devices/d-A/messages/events');
  assert.equal(during.ok ? 'opened' : during.condition, 'amqp:unauthorized-access');
  const duringC2d = await b.attachReceiver('devices/d-A/messages/devicebound');
  assert.equal(duringC2d.ok ? 'opened' : duringC2d.condition, 'amqp:unauthorized-access');
  // B presenting a token for A signed with its own key: the hub refuses it, the gateway relays 401.
  assert.is(await b.putToken('d-A', { key: DEVICE_KEY }), 401);
  a.close();
  await within(once(a.connection, 'connection_close'), 5000, 'A closed');
  const after = await b.attachSender('devices/d-A/messages/events');
  assert.equal(after.ok ? 'opened' : after.condition, 'amqp:unauthorized-access');
  assert.ok(credit(await sender(b, 'devices/d-B/messages/events')) > 0, 'B still sends as itself');
});

test.run();
