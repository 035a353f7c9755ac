// IoT Hub addresses (protocol/address.ts): worked examples of the grammar, one per line, in the
// manner of Hono's ResourceIdentifier tests (reference/iot-hub-amqp.md §4.1, §5.1, §5.2, §6.1).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fuzzParser, thrown } from '../../helpers/protocol.js';
import {
  AddressError, c2dToAddress, deviceAudience, deviceBoundAddress, deviceEventsAddress, formatAddress, isValidDeviceId,
  parseAddress, partitionAddress, type IotHubAddress,
} from '../../../protocol/address.js';

const addressError = (fn: () => unknown): AddressError => thrown(AddressError, fn);

const examples: [string, IotHubAddress][] = [
  ['/devices/dev1/messages/events', { kind: 'device-events', deviceId: 'dev1' }],
  ['devices/dev1/messages/events', { kind: 'device-events', deviceId: 'dev1' }],
  ['amqps://myhub.azure-devices.net/devices/dev1/messages/events', { kind: 'device-events', deviceId: 'dev1' }],
  ['amqps://localhost:25671/devices/dev1/messages/events', { kind: 'device-events', deviceId: 'dev1' }],
  ['/devices/dev1/messages/devicebound', { kind: 'device-bound', deviceId: 'dev1' }],
  ['/devices/Dev%3A1/messages/devicebound', { kind: 'device-bound', deviceId: 'Dev:1' }],
  ['/devices/Dev:1/messages/devicebound', { kind: 'device-bound', deviceId: 'Dev:1' }],
  ['/devices/50%off/messages/events', { kind: 'device-events', deviceId: '50%off' }],
  ['/devices/a%25b/messages/events', { kind: 'device-events', deviceId: 'a%b' }],
  ["/devices/-:.+%25_#*?!(),=@;$'/messages/events", { kind: 'device-events', deviceId: "-:.+%_#*?!(),=@;$'" }],
  ['/messages/devicebound', { kind: 'service-bound' }],
  ['messages/devicebound', { kind: 'service-bound' }],
  ['/messages/serviceBound/feedback', { kind: 'feedback' }],
  ['/messages/servicebound/feedback', { kind: 'feedback' }],
  ['/MESSAGES/SERVICEBOUND/FEEDBACK', { kind: 'feedback' }],
  ['$cbs', { kind: 'cbs' }],
  ['/$cbs', { kind: 'cbs' }],
  ['amqps://myhub.azure-devices.net/$cbs', { kind: 'cbs' }],
  ['$management', { kind: 'management' }],
  ['myhub/ConsumerGroups/$Default/Partitions/0', { kind: 'partition', hub: 'myhub', consumerGroup: '$Default', partition: 0 }],
  ['myhub/consumergroups/cg1/partitions/31', { kind: 'partition', hub: 'myhub', consumerGroup: 'cg1', partition: 31 }],
  ['amqps://ns.servicebus.windows.net:5671/myhub/ConsumerGroups/$Default/Partitions/3', { kind: 'partition', hub: 'myhub', consumerGroup: '$Default', partition: 3 }],
];
for (const [address, expected] of examples) {
  test(`GIVEN address ${JSON.stringify(address)} WHEN parsed THEN ${expected.kind}`, () => {
    assert.equal(parseAddress(address), expected);
  });
}

const unknown = [
  '', '/', 'devices/dev1', '/devices/dev1/messages', '/devices/dev1/messages/events/extra',
  '/devices/dev1/modules/m1/messages/events', '/devices/dev1/twin', '/devices/dev1/methods/devicebound', '$CBS',
  'myhub/$management', '/messages/serviceBound/filenotifications', 'myhub/Partitions/0', '/ConsumerGroups/cg/Partitions/0',
  'myhub/ConsumerGroups//Partitions/0', 'amqps://myhub.azure-devices.net', '//devices/dev1/messages/events',
];
for (const address of unknown) {
  test(`GIVEN address ${JSON.stringify(address)} WHEN parsed THEN unknown-address naming it`, () => {
    const e = addressError(() => parseAddress(address));
    assert.is(e.code, 'unknown-address');
    assert.ok(e.message.includes(JSON.stringify(address)));
  });
}

const badIds = ['/devices//messages/events', '/devices/dev 1/messages/events', '/devices/d%C3%A9v/messages/events', '/devices/a%2Fb/messages/events', `/devices/${'x'.repeat(129)}/messages/events`, '/devices/<x>/messages/devicebound'];
for (const address of badIds) {
  test(`GIVEN address ${JSON.stringify(address.slice(0, 60))} WHEN parsed THEN bad-device-id saying the charset`, () => {
    const e = addressError(() => parseAddress(address));
    assert.is(e.code, 'bad-device-id');
    assert.match(e.message, '1-128 ASCII letters');
  });
}

