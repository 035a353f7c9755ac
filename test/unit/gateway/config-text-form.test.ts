// The qdrouterd text form (reference/qdrouterd.md §1.1): comments and their `#` exception, name
// folding, values, inline maps, and the 0.6 sections qdrouterd 1.x refuses but we read (§1.4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { camelCase } from '../../../gateway/config/names.js';
import { load, messages, withBasics } from '../../helpers/gateway-config.js';

const route = (lines: string) => withBasics(`linkRoute {\n${lines}\n    connection: HUB\n    direction: in\n}\n`);

test('# starts a comment, whole-line or trailing, in ordinary attributes', () => {
  const { config } = load(withBasics('# a comment\nlinkRoute {   # trailing after the brace\n    prefix: devices/#/x  # cut at the first #\n    connection: HUB # here too\n    direction: in\n}  # and after the closing brace\n'));
  assert.is(config.linkRoutes[0]!.prefix, 'devices/');
  assert.is(config.linkRoutes[0]!.connection, 'HUB');
});

test('in pattern the # is a wildcard: the value is the first token after the colon and the rest is dropped', () => {
  const { config } = load(route('    pattern: devices/*/#          # devices/<id>/messages/events'));
  assert.is(config.linkRoutes[0]!.pattern, 'devices/*/#');
  assert.is(load(route('    pattern: #')).config.linkRoutes[0]!.pattern, '#');
});

test('the # exception follows the folded name: binding-key, hostname and pattern, nothing else', () => {
  assert.is(camelCase('binding-key'), 'bindingKey');
  const { config } = load(route('    pattern:    a.#.b   trailing words'));
  assert.is(config.linkRoutes[0]!.pattern, 'a.#.b');
});

test('names fold to camelCase on -, _, . and space; a folded name gets a note, a canonical one none', () => {
  assert.is(camelCase('ssl-profile'), 'sslProfile');
  assert.is(camelCase('sasl_mechanisms'), 'saslMechanisms');
  assert.is(camelCase('idle.timeout seconds'), 'idleTimeoutSeconds');
  assert.is(camelCase('maxFrameSize'), 'maxFrameSize');
  const loaded = load(withBasics('listener {\n    name: second\n    port: 5673\n    idle-timeout-seconds: 30\n    max_frame_size: 4096\n}\n'));
  const second = loaded.config.listeners[1]!;
  assert.equal([second.idleTimeoutSeconds, second.maxFrameSize], [30, 4096]);
  assert.ok(messages(loaded).includes("12: 'idle-timeout-seconds' is read as 'idleTimeoutSeconds' (names fold to camelCase)"));
});

test('booleans take yes/no/true/false/1/0 and integers reject anything else', () => {
  const flags = ['yes', 'no', 'true', 'false', '1', '0', 'YES'].map((v) => load(withBasics(`listener {\n    name: l\n    port: 5673\n    authenticatePeer: ${v}\n}\n`)).config.listeners[1]!.authenticatePeer);
  assert.equal(flags, [true, false, true, false, true, false, true]);
});

test('port takes a number or the service names amqp and amqps', () => {
  const port = (v: string) => load(`listener {\n    port: ${v}\n}\n`).config.listeners[0]!.port;
  assert.equal([port('amqp'), port('amqps'), port('0'), port('65535')], [5672, 5671, 0, 65535]);
});

test('saslMechanisms takes the 1.x space-separated list and the 0.6 comma-separated one', () => {
  const mechanisms = (v: string) => load(`listener {\n    saslMechanisms: ${v}\n}\n`).config.listeners[0]!.saslMechanisms;
  assert.equal(mechanisms('ANONYMOUS PLAIN'), ['ANONYMOUS', 'PLAIN']);
  assert.equal(mechanisms('ANONYMOUS,PLAIN'), ['ANONYMOUS', 'PLAIN']);
});

test('an inline JSON map (openProperties) is read whole, then ignored with a note', () => {
  const loaded = load('listener {\n    port: 5672\n    openProperties: {\n        # a comment inside\n        "a": {"b": 1}\n    }\n}\n');
  assert.ok(messages(loaded).includes("3: 'openProperties' is a qdrouterd listener attribute fogbridge has no use for: ignored"));
  assert.is(loaded.config.listeners[0]!.port, 5672);
});

