// Connection strings (protocol/connection-string.ts), reference/iot-hub-amqp.md §1.2, §6.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fuzzParser, thrown } from '../../helpers/protocol.js';
import {
  ConnectionStringError, formatEventHubConnectionString, formatIotHubConnectionString, parseEventHubConnectionString,
  parseIotHubConnectionString,
} from '../../../protocol/connection-string.js';

const KEY = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=';

const csError = (fn: () => unknown): ConnectionStringError => thrown(ConnectionStringError, fn);

test('GIVEN a device connection string with a gateway and a port WHEN parsed THEN host, port and gateway are split out', () => {
  const cs = `HostName=myhub.azure-devices.net;DeviceId=dev1;SharedAccessKey=${KEY};GatewayHostName=localhost:35671`;
  assert.equal(parseIotHubConnectionString(cs), {
    kind: 'device', hostName: 'myhub.azure-devices.net', host: 'myhub.azure-devices.net', deviceId: 'dev1', sharedAccessKey: KEY,
    gatewayHostName: 'localhost:35671', gatewayHost: 'localhost', gatewayPort: 35671,
  });
  assert.is(formatIotHubConnectionString(parseIotHubConnectionString(cs)), cs);
});

test('GIVEN a service connection string with HostName=localhost:25671 WHEN parsed THEN kind service, port 25671', () => {
  const cs = `HostName=localhost:25671;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`;
  const c = parseIotHubConnectionString(cs);
  assert.equal(c, { kind: 'service', hostName: 'localhost:25671', host: 'localhost', port: 25671, sharedAccessKeyName: 'iothubowner', sharedAccessKey: KEY });
  assert.is(formatIotHubConnectionString(c), cs);
});

test('GIVEN other accepted IoT Hub forms WHEN parsed and formatted THEN they round trip', () => {
  for (const cs of [
    'HostName=h;DeviceId=d;SharedAccessSignature=SharedAccessSignature sr=h%2Fdevices%2Fd&sig=AAAA&se=1',
    `HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=${KEY}`,
    `HostName=h;DeviceId=d;SharedAccessKeyName=device;SharedAccessKey=${KEY}`,
    'HostName=h;DeviceId=d;x509=true',
    `HostName=[::1]:5671;DeviceId=d;SharedAccessKey=${KEY}`,
  ]) assert.is(formatIotHubConnectionString(parseIotHubConnectionString(cs)), cs);
});

test('GIVEN different spellings (field case, order, trailing ;) WHEN parsed THEN the canonical form comes out', () => {
  const c = parseIotHubConnectionString(` sharedaccesskey=${KEY};deviceid=dev1;HOSTNAME=h.example;`);
  assert.is(formatIotHubConnectionString(c), `HostName=h.example;DeviceId=dev1;SharedAccessKey=${KEY}`);
});

const badIotHub: [string, string, string][] = [
  ['', 'missing-field', 'HostName'],
  [`DeviceId=d;SharedAccessKey=${KEY}`, 'missing-field', 'HostName'],
  ['HostName=h;DeviceId=d', 'missing-field', 'SharedAccessKey'],
  [`HostName=h;SharedAccessKey=${KEY}`, 'missing-field', 'SharedAccessKeyName'],
  [`HostName=h;GatewayHostName=g;SharedAccessKeyName=p;SharedAccessKey=${KEY}`, 'missing-field', 'GatewayHostName'],
  [`HostName=h;DeviceId=d;SharedAccessKey=${KEY};SharedAccessSignature=x`, 'conflicting-fields', 'SharedAccessSignature'],
  [`HostName=h;DeviceId=d;SharedAccessKey=${KEY};x509=true`, 'conflicting-fields', 'x509'],
  [`HostName=h;DeviceId=d;DeviceId=e;SharedAccessKey=${KEY}`, 'duplicate-field', 'DeviceId'],
  [`HostName=h;DeviceId=d;Password=${KEY}`, 'unknown-field', 'Password'],
  [`HostName=h;DeviceId=d;${KEY}`, 'unknown-field', 'part 3'],
  ['HostName=h;DeviceId=d;x509', 'malformed', 'part 3'],
  [`HostName=h:99999;DeviceId=d;SharedAccessKey=${KEY}`, 'bad-field', 'HostName'],
  [`HostName=h:x;DeviceId=d;SharedAccessKey=${KEY}`, 'bad-field', 'HostName'],
  [`HostName=h;DeviceId=d;SharedAccessKey=${KEY};GatewayHostName=a/b`, 'bad-field', 'GatewayHostName'],
  ['HostName=h;DeviceId=d;SharedAccessKey=not*base64', 'bad-field', 'SharedAccessKey'],
  [`HostName=h;DeviceId=;SharedAccessKey=${KEY}`, 'bad-field', 'DeviceId'],
  ['HostName=h;DeviceId=d;x509=yes', 'bad-field', 'x509'],
];
for (const [cs, code, part] of badIotHub) {
  test(`GIVEN IoT Hub string ${JSON.stringify(cs.replace(KEY, '<key>'))} WHEN parsed THEN ${code} naming ${part}, key not echoed`, () => {
    const e = csError(() => parseIotHubConnectionString(cs));
    assert.is(e.code, code);
    assert.ok(e.message.includes(part), e.message);
    assert.not.ok(e.message.includes(KEY));
    assert.not.ok(e.message.includes('base64;'));
  });
}

