// The JSON form (reference/qdrouterd.md §1.1): `[["section", {attributes}], …]`, `#` lines
// dropped, then the same folding, aliases and checks as the text form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigSyntaxError, UnknownAttributeError } from '../../../gateway/config/errors.js';
import { parseConfig } from '../../../gateway/config/load.js';
import type { EffectiveConfig } from '../../../gateway/config/types.js';
import { thrown } from '../../helpers/protocol.js';
import { fixture, load } from '../../helpers/gateway-config.js';

/** The config without `file` and `line`s, which differ between two forms of the same meaning. */
function meaning(config: EffectiveConfig): unknown {
  return JSON.parse(JSON.stringify({ ...config, file: undefined }, (key, value: unknown) => (key === 'line' ? undefined : value)));
}

const exampleAsJson = `# the reference's §1.3 example, JSON form
[
  ["router", { "mode": "standalone", "id": "iot-gw" }],
  # plain AMQP for the devices
  ["listener", { "host": "0.0.0.0", "port": 5672, "role": "normal", "authenticatePeer": false, "saslMechanisms": "ANONYMOUS" }],
  ["sslProfile", { "name": "azure-tls", "caCertFile": "/etc/qdrouterd/azure-roots.pem", "protocols": "TLSv1.2" }],
  ["connector", { "name": "IOTHUB", "host": "<hub>.azure-devices.net", "port": "5671", "role": "route-container",
                  "saslMechanisms": "ANONYMOUS", "sslProfile": "azure-tls", "verifyHostname": "yes", "idleTimeoutSeconds": 120 }],
  ["linkRoute", { "prefix": "$cbs", "connection": "IOTHUB", "direction": "in" }],
  ["linkRoute", { "prefix": "$cbs", "connection": "IOTHUB", "direction": "out" }],
  ["linkRoute", { "pattern": "devices/*/#", "connection": "IOTHUB", "direction": "in" }],
  ["linkRoute", { "pattern": "devices/*/#", "connection": "IOTHUB", "direction": "out" }]
]
`;

test('GIVEN the §1.3 example in both forms WHEN both are loaded THEN the effective configs are equal', () => {
  const text = load(fixture('qdrouterd-1x-iothub.conf'));
  const json = parseConfig(exampleAsJson, { file: 'gw.json' });
  assert.equal(meaning(json.config), meaning(text.config));
  assert.equal(json.warnings, text.warnings);
});

test('the .json file name selects the JSON form; format overrides it', () => {
  const asText = thrown(ConfigSyntaxError, () => parseConfig(exampleAsJson, { file: 'gw.conf' }));
  assert.ok(asText.message.startsWith('gw.conf:'));
  assert.is(parseConfig(exampleAsJson, { file: 'gw.conf', format: 'json' }).config.router.id, 'iot-gw');
});

test('JSON names fold and aliases rename as in the text form, with the line of the key', () => {
  const json = '[\n  ["listener", {"port": 5672}],\n  ["connector", {\n    "name": "HUB",\n    "addr": "hub",\n    "role": "on-demand"\n  }],\n  ["link-route", {"prefix": "a", "connection": "HUB", "dir": "in"}]\n]';
  const loaded = parseConfig(json, { file: 'gw.json' });
  assert.is(loaded.config.connectors[0]!.host, 'hub');
  assert.is(loaded.config.connectors[0]!.role, 'route-container');
  assert.equal(loaded.warnings.map((w) => w.line), [5, 6, 8, 8]);
});

test('a JSON error names the line of its entry', () => {
  const json = '[\n  ["listener", {"port": 5672}],\n\n  ["listener", {\n    "name": "b",\n    "prot": 1\n  }]\n]';
  const error = thrown(UnknownAttributeError, () => parseConfig(json, { file: 'gw.json' }));
  assert.is(error.line, 6);
});

test('JSON that is not an array of pairs is refused with a syntax error', () => {
  for (const bad of ['{}', '[["listener"]]', '[["listener", []]]', '[[1, {}]]', '[', '']) {
    thrown(ConfigSyntaxError, () => parseConfig(bad, { file: 'gw.json' }));
  }
  const invalid = thrown(ConfigSyntaxError, () => parseConfig('[ oops ]', { file: 'gw.json' }));
  assert.instance(invalid.cause, SyntaxError);
});

test.run();
