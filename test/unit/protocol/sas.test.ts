// SAS tokens (protocol/sas.ts) against the shared vectors (reference/iot-hub-amqp.md §3.4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fuzzParser, thrown } from '../../helpers/protocol.js';
import { readFileSync } from 'node:fs';
import { ProtocolError } from '../../../protocol/errors.js';
import { SasError, audienceCovers, createSasToken, encodeUriComponentStrict, parseSasToken, verifySasToken, type KeyConvention } from '../../../protocol/sas.js';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/vectors/sas.json', import.meta.url), 'utf8'));
const { v1, v2, v3 } = vectors;

const sasError = (fn: () => unknown): SasError => thrown(SasError, fn);

test('GIVEN vector v1 (device, iothub key) WHEN a token is created THEN it is the SDK token byte for byte', () => {
  const token = createSasToken({ audience: `${v1.host}/devices/${v1.dev}`, key: v1.key, keyConvention: 'iothub', expiresAt: v1.se });
  assert.is(token, v1.token);
  assert.is(token, v1.sdkToken);
});

test('GIVEN vector v2 (service policy, iothub key) WHEN a token is created THEN the order is sr, sig, skn, se as the SDK writes it', () => {
  const token = createSasToken({ audience: v2.host, key: v2.key, keyConvention: 'iothub', keyName: v2.skn, expiresAt: v2.se });
  assert.is(token, v2.token);
});

test('GIVEN vector v3 (Event Hubs, key used as text) WHEN a token is created THEN it is the core-amqp token, order sr, sig, se, skn', () => {
  const token = createSasToken({ audience: v3.audience, key: v3.key, keyConvention: 'eventhub', keyName: v3.skn, expiresAt: v3.se });
  assert.is(token, v3.token);
  assert.is(parseSasToken(token).sr, v3.sr);
});

test('GIVEN every vector token WHEN parsed THEN sr is kept as received, the rest decoded', () => {
  const t1 = parseSasToken(v1.token);
  assert.equal(t1, { sr: v1.sr, audience: 'myhub.azure-devices.net/devices/device1', sig: v1.sigBase64, se: v1.se });
  const t2 = parseSasToken(v2.token);
  assert.equal(t2, { sr: v2.host, audience: v2.host, sig: v2.sigBase64, se: v2.se, skn: 'iothubowner' });
  const t3 = parseSasToken(v3.token);
  assert.equal(t3, { sr: v3.sr, audience: v3.audience, sig: v3.sigBase64_utf8Key, se: v3.se, skn: 'iothubowner' });
});

const cases: [string, string, KeyConvention, number][] = [
  ['v1', v1.token, 'iothub', v1.se],
  ['v2', v2.token, 'iothub', v2.se],
  ['v3', v3.token, 'eventhub', v3.se],
];
for (const [name, token, convention, se] of cases) {
  test(`GIVEN vector ${name} WHEN verified one second before expiry with its key THEN it is valid; at expiry THEN 'expired'`, () => {
    const key = name === 'v1' ? v1.key : v2.key;
    verifySasToken(parseSasToken(token), key, convention, se - 1);
    assert.is(sasError(() => verifySasToken(parseSasToken(token), key, convention, se)).code, 'expired');
  });
}

test('GIVEN vector v3 WHEN verified with the key base64-decoded (iothub convention) THEN bad-signature; the wrong sig verifies that way', () => {
  const t = parseSasToken(v3.token);
  assert.is(sasError(() => verifySasToken(t, v3.key, 'iothub', 0)).code, 'bad-signature');
  verifySasToken({ ...t, sig: v3.sigIfKeyWereBase64Decoded }, v3.key, 'iothub', 0);
});

test('GIVEN the vector tokens with their fields reordered WHEN parsed and verified THEN they still verify', () => {
  const reordered = `SharedAccessSignature se=${v2.se}&skn=iothubowner&sig=${encodeURIComponent(v2.sigBase64)}&sr=${v2.host}`;
  verifySasToken(parseSasToken(reordered), v2.key, 'iothub', 0);
});

