// Per-device authorization (DESIGN 5, qdrouterd.md §5): a device connection may attach
// devices/<id>/... only while it holds an unexpired token for <hub>/devices/<id> that the hub
// accepted; the CBS answer is the hub's, relayed (DESIGN 4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { harness, type AttachResult } from '../../helpers/gateway-harness.js';

const refusal = (r: AttachResult<unknown>): string => (r.ok ? 'attached' : r.condition);
const now = (): number => Math.floor(Date.now() / 1000);

test('GIVEN device A authenticated through the gateway WHEN device B attaches devices/A/... THEN B is refused with amqp:unauthorized-access saying why', async () => {
  const h = await harness();
  try {
    const a = await h.device('dev-A');
    const b = await h.device('dev-B');
    assert.is(await a.putToken('A'), 200);
    assert.is(await b.putToken('B'), 200);
    assert.ok((await a.attachSender('devices/A/messages/events')).ok);
    const stolen = await b.attachSender('devices/A/messages/events');
    assert.is(refusal(stolen), 'amqp:unauthorized-access');
    if (!stolen.ok) assert.match(stolen.description, '"A"');
    const commands = await b.attachReceiver('devices/A/messages/devicebound');
    assert.is(refusal(commands), 'amqp:unauthorized-access');
    assert.ok((await b.attachSender('devices/B/messages/events')).ok, 'B may still use its own identity');
  } finally {
    await h.close();
  }
});

test("GIVEN device A authenticated and gone WHEN B attaches devices/A/... THEN B is still refused (A's grant ended with A's connection)", async () => {
  const h = await harness();
  try {
    const a = await h.device('dev-A');
    assert.is(await a.putToken('A'), 200);
    const closed = new Promise((resolve) => a.connection.once('connection_close', resolve));
    a.close();
    await closed;
    const b = await h.device('dev-B');
    const result = await b.attachSender('devices/A/messages/events');
    assert.is(refusal(result), 'amqp:unauthorized-access');
    if (!result.ok) assert.match(result.description, 'no token accepted on this connection');
  } finally {
    await h.close();
  }
});

test('a device without any token is refused, and the description says to put a token first', async () => {
  const h = await harness();
  try {
    const d = await h.device();
    const result = await d.attachSender('/devices/A/messages/events');
    assert.is(refusal(result), 'amqp:unauthorized-access');
    if (!result.ok) assert.match(result.description, 'put-token');
  } finally {
    await h.close();
  }
});

test("WHEN the hub rejects a token THEN the device gets the hub's status (401) and the token authorizes nothing", async () => {
  const h = await harness();
  try {
    h.hub.cbsStatus = () => 401;
    const d = await h.device('dev-A');
    assert.is(await d.putToken('A'), 401);
    assert.is(refusal(await d.attachSender('devices/A/messages/events')), 'amqp:unauthorized-access');
  } finally {
    await h.close();
  }
});

test('GIVEN a token that expires WHEN it has expired THEN new attaches are refused and the description says it expired', async () => {
  let clockMs = Date.now();
  const clock = { now: () => clockMs, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(), clearTimeout: (t: unknown) => clearTimeout(t as NodeJS.Timeout) };
  const h = await harness({ deps: { clock } });
  try {
    const d = await h.device('dev-A');
    assert.is(await d.putToken('A', { expiresAt: now() + 60 }), 200);
    assert.ok((await d.attachSender('devices/A/messages/events')).ok);
    clockMs += 61_000;
    const result = await d.attachReceiver('devices/A/messages/devicebound');
    assert.is(refusal(result), 'amqp:unauthorized-access');
    if (!result.ok) assert.match(result.description, 'expired');
  } finally {
    await h.close();
  }
});

test('a policy-scope token acts for any device only when the connector allows policy tokens', async () => {
  const strict = await harness();
  try {
    const d = await strict.device('gw-app');
    assert.is(await d.putToken('', { audience: 'localhost/devices', keyName: 'device' }), 200);
    const result = await d.attachSender('devices/A/messages/events');
    assert.is(refusal(result), 'amqp:unauthorized-access');
    if (!result.ok) assert.match(result.description, 'policy');
  } finally {
    await strict.close();
  }
  const lenient = await harness({ plan: { connector: { authorization: { mode: 'per-device', allowPolicyTokens: true } } } });
  try {
    const d = await lenient.device('gw-app');
    assert.is(await d.putToken('', { audience: 'localhost/devices', keyName: 'device' }), 200);
    assert.ok((await d.attachSender('devices/A/messages/events')).ok);
    assert.ok((await d.attachSender('devices/B/messages/events')).ok);
  } finally {
    await lenient.close();
  }
});

test.run();
