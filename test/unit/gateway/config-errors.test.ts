// Every way a config is refused: one error class per failure, the message starting with
// `<file>:<line>:` and saying what to change (STYLE.md; reference/qdrouterd.md §1.1 "strict").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ConfigError, ConfigSyntaxError, ConflictingAttributesError, DanglingReferenceError, DuplicateEntityError, InvalidValueError,
  MissingAttributeError, UnknownAttributeError, UnknownSectionError, UnsupportedSettingError,
} from '../../../gateway/config/errors.js';
import { RoutePatternError } from '../../../gateway/routes/address.js';
import { DuplicateRouteError } from '../../../gateway/routes/table.js';
import { thrown } from '../../helpers/protocol.js';
import { load, withBasics } from '../../helpers/gateway-config.js';

type ErrorClass = abstract new (...args: never[]) => ConfigError;
const route = (lines: string) => withBasics(`linkRoute {\n${lines}\n}\n`);

// [what, config text, error class, line, words the message must contain]
const CASES: Array<[string, string, ErrorClass, number, string[]]> = [
  ['unknown section, with a suggestion and the accepted names', 'lisener {\n    port: 5672\n}\n', UnknownSectionError, 1, ["unknown section 'lisener'", "did you mean 'listener'?", 'router, listener, connector, sslProfile, linkRoute, log, policy, serialListener']],
  ['unknown attribute, with a suggestion and the accepted names', 'listener {\n    prot: 5672\n}\n', UnknownAttributeError, 2, ["unknown attribute 'prot' in section 'listener'", "did you mean 'port'?", "'listener' takes name, host, port, role"]],
  ['unknown attribute with no near name', withBasics('connector {\n    name: B\n    frobnicate: 1\n}\n'), UnknownAttributeError, 11, ["'frobnicate'", 'verifyHostname', 'maxDevicesPerConnection']],
  ['integer expected', 'listener {\n    idleTimeoutSeconds: soon\n}\n', InvalidValueError, 2, ["'idleTimeoutSeconds' must be an integer, not 'soon'"]],
  ['integer out of range', 'listener {\n    maxFrameSize: 100\n}\n', InvalidValueError, 2, ["'maxFrameSize' must be between 512 and"]],
  ['boolean expected', 'listener {\n    authenticatePeer: maybe\n}\n', InvalidValueError, 2, ["'authenticatePeer' must be yes, no, true or false, not 'maybe'"]],
  ['a port named like an Object property', 'listener {\n    port: constructor\n}\n', InvalidValueError, 2, ['a port number 0-65535, amqp or amqps']],
  ['port out of range', 'listener {\n    port: 70000\n}\n', InvalidValueError, 2, ['a port number 0-65535, amqp or amqps']],
  ['enum value, case-sensitive, with a suggestion', withBasics('linkRoute {\n    prefix: a\n    connection: HUB\n    direction: IN\n}\n'), InvalidValueError, 12, ["'direction' must be one of in, out", "did you mean 'in'?"]],
  ['unknown TLS protocol', withBasics('sslProfile {\n    name: t\n    protocols: TLSv1.2 SSLv3\n}\n'), InvalidValueError, 11, ["'SSLv3'", 'TLSv1.3']],
  ['bad log level', withBasics('log {\n    module: ROUTER\n    enable: loud+\n}\n'), InvalidValueError, 11, ["'enable: loud+'"]],
  ['listener sslProfile that does not exist', 'listener {\n    sslProfile: tls\n}\nsslProfile {\n    name: tsl\n    certFile: c.pem\n    privateKeyFile: k.pem\n}\n', DanglingReferenceError, 1, ["listener 'listener/*:5672' names sslProfile 'tls', which is not defined", "did you mean 'tsl'?"]],
  ['connector sslProfile that does not exist', withBasics('connector {\n    name: B\n    sslProfile: azure\n}\n'), DanglingReferenceError, 9, ["connector 'B' names sslProfile 'azure'"]],
  ['linkRoute connection that is no connector', route('    prefix: a\n    connection: HUBB\n    direction: in'), DanglingReferenceError, 9, ["connection 'HUBB', which is no connector", "did you mean 'HUB'?", 'connectors are HUB']],
  ['linkRoute connection that names a listener', withBasics('listener {\n    name: devices\n    port: 5673\n}\nlinkRoute {\n    prefix: a\n    connection: devices\n    direction: in\n}\n'), DanglingReferenceError, 13, ["'devices' is a listener: routes go to connectors"]],
  ['linkRoute without direction', route('    prefix: a\n    connection: HUB'), MissingAttributeError, 9, ["section 'linkRoute' needs 'direction'"]],
  ['linkRoute without prefix or pattern', route('    connection: HUB\n    direction: in'), MissingAttributeError, 9, ['needs a prefix or a pattern']],
  ['linkRoute without connection', route('    prefix: a\n    direction: in'), MissingAttributeError, 9, ["needs 'connection: <connector name>' (e.g. 'HUB')"]],
  ['sslProfile without name', withBasics('sslProfile {\n    caCertFile: ca.pem\n}\n'), MissingAttributeError, 9, ["section 'sslProfile' needs 'name'"]],
  ['a listener sslProfile with no certificate', 'listener {\n    sslProfile: t\n}\nsslProfile {\n    name: t\n    caCertFile: ca.pem\n}\n', MissingAttributeError, 4, ['needs certFile and privateKeyFile']],
  ['no listener at all', 'connector {\n    name: HUB\n}\n', MissingAttributeError, 0, ["add 'listener { port: 5672 }'"]],
  ['prefix and pattern together', route('    prefix: a\n    pattern: a/#\n    connection: HUB\n    direction: in'), ConflictingAttributesError, 9, ['both prefix and pattern']],
  ['connection and containerId together', route('    prefix: a\n    connection: HUB\n    containerId: hub\n    direction: in'), ConflictingAttributesError, 9, ['both connection and containerId']],
  ['dir and direction together', route('    prefix: a\n    connection: HUB\n    dir: in\n    direction: in'), ConflictingAttributesError, 13, ["both 'dir' (line 12) and 'direction' set 'direction'"]],
  ['the same attribute twice', 'listener {\n    port: 1\n    port: 2\n}\n', ConflictingAttributesError, 3, ["'port' is given twice in this section (also on line 2)"]],
  ['CBS proxy off with per-device authorization', withBasics('connector {\n    name: B\n    cbsProxy: no\n}\n'), ConflictingAttributesError, 9, ["set 'cbsProxy: yes' or 'deviceAuthorization: off'"]],
  ['two routers', 'router {\n    id: a\n}\nrouter {\n    id: b\n}\n', DuplicateEntityError, 4, ["a second 'router' section (the first is on line 1)"]],
  ['a listener and a connector with one name', withBasics('listener {\n    name: HUB\n    port: 5673\n}\n'), DuplicateEntityError, 9, ["the name 'HUB' is already used on line 4"]],
  ['two routes with one pattern and direction', withBasics('linkRoute {\n    prefix: $cbs/\n    connection: HUB\n    direction: in\n}\nlinkRoute {\n    pattern: $cbs/#\n    connection: HUB\n    direction: in\n}\n'), DuplicateEntityError, 14, ["repeats the pattern '$cbs/#' (direction in) of linkRoute 'linkRoute/1'"]],
  ['a route to a connector that is not a route-container', 'listener {\n    port: 5672\n}\nconnector {\n    name: HUB\n}\nlinkRoute {\n    prefix: a\n    connection: HUB\n    direction: in\n}\n', InvalidValueError, 4, ["has role 'normal'", "write 'role: route-container'"]],
  ['a wildcard inside a prefix', route('    prefix: devices/*\n    connection: HUB\n    direction: in'), InvalidValueError, 9, ["write it as 'pattern: devices/*/#' instead"]],
  ['router mode interior', 'router {\n    mode: interior\n}\nlistener {\n}\n', UnsupportedSettingError, 2, ['fogbridge is a standalone router']],
  ['an inter-router listener', 'listener {\n    role: inter-router\n}\n', UnsupportedSettingError, 2, ["use 'role: normal'"]],
  ['an attribute outside any section', 'port: 5672\n', ConfigSyntaxError, 1, ['is outside any section']],
  ['a } that closes nothing', 'listener {\n}\n}\n', ConfigSyntaxError, 3, ["'}' closes no section"]],
  ['text after the closing brace', 'listener {\n} listener {\n', ConfigSyntaxError, 2, ["the closing '}' must be alone on its line"]],
  ['the opening brace on the next line', 'listener\n{\n', ConfigSyntaxError, 1, ["the opening '{' must be on the same line"]],
  ['a whole section on one line', 'listener { port: 5672 }\n', ConfigSyntaxError, 1, ["write 'section {' alone on its line"]],
  ['an attribute with no value', 'listener {\n    port:\n}\n', ConfigSyntaxError, 2, ["'port' has no value"]],
  ['an inline map that is not JSON', 'listener {\n    openProperties: {\n        a: 1\n    }\n}\n', ConfigSyntaxError, 2, ["the map 'openProperties' is not valid JSON"]],
];

