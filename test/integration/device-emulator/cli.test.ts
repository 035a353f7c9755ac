// `fogbridge device`: options (defaults, fleet ids and derived keys, usage errors) and real runs
// of one board and of a fleet over TCP against the in-process mini hub, stopped like Ctrl-C.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type AddressInfo } from 'node:net';
import { main, type DeviceIo } from '../../../device-emulator/cli.js';
import { planFromArgs } from '../../../device-emulator/cli-options.js';
import { deriveDeviceKey } from '../../../device-emulator/keys.js';
import { readFileSync } from 'node:fs';
import { MiniHub } from './mini-hub.js';

const KEY = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';
const CS = `HostName=myhub.azure-devices.net;DeviceId=dev1;SharedAccessKey=${KEY}`;

function captureIo(stop: Promise<void> = new Promise(() => {}), files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: DeviceIo = {
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    isTTY: false,
    interrupted: () => stop,
    readFile: (p) => {
      if (!(p in files)) throw new Error('ENOENT: no such file');
      return files[p]!;
    },
    now: () => Date.parse('2026-01-01T12:00:01Z'),
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

test('fogbridge device is registered in the CLI and --help prints the options', async () => {
  // cli/index.ts runs its main on import: read its COMMANDS table instead.
  const index = readFileSync(new URL('../../../cli/index.ts', import.meta.url), 'utf8');
  assert.match(index, "device: { summary: 'emulate a Netduino board or a fleet");
  assert.match(index, "import('./device.js')"); // cli/device.ts: --register, then device-emulator/cli.ts
  assert.match(readFileSync(new URL('../../../cli/device.ts', import.meta.url), 'utf8'), "from '../device-emulator/cli.js'");
  const c = captureIo();
  assert.is(await main(['--help'], c.io), 0);
  for (const option of ['--connection-string', '--gateway', '--serial', '--baud', '--key', '--cipher', '--interval', '--count', '--fleet-file', '--seed']) assert.match(c.out(), option);
});

test('defaults: the GatewayHostName (else HostName) at 5672, 5 s interval, the default envelope', () => {
  const plan = planFromArgs(['--connection-string', `${CS};GatewayHostName=edge.local`], () => '');
  assert.equal(plan.target, { kind: 'tcp', host: 'edge.local', port: 5672 });
  assert.is(plan.intervalMs, 5000);
  assert.is(plan.envelope, 'xtea-cbc-cts');
  assert.equal(planFromArgs(['--connection-string', CS], () => '').target, { kind: 'tcp', host: 'myhub.azure-devices.net', port: 5672 });
  assert.equal(planFromArgs(['--connection-string', CS, '--serial', '/dev/ttyUSB0'], () => '').target, { kind: 'serial', path: '/dev/ttyUSB0', baud: 115200 });
});

test('--count names boards <DeviceId>-0001... with keys HMAC-derived from the connection string key', () => {
  const plan = planFromArgs(['--connection-string', CS, '--count', '3', '--key', '000102030405060708090a0b0c0d0e0f'], () => '');
  assert.equal(plan.devices.map((d) => d.deviceId), ['dev1-0001', 'dev1-0002', 'dev1-0003']);
  assert.is(plan.devices[1]!.deviceKey, deriveDeviceKey(KEY, 'dev1-0002'));
  assert.is.not(plan.devices[0]!.deviceKey, plan.devices[1]!.deviceKey);
  const again = planFromArgs(['--connection-string', CS, '--count', '3'], () => '');
  assert.equal(again.devices.map((d) => d.deviceKey), plan.devices.map((d) => d.deviceKey), 'deterministic');
});

test('a fleet file lists boards with their own keys', () => {
  const file = JSON.stringify({ devices: [{ deviceId: 'a', key: KEY, envelopeKey: 'ffffffffffffffffffffffffffffffff' }, { deviceId: 'b', key: KEY }] });
  const plan = planFromArgs(['--connection-string', CS, '--fleet-file', 'f.json'], () => file);
  assert.equal(plan.devices.map((d) => d.deviceId), ['a', 'b']);
  assert.is(plan.devices[0]!.envelopeKey[0], 255);
});

for (const [args, message] of [
  [[], /--connection-string is required/],
  [['--connection-string', CS, '--count', '2', '--serial', '/dev/x'], /one board/],
  [['--connection-string', CS, '--cipher', 'rot13'], /--cipher is one of/],
  [['--connection-string', CS, '--interval', '0'], /--interval/],
  [['--connection-string', CS, '--gateway', 'h:1', '--serial', '/dev/x'], /not both/],
  [['--connection-string', CS, '--fleet-file', 'missing.json'], /--fleet-file missing.json/],
  [['--connection-string', 'HostName=h;SharedAccessKeyName=p;SharedAccessKey=' + KEY], /needs a device connection string/],
  [['--connection-string', CS, '--key', 'abc'], /bad-key/],
  [['--connection-string', CS, '--bogus'], /bogus/],
] as [string[], RegExp][]) {
  test(`usage error exits 2: ${args.slice(2).join(' ') || '(no arguments)'}`, async () => {
    const c = captureIo();
    assert.is(await main(args, c.io), 2);
    assert.match(c.err(), message);
  });
}

async function hubOnTcp(keyFor: (id: string) => string) {
  const hub = new MiniHub({ deviceKey: keyFor });
  const server = createServer((socket) => hub.serve(socket));
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { hub, server, port: (server.address() as AddressInfo).port };
}

test('one board prints each state change, sends readings the hub accepts, and closes cleanly on interrupt', async () => {
  const { hub, server, port } = await hubOnTcp(() => KEY);
  let stop!: () => void;
  const c = captureIo(new Promise((resolve) => (stop = resolve)));
  const running = main(['--connection-string', CS, '--gateway', `127.0.0.1:${port}`, '--interval', '1'], c.io);
  await hub.telemetry.next(5000, 'a first reading');
  stop();
  assert.is(await running, 0);
  server.close();
  const out = c.out();
  for (const line of ['12:00:01 dev1 boot -> link-up', 'dev1 link-up -> connecting', 'dev1 connecting -> cbs', 'dev1 cbs -> attaching', 'dev1 attaching -> online', 'dev1 online -> closing', 'dev1 closing -> stopped']) {
    assert.match(out, line);
  }
  assert.match(out, /envelope key \(derived\): [0-9a-f]{32}/);
  assert.match(out, /stopped 1 board\(s\): sent [1-9]/);
});

test('a fleet of 3 boards connects with derived keys and reports the summary when stopped', async () => {
  const { hub, server, port } = await hubOnTcp((id) => deriveDeviceKey(KEY, id));
  let stop!: () => void;
  const c = captureIo(new Promise((resolve) => (stop = resolve)));
  const running = main(['--connection-string', CS, '--gateway', `127.0.0.1:${port}`, '--count', '3', '--interval', '1'], c.io);
  const seen = new Set<string>();
  while (seen.size < 3) seen.add(String((await hub.telemetry.next(5000, 'readings from 3 boards')).message.message_id).split(':')[0]!);
  stop();
  assert.is(await running, 0);
  server.close();
  assert.equal([...seen].sort(), ['dev1-0001', 'dev1-0002', 'dev1-0003']);
  assert.match(c.out(), /stopped 3 board\(s\)/);
  assert.match(c.out(), /no reading dropped/);
});

test.run();
