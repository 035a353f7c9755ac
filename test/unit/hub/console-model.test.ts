// The console's pure pieces: the model (device figures from decrypted telemetry, caps, chart
// points, events), command checking and sealing, and the gateway stats check and fetch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { open, parseKey, seal } from '../../../protocol/envelope.js';
import { encodeCommand, parseCommandRequest } from '../../../hub/console/commands.js';
import { checkGatewayStats, fetchGatewayPanel, managementBase } from '../../../hub/console/gateway-stats.js';
import { ConsoleModel, type ConsoleEvent } from '../../../hub/console/model.js';
import { resolveConsoleOptions } from '../../../hub/console/options.js';
import type { DeviceState } from '../../../hub/hub.js';
import { viewBody } from '../../../hub/service/body-view.js';
import type { ReceivedEvent } from '../../../hub/service/received-event.js';

const KEY = '00112233445566778899aabbccddeeff';
const registered: DeviceState[] = [{ deviceId: 'd1', status: 'enabled', via: 'direct', links: 2, connectedSince: 5 }, { deviceId: 'd2', status: 'enabled', via: undefined, links: 0 }];
const keys = new Map([['d1', { cipher: 'xtea-cbc-cts' as const, key: KEY }]]);

function event(deviceId: string, seq: number, json: object, sealed = true): ReceivedEvent {
  const plain = new TextEncoder().encode(JSON.stringify(json));
  const body = sealed ? seal('xtea-cbc-cts', parseKey(KEY, 'xtea-cbc-cts'), plain, new Uint8Array(8).fill(seq)) : plain;
  return {
    deviceId, partition: '1', sequenceNumber: seq, offset: String(seq), enqueuedTime: new Date(1000 * seq),
    properties: { messageId: `${deviceId}:1:${seq}` }, applicationProperties: sealed ? { enc: 'xtea-cbc-cts' } : {}, annotations: {}, body,
  };
}
const add = (m: ConsoleModel, e: ReceivedEvent) => m.addTelemetry(e, viewBody(e.body, e.applicationProperties, keys.get(e.deviceId!), e.deviceId));

test('decrypted telemetry sets messages, last seen, LED and sensor values, and chart points', () => {
  const m = new ConsoleModel(() => registered, resolveConsoleOptions({ keys, maxMessages: 2, maxPoints: 2, now: () => 99 }));
  const events: ConsoleEvent[] = [];
  m.subscribe((e) => events.push(e));
  for (const seq of [1, 2, 3]) add(m, event('d1', seq, { temperature: 20 + seq, light: 300, led: seq === 3 ? 'on' : 'off' }));
  const d1 = m.devices().find((d) => d.deviceId === 'd1')!;
  assert.equal({ messages: d1.messages, lastSeen: d1.lastSeen, led: d1.led, temperature: d1.temperature, via: d1.via, hasKey: d1.hasKey }, { messages: 3, lastSeen: 3000, led: 'on', temperature: 23, via: 'direct', hasKey: true });
  const s = m.snapshot();
  assert.equal(s.messages.map((r) => r.sequenceNumber), [2, 3], 'at most maxMessages');
  assert.equal(s.points.d1, [[2000, 22, 300], [3000, 23, 300]], 'at most maxPoints');
  const row = s.messages[1]!;
  assert.equal(row.decoded, { temperature: 23, light: 300, led: 'on' });
  assert.is(row.enc, 'xtea-cbc-cts');
  assert.is(open('xtea-cbc-cts', parseKey(KEY, 'xtea-cbc-cts'), Buffer.from(row.bodyHex, 'hex')).length > 0, true, 'bodyHex is the ciphertext as sent');
  assert.equal(events.map((e) => e.name), ['telemetry', 'telemetry', 'telemetry']);
});

test('without a key the row keeps the ciphertext and says why; figures stay unknown', () => {
  const m = new ConsoleModel(() => registered, resolveConsoleOptions({ keys: new Map() }));
  const row = add(m, event('d2', 1, { temperature: 20, led: 'on' }));
  assert.is(row.decoded, undefined);
  assert.match(row.note!, /no key for d2/);
  const d2 = m.devices().find((d) => d.deviceId === 'd2')!;
  assert.equal([d2.messages, d2.led, d2.hasKey], [1, undefined, false]);
  assert.equal(m.snapshot().points, {});
});

test('only the first maxCharts devices to send readings keep chart points; the event carries the point', () => {
  const m = new ConsoleModel(() => registered, resolveConsoleOptions({ keys, maxCharts: 1 }));
  const points: unknown[] = [];
  m.subscribe((e) => e.name === 'telemetry' && points.push(e.data.point));
  add(m, event('d2', 1, { temperature: 20, light: 1 }, false));
  add(m, event('d1', 2, { temperature: 21, light: 2 }));
  assert.equal(Object.keys(m.snapshot().points), ['d2']);
  assert.equal(points, [[1000, 20, 1], undefined]);
});

test('a device that sends but is no longer registered is listed as not registered', () => {
  const m = new ConsoleModel(() => registered, resolveConsoleOptions({ keys }));
  add(m, event('gone', 1, { led: 'off' }, false));
  assert.equal(m.devices().map((d) => [d.deviceId, d.registered]), [['d1', true], ['d2', true], ['gone', false]]);
});