test('GIVEN a tampered token (sr, se or sig changed) WHEN verified THEN bad-signature', () => {
  const t = parseSasToken(v1.token);
  const key = v1.key;
  assert.is(sasError(() => verifySasToken({ ...t, sr: t.sr.replace('device1', 'device2') }, key, 'iothub', 0)).code, 'bad-signature');
  assert.is(sasError(() => verifySasToken({ ...t, se: t.se + 1 }, key, 'iothub', 0)).code, 'bad-signature');
  assert.is(sasError(() => verifySasToken({ ...t, sig: v2.sigBase64 }, key, 'iothub', 0)).code, 'bad-signature');
  assert.is(sasError(() => verifySasToken({ ...t, sig: 'AAAA' }, key, 'iothub', 0)).code, 'bad-signature');
  assert.is(sasError(() => verifySasToken(t, v2.key, 'iothub', 0)).code, 'bad-signature');
});

test('GIVEN an expired token with a wrong key WHEN verified THEN bad-signature (expiry is not revealed)', () => {
  assert.is(sasError(() => verifySasToken(parseSasToken(v1.token), v2.key, 'iothub', v1.se + 10)).code, 'bad-signature');
});

test('GIVEN a key that is not base64 WHEN used with the iothub convention THEN bad-key, and the message does not echo it', () => {
  const e = sasError(() => createSasToken({ audience: 'h/devices/d', key: 'not base64!', keyConvention: 'iothub', expiresAt: 1 }));
  assert.is(e.code, 'bad-key');
  assert.not.match(e.message, 'not base64!');
  assert.is(sasError(() => verifySasToken(parseSasToken(v1.token), '', 'eventhub', 0)).code, 'bad-key');
});

test('GIVEN an audience with ! \' ( ) * WHEN a token is created THEN iothub escapes them strictly, eventhub does not', () => {
  assert.is(encodeUriComponentStrict("h/devices/a!'()*"), 'h%2Fdevices%2Fa%21%27%28%29%2a');
  const strict = parseSasToken(createSasToken({ audience: 'h/devices/a(1)', key: v1.key, keyConvention: 'iothub', expiresAt: 5 }));
  assert.is(strict.sr, 'h%2Fdevices%2Fa%281%29');
  assert.is(strict.audience, 'h/devices/a(1)');
  const plain = parseSasToken(createSasToken({ audience: 'h/devices/a(1)', key: v1.key, keyConvention: 'eventhub', expiresAt: 5 }));
  assert.is(plain.sr, 'h%2Fdevices%2Fa(1)');
});

test('GIVEN a bad expiry or empty audience WHEN a token is created THEN bad-field', () => {
  for (const expiresAt of [-1, 1.5, Number.NaN]) {
    assert.is(sasError(() => createSasToken({ audience: 'a', key: v1.key, keyConvention: 'iothub', expiresAt })).code, 'bad-field');
  }
  assert.is(sasError(() => createSasToken({ audience: '', key: v1.key, keyConvention: 'iothub', expiresAt: 1 })).code, 'bad-field');
});

