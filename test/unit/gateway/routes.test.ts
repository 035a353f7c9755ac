// The link-route table (reference/qdrouterd.md §2.1): worked examples, one row per rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RoutePatternError, addressTokens, patternTokens, prefixTokens, splitAddress } from '../../../gateway/routes/address.js';
import { DuplicateRouteError, buildRouteTable, type DeviceLinkRole, type LinkRouteSpec } from '../../../gateway/routes/table.js';
import { thrown } from '../../helpers/protocol.js';

const both = (name: string, where: Partial<LinkRouteSpec>, connection = 'HUB'): LinkRouteSpec[] => [
  { name: `${name}-in`, direction: 'in', connection, ...where },
  { name: `${name}-out`, direction: 'out', connection, ...where },
];

const table = buildRouteTable([
  ...both('cbs', { prefix: '$cbs/' }),
  ...both('devices', { prefix: 'devices' }),
  { name: 'events', direction: 'in', connection: 'EVENTS', pattern: 'devices/*/messages/events' },
  { name: 'd1', direction: 'in', connection: 'D1', pattern: 'devices/d1/#' },
  { name: 'twin', direction: 'out', connection: 'TWIN', pattern: 'devices.*.twin.#' },
  { name: 'one', direction: 'in', connection: 'ONE', pattern: 'single/*' },
  { name: 'svc', direction: 'in', connection: 'SVC', pattern: 'svc', addExternalPrefix: 'hub1/', delExternalPrefix: 'svc' },
]);

// [address the device attached, its link role, the route that must win (or undefined), why]
const EXAMPLES: Array<[string, DeviceLinkRole, string | undefined, string]> = [
  ['$cbs', 'sender', 'cbs-in', 'a prefix matches itself: $cbs/ means $cbs/#, # may be zero tokens'],
  ['$cbs', 'receiver', 'cbs-out', 'the same address for a receiver takes the out route'],
  ['$cbs/x', 'sender', 'cbs-in', 'a prefix matches its sub-addresses'],
  ['$cbs.x', 'sender', 'cbs-in', '. separates tokens like /'],
  ['$cbsX', 'sender', undefined, 'a prefix is token-based, not a string prefix'],
  ['$CBS', 'sender', undefined, 'matching is case-sensitive'],
  ['devices/d2/messages/events', 'sender', 'events', 'exact beats # at the first token that differs; * takes one token'],
  ['devices.d2.messages.events', 'sender', 'events', 'the same with . separators'],
  ['devices/d2/messages/events/x', 'sender', 'devices-in', '* is exactly one token: the longer address falls back to devices/#'],
  ['devices/d1/messages/events', 'sender', 'd1', 'devices/d1/# beats devices/*/…: exact d1 beats * at token two'],
  ['devices/d1', 'sender', 'd1', '# matches zero tokens'],
  ['devices/d2/messages/devicebound', 'receiver', 'devices-out', 'a receiver never takes an in route'],
  ['devices/d2/twin/', 'receiver', 'twin', '. and / mix; a trailing / is an empty last token that # takes'],
  ['devices/d2/twin', 'receiver', 'twin', 'devices.*.twin.# with zero tokens after twin'],
  ['single/a', 'sender', 'one', '* matches one token'],
  ['single', 'sender', undefined, '* does not match zero tokens'],
  ['single/a/b', 'sender', undefined, '* does not match two tokens'],
  ['amqps://hub.example:5671/devices/d2/messages/events', 'sender', 'events', 'scheme and host are removed before matching'],
  ['amqp://hub.example/$cbs', 'receiver', 'cbs-out', 'also for amqp://'],
  ['/devices/d2/messages/events', 'sender', 'events', 'a leading / is removed before matching'],
  ['//devices/d2', 'sender', 'devices-in', 'every leading / is removed'],
  ['', 'sender', undefined, 'an empty address matches no route here'],
  ['other/x', 'receiver', undefined, 'no route: the engine refuses with qd:no-route-to-dest'],
];

for (const [address, role, expected, why] of EXAMPLES) {
  test(`${role} '${address}' → ${expected ?? 'no route'}: ${why}`, () => {
    assert.is(table.match(address, role)?.route.name, expected);
  });
}

