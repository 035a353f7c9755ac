// auth/audience.ts and auth/auth-context.ts: the hub's names in audiences, tokens anchored per
// audience, whole-segment coverage, expiry and dependents (issue 3 item 4; reference §3.3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AuthContext, type Grant } from '../../../hub/auth/auth-context.js';
import { canonicalAudience, resources, type HubIdentity } from '../../../hub/auth/audience.js';

const hub: HubIdentity = { hostname: 'localhost', port: 25671, aliases: ['localhost', '127.0.0.1', '::1'] };

test('every spelling of the hub in an audience maps to one canonical form; other hosts and ports do not', () => {
  const cases: [string, string | undefined][] = [
    ['localhost/devices/d1', 'localhost/devices/d1'],
    ['LOCALHOST:25671/devices/d1', 'localhost/devices/d1'],
    ['localhost:5671/devices/d1', 'localhost/devices/d1'],
    ['127.0.0.1:25671', 'localhost'],
    ['[::1]:25671/x', 'localhost/x'],
    ['sb://localhost:25671/fogbridge/ConsumerGroups/$Default/Partitions/0', 'localhost/fogbridge/ConsumerGroups/$Default/Partitions/0'],
    ['localhost/', 'localhost'],
    ['localhost:9999/devices/d1', undefined],
    ['elsewhere.example/devices/d1', undefined],
  ];
  for (const [audience, expected] of cases) assert.is(canonicalAudience(audience, hub), expected, audience);
});

const grant = (audience: string, expiresAt: number, rights: Grant['rights'], scope: Grant['scope'] = 'hub'): Grant => ({ audience, expiresAt, rights, scope });

test('authorize: whole path segments, the narrowest grant first, rights and expiry respected', () => {
  let now = 1000;
  const auth = new AuthContext(() => now);
  auth.anchor(grant('localhost', 5000, ['ServiceConnect', 'DeviceConnect']));
  auth.anchor(grant('localhost/devices/d1', 2000, ['DeviceConnect'], 'device'));
  assert.is(auth.authorize(resources.device(hub, 'd1'), 'DeviceConnect')?.scope, 'device');
  assert.is(auth.authorize(resources.device(hub, 'd10'), 'DeviceConnect')?.scope, 'hub');
  const narrow = new AuthContext(() => now);
  narrow.anchor(grant('localhost/devices/d1', 2000, ['DeviceConnect'], 'device'));
  assert.is(narrow.authorize('localhost/devices/d10', 'DeviceConnect'), undefined, '/d1 does not cover /d10');
  assert.is(narrow.authorize('localhost/devices/d1', 'ServiceConnect'), undefined);
  now = 2000;
  assert.is(narrow.authorize('localhost/devices/d1', 'DeviceConnect'), undefined, 'expired at se');
  assert.is(auth.authorize('localhost/devices/d1', 'DeviceConnect')?.scope, 'hub', 'the wider grant still holds');
});

test('a renewed token replaces the old one for its audience and keeps dependents alive', () => {
  let now = 0;
  const auth = new AuthContext(() => now);
  auth.anchor(grant('localhost/devices/d1', 100, ['DeviceConnect'], 'device'));
  let lost = 0;
  const held = auth.require('localhost/devices/d1', 'DeviceConnect', () => lost++);
  assert.ok(held);
  auth.anchor(grant('localhost/devices/d1', 200, ['DeviceConnect'], 'device'));
  now = 150;
  auth.sweep();
  assert.is(lost, 0);
  now = 200;
  auth.sweep();
  auth.sweep();
  assert.is(lost, 1, 'onLost runs exactly once');
  assert.is(auth.tokenCount, 0);
});

test('a dependent whose stillValid() turns false is lost at the next sweep; a released one never', () => {
  const auth = new AuthContext(() => 0);
  auth.anchor(grant('localhost', 1000, ['DeviceConnect']));
  let enabled = true;
  let lost = 0;
  auth.require('localhost/devices/a', 'DeviceConnect', () => lost++, () => enabled);
  const released = auth.require('localhost/devices/b', 'DeviceConnect', () => lost++, () => false)!;
  released.release();
  auth.sweep();
  assert.is(lost, 0);
  enabled = false;
  auth.sweep();
  assert.is(lost, 1);
});

test('a thousand device tokens on one connection: checks stay cheap', () => {
  const auth = new AuthContext(() => 0);
  for (let i = 0; i < 1000; i++) auth.anchor(grant(`localhost/devices/d${i}`, 10, ['DeviceConnect'], 'device'));
  for (let i = 0; i < 1000; i++) auth.require(`localhost/devices/d${i}`, 'DeviceConnect', () => assert.unreachable());
  const started = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) auth.sweep();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.ok(ms < 1000, `100 sweeps of 1000 dependents took ${ms} ms`);
});

test.run();
