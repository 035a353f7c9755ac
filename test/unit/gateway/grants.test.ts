// DeviceGrants: who may attach what, decided from hub-accepted tokens only (DESIGN 5), GIVEN / WHEN / THEN.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeviceGrants } from '../../../gateway/auth/grants.js';
import { createSasToken } from '../../../protocol/sas.js';

const KEY = Buffer.from('k'.repeat(32)).toString('base64');
const NOW = 1_700_000_000_000;
const token = (audience: string, se = NOW / 1000 + 3600, keyName?: string): string =>
  createSasToken({ audience, key: KEY, keyConvention: 'iothub', expiresAt: se, ...(keyName ? { keyName } : {}) });
const grantsWith = (...tokens: string[]): DeviceGrants => {
  const g = new DeviceGrants();
  for (const t of tokens) g.add(t, 'name', 'servicebus.windows.net:sastoken');
  return g;
};

test('GIVEN a token for hub/devices/A THEN A may attach its events and devicebound links, in any address spelling', () => {
  const g = grantsWith(token('hub.example/devices/A'));
  for (const address of ['devices/A/messages/events', '/devices/A/messages/devicebound', 'amqps://hub.example/devices/A/messages/events']) {
    assert.equal(g.check(address, NOW, false), { allowed: true }, address);
  }
});

test('GIVEN a token for A THEN B is refused, and the reason names B and the tokens held', () => {
  const d = grantsWith(token('hub.example/devices/A')).check('devices/B/messages/events', NOW, false);
  assert.is(d.allowed, false);
  if (!d.allowed) {
    assert.match(d.why, '"B"');
    assert.match(d.why, 'hub.example/devices/A');
  }
});

test('a token for devices/AB does not cover devices/A (whole path segments)', () => {
  assert.is(grantsWith(token('hub.example/devices/AB')).check('devices/A/messages/events', NOW, false).allowed, false);
});

test('WHEN the token has expired THEN the reason says so', () => {
  const d = grantsWith(token('hub.example/devices/A', NOW / 1000 + 10)).check('devices/A/messages/events', NOW + 11_000, false);
  assert.is(d.allowed, false);
  if (!d.allowed) assert.match(d.why, 'expired');
});

test('a policy-scope token (hub/devices, skn) acts for devices only when allowed', () => {
  const g = grantsWith(token('hub.example/devices', undefined, 'device'));
  assert.is(g.check('devices/A/messages/events', NOW, false).allowed, false);
  assert.is(g.check('devices/A/messages/events', NOW, true).allowed, true);
});

test('a device-scoped address the gateway cannot attribute (twin, methods) is refused', () => {
  const d = grantsWith(token('hub.example/devices/A')).check('devices/A/twin', NOW, true);
  assert.is(d.allowed, false);
});

test('a service address needs a token covering it: the hub-level token covers messages/devicebound, a device token does not', () => {
  assert.is(grantsWith(token('hub.example/devices/A')).check('messages/devicebound', NOW, false).allowed, false);
  assert.is(grantsWith(token('hub.example', undefined, 'service')).check('messages/devicebound', NOW, false).allowed, true);
});

test('a newer token for the same audience replaces the older one; live() lists only unexpired ones', () => {
  const g = grantsWith(token('hub.example/devices/A', NOW / 1000 + 10), token('hub.example/devices/A', NOW / 1000 + 100));
  assert.is(g.live(NOW + 50_000).length, 1);
  assert.is(g.check('devices/A/messages/events', NOW + 50_000, false).allowed, true);
});

test.run();