test('the forwarded address is the original string, scheme and host included', () => {
  const m = table.match('amqps://hub.example:5671/devices/d2/messages/events', 'sender')!;
  assert.equal([m.connection, m.forwardedAddress], ['EVENTS', 'amqps://hub.example:5671/devices/d2/messages/events']);
  assert.is(table.match('/$cbs', 'sender')!.forwardedAddress, '/$cbs');
});

test('delExternalPrefix then addExternalPrefix rewrite the path on the upstream attach; deviceAddress undoes it', () => {
  const m = table.match('/svc', 'sender')!;
  assert.is(m.forwardedAddress, '/hub1/');
  assert.is(table.deviceAddress(m.route, m.forwardedAddress), '/svc');
  assert.is(table.deviceAddress(table.match('$cbs', 'sender')!.route, 'anything'), 'anything');
});

test('the sender/receiver role picks direction in/out', () => {
  const t = buildRouteTable([{ name: 'only-in', direction: 'in', connection: 'A', prefix: 'x' }]);
  assert.is(t.match('x/1', 'sender')?.connection, 'A');
  assert.is(t.match('x/1', 'receiver'), undefined);
});

test('a containerId route matches with no connection', () => {
  const t = buildRouteTable([{ name: 'c', direction: 'out', containerId: 'broker-1', pattern: '#' }]);
  assert.equal([t.match('any/thing', 'receiver')?.connection, t.match('any/thing', 'receiver')?.containerId], [undefined, 'broker-1']);
});

test('patterns are normalised so equal patterns are found equal', () => {
  assert.equal(prefixTokens('$cbs/'), ['$cbs', '#']);
  assert.equal(prefixTokens('/devices/'), ['devices', '#']);
  assert.equal(prefixTokens('/'), ['#']);
  assert.equal(patternTokens('a/#/*/b'), ['a', '*', '#', 'b']);
  assert.equal(patternTokens('a.#.#.b'), ['a', '#', 'b']);
  assert.equal(patternTokens('#/*/#'), ['*', '#']);
  assert.equal(table.routes.map((r) => r.matchPattern).slice(0, 4), ['$cbs/#', '$cbs/#', 'devices/#', 'devices/#']);
});

test('splitAddress keeps what is not matched', () => {
  assert.equal(splitAddress('amqps://h:1/a/b'), { head: 'amqps://h:1/', path: 'a/b' });
  assert.equal(splitAddress('amqp:/a'), { head: 'amqp:/', path: 'a' });
  assert.equal(splitAddress('$cbs'), { head: '', path: '$cbs' });
  assert.equal(addressTokens('devices/x:y.z'), ['devices', 'x:y', 'z']);
});

test('a route table refuses wildcard prefixes, empty patterns and duplicate routes', () => {
  thrown(RoutePatternError, () => buildRouteTable([{ name: 'p', direction: 'in', connection: 'A', prefix: 'a/#' }]));
  thrown(RoutePatternError, () => buildRouteTable([{ name: 'p', direction: 'in', connection: 'A', pattern: './' }]));
  thrown(RoutePatternError, () => buildRouteTable([{ name: 'p', direction: 'in', connection: 'A' }]));
  const dup = thrown(DuplicateRouteError, () => buildRouteTable([...both('a', { prefix: 'x' }), { name: 'b', direction: 'out', connection: 'B', pattern: 'x.#' }]));
  assert.is(dup.existing.name, 'a-out');
});

test('lookups stay fast with many routes: 100,000 matches against 1,000 routes well under a second', () => {
  const many = buildRouteTable(Array.from({ length: 1000 }, (_, i) => ({ name: `r${i}`, direction: 'in' as const, connection: 'A', pattern: `devices/d${i}/*/#` })));
  const started = performance.now();
  for (let i = 0; i < 100_000; i++) many.match(`devices/d${i % 1000}/messages/events`, 'sender');
  assert.ok(performance.now() - started < 1000);
  assert.is(many.match('devices/d7/messages/events', 'sender')?.route.name, 'r7');
});

test.run();