for (const [what, text, cls, line, words] of CASES) {
  test(`refused: ${what}`, () => {
    const error = thrown(cls as never, () => load(text)) as ConfigError;
    assert.is(error.line, line);
    assert.is(error.file, 'gw.conf');
    assert.ok(error.message.startsWith(line > 0 ? `gw.conf:${line}: ` : 'gw.conf: '), error.message);
    for (const w of words) assert.ok(error.message.includes(w), `${JSON.stringify(w)} not in: ${error.message}`);
  });
}

test('a refused pattern and a duplicate route keep the route-table error as cause', () => {
  const bad = thrown(InvalidValueError, () => load(route('    pattern: /\n    connection: HUB\n    direction: in')));
  assert.instance(bad.cause, RoutePatternError);
  const twice = thrown(DuplicateEntityError, () => load(withBasics('linkRoute {\n    prefix: a\n    connection: HUB\n    direction: out\n}\nlinkRoute {\n    prefix: a/\n    connection: HUB\n    direction: out\n}\n')));
  assert.instance(twice.cause, DuplicateRouteError);
});

test('an invalid inline map keeps the JSON SyntaxError as cause', () => {
  const error = thrown(ConfigSyntaxError, () => load('listener {\n    openProperties: {\n        a: 1\n    }\n}\n'));
  assert.instance(error.cause, SyntaxError);
});

test.run();
