// The seed's gateway config (the blog's qdrouterd 0.6 file, as printed: 0.6 spellings and no
// closing braces) loads unchanged, and every liberty taken with it is a warning saying what it
// means today. The §1.3 1.x example of reference/qdrouterd.md loads with no warning at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, load, messages, referenceExample, seedStoryConfigBlock } from '../../helpers/gateway-config.js';

const seed = fixture('seed-qdrouterd.conf');

test('the fixture is the config block of the seed story, byte for byte', () => {
  const block = seedStoryConfigBlock();
  if (block === undefined) return; // shared/ not mounted: the fixture stands alone
  assert.is(seed, block);
});

test('GIVEN the seed config as printed WHEN it is loaded THEN each 0.6 spelling and missing brace is one warning, in file order', () => {
  assert.equal(messages(load(seed)), [
    "5: section 'listener' (line 1) is not closed before 'ssl-profile': treated as closed",
    "5: section 'ssl-profile' is read as 'sslProfile' (names fold to camelCase)",
    "7: 'cert-db' is the old name of 'caCertFile' (deprecated in qdrouterd 1.x): read as 'caCertFile'",
    "9: section 'ssl-profile' (line 5) is not closed before 'connector': treated as closed",
    "9: connector 'IOTHUB' host '<iotHub>' looks like a placeholder: put the hub's host name there (e.g. <hub>.azure-devices.net)",
    "11: 'addr' is the 0.6 name of 'host' (qdrouterd 1.x refuses it): read as 'host'",
    "13: role 'on-demand' is the 0.6 name of 'route-container' (qdrouterd 1.x refuses it): read as 'route-container'",
    "14: 'sasl-mechanisms' is read as 'saslMechanisms' (names fold to camelCase)",
    "15: 'ssl-profile' is read as 'sslProfile' (names fold to camelCase)",
    "19: section 'connector' (line 9) is not closed before 'linkRoute': treated as closed",
    "22: 'dir' is the old name of 'direction' (deprecated in qdrouterd 1.x): read as 'direction'",
    "25: section 'linkRoute' (line 19) is not closed before 'linkRoute': treated as closed",
    "28: 'dir' is the old name of 'direction' (deprecated in qdrouterd 1.x): read as 'direction'",
    "32: section 'linkRoute' (line 25) is not closed before 'linkRoute': treated as closed",
    "35: 'dir' is the old name of 'direction' (deprecated in qdrouterd 1.x): read as 'direction'",
    "39: section 'linkRoute' (line 32) is not closed before 'linkRoute': treated as closed",
    "42: section 'linkRoute' (line 39) is not closed at the end of the file: treated as closed",
    "42: 'dir' is the old name of 'direction' (deprecated in qdrouterd 1.x): read as 'direction'",
  ]);
});

test('the seed config means: one plain listener on 5672, one TLS route-container connector, four prefix routes', () => {
  const { config } = load(seed);
  assert.is(config.router.id, 'fogbridge-gateway');
  assert.equal(
    config.listeners.map(({ host, port, authenticatePeer, sslProfile, idleTimeoutSeconds }) => ({ host, port, authenticatePeer, sslProfile, idleTimeoutSeconds })),
    [{ host: '', port: 5672, authenticatePeer: false, sslProfile: undefined, idleTimeoutSeconds: 16 }],
  );
  const [hub] = config.connectors;
  assert.equal(
    { name: hub!.name, host: hub!.host, port: hub!.port, role: hub!.role, sasl: hub!.saslMechanisms, ssl: hub!.sslProfile, idle: hub!.idleTimeoutSeconds, verify: hub!.verifyHostname, cbs: hub!.cbsProxy, auth: hub!.deviceAuthorization },
    { name: 'IOTHUB', host: '<iotHub>', port: 5671, role: 'route-container', sasl: ['ANONYMOUS'], ssl: 'azure-ssl-profile', idle: 120, verify: true, cbs: true, auth: 'per-device' },
  );
  assert.is(config.sslProfiles[0]!.caCertFile, '/opt/qdrouterd/Equifax_Secure_Certificate_Authority.pem');
  assert.equal(
    config.linkRoutes.map((r) => `${r.direction} ${r.prefix} ${r.connection}`),
    ['in $cbs/ IOTHUB', 'out $cbs/ IOTHUB', 'in devices/ IOTHUB', 'out devices/ IOTHUB'],
  );
  assert.is(config.policy.maxConnections, 65535);
});

test('the §1.3 1.x example of the reference loads with no warning and means what the seed means', () => {
  const example = fixture('qdrouterd-1x-iothub.conf');
  const fromReference = referenceExample();
  if (fromReference !== undefined) assert.is(example, fromReference);
  const loaded = load(example);
  assert.equal(messages(loaded), []);
  const { config } = loaded;
  assert.is(config.router.id, 'iot-gw');
  assert.is(config.listeners[0]!.host, '0.0.0.0');
  assert.equal(config.listeners[0]!.saslMechanisms, ['ANONYMOUS']);
  assert.equal(config.sslProfiles[0]!.protocols, ['TLSv1.2']);
  assert.is(config.sslProfiles[0]!.caCertFile, '/etc/qdrouterd/azure-roots.pem');
  assert.equal(
    config.linkRoutes.map((r) => `${r.direction} ${r.prefix ?? r.pattern}`),
    ['in $cbs', 'out $cbs', 'in devices/*/#', 'out devices/*/#'],
  );
});

test.run();
