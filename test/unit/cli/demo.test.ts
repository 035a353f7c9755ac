// The demo's pure pieces: the gateway config it writes (loads through the gateway's own parser,
// no warnings, the story's listener, connector and four link routes), option parsing, the port
// check's messages, the boards' keys (reused on a second start) and the status line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:net';
import { DEMO_CONNECTOR, demoGatewayConfig } from '../../../cli/demo/gateway-config.js';
import { DemoUsageError, parseDemoArgs } from '../../../cli/demo/options.js';
import { checkPorts, portProblem } from '../../../cli/demo/ports.js';
import { demoBoards, keysFileText } from '../../../cli/demo/boards.js';
import { statusLine } from '../../../cli/demo/status.js';
import { portClaims } from '../../../cli/demo/cli.js';
import { parseConfig } from '../../../gateway/config/load.js';
import { toGatewayPlan } from '../../../gateway/config/to-options.js';
import type { Device } from '../../../hub/store/registry.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test("the gateway config: the story's entities in 1.x spelling, loaded without a warning", () => {
  const text = demoGatewayConfig({ gatewayPort: 5672, hubHost: 'localhost', hubPort: 5671, caCertFile: 'certs/ca.pem', notes: ['written by a test'] });
  const { config, warnings } = parseConfig(text, { file: 'gateway.conf' });
  assert.equal(warnings, []);
  const read: string[] = [];
  const plan = toGatewayPlan(config, { readFile: (f) => (read.push(f), CA), env: () => undefined });
  assert.equal(read, ['certs/ca.pem']);
  assert.equal(plan.listeners.map((l) => [l.port, l.tls]), [[5672, undefined]]);
  const [c] = plan.connectors;
  assert.equal([c!.name, c!.host, c!.port, c!.tls?.ca, c!.tls?.verifyHostname, c!.saslMechanisms], [DEMO_CONNECTOR, 'localhost', 5671, CA, true, ['ANONYMOUS']]);
  assert.equal(plan.routes.map((r) => [r.pattern ?? r.prefix, r.direction, r.connection]).sort(), [
    ['$cbs/', 'in', DEMO_CONNECTOR], ['$cbs/', 'out', DEMO_CONNECTOR], ['devices/', 'in', DEMO_CONNECTOR], ['devices/', 'out', DEMO_CONNECTOR],
  ].sort());
  assert.equal(plan.serialListeners, []);
  assert.is(plan.management, undefined);
  assert.ok(text.startsWith('# written by a test\n'));
});

test('the gateway config: a serialListener on the pty and the management endpoint on loopback, when given', () => {
  const text = demoGatewayConfig({ gatewayPort: 0, hubHost: 'localhost', hubPort: 1, caCertFile: '/ca.pem', managementPort: 8672, serialListener: { device: '/dev/pts/7', baud: 115200 } });
  const { config, warnings } = parseConfig(text, { file: 'g.conf' });
  assert.equal(warnings, []);
  const plan = toGatewayPlan(config, { readFile: () => CA, env: () => undefined });
  assert.equal(plan.serialListeners.map((s) => [s.device, s.baud]), [['/dev/pts/7', 115200]]);
  assert.equal(plan.management, { host: '127.0.0.1', port: 8672 });
});

test('options: defaults are the documented ports and ./data; a bad value names its option', () => {
  const o = parseDemoArgs([]);
  assert.equal([o.dataDir, o.hubPort, o.gatewayPort, o.managementPort, o.consolePort, o.serial, o.intervalMs], ['./data', 5671, 5672, 8672, 8080, 'auto', 5000]);
  assert.is(parseDemoArgs(['--no-console']).consolePort, undefined);
  assert.throws(() => parseDemoArgs(['--gateway-port', '70000']), (e: Error) => e instanceof DemoUsageError && /--gateway-port/.test(e.message));
  assert.throws(() => parseDemoArgs(['--serial', 'usb']), /--serial is auto, pty or memory/);
  assert.throws(() => parseDemoArgs(['--bogus']), (e: Error) => e instanceof DemoUsageError);
});

test('ports: one in use is named with what listens there and the option; the same port twice is refused', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
  const port = (busy.address() as { port: number }).port;
  try {
    const claims = portClaims({ ...parseDemoArgs([]), hubPort: 0, gatewayPort: port, managementPort: 0, consolePort: 0 });
    const problems = await checkPorts(claims);
    assert.is(problems.length, 1);
    assert.match(problems[0]!, new RegExp(`^port ${port} is in use by another program \\(every interface\\): the demo needs it for the gateway \\(plain AMQP for the boards\\)\\. [^]*--gateway-port <n>$`));
    assert.equal(await checkPorts(portClaims({ ...parseDemoArgs([]), hubPort: 4000, gatewayPort: 4000, managementPort: 0, consolePort: undefined })), ['port 4000 is given twice: --hub-port and --gateway-port must differ']);
  } finally {
    busy.close();
  }
  assert.match(portProblem({ port: 80, host: undefined, what: 'the hub', option: '--hub-port' }, 'EACCES'), /needs privileges/);
});

test('boards: registered once; a second start takes the keys file and registers nothing', () => {
  const rows = new Map<string, Device>();
  const registry = {
    device: (id: string) => rows.get(id),
    addDevice: (id: string) => {
      const d: Device = { id, primaryKey: Buffer.from(`key of ${id}`).toString('base64'), secondaryKey: 'x', generationId: 'g', status: 'enabled', createdAt: 0 };
      rows.set(id, d);
      return d;
    },
  };
  const first = demoBoards(registry, new Map());
  assert.equal(first.added, ['netduino-1', 'netduino-2', 'netduino-3']);
  const text = keysFileText(first.devices, new Map([['my-board', { key: '00'.repeat(16) }]]));
  const json = JSON.parse(text) as Record<string, { cipher: string; key: string }>;
  assert.equal(Object.keys(json), ['my-board', 'netduino-1', 'netduino-2', 'netduino-3']);
  const second = demoBoards(registry, new Map([['netduino-2', { cipher: 'xtea-cbc-cts', key: 'ff'.repeat(16) }]]));
  assert.equal(second.added, []);
  assert.equal(second.devices.map((d) => Buffer.from(d.envelopeKey).toString('hex')), [json['netduino-1']!.key, 'ff'.repeat(16), json['netduino-3']!.key]);
});

test('status line: boards, messages, commands, gateway, hub', () => {
  const line = statusLine(Date.UTC(2026, 0, 1, 12), {
    boards: { devices: 3, online: 2, phases: {}, sent: 10, accepted: 9, rejected: 0, outboxDepth: 1, dropped: 0, reconnects: 0, commands: { accepted: 1, rejected: 0, released: 0 } },
    gatewayConnections: 2, upstreamUp: true, stored: 9,
  });
  assert.match(line, /boards 2\/3 online · sent 10, accepted 9, 1 waiting · commands 1 \(1 run, 0 rejected, 0 released\) · gateway 2 device connections, hub link up · hub stored 9$/);
});

test.run();
