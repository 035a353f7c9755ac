// The web console in a real browser (issue 6 items 4 and 1), Debian's chromium driven by
// playwright-core. First as a newcomer sees it: `fogbridge demo` in a child process on free ports
// with a temp data folder; the page shows telemetry from all three boards within 20 s (decrypted,
// charted, each through the gateway), `led on` with ack full to the serial-attached board turns
// its LED on as its next reading reports, a Success feedback record appears, and the gateway
// panel shows the demo's gateway (its management endpoint). Screenshot: test-artifacts/console.png.
// Then the gateway panel against a fake management endpoint whose strings carry HTML: shown as
// text, never parsed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startConsole, type WebConsole } from '../../hub/console/console.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { launchChromium } from '../helpers/browser.js';
import { freePorts, startDemoProcess, type DemoProcess } from '../helpers/demo-process.js';
import { haveTool } from '../helpers/tools.js';

const NAME = 'console of fogbridge demo: three boards through the gateway, live telemetry, led on to the serial board with feedback, in chromium';
const BOARDS = ['netduino-1', 'netduino-2', 'netduino-3'];
const SERIAL_BOARD = 'netduino-3';
const ARTIFACTS = join(new URL('../..', import.meta.url).pathname, 'test-artifacts');

const row = (page: Page, id: string) => page.locator(`#devices tbody tr[data-device="${id}"]`);

function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

test(NAME, async () => {
  if (!haveTool('chromium', 'apt-get install -y chromium', NAME)) return;
  const data = mkdtempSync(join(tmpdir(), 'fogbridge-console-'));
  let demo: DemoProcess | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    const [hub, gateway, management, web] = await freePorts(4);
    demo = startDemoProcess(['--data', data, '--hub-port', String(hub), '--gateway-port', String(gateway), '--management-port', String(management), '--console-port', String(web), '--interval', '1']);
    const url = (await demo.waitFor(/^console +(http:\/\/\S+)/m))[1]!;
    await demo.waitFor(/^ready: /m);

    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    const errors = pageErrors(page);
    await page.goto(url);

    // Telemetry from all three boards within 20 s: counted, decrypted, charted, through the gateway.
    const deadline = Date.now() + 20_000;
    for (const id of BOARDS) {
      await row(page, id).locator('td.num:text-matches("^[1-9]")').first().waitFor({ timeout: Math.max(1, deadline - Date.now()) });
      assert.is(await row(page, id).locator('.badge').textContent(), 'through the gateway', `${id} connects through the gateway`);
    }
    await page.locator('#charts figure canvas').nth(BOARDS.length - 1).waitFor({ timeout: 5000 });
    const decrypted = await page.locator('#messages tbody td.json').first().textContent();
    assert.match(decrypted!, /"temperature":/, 'the latest message is shown decrypted (keys from the demo\'s keys file)');
    assert.match((await page.locator('#messages tbody td.hex').first().getAttribute('title'))!, /^[0-9a-f]+$/, 'beside its ciphertext in hex');
    assert.ok(await page.locator('#keys-note').isHidden(), 'every board has a key');

    // led on, ack full, to the board on the serial link: its next reading reports the LED on; feedback says Success.
    assert.is.not((await row(page, SERIAL_BOARD).locator('td.led').textContent())?.trim(), 'on');
    await page.selectOption('#command-device', SERIAL_BOARD);
    await page.selectOption('#command-ack', 'full');
    await page.click('#led-on');
    await row(page, SERIAL_BOARD).locator('td.led:text-is("on")').waitFor({ timeout: 15_000 });
    await page.waitForSelector('#feedback tbody tr:has(.status.ok)', { timeout: 15_000 });
    assert.equal(await page.locator('#feedback tbody tr').first().locator('td').allTextContents().then((c) => [c[1], c[2], c[3]]), [SERIAL_BOARD, 'Success', 'led on']);
    assert.match((await page.textContent('#command-result'))!, new RegExp(`led on queued for ${SERIAL_BOARD} \\(sealed\\)`));

    // The gateway panel: the demo's gateway, its device connections naming the three boards.
    // The panel refreshes on its own schedule: wait until a refresh lists every board (a board's
    // connection can appear in the gateway's view after its first telemetry reached the console).
    await page.waitForSelector('#gateway table', { timeout: 10_000 });
    for (const id of BOARDS) await page.locator('#gateway', { hasText: id }).waitFor({ timeout: 15_000 }).catch(() => undefined);
    const panel = (await page.textContent('#gateway'))!;
    assert.ok(panel.includes('fogbridge-gateway'), 'the router id');
    for (const id of BOARDS) assert.ok(panel.includes(id), `${id} in the gateway's connections`);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'console.png'), fullPage: true });
    assert.equal(errors, [], 'no error in the page');
    await chromium.close();
    chromium = undefined;
    assert.is(await demo.stop('SIGINT'), 0, demo.output());
  } finally {
    await chromium?.close();
    demo?.kill();
    rmSync(data, { recursive: true, force: true });
  }
});

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

test('console: the gateway panel shows a management endpoint\'s HTML as text, never parsed, in chromium', async () => {
  if (!haveTool('chromium', 'apt-get install -y chromium', 'console gateway panel')) return;
  const data = mkdtempSync(join(tmpdir(), 'fogbridge-console-'));
  const gateway = await fakeGateway();
  let hub: Hub | undefined;
  let web: WebConsole | undefined;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    hub = await startHub({ dataDir: data, port: 0, inMemory: true });
    web = await startConsole(hub, { port: 0, gatewayStatsUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/` });
    chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    const errors = pageErrors(page);
    await page.goto(web.url);
    await page.waitForSelector('#gateway table', { timeout: 10_000 });
    assert.ok((await page.textContent('#gateway'))!.includes('<img src=x id=injected>'));
    assert.is(await page.locator('#injected').count(), 0);
    assert.ok((await page.textContent('#gateway'))!.includes('deliveries.accepted 7'));
    assert.equal(errors, [], 'no error in the page');
  } finally {
    await chromium?.close();
    await web?.close();
    await hub?.close();
    gateway.close();
    rmSync(data, { recursive: true, force: true });
  }
});

test.run();
