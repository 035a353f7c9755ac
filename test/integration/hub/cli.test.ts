// `fogbridge hub` and `fogbridge hub device ...` (issue 3 items 1, 2), driven through main() with
// captured output; the registry changes reach a hub that is already running.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../hub/cli.js';
import { DeviceMessage, deviceClient, startTestHub, testDataDir } from './helpers.js';

interface Run { code: number; out: string; err: string }

async function run(argv: string[], stop: Promise<string> = new Promise(() => undefined), onOut: (text: string) => void = () => undefined): Promise<Run> {
  let out = '';
  let err = '';
  const stdout = (s: string): void => {
    out += s;
    onOut(out);
  };
  const code = await main(argv, { stdout, stderr: (s) => void (err += s), now: Date.now, stopRequested: () => stop });
  return { code, out, err };
}

const dirs: string[] = [];
function tempData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-hub-cli-'));
  dirs.push(dir);
  return dir;
}
test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('--help names every option, the web console ones too', async () => {
  const r = await run(['--help']);
  assert.is(r.code, 0);
  for (const option of ['--data', '--port', '--hostname', '--name', '--partitions', '--console-port', '--console-host', '--no-console', '--keys', '--gateway-stats', '--in-memory', 'device add']) {
    assert.ok(r.out.includes(option), option);
  }
});

test('device add prints a connection string; list, show, disable, enable and remove work on the same --data', async () => {
  const data = tempData();
  const key = Buffer.alloc(32, 9).toString('base64');
  const added = await run(['device', 'add', 'sensor-7', '--key', key, '--data', data]);
  assert.is(added.code, 0, added.err);
  assert.is(added.out.trim(), `HostName=localhost;DeviceId=sensor-7;SharedAccessKey=${key}`);
  assert.match((await run(['device', 'list', '--data', data])).out, /^sensor-7\tenabled\t/);
  assert.match((await run(['device', 'disable', 'sensor-7', '--data', data])).out, /sensor-7\tdisabled/);
  assert.match((await run(['device', 'enable', 'sensor-7', '--data', data])).out, /sensor-7\tenabled/);
  assert.match((await run(['device', 'show', 'sensor-7', '--data', data])).out, /connection string: HostName=localhost;DeviceId=sensor-7/);
  assert.is((await run(['device', 'add', 'sensor-7', '--data', data])).code, 1);
  assert.is((await run(['device', 'remove', 'sensor-7', '--data', data])).out, 'removed sensor-7\n');
  assert.is((await run(['device', 'show', 'sensor-7', '--data', data])).code, 1);
  assert.is((await run(['device', 'list', '--data', data])).out, '');
});

test('usage errors exit 2 and name the problem', async () => {
  const data = tempData();
  assert.match((await run(['device', 'add', '--data', data])).err, /needs a device id/);
  assert.is((await run(['device', 'add', 'bad/id', '--data', data])).code, 2);
  assert.is((await run(['device', 'frobnicate', 'x', '--data', data])).code, 2);
  assert.is((await run(['--port', '70000', '--data', data])).code, 2);
  assert.is((await run(['--bogus'])).code, 2);
});

test('the hub prints its connection strings, writes connection-strings.json and closes on a stop request', async () => {
  const data = tempData();
  let stop!: (signal: string) => void;
  const stopped = new Promise<string>((resolve) => (stop = resolve));
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const running = run(['--data', data, '--port', '0', '--in-memory', '--name', 'cli-hub', '--console-port', '0'], stopped, (out) => out.includes('wrote ') && ready());
  await isReady;
  const file = join(data, 'connection-strings.json');
  const written = JSON.parse(readFileSync(file, 'utf8')) as { service: string; eventHub: string; caFile: string };
  assert.match(written.service, /^HostName=localhost:\d+;SharedAccessKeyName=iothubowner;SharedAccessKey=/);
  assert.match(written.eventHub, /^Endpoint=sb:\/\/localhost:\d+\/;SharedAccessKeyName=service;SharedAccessKey=.*;EntityPath=cli-hub$/);
  assert.is(written.caFile, join(data, 'certs', 'ca.pem'));
  stop('SIGTERM');
  const r = await running;
  assert.is(r.code, 0, r.err);
  assert.ok(r.out.includes(written.service) && r.out.includes(written.eventHub));
  assert.match(r.out, /web console: http:\/\/127\.0\.0\.1:\d+\/ \(no --keys/);
  assert.match(r.out, /SIGTERM: closing/);
});

test('a device added, disabled or enabled by the CLI takes effect in a running hub without restart', async () => {
  const data = testDataDir();
  const t = await startTestHub({ dataDir: data, inMemory: false, name: 'live' });
  try {
    const cs = (await run(['device', 'add', 'late-comer', '--data', data, '--port', String(t.hub.port)])).out.trim();
    const client = deviceClient(t.hub, cs.replace('HostName=localhost;', `HostName=localhost:${t.hub.port};`));
    await client.open();
    await client.sendEvent(new DeviceMessage('hello'));
    await client.close();
    await run(['device', 'disable', 'late-comer', '--data', data]);
    const again = deviceClient(t.hub, cs.replace('HostName=localhost;', `HostName=localhost:${t.hub.port};`));
    const error = await again.open().then(() => undefined, (e: Error) => e);
    await again.close().catch(() => undefined);
    assert.is(error?.constructor.name, 'UnauthorizedError');
  } finally {
    await t.stop();
  }
});

test.run();