const EH = `Endpoint=sb://myhub-ns.servicebus.windows.net/;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY};EntityPath=myhub`;

test('GIVEN the Event Hubs-compatible connection string WHEN parsed THEN endpoint, host, policy, key and entity come out', () => {
  assert.equal(parseEventHubConnectionString(EH), {
    endpoint: 'sb://myhub-ns.servicebus.windows.net/', host: 'myhub-ns.servicebus.windows.net', sharedAccessKeyName: 'iothubowner',
    sharedAccessKey: KEY, entityPath: 'myhub', useDevelopmentEmulator: false,
  });
  assert.is(formatEventHubConnectionString(parseEventHubConnectionString(EH)), EH);
});

test('GIVEN an emulator Event Hubs string with a port WHEN parsed THEN port and UseDevelopmentEmulator come out and round trip', () => {
  const cs = 'Endpoint=sb://localhost:25671;SharedAccessKeyName=p;SharedAccessKey=SAS_KEY_VALUE;EntityPath=hub;UseDevelopmentEmulator=true';
  const c = parseEventHubConnectionString(cs);
  assert.is(c.port, 25671);
  assert.is(c.host, 'localhost');
  assert.is(c.useDevelopmentEmulator, true);
  assert.is(formatEventHubConnectionString(c), cs);
});

const badEventHub: [string, string, string][] = [
  [`SharedAccessKeyName=p;SharedAccessKey=${KEY}`, 'missing-field', 'Endpoint'],
  [`Endpoint=https://h/;SharedAccessKeyName=p;SharedAccessKey=${KEY}`, 'bad-field', 'Endpoint'],
  [`Endpoint=sb://h:0/;SharedAccessKeyName=p;SharedAccessKey=${KEY}`, 'bad-field', 'Endpoint'],
  ['Endpoint=sb://h/;SharedAccessKeyName=p', 'missing-field', 'SharedAccessKey'],
  [`Endpoint=sb://h/;SharedAccessKey=${KEY}`, 'missing-field', 'SharedAccessKeyName'],
  [`Endpoint=sb://h/;SharedAccessKeyName=p;SharedAccessKey=${KEY};EntityPath=a/b`, 'bad-field', 'EntityPath'],
  [`Endpoint=sb://h/;SharedAccessKeyName=p;SharedAccessKey=${KEY};UseDevelopmentEmulator=1`, 'bad-field', 'UseDevelopmentEmulator'],
  [`Endpoint=sb://h/;SharedAccessKeyName=p;SharedAccessKey=${KEY};HostName=h`, 'unknown-field', 'HostName'],
];
for (const [cs, code, part] of badEventHub) {
  test(`GIVEN Event Hubs string ${JSON.stringify(cs.replace(KEY, '<key>'))} WHEN parsed THEN ${code} naming ${part}`, () => {
    const e = csError(() => parseEventHubConnectionString(cs));
    assert.is(e.code, code);
    assert.ok(e.message.includes(part), e.message);
    assert.not.ok(e.message.includes(KEY));
  });
}

test('GIVEN a value containing ; WHEN formatted THEN bad-field, not a string that parses differently', () => {
  assert.is(csError(() => formatIotHubConnectionString({ hostName: 'h', deviceId: 'a;b', x509: true })).code, 'bad-field');
  assert.is(csError(() => formatEventHubConnectionString({ endpoint: 'sb://h/', sharedAccessSignature: 'x;y' })).code, 'bad-field');
});

const fragment = fc.constantFrom('HostName=', 'DeviceId=', 'SharedAccessKey=', 'SharedAccessKeyName=', 'GatewayHostName=', 'x509=', 'Endpoint=',
  'sb://', 'EntityPath=', 'UseDevelopmentEmulator=', ';', '=', ':', '/', 'h', '5671', 'true', KEY);
const stringish = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.array(fragment, { maxLength: 14 }).map((p) => p.join('')));

for (const [name, parse] of [['IoT Hub', parseIotHubConnectionString], ['Event Hubs', parseEventHubConnectionString]] as [string, (cs: string) => object][]) {
  test(`GIVEN arbitrary strings WHEN parsed as ${name} connection strings THEN each parses or throws ConnectionStringError (fuzz)`, () => {
    fuzzParser(stringish, ConnectionStringError, parse);
  });
}

test.run();