test('GIVEN no address at all (rhea: a terminus without one) WHEN parsed THEN unknown-address', () => {
  assert.is(addressError(() => parseAddress(undefined as unknown as string)).code, 'unknown-address');
});

test('GIVEN a partition that is not a number WHEN parsed THEN bad-partition', () => {
  for (const address of ['h/ConsumerGroups/cg/Partitions/x', 'h/ConsumerGroups/cg/Partitions/-1', 'h/ConsumerGroups/cg/Partitions/1.5']) {
    assert.is(addressError(() => parseAddress(address)).code, 'bad-partition');
  }
});

test('GIVEN device ids WHEN checked THEN the IoT Hub charset and 128-character limit apply', () => {
  assert.ok(isValidDeviceId('dev1'));
  assert.ok(isValidDeviceId('x'.repeat(128)));
  assert.ok(isValidDeviceId("a-b.c_d:e+f%g#h*i?j!k(l)m,n=o@p;q$r'"));
  for (const id of ['', 'x'.repeat(129), 'a b', 'a/b', 'é', 'a&b', 'a~b', 'a"b', 'a\\b']) assert.not.ok(isValidDeviceId(id), id);
});

test('GIVEN the formatters WHEN called THEN they write what the SDKs write', () => {
  assert.is(deviceEventsAddress('dev1'), '/devices/dev1/messages/events');
  assert.is(deviceBoundAddress('dev1'), '/devices/dev1/messages/devicebound');
  assert.is(deviceEventsAddress('a:b'), '/devices/a:b/messages/events');
  assert.is(deviceEventsAddress('50%'), '/devices/50%25/messages/events');
  assert.is(c2dToAddress('dev1'), '/devices/dev1/messages/devicebound');
  assert.is(c2dToAddress('a:b@c'), '/devices/a%3Ab%40c/messages/devicebound');
  assert.is(partitionAddress('myhub', '$Default', 2), 'myhub/ConsumerGroups/$Default/Partitions/2');
  assert.is(deviceAudience('myhub.azure-devices.net', 'dev1'), 'myhub.azure-devices.net/devices/dev1');
  assert.is(formatAddress({ kind: 'feedback' }), '/messages/serviceBound/feedback');
  assert.is(formatAddress({ kind: 'service-bound' }), '/messages/devicebound');
  assert.is(formatAddress({ kind: 'cbs' }), '$cbs');
  assert.is(formatAddress({ kind: 'management' }), '$management');
});

test('GIVEN bad inputs WHEN formatting THEN AddressError', () => {
  assert.is(addressError(() => deviceEventsAddress('a b')).code, 'bad-device-id');
  assert.is(addressError(() => c2dToAddress('')).code, 'bad-device-id');
  assert.is(addressError(() => deviceAudience('h', 'a/b')).code, 'bad-device-id');
  assert.is(addressError(() => partitionAddress('h', 'cg', -1)).code, 'bad-partition');
  assert.is(addressError(() => partitionAddress('h', 'cg', 1.5)).code, 'bad-partition');
  assert.is(addressError(() => partitionAddress('a/b', 'cg', 1)).code, 'unknown-address');
});

const deviceId = fc.stringMatching(/^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/);

test('GIVEN any valid device id WHEN formatted and parsed (link address and c2d to) THEN the id comes back', () => {
  fc.assert(
    fc.property(deviceId, (id) => {
      assert.equal(parseAddress(deviceEventsAddress(id)), { kind: 'device-events', deviceId: id });
      assert.equal(parseAddress(deviceBoundAddress(id)), { kind: 'device-bound', deviceId: id });
      assert.equal(parseAddress(c2dToAddress(id)), { kind: 'device-bound', deviceId: id });
    }),
    { numRuns: 200 },
  );
});

test('GIVEN arbitrary strings WHEN parsed as addresses THEN each parses or throws AddressError, nothing else (fuzz)', () => {
  const parts = fc.constantFrom('/', 'devices', 'messages', 'events', 'devicebound', 'serviceBound', 'feedback', 'ConsumerGroups', 'Partitions', '$cbs', '%', '%2', 'x', '7', 'amqps://h:1');
  const addressish = fc.array(parts, { maxLength: 10 }).map((p) => p.join(''));
  fuzzParser(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), addressish), AddressError, parseAddress, (a) => {
    assert.equal(parseAddress(formatAddress(a)), a);
  });
});

test.run();
