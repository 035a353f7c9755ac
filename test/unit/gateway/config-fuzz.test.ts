// Bounded fuzz: whatever text arrives, the reader returns a config or throws a ConfigError,
// never anything else (a TypeError would be a bug; a half-read config would start half a gateway).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ConfigError } from '../../../gateway/config/errors.js';
import { parseConfig } from '../../../gateway/config/load.js';
import { buildRouteTable } from '../../../gateway/routes/table.js';
import { fuzzParser } from '../../helpers/protocol.js';
import { fixture } from '../../helpers/gateway-config.js';

/** Sections built from the grammar's own pieces, so the fuzz reaches past the first syntax error. */
const sectionName = fc.constantFrom(
  'listener', 'connector', 'sslProfile', 'linkRoute', 'router', 'log', 'policy', 'serialListener', 'ssl-profile', 'container',
  'linkRoutePattern', 'address', 'bogus', 'constructor', '__proto__',
);
const attribute = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(
    'name: HUB', 'name: t', 'port: 5672', 'port: amqps', 'role: route-container', 'role: on-demand', 'addr: hub', 'sslProfile: t',
    'prefix: $cbs/', 'pattern: devices/*/#', 'pattern: #.*', 'direction: in', 'dir: out', 'dir: both', 'connection: HUB',
    'connector: HUB', 'containerId: x', 'certFile: c', 'privateKeyFile: k', 'module: DEFAULT', 'enable: debug+', 'cbsProxy: no',
    'deviceAuthorization: off', 'openProperties: {', 'device: /dev/ttyS0', 'mode: edge', '# comment', '', '}',
    'port: constructor', 'role: toString', '__proto__: x', 'hasOwnProperty: 1',
  ) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const section = fc
  .tuple(sectionName, fc.array(attribute, { maxLength: 6 }), fc.boolean())
  .map(([name, lines, close]) => [`${name} {`, ...lines.map((l) => `    ${l}`), ...(close ? ['}'] : [])].join('\n'));
const grammarText = fc.array(section, { maxLength: 8 }).map((sections) => sections.join('\n'));

const mustBeConsistent = (loaded: ReturnType<typeof parseConfig>) => {
  // A config that loads always yields a route table (checkConfig built one already).
  buildRouteTable(loaded.config.linkRoutes);
  assert.ok(loaded.config.listeners.length + loaded.config.serialListeners.length > 0);
};

test('arbitrary text: a config or a ConfigError, never another throw', () => {
  fuzzParser(fc.string({ maxLength: 400 }), ConfigError, (text) => parseConfig(text, { file: 'f.conf' }), mustBeConsistent);
});

test('grammar-shaped text: a config or a ConfigError, never another throw', () => {
  fuzzParser(grammarText, ConfigError, (text) => parseConfig(text, { file: 'f.conf' }), mustBeConsistent);
});

test('arbitrary JSON: a config or a ConfigError, never another throw', () => {
  const entry = fc.tuple(fc.constantFrom('listener', 'connector', 'linkRoute', 'sslProfile', 'x', '__proto__'), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })));
  fuzzParser(fc.oneof(fc.json(), fc.array(entry, { maxLength: 5 }).map((e) => JSON.stringify(e))), ConfigError, (text) => parseConfig(text, { file: 'f.json' }), mustBeConsistent);
});

test('the seed config with any one line removed: a config or a ConfigError', () => {
  const lines = fixture('seed-qdrouterd.conf').split('\n');
  for (let i = 0; i < lines.length; i++) {
    try {
      parseConfig(lines.filter((_, j) => j !== i).join('\n'), { file: 'seed.conf' });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
    }
  }
});

test.run();
