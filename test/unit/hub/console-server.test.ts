// The console's HTTP pieces without a browser or a hub: static files (fixed paths only, security
// headers), the JSON API, the SSE stream (snapshot first, then events), the command endpoint's
// guards (JSON only, own origin, loopback Host), and the page script's escaping rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandRequest } from '../../../hub/console/commands.js';
import { consoleHandler, type ConsoleBackend } from '../../../hub/console/http.js';
import { formatEvent, SseChannel } from '../../../hub/console/sse.js';
import { loadStaticFiles, staticDir } from '../../../hub/console/static-files.js';

let server: Server;
let base: string;
const sse = new SseChannel(50);
const sent: CommandRequest[] = [];
const backend: ConsoleBackend = {
  files: loadStaticFiles(),
  model: { snapshot: () => ({ devices: [{ deviceId: 'a' }], messages: [] }) as never },
  sse,
  loopbackOnly: true,
  async sendCommand(r) {
    if (r.deviceId === 'unknown') throw new Error('amqp:not-found');
    sent.push(r);
    return { messageId: 'm-1', deviceId: r.deviceId, command: r.command, ack: r.ack, sealed: false, sentAt: 1 };
  },
  gateway: async () => ({ configured: false }),
};

test.before(async () => {
  server = createServer(consoleHandler(backend));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(() => {
  sse.close();
  server.closeAllConnections();
  server.close();
});

const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(`${base}/api/commands`, { method: 'POST', headers, body });

test('the page, its script and uPlot are served with their types and a same-origin CSP', async () => {
  for (const [path, type] of [['/', 'text/html'], ['/console.js', 'text/javascript'], ['/console.css', 'text/css'], ['/vendor/uPlot.iife.min.js', 'text/javascript'], ['/vendor/uPlot.min.css', 'text/css']]) {
    const res = await fetch(`${base}${path}`);
    assert.is(res.status, 200, path);
    assert.ok(res.headers.get('content-type')!.startsWith(type!), path);
    assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.is(res.headers.get('x-content-type-options'), 'nosniff');
    await res.arrayBuffer();
  }
  assert.match(await (await fetch(`${base}/vendor/uPlot.iife.min.js`)).text(), /uPlot/);
});

test('only the fixed paths are files: traversal and unknown paths are 404, a wrong method 405', async () => {
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/static/index.html', '/node_modules/uplot/package.json', '/api/nope']) {
    assert.is((await fetch(`${base}${path}`)).status, 404, path);
  }
  assert.is((await fetch(`${base}/api/state`, { method: 'DELETE' })).status, 405);
  assert.is((await fetch(`${base}/console.js`, { method: 'POST' })).status, 405);
});

test('/api/state and /api/gateway answer JSON', async () => {
  assert.equal(await (await fetch(`${base}/api/state`)).json(), { devices: [{ deviceId: 'a' }], messages: [] });
  assert.equal(await (await fetch(`${base}/api/gateway`)).json(), { configured: false });
});

test('/api/events streams the snapshot first, then every event sent, then keep-alives', async () => {
  const res = await fetch(`${base}/api/events`);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const reader = res.body!.getReader();
  let text = '';
  const until = async (pattern: RegExp): Promise<void> => {
    while (!pattern.test(text)) text += new TextDecoder().decode((await reader.read()).value);
  };
  await until(/event: snapshot\ndata: .*\n\n/);
  assert.ok(text.startsWith('retry: 2000\n\n'));
  assert.ok(text.includes(formatEvent('snapshot', { devices: [{ deviceId: 'a' }], messages: [] })));
  sse.send('feedback', { statusCode: 'Success', description: 'line\nbreak <b>' });
  await until(/event: feedback\n/);
  assert.ok(text.includes('data: {"statusCode":"Success","description":"line\\nbreak <b>"}\n\n'), 'one data line: JSON escapes the newline');
  await until(/: keep-alive\n\n/);
  await reader.cancel();
});

test('formatEvent refuses an event name that would break the stream', () => {
  assert.throws(() => formatEvent('x\ndata: evil', 1));
});

test('POST /api/commands: a valid command is 202 with its entry; bad ones are 400 with the reason', async () => {
  const ok = await post(JSON.stringify({ deviceId: 'b', command: { cmd: 'led', value: 'on' }, ack: 'full' }));
  assert.is(ok.status, 202);
  assert.is(((await ok.json()) as { messageId: string }).messageId, 'm-1');
  assert.equal(sent.at(-1), { deviceId: 'b', command: { cmd: 'led', value: 'on' }, ack: 'full' });
  for (const body of ['{', '[]', '{"deviceId":"b","command":{"cmd":"led","value":"dim"},"ack":"full"}', '{"deviceId":"b","command":{"cmd":"interval","seconds":0},"ack":"full"}', '{"deviceId":"b","command":{"cmd":"reboot"},"ack":"sometimes"}']) {
    const res = await post(body);
    assert.is(res.status, 400, body);
    assert.type(((await res.json()) as { error: string }).error, 'string');
  }
  const refused = await post(JSON.stringify({ deviceId: 'unknown', command: { cmd: 'reboot' }, ack: 'none' }));
  assert.is(refused.status, 502);
  assert.match(((await refused.json()) as { error: string }).error, /not-found/);
  assert.is((await post('x'.repeat(20_000))).status, 413);
});

test('POST /api/commands refuses what a foreign page could send: form types and other origins', async () => {
  const body = JSON.stringify({ deviceId: 'b', command: { cmd: 'reboot' }, ack: 'none' });
  assert.is((await post(body, { 'content-type': 'text/plain' })).status, 415);
  assert.is((await post(body, { 'content-type': 'application/x-www-form-urlencoded' })).status, 415);
  assert.is((await post(body, { 'content-type': 'application/json', origin: 'http://evil.example' })).status, 403);
  assert.is((await post(body, { 'content-type': 'application/json', origin: base })).status, 202);
});

test('a Host that is not a loopback name is refused (DNS rebinding) while the console is on loopback', async () => {
  const status = (host: string) =>
    new Promise<number>((resolve) => {
      const req = request(`${base}/api/state`, { headers: { host } }, (res) => resolve(res.resume().statusCode!));
      req.end();
    });
  assert.is(await status('evil.example:8080'), 421);
  assert.is(await status(`localhost:${new URL(base).port}`), 200);
  assert.is(await status('[::1]:8080'), 200);
});

test('the page script puts device data in as text only (no innerHTML and the like)', () => {
  const script = readFileSync(`${staticDir()}console.js`, 'utf8');
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function']) assert.not.ok(script.includes(sink), sink);
  assert.ok(script.includes('createTextNode'));
});

test.run();