test('commands and feedback are logged and announced', () => {
  const m = new ConsoleModel(() => registered, resolveConsoleOptions({ maxLog: 1, now: () => 7 }));
  const names: string[] = [];
  m.subscribe((e) => names.push(e.name));
  m.addCommand({ messageId: 'a', deviceId: 'd1', command: { cmd: 'reboot' }, ack: 'full', sealed: true, sentAt: 1 });
  m.addFeedback({ originalMessageId: 'a', deviceId: 'd1', deviceGenerationId: 'g', statusCode: 'Success', description: 'Success', enqueuedTimeUtc: '2026-11-26T12:00:00Z' });
  m.addFeedback({ originalMessageId: 'b', deviceId: 'd1', deviceGenerationId: 'g', statusCode: 'Rejected', description: 'Rejected', enqueuedTimeUtc: '2026-11-26T12:00:01Z' });
  assert.equal(m.snapshot().feedback.map((f) => [f.originalMessageId, f.receivedAt]), [['b', 7]]);
  assert.equal(names, ['command', 'feedback', 'feedback']);
});

test('commands: the three firmware commands pass; sealed with the device key when known, else enc=none', () => {
  const r = parseCommandRequest({ deviceId: 'd1', command: { cmd: 'interval', seconds: 10, extra: 1 }, ack: 'positive' });
  assert.equal(r, { deviceId: 'd1', command: { cmd: 'interval', seconds: 10 }, ack: 'positive' });
  const sealed = encodeCommand(r, keys.get('d1'), (n) => new Uint8Array(n));
  assert.equal(sealed.applicationProperties, { enc: 'xtea-cbc-cts' });
  assert.is(new TextDecoder().decode(open('xtea-cbc-cts', parseKey(KEY, 'xtea-cbc-cts'), sealed.body)), '{"cmd":"interval","seconds":10}');
  const plain = encodeCommand(parseCommandRequest({ deviceId: 'd2', command: { cmd: 'led', value: 'blink' }, ack: 'none' }), undefined, () => new Uint8Array(0));
  assert.equal([plain.sealed, plain.applicationProperties, new TextDecoder().decode(plain.body)], [false, { enc: 'none' }, '{"cmd":"led","value":"blink"}']);
  for (const bad of [null, { deviceId: '', command: { cmd: 'reboot' }, ack: 'full' }, { deviceId: 'd', command: { cmd: 'interval', seconds: 86_401 }, ack: 'full' }, { deviceId: 'd', command: { cmd: 'format' }, ack: 'full' }]) {
    assert.throws(() => parseCommandRequest(bad), /must be|expected/);
  }
});

test('gateway stats: the four management views, known fields as scalars, general numbers flattened into counters', () => {
  const s = checkGatewayStats({
    general: { routerId: 'gw', version: '1', uptimeSeconds: 3, links: 2, deliveries: { accepted: 5, note: 'x' }, linksRefused: { 'qd:no-route-to-dest': 1 }, mode: 'standalone', extra: { deep: { x: 1 } } },
    connections: [{ id: 'c1', host: 'h', devices: ['a', 2, 'b'], tls: null, links: 2, nested: { x: 1 } }, 'junk'],
    links: [{ address: 'devices/a/messages/events', credit: 5, delivered: Infinity, direction: 'in' }],
    linkroutes: 'not a list',
  });
  assert.equal(s, {
    router: { id: 'gw', version: '1', uptimeSeconds: 3 },
    connections: [{ id: 'c1', host: 'h', devices: ['a', 'b'], links: 2 }],
    links: [{ direction: 'in', address: 'devices/a/messages/events', credit: 5 }],
    linkRoutes: [],
    counters: { links: 2, 'deliveries.accepted': 5, 'linksRefused.qd:no-route-to-dest': 1 },
  });
  assert.throws(() => checkGatewayStats({ general: [], connections: [], links: [], linkroutes: [] }), /not a JSON object/);
});

test('the stats URL may name the endpoint, a view or /metrics', () => {
  for (const url of ['http://h:9090', 'http://h:9090/', 'http://h:9090/stat/general', 'http://h:9090/metrics']) assert.is(managementBase(url).href, 'http://h:9090/', url);
  assert.is(managementBase('http://h/gw/stat/links?x=1').href, 'http://h/gw/');
});

test('gateway panel: not configured, read, an HTTP error, not JSON and unreachable each say so', async () => {
  assert.equal(await fetchGatewayPanel(undefined, () => 0), { configured: false });
  const server = createServer((req, res) => {
    const [prefix, view] = req.url!.split('/stat/');
    if (prefix === '/ok') res.end(view === 'general' ? JSON.stringify({ routerId: 'gw' }) : '[]');
    else if (prefix === '/text') res.end('gateway_links 3\n');
    else res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal(await fetchGatewayPanel(`${base}/ok/`, () => 5), { configured: true, url: `${base}/ok/`, ok: true, fetchedAt: 5, stats: { router: { id: 'gw' }, connections: [], links: [], linkRoutes: [], counters: {} } });
    assert.equal(await fetchGatewayPanel(`${base}/x/`, () => 5), { configured: true, url: `${base}/x/`, ok: false, error: `${base}/x/stat/general: HTTP 500 Internal Server Error` });
    assert.match(((await fetchGatewayPanel(`${base}/text/`, () => 5)) as { error: string }).error, /cannot read/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  assert.match(((await fetchGatewayPanel(`http://127.0.0.1:${port}/`, () => 5)) as { error: string }).error, /ECONNREFUSED/);
});

test('options: defaults, and a bad value names the option', () => {
  const o = resolveConsoleOptions({});
  assert.equal([o.port, o.host, o.consumerGroup, o.gatewayStatsUrl], [8080, '127.0.0.1', '$Default', undefined]);
  assert.throws(() => resolveConsoleOptions({ port: 70000 }), /console port/);
  assert.throws(() => resolveConsoleOptions({ gatewayStatsUrl: 'ftp://x' }), /gatewayStatsUrl/);
});

test.run();
