// `fogbridge monitor` against the real local hub (in memory, port 0, TLS trusted through --ca):
// telemetry from the device SDK printed as JSON lines and decrypted with a known key, --from
// latest, --checkpoint resume across two runs, and the errors a user must be able to act on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENC_PROPERTY, parseKey, seal } from '../../../protocol/envelope.js';
import { main } from '../../../hub/service/monitor-cli.js';
import { DeviceMessage, deviceClient, startTestHub, type TestHub } from '../hub/helpers.js';
import { deviceOnPartition, sendTelemetry } from '../hub/event-hub-helpers.js';
import { CliRun } from './cli-run.js';

const KEY = '000102030405060708090a0b0c0d0e0f';
let t: TestHub;
const dir = mkdtempSync(join(tmpdir(), 'fogbridge-monitor-'));

test.before.each(async () => {
  t = await startTestHub();
});
test.after.each(async () => {
  await t.stop();
});

const monitor = (...extra: string[]): string[] => ['--event-hub', t.hub.connectionStrings.eventHub, '--ca', t.hub.certificates.caFile, ...extra];

test('telemetry sent by the device SDK is printed as JSON lines, decrypted when the keys file has the device key', async () => {
  for (const id of ['sealed-board', 'unknown-board']) t.hub.registry.addDevice(id);
  const keys = join(dir, 'keys.json');
  writeFileSync(keys, JSON.stringify({ 'sealed-board': { cipher: 'xtea-cbc-cts', key: KEY } }));
  for (const id of ['sealed-board', 'unknown-board']) {
    const client = deviceClient(t.hub, t.hub.deviceConnectionString(id));
    await client.open();
    const message = new DeviceMessage(Buffer.from(seal('xtea-cbc-cts', parseKey(KEY, 'xtea-cbc-cts'), Buffer.from('{"temperature":21.5,"led":"on"}'), randomBytes(8))));
    message.messageId = `${id}-1`;
    message.properties.add(ENC_PROPERTY, 'xtea-cbc-cts');
    await client.sendEvent(message);
    await client.close();
  }
  const run = new CliRun();
  const done = main(monitor('--from', 'earliest', '--keys', keys), run.io);
  const lines = [await run.json('the first line'), await run.json('the second line')];
  run.stop();
  assert.is(await done, 0);
  const sealed = lines.find((l) => l.deviceId === 'sealed-board')!;
  assert.equal(sealed.body, { temperature: 21.5, led: 'on' });
  assert.is(sealed.note, undefined);
  assert.equal(sealed.applicationProperties, { enc: 'xtea-cbc-cts' });
  assert.is((sealed.properties as Record<string, unknown>).messageId, 'sealed-board-1');
  assert.is(sealed.sequenceNumber, 0);
  assert.ok(!Number.isNaN(Date.parse(String(sealed.enqueuedTime))));
  const unknown = lines.find((l) => l.deviceId === 'unknown-board')!;
  assert.match(String(unknown.body), /^[0-9a-f]+$/);
  assert.match(String(unknown.note), /no key for unknown-board: body is the xtea-cbc-cts envelope in hex/);
});

test('--from latest prints only messages enqueued after it started', async () => {
  const device = deviceOnPartition(t.hub, 1, 'latest');
  await sendTelemetry(t.hub, device, ['{"n":"old-1"}', '{"n":"old-2"}']);
  const run = new CliRun();
  const done = main(monitor('--from', 'latest'), run.io);
  await run.stderrMatching(/^monitor: reading/);
  await sendTelemetry(t.hub, device, ['{"n":"new-1"}']);
  const line = await run.json('the new message');
  run.stop();
  assert.is(await done, 0);
  assert.equal(line.body, { n: 'new-1' });
  assert.is(line.sequenceNumber, 2);
  assert.is(run.lines.size, 0);
});

