// `fogbridge command` against the real local hub (in memory, port 0, --ca its CA; feedback
// batched every 20 ms): the device SDK receives the sealed command, its settlement comes back as
// the printed feedback record, and the errors a user must be able to act on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ENC_PROPERTY, open, parseKey } from '../../../protocol/envelope.js';
import { main } from '../../../hub/service/command-cli.js';
import { C2dClient } from '../../../hub/service/c2d-client.js';
import type { ServiceError } from '../../../hub/service/service-error.js';
import { AsyncQueue } from '../../helpers/async-queue.js';
import { listeningDevice, startTestHub, type DeviceClient, type TestHub } from '../hub/helpers.js';
import { CliRun } from './cli-run.js';

const KEY = '0f0e0d0c0b0a09080706050403020100';
let t: TestHub;
const devices: DeviceClient[] = [];

test.before(async () => {
  t = await startTestHub({ c2d: { feedbackBatchMs: 20, sweepMs: 20 } });
});
test.after(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => undefined)));
  await t.stop();
});

const command = (...extra: string[]): string[] => ['--service', t.hub.connectionStrings.service, '--ca', t.hub.certificates.caFile, ...extra];

test('ack full: the device SDK receives the sealed command, completes it, and the Success feedback is printed', async () => {
  const { client, messages } = await listeningDevice(t.hub, 'cmd-board', devices);
  const run = new CliRun();
  const done = main(command('--device', 'cmd-board', '--key', KEY, '--ack', 'full', '--ttl', '60', '{"cmd":"led","value":"on"}'), run.io);
  const m = await messages.next(10_000, 'the command on the device');
  assert.is(m.properties.getValue(ENC_PROPERTY), 'xtea-cbc-cts');
  assert.is(m.ack, 'full');
  assert.equal(JSON.parse(Buffer.from(open('xtea-cbc-cts', parseKey(KEY, 'xtea-cbc-cts'), m.data as Buffer)).toString()), { cmd: 'led', value: 'on' });
  const expiry = new Date(m.expiryTimeUtc as string | number).getTime();
  assert.ok(Math.abs(expiry - (Date.now() + 60_000)) < 10_000, 'absolute-expiry-time is about now + --ttl');
  await client.complete(m);
  assert.is(await done, 0);
  const record = JSON.parse(await run.lines.next(1000, 'the feedback line'));
  assert.is(record.statusCode, 'Success');
  assert.is(record.deviceId, 'cmd-board');
  assert.is(record.originalMessageId, m.messageId);
  assert.match(run.stderr, new RegExp(`cmd-board has message ${m.messageId} queued \\(ack full, expires in 60 s\\)`));
});

test('a command the device rejects prints Rejected feedback and exits 1', async () => {
  const { client, messages } = await listeningDevice(t.hub, 'cmd-rejecter', devices);
  const run = new CliRun();
  const done = main(command('--device', 'cmd-rejecter', '--message-id', 'reject-me', '{"cmd":"reboot"}'), run.io);
  const m = await messages.next(10_000, 'the command on the device');
  assert.is(m.properties.getValue(ENC_PROPERTY), 'none', 'without --key the command is plain JSON and says so');
  assert.equal(JSON.parse(String(m.data)), { cmd: 'reboot' });
  await client.reject(m);
  assert.is(await done, 1);
  const record = JSON.parse(await run.lines.next(1000, 'the feedback line'));
  assert.equal([record.originalMessageId, record.statusCode], ['reject-me', 'Rejected']);
});

test('--ack none returns once the hub has queued the command', async () => {
  t.hub.registry.addDevice('cmd-offline');
  const run = new CliRun();
  assert.is(await main(command('--device', 'cmd-offline', '--ack', 'none', '{"cmd":"led","value":"off"}'), run.io), 0);
  assert.match(run.stderr, /cmd-offline has message [0-9a-f-]{36} queued \(ack none\)/);
  assert.is(run.lines.size, 0);
});

test('no feedback within --timeout says why and exits 1', async () => {
  t.hub.registry.addDevice('cmd-silent');
  const run = new CliRun();
  assert.is(await main(command('--device', 'cmd-silent', '--timeout', '1', '{"cmd":"reboot"}'), run.io), 1);
  assert.match(run.stderr, /no feedback for message [0-9a-f-]{36} within 1 s: the device may be offline/);
});

test('an unknown device is named in the refusal', async () => {
  const run = new CliRun();
  assert.is(await main(command('--device', 'no-such-board', '{"cmd":"reboot"}'), run.io), 1);
  assert.match(run.stderr, /the hub refused the command for no-such-board \(amqp:not-found/);
});

test('a bad connection string, a missing option or non-JSON command exit 2 naming what to fix', async () => {
  const cases: [string[], RegExp][] = [
    [['--service', 'HostName=localhost;SharedAccessKey=abcd', '--device', 'd', '{}'], /SharedAccessKey but neither DeviceId nor SharedAccessKeyName/],
    [['--service', 'HostName=localhost;DeviceId=d;SharedAccessKey=abcd', '--device', 'd', '{}'], /device string: use a service policy string/],
    [command('{}'), /--device <id> is required/],
    [command('--device', 'd', '{cmd:led}'), /the command is not JSON/],
    [command('--device', 'd', '--ack', 'sometimes', '{}'), /--ack must be one of full, positive, negative, none/],
    [command('--device', 'd', '--key', 'abcd', '{"cmd":"reboot"}'), /16 bytes|32 hex/],
  ];
  for (const [argv, message] of cases) {
    const run = new CliRun();
    const code = await main(argv, run.io);
    assert.is(code, 2, `${argv.join(' ')} → ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('a wrong policy key is reported as unauthorized (401) and exits 1', async () => {
  const wrong = t.hub.connectionStrings.service.replace(/SharedAccessKey=[^;]+/, `SharedAccessKey=${Buffer.alloc(32, 9).toString('base64')}`);
  const run = new CliRun();
  assert.is(await main(['--service', wrong, '--ca', t.hub.certificates.caFile, '--device', 'cmd-board', '{}'], run.io), 1);
  assert.match(run.stderr, /unauthorized \(401\): the hub refused the SAS token for localhost:\d+: 401/);
});

test('C2dClient reports a lost connection once through onLost, and waiting callers fail with it', async () => {
  const other = await startTestHub();
  const lost = new AsyncQueue<ServiceError>();
  const client = await C2dClient.open({ connectionString: other.hub.connectionStrings.service, ca: other.hub.certificates.caPem, onLost: (e) => lost.push(e) });
  await client.receiveFeedback();
  const waiting = client.waitForFeedback('never-sent', 10_000).catch((e: ServiceError) => e);
  await other.stop();
  const error = await lost.next(5000, 'onLost');
  assert.is(error.code, 'disconnected');
  assert.is(await waiting, error);
  await client.close();
  assert.is(lost.size, 0);
});

test.run();
