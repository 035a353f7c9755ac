// `fogbridge sas` (cli/sas.ts) with an injected clock and in-memory stdout / stderr.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { main, type SasIo } from '../../../cli/sas.js';

const { v1, v2, v3 } = JSON.parse(readFileSync(new URL('../../fixtures/vectors/sas.json', import.meta.url), 'utf8'));

async function run(argv: string[], nowSeconds: number): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: SasIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), now: () => nowSeconds * 1000 + 999 };
  return { code: await main(argv, io), out, err };
}

test('GIVEN a device connection string and a clock 3600 s before v1.se WHEN sas runs THEN it prints vector v1', async () => {
  const cs = `HostName=${v1.host};DeviceId=${v1.dev};SharedAccessKey=${v1.key}`;
  assert.equal(await run(['--connection-string', cs], v1.se - 3600), { code: 0, out: `${v1.token}\n`, err: '' });
});

test('GIVEN a service connection string and --ttl 60 WHEN sas runs THEN it prints vector v2 (sr raw host, skn)', async () => {
  const cs = `HostName=${v2.host};SharedAccessKeyName=${v2.skn};SharedAccessKey=${v2.key}`;
  assert.equal(await run(['--connection-string', cs, '--ttl', '60'], v2.se - 60), { code: 0, out: `${v2.token}\n`, err: '' });
});

test('GIVEN an Event Hubs connection string WHEN sas runs THEN the token is for sb://<host>/<entity>, key used as text', async () => {
  const cs = `Endpoint=sb://myhub-ns.servicebus.windows.net/;SharedAccessKeyName=${v3.skn};SharedAccessKey=${v3.key};EntityPath=myhub`;
  const made = await run(['--connection-string', cs], 100);
  assert.is(made.code, 0);
  assert.match(made.out, /^SharedAccessSignature sr=sb%3A%2F%2Fmyhub-ns\.servicebus\.windows\.net%2Fmyhub&sig=.+&se=3700&skn=iothubowner\n$/);
  const checked = await run(['--verify', made.out.trim(), '--key', v3.key, '--convention', 'eventhub'], 200);
  assert.equal(checked, { code: 0, out: 'valid: sb://myhub-ns.servicebus.windows.net/myhub with policy iothubowner, expires 1970-01-01T01:01:40.000Z (in 3500 s)\n', err: '' });
});

test('GIVEN the vector tokens WHEN verified THEN valid before se, expired at se, bad signature with the wrong convention', async () => {
  assert.match((await run(['--verify', v1.token, '--key', v1.key], v1.se - 10)).out, /^valid: myhub\.azure-devices\.net\/devices\/device1, expires 2023-11-14T22:13:20\.000Z \(in 10 s\)/);
  assert.equal((await run(['--verify', v1.token, '--key', v1.key], v1.se)).code, 1);
  assert.match((await run(['--verify', v1.token, '--key', v1.key], v1.se)).out, /^expired: /);
  const wrong = await run(['--verify', v3.token, '--key', v3.key], 0);
  assert.is(wrong.code, 1);
  assert.match(wrong.out, /^bad signature: .*--convention eventhub/);
  assert.match((await run(['--verify', 'SharedAccessSignature sr=a&se=1', '--key', v1.key], 0)).out, /^malformed: field sig is missing/);
});

test('GIVEN usage mistakes WHEN sas runs THEN exit 2 with a message naming the fix, and keys are never echoed', async () => {
  const cases: [string[], RegExp][] = [
    [[], /either --connection-string or --verify/],
    [['--verify', v1.token], /--verify needs --key/],
    [['--verify', v1.token, '--key', v1.key, '--convention', 'aes'], /--convention is iothub or eventhub/],
    [['--connection-string', `HostName=h;DeviceId=d;SharedAccessKey=${v1.key}`, '--ttl', '0'], /--ttl is a whole number/],
    [['--connection-string', 'HostName=h;DeviceId=d;x509=true'], /no SharedAccessKey to sign with/],
    [['--connection-string', `DeviceId=d;SharedAccessKey=${v1.key}`], /has no HostName \(missing-field\)/],
    [['--verify', v1.token, '--key', 'not base64!'], /not base64.*\(bad-key\)/],
    [['--bogus'], /--bogus/],
    [['extra'], /unexpected argument 'extra'/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(argv, 0);
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.err, message);
    assert.match(r.err, /fogbridge sas --help/);
    assert.not.ok(r.err.includes(v1.key));
  }
});

test('GIVEN --help WHEN sas runs THEN it prints usage and exits 0; the command is registered', async () => {
  const r = await run(['--help'], 0);
  assert.is(r.code, 0);
  assert.match(r.out, /usage: fogbridge sas --connection-string/);
  const index = readFileSync(new URL('../../../cli/index.ts', import.meta.url), 'utf8');
  assert.match(index, /^  sas: \{ summary: .*load: \(\) => import\('\.\/sas\.js'\) \},$/m);
});

test.run();