test('--checkpoint resumes every partition after the last printed message across two runs: no gap, no repeat', async () => {
  const a = deviceOnPartition(t.hub, 0, 'cp');
  const b = deviceOnPartition(t.hub, 3, 'cp');
  const checkpoint = join(dir, `checkpoint-${Date.now()}.json`);
  await sendTelemetry(t.hub, a, ['{"a":1}', '{"a":2}', '{"a":3}']);
  await sendTelemetry(t.hub, b, ['{"b":1}']);
  const first = new CliRun();
  const firstDone = main(monitor('--from', 'earliest', '--checkpoint', checkpoint), first.io);
  const seen = [];
  for (let i = 0; i < 4; i++) seen.push((await first.json(`run 1 line ${i}`)).body);
  first.stop();
  assert.is(await firstDone, 0);
  assert.equal(seen.filter((s) => 'a' in (s as object)), [{ a: 1 }, { a: 2 }, { a: 3 }]);
  const saved = JSON.parse(readFileSync(checkpoint, 'utf8'));
  assert.equal(saved.partitions, { 0: 2, 3: 0 });
  assert.is(saved.consumerGroup, '$Default');

  await sendTelemetry(t.hub, a, ['{"a":4}', '{"a":5}']);
  await sendTelemetry(t.hub, b, ['{"b":2}']);
  const second = new CliRun();
  // --from earliest would print everything again: the checkpoint wins for the partitions it names.
  const secondDone = main(monitor('--from', 'earliest', '--checkpoint', checkpoint), second.io);
  const again = [];
  for (let i = 0; i < 3; i++) again.push(await second.json(`run 2 line ${i}`));
  await sendTelemetry(t.hub, b, ['{"sentinel":true}']);
  const sentinel = await second.json('the sentinel');
  second.stop();
  assert.is(await secondDone, 0);
  assert.equal(again.filter((l) => l.partition === '0').map((l) => l.body), [{ a: 4 }, { a: 5 }]);
  assert.equal(again.filter((l) => l.partition === '3').map((l) => l.body), [{ b: 2 }]);
  assert.equal(sentinel.body, { sentinel: true }, 'nothing was printed between the new messages and the sentinel');
  assert.equal(JSON.parse(readFileSync(checkpoint, 'utf8')).partitions, { 0: 4, 3: 2 });
});

test('as a process, Ctrl-C (SIGINT) stops it promptly with exit code 0 and the checkpoint written', async () => {
  const device = deviceOnPartition(t.hub, 2, 'proc');
  await sendTelemetry(t.hub, device, ['{"p":1}']);
  const checkpoint = join(dir, `process-${Date.now()}.json`);
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'monitor', ...monitor('--from', 'earliest', '--checkpoint', checkpoint)], { cwd: root });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`monitor exited before printing: ${out}`)));
  });
  assert.equal(JSON.parse(firstLine).body, { p: 1 });
  const stoppedAt = Date.now();
  child.kill('SIGINT');
  assert.is(await exited, 0);
  assert.ok(Date.now() - stoppedAt < 3000, `stopped in ${Date.now() - stoppedAt} ms`);
  assert.equal(JSON.parse(readFileSync(checkpoint, 'utf8')).partitions, { 2: 0 });
});

test('a bad connection string names the part to fix and exits 2', async () => {
  const run = new CliRun();
  assert.is(await main(['--event-hub', 'Endpoint=sb://localhost/;SharedAccessKeyName=service;SharedAccessKey=abc'], run.io), 2);
  assert.match(run.stderr, /no EntityPath: use the Event Hub-compatible string/);
  const missing = new CliRun();
  assert.is(await main(['--from', 'earliest'], missing.io), 2);
  assert.match(missing.stderr, /--event-hub <connection string> is required/);
  const from = new CliRun();
  assert.is(await main(monitor('--from', 'yesterday'), from.io), 2);
  assert.match(from.stderr, /--from must be earliest, latest or an ISO time/);
});

test('a wrong key is reported as unauthorized (401) and exits 1', async () => {
  const wrong = t.hub.connectionStrings.eventHub.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`);
  const run = new CliRun();
  assert.is(await main(['--event-hub', wrong, '--ca', t.hub.certificates.caFile], run.io), 1);
  assert.match(run.stderr, /unauthorized \(401\): the hub refused the SAS token for sb:\/\/localhost:\d+\/fogbridge\/\$management: 401/);
  assert.match(run.stderr, /check SharedAccessKeyName and SharedAccessKey/);
});

test('an unknown consumer group is named in the refusal and exits 1', async () => {
  const run = new CliRun();
  assert.is(await main(monitor('--consumer-group', 'nope'), run.io), 1);
  assert.match(run.stderr, /fogbridge\/ConsumerGroups\/nope\/Partitions\/0 failed \(amqp:not-found: no consumer group nope/);
});

test('without the hub CA the TLS failure says to pass --ca; a closed port says it cannot reach the hub', async () => {
  const untrusted = new CliRun();
  assert.is(await main(['--event-hub', t.hub.connectionStrings.eventHub], untrusted.io), 1);
  assert.match(untrusted.stderr, /TLS with amqps:\/\/localhost:\d+ failed: .*pass --ca <pem>/);
  const port = t.hub.port;
  await t.stop();
  const closed = new CliRun();
  assert.is(await main(monitor(), closed.io), 1);
  assert.match(closed.stderr, new RegExp(`cannot reach amqps://localhost:${port} \\(ECONNREFUSED\\)`));
  t = await startTestHub();
});

test.run();