const bad: [string, string, string][] = [
  ['', 'malformed', ''],
  ['sr=a&sig=AAAA&se=1', 'malformed', ''],
  ['SharedAccessSignature', 'malformed', ''],
  ['Bearer sr=a&sig=AAAA&se=1', 'malformed', ''],
  ['SharedAccessSignature sr=a&sig=AAAA', 'missing-field', 'se'],
  ['SharedAccessSignature sig=AAAA&se=1', 'missing-field', 'sr'],
  ['SharedAccessSignature sr=a&se=1', 'missing-field', 'sig'],
  ['SharedAccessSignature sr=&sig=AAAA&se=1', 'missing-field', 'sr'],
  ['SharedAccessSignature sr=a&sig=AAAA&se=soon', 'bad-field', 'se'],
  ['SharedAccessSignature sr=a&sig=AAAA&se=-5', 'bad-field', 'se'],
  ['SharedAccessSignature sr=a&sig=!!&se=1', 'bad-field', 'sig'],
  ['SharedAccessSignature sr=%E0%A4%A&sig=AAAA&se=1', 'bad-field', 'sr'],
  ['SharedAccessSignature sr=a&sig=AAAA&se=1&skn=', 'bad-field', 'skn'],
  ['SharedAccessSignature sr=a&sr=b&sig=AAAA&se=1', 'duplicate-field', 'sr'],
  ['SharedAccessSignature sr=a&&sig=AAAA&se=1', 'malformed', ''],
];
for (const [token, code, field] of bad) {
  test(`GIVEN token ${JSON.stringify(token)} WHEN parsed THEN ${code}${field ? ` naming ${field}` : ''}`, () => {
    const e = sasError(() => parseSasToken(token));
    assert.is(e.code, code);
    assert.ok(e instanceof ProtocolError);
    if (field) assert.match(e.message, new RegExp(`\\b${field}\\b`));
  });
}

test('GIVEN a body that is not a string (Buffer, undefined) WHEN parsed as a token THEN malformed', () => {
  assert.is(sasError(() => parseSasToken(Buffer.from(v1.token) as unknown as string)).code, 'malformed');
  assert.is(sasError(() => parseSasToken(undefined as unknown as string)).code, 'malformed');
});

const covers: [string, string, boolean][] = [
  ['myhub.azure-devices.net/devices/d1', 'myhub.azure-devices.net/devices/d1', true],
  ['myhub.azure-devices.net', 'myhub.azure-devices.net/devices/d1', true],
  ['myhub.azure-devices.net/devices/d1', 'myhub.azure-devices.net/devices/d1/messages/events', true],
  ['myhub.azure-devices.net/devices/d1', 'myhub.azure-devices.net/devices/d10', false],
  ['myhub.azure-devices.net/devices/d1/', 'myhub.azure-devices.net/devices/d1', true],
  ['MyHub.Azure-Devices.NET/devices/d1', 'myhub.azure-devices.net/devices/d1', true],
  ['myhub.azure-devices.net/devices/D1', 'myhub.azure-devices.net/devices/d1', false],
  ['amqps://myhub.azure-devices.net/devices/d1', 'myhub.azure-devices.net/devices/d1/messages/devicebound', true],
  ['sb://ns.servicebus.windows.net/myhub', 'sb://ns.servicebus.windows.net/myhub/ConsumerGroups/$Default/Partitions/0', true],
  ['sb://ns.servicebus.windows.net/myhub', 'ns.servicebus.windows.net/myhub2', false],
  ['localhost:25671', 'localhost:25671/devices/d1', true],
  ['localhost:25671', 'localhost/devices/d1', false],
  ['myhub.azure-devices.net/devices/d1/messages', 'myhub.azure-devices.net/devices/d1', false],
  ['other.azure-devices.net', 'myhub.azure-devices.net/devices/d1', false],
  ['', 'myhub.azure-devices.net', false],
];
for (const [audience, resource, expected] of covers) {
  test(`GIVEN a token for ${JSON.stringify(audience)} WHEN asked about ${JSON.stringify(resource)} THEN covers=${expected}`, () => {
    assert.is(audienceCovers(audience, resource), expected);
  });
}

test('GIVEN arbitrary strings WHEN parsed as SAS tokens THEN each parses or throws SasError, nothing else (fuzz)', () => {
  const fields = fc.constantFrom('sr=', 'sig=', 'se=', 'skn=', '&', '%', '%2F', '=', ' ', 'AAAA', '123', 'x');
  const tokenish = fc.array(fields, { maxLength: 12 }).map((parts) => `SharedAccessSignature ${parts.join('')}`);
  // A parsed token must also go through verify without anything but SasError.
  fuzzParser(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), tokenish), SasError, (input) => verifySasToken(parseSasToken(input), v1.key, 'iothub', 0));
});

test.run();
