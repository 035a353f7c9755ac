// The web console in a real browser (issue 6 item 4): a hub (in memory, port 0) serving its
// console on port 0, three emulated Netduinos connected directly to the hub's plain-AMQP port,
// Debian's chromium driven by playwright-core. The page shows telemetry from all three within
// 20 s (decrypted, charted), `led on` with ack full turns one board's LED on as its next reading
// reports, and a Success feedback record appears. The gateway panel reads a fake stats endpoint
// whose strings carry HTML, shown as text. Screenshot: test-artifacts/console.png.
// (When `fogbridge demo` exists, this test starts the demo instead: through the gateway.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Fleet } from '../../device-emulator/fleet.js';
import { deriveEnvelopeKey } from '../../device-emulator/keys.js';
import { tcpTransport } from '../../hardware/transport/tcp.js';
import { parseIotHubConnectionString } from '../../protocol/connection-string.js';
import { startConsole, type WebConsole } from '../../hub/console/console.js';
import { startHub, type Hub } from '../../hub/hub.js';
import type { EnvelopeKey } from '../../hub/service/body-view.js';
import { launchChromium } from '../helpers/browser.js';
import { haveTool } from '../helpers/tools.js';

const NAME = 'console: three boards, live telemetry, led on with feedback, in chromium';
const BOARDS = ['netduino-1', 'netduino-2', 'netduino-3'];
const ARTIFACTS = join(new URL('../..', import.meta.url).pathname, 'test-artifacts');

/** A fake of the gateway's management endpoint (gateway/management/http.ts views), with HTML in its strings. */
function fakeGateway(): Promise<Server> {
  const views: Record<string, unknown> = {
    '/stat/general': { routerId: 'fogbridge-gateway', version: 'test', uptimeSeconds: 42, connections: 2, links: 1, deliveries: { delivered: 7, accepted: 7 } },
    '/stat/connections': [{ id: 'c1', dir: 'in', role: 'normal', via: 'listener/0.0.0.0:5672', host: '127.0.0.1:50000', container: '<img src=x id=injected>', tls: null, devices: ['netduino-1'], links: 2 }],
    '/stat/links': [{ connection: 'c1', direction: 'in', address: 'devices/netduino-1/messages/events', upstreamConnection: 'u1', credit: 250, unsettled: 0, delivered: 7, accepted: 7, rejected: 0, released: 0, modified: 0 }],
    '/stat/linkroutes': [{ name: 'linkRoute/1', pattern: 'devices/#', direction: 'in', connection: 'hub', status: 'active' }],
  };
  const server = createServer((req, res) => (views[req.url!] ? res.end(JSON.stringify(views[req.url!])) : res.writeHead(404).end()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const row = (page: Page, id: string) => page.locator(`#devices tbody tr[data-device="${id}"]`);

test(NAME, async () => {
  if (!haveTool('chromium', 'apt-get install -y chromium', NAME)) return;
  const data = mkdtempSync(join(tmpdir(), 'fogbridge-console-'));
  let hub: Hub | undefined;
  let web: WebConsole | undefined;
  let fleet: Fleet | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  const gateway = await fakeGateway();
  try {
    hub = await startHub({ dataDir: data, port: 0, plainPort: 0, inMemory: true, c2d: { feedbackBatchMs: 200 } });
    const keys = new Map<string, EnvelopeKey>();
    const devices = BOARDS.map((deviceId) => {
      const { primaryKey } = hub!.registry.addDevice(deviceId);
      const envelopeKey = deriveEnvelopeKey(primaryKey, 'xtea-cbc-cts');
      keys.set(deviceId, { cipher: 'xtea-cbc-cts', key: Buffer.from(envelopeKey).toString('hex') });
      return { deviceId, deviceKey: primaryKey, envelopeKey };
    });
    web = await startConsole(hub, { port: 0, keys, gatewayStatsUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/` });
    const plainPort = hub.plainPort!;
    fleet = new Fleet({
      hubHostName: parseIotHubConnectionString(hub.deviceConnectionString(BOARDS[0]!)).hostName,
      devices, envelope: 'xtea-cbc-cts', intervalMs: 1000, seed: 6, spreadMs: 300,
      transportFor: () => tcpTransport({ host: '127.0.0.1', port: plainPort }),
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    fleet.start();

    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(web.url);

    // Telemetry from all three boards within 20 s: counted, decrypted, charted, connected directly.
    const deadline = Date.now() + 20_000;
    for (const id of BOARDS) {
      await row(page, id).locator('td.num:text-matches("^[1-9]")').first().waitFor({ timeout: Math.max(1, deadline - Date.now()) });
      assert.is(await row(page, id).locator('.badge').textContent(), 'direct', `${id} connects directly`);
    }
    await page.locator('#charts figure canvas').nth(BOARDS.length - 1).waitFor({ timeout: 5000 });
    const decrypted = await page.locator('#messages tbody td.json').first().textContent();
    assert.match(decrypted!, /"temperature":/, 'the latest message is shown decrypted');
    assert.match((await page.locator('#messages tbody td.hex').first().getAttribute('title'))!, /^[0-9a-f]+$/, 'beside its ciphertext in hex');
    assert.ok(await page.locator('#keys-note').isHidden(), 'every board has a key');

    // led on, ack full, to netduino-2: its next reading reports the LED on; feedback says Success.
    assert.is.not((await row(page, 'netduino-2').locator('td.led').textContent())?.trim(), 'on');
    await page.selectOption('#command-device', 'netduino-2');
    await page.selectOption('#command-ack', 'full');
    await page.click('#led-on');
    await row(page, 'netduino-2').locator('td.led:text-is("on")').waitFor({ timeout: 15_000 });
    await page.waitForSelector('#feedback tbody tr:has(.status.ok)', { timeout: 15_000 });
    assert.equal(await page.locator('#feedback tbody tr').first().locator('td').allTextContents().then((c) => [c[1], c[2], c[3]]), ['netduino-2', 'Success', 'led on']);
    assert.match((await page.textContent('#command-result'))!, /led on queued for netduino-2 \(sealed\)/);

    // The gateway panel: the fake endpoint's rows, its HTML shown as text and never parsed.
    await page.waitForSelector('#gateway table', { timeout: 10_000 });
    assert.ok((await page.textContent('#gateway'))!.includes('<img src=x id=injected>'));
    assert.is(await page.locator('#injected').count(), 0);
    assert.ok((await page.textContent('#gateway'))!.includes('deliveries.accepted 7'));

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
    assert.equal(errors, [], 'no error in the page');
  } finally {
    await chromium?.close();
    await fleet?.stop();
    await web?.close();
    await hub?.close();
    gateway.close();
    rmSync(data, { recursive: true, force: true });
  }
});

test.run();