test('defaults follow qdrouterd 1.x and DESIGN.md', () => {
  const { config } = load(withBasics('sslProfile {\n    name: tls\n}\nlinkRoute {\n    prefix: a\n    connection: HUB\n    direction: out\n}\n'));
  const [l, c] = [config.listeners[0]!, config.connectors[0]!];
  assert.equal([l.host, l.role, l.requireSsl, l.idleTimeoutSeconds, l.initialHandshakeTimeoutSeconds, l.maxFrameSize, l.maxSessions], ['', 'normal', false, 16, 0, 16384, 32768]);
  assert.equal([c.port, c.verifyHostname, c.cbsProxy, c.deviceAuthorization, c.allowPolicyTokens, c.maxDevicesPerConnection], [5672, true, true, 'per-device', false, 900]);
  assert.equal([config.router.id, config.router.mode, config.policy.maxConnections, config.logs], ['fogbridge-gateway', 'standalone', 65535, []]);
});

test('log enable expands levels: x+ is x and above, a list is those, none is nothing', () => {
  const levels = (v: string) => load(withBasics(`log {\n    module: ROUTER\n    enable: ${v}\n}\n`)).config.logs[0]!.levels;
  assert.equal(levels('warning+'), ['warning', 'error', 'critical']);
  assert.equal(levels('trace,error'), ['trace', 'error']);
  assert.equal(levels('none'), []);
});

test('our additions load: serialListener and the per-connector CBS proxy and authorization settings', () => {
  const text = 'serialListener {\n    device: /dev/ttyUSB0\n    baud: 57600\n}\nconnector {\n    name: HUB\n    role: route-container\n    cbsProxy: yes\n    deviceAuthorization: per-device\n    allowPolicyTokens: yes\n    maxDevicesPerConnection: 500\n}\nlinkRoute {\n    prefix: devices\n    connection: HUB\n    direction: in\n}\n';
  const { config } = load(text);
  assert.equal(config.serialListeners.map(({ name, device, baud }) => ({ name, device, baud })), [{ name: 'serialListener/1', device: '/dev/ttyUSB0', baud: 57600 }]);
  const c = config.connectors[0]!;
  assert.equal([c.cbsProxy, c.deviceAuthorization, c.allowPolicyTokens, c.maxDevicesPerConnection], [true, 'per-device', true, 500]);
});

test('the 0.6 container and linkRoutePattern sections are read with a warning saying what they became', () => {
  const text = 'container {\n    containerName: Router.A\n    workerThreads: 4\n}\nrouter {\n    mode: standalone\n}\nlistener {\n    port: 5672\n}\nconnector {\n    name: HUB\n    role: on-demand\n}\nlinkRoutePattern {\n    prefix: /devices/\n    connector: HUB\n}\n';
  const loaded = load(text);
  assert.is(loaded.config.router.id, 'Router.A');
  assert.equal(loaded.config.linkRoutes.map((r) => `${r.direction} ${r.prefix} ${r.connection}`), ['in /devices/ HUB', 'out /devices/ HUB']);
  const notes = messages(loaded);
  assert.ok(notes.includes("1: section 'container' is the 0.6 form (qdrouterd 1.x refuses it): its containerName is read as router 'id'"));
  assert.ok(notes.includes("3: 'workerThreads' is a qdrouterd router attribute fogbridge has no use for: ignored"));
  assert.ok(notes.includes("15: section 'linkRoutePattern' is the 0.6 form (qdrouterd 1.x refuses it): read as 2 linkRoutes with prefix '/devices/', direction in and out, connection 'HUB'"));
});

test('a qdrouterd message-routing section is ignored with a note, not refused', () => {
  const loaded = load(withBasics('address {\n    prefix: closest\n    distribution: closest\n}\n'));
  assert.ok(messages(loaded).includes("9: section 'address' is qdrouterd message routing or networking, which fogbridge does not do: ignored"));
});

test.run();
