// `fogbridge gateway --check` and the GatewayPlan it prints: valid configs exit 0 with the plan,
// anything wrong exits non-zero with the error and nothing started.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../gateway/cli.js';
import { ConfigFileError } from '../../../gateway/config/errors.js';
import { toGatewayPlan, type PlanIo } from '../../../gateway/config/to-options.js';
import { buildRouteTable } from '../../../gateway/routes/table.js';
import { thrown } from '../../helpers/protocol.js';
import { fixture, load } from '../../helpers/gateway-config.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const seed = fixture('seed-qdrouterd.conf');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = '';
  let err = '';
  console.log = (...a: unknown[]) => void (out += `${a.join(' ')}\n`);
  console.error = (...a: unknown[]) => void (err += `${a.join(' ')}\n`);
  try {
    return { code: await main(argv), out, err };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-gw-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const fakeIo = (files: Record<string, string>, env: Record<string, string> = {}): PlanIo => ({
  readFile: (path) => {
    if (!(path in files)) throw new Error(`ENOENT: ${path}`);
    return files[path]!;
  },
  env: (name) => env[name],
});

test('--check on the seed config with its CA present: exit 0, the warnings, then the plan', async () => {
  const dir = folder({ 'gw.conf': seed.replace('/opt/qdrouterd/Equifax_Secure_Certificate_Authority.pem', 'equifax.pem'), 'equifax.pem': PEM });
  try {
    const { code, out, err } = await run(['--config', join(dir, 'gw.conf'), '--check']);
    assert.is(code, 0, err);
    assert.ok(out.includes("line 11: 'addr' is the 0.6 name of 'host'"));
    assert.ok(out.includes('valid, 18 warnings'));
    assert.ok(out.includes('TLS, SNI <iotHub>, hostname verified: sslProfile azure-ssl-profile, CA equifax.pem (1 certificate)'));
    assert.ok(out.includes('in  devices/#  -> connection IOTHUB  (linkRoute/3)'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('--check on the seed config as printed: exit 1, because the CA file it names is not there', async () => {
  const dir = folder({ 'gw.conf': seed });
  try {
    const { code, out, err } = await run([`--config=${join(dir, 'gw.conf')}`, '--check']);
    assert.is(code, 1);
    assert.is(out, '');
    assert.ok(err.includes("gw.conf:5: sslProfile 'azure-ssl-profile': cannot read caCertFile /opt/qdrouterd/Equifax_Secure_Certificate_Authority.pem"), err);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a bad config exits 1 with file, line and the fix; a missing file exits 1', async () => {
  const dir = folder({ 'gw.conf': 'listener {\n    prot: 5672\n}\n' });
  try {
    const bad = await run(['--config', join(dir, 'gw.conf'), '--check']);
    assert.is(bad.code, 1);
    assert.ok(bad.err.includes("gw.conf:2: unknown attribute 'prot' in section 'listener': did you mean 'port'?"));
    const missing = await run(['--config', join(dir, 'nope.conf'), '--check']);
    assert.is(missing.code, 1);
    assert.ok(missing.err.includes('nope.conf: cannot read the configuration file'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('usage: --help exits 0; no --config or an unknown option exit 2 and say why; running with a missing file exits 1 before starting', async () => {
  assert.is((await run(['--help'])).code, 0);
  assert.ok((await run([])).err.includes('--config <file> is required'));
  assert.ok((await run(['--config', 'x', '--frob'])).err.includes("unknown option '--frob'"));
  const noCheck = await run(['--config', 'x']);
  assert.is(noCheck.code, 1);
  assert.ok(noCheck.err.includes('x: cannot read the configuration file'));
});

test('the plan folds each sslProfile into its user, reads PEM and passwords through PlanIo, and routes as configured', () => {
  const text = `${seed}\nlistener {\n    name: tls\n    port: 5671\n    sslProfile: gw\n    requireSsl: yes\n}\nsslProfile {\n    name: gw\n    certFile: gw.pem\n    privateKeyFile: gw.key\n    password: env:GW_KEY_PASSWORD\n}\n`;
  const io = fakeIo({ '/opt/qdrouterd/Equifax_Secure_Certificate_Authority.pem': PEM, 'gw.pem': PEM, 'gw.key': 'KEY' }, { GW_KEY_PASSWORD: 'secret' });
  const plan = toGatewayPlan(load(text).config, io);
  const hub = plan.connectors[0]!;
  assert.equal([hub.tls?.servername, hub.tls?.verifyHostname, hub.tls?.ca, hub.idleTimeoutSeconds, hub.authorization], ['<iotHub>', true, PEM, 120, { mode: 'per-device', allowPolicyTokens: false }]);
  const tls = plan.listeners[1]!.tls!;
  assert.equal([tls.cert, tls.key, tls.passphrase, tls.requireTls], [PEM, 'KEY', 'secret', true]);
  assert.is(plan.listeners[0]!.tls, undefined);
  assert.equal(plan.logLevels.ROUTER, ['info', 'notice', 'warning', 'error', 'critical']);
  assert.is(buildRouteTable(plan.routes).match('devices/d1/messages/events', 'sender')?.connection, 'IOTHUB');
});

test('a password from an unset variable or an unreadable file is a ConfigFileError at the sslProfile line', () => {
  const text = 'listener {\n    sslProfile: gw\n}\nsslProfile {\n    name: gw\n    certFile: gw.pem\n    privateKeyFile: gw.key\n    password: env:NOT_SET\n}\n';
  const unset = thrown(ConfigFileError, () => toGatewayPlan(load(text).config, fakeIo({ 'gw.pem': PEM, 'gw.key': 'K' })));
  assert.is(unset.line, 4);
  assert.ok(unset.message.includes('NOT_SET is not set'));
  const unreadable = thrown(ConfigFileError, () => toGatewayPlan(load(text).config, fakeIo({ 'gw.pem': PEM }, { NOT_SET: 'now set' })));
  assert.ok(unreadable.message.includes('cannot read privateKeyFile gw.key'));
  assert.instance(unreadable.cause, Error);
});

test.run();
