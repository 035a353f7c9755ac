// TLS on both sides (issue 4 items 1 and 3): the connector verifies the hub (CA from the plan,
// host name or IP SANs, verifyHostname), and a device listener can be TLS-only or take TLS and
// plain AMQP on the same port (requireSsl: no).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startGateway } from '../../../gateway/router/index.js';
import { FakeHub } from '../../helpers/fake-hub.js';
import { DeviceClient, gatewayPlan, harness } from '../../helpers/gateway-harness.js';

const FAST = { reconnect: { initialDelayMs: 50, maxDelayMs: 200 } };

test('a connector host given as an IP address is verified against the certificate IP SANs', async () => {
  const hub = await new FakeHub().start();
  const plan = gatewayPlan(hub);
  const c = plan.connectors[0]!;
  const gateway = await startGateway({ ...plan, connectors: [{ ...c, host: '127.0.0.1', tls: { ...c.tls!, servername: '127.0.0.1' } }] }, FAST);
  try {
    assert.ok(await gateway.upstreamReady(5000));
  } finally {
    await gateway.close();
    await hub.close();
  }
});

test('a certificate that does not name the connector host is refused, unless verifyHostname is off', async () => {
  const hub = await new FakeHub().start(0, '0.0.0.0');
  const plan = gatewayPlan(hub);
  const c = plan.connectors[0]!;
  const elsewhere = { ...c, host: '127.0.0.2', tls: { ...c.tls!, servername: '127.0.0.2' } };
  const strict = await startGateway({ ...plan, connectors: [elsewhere] }, FAST);
  const lenient = await startGateway({ ...plan, connectors: [{ ...elsewhere, tls: { ...elsewhere.tls, verifyHostname: false } }] }, FAST);
  try {
    assert.ok(await lenient.upstreamReady(5000), 'verifyHostname: no still checks the chain, not the name');
    assert.is(await strict.upstreamReady(300), false);
    const device = await DeviceClient.connect(strict.listeners[0]!.port, 'dev-A');
    const result = await device.attachSender('$cbs');
    assert.is(result.ok ? 'attached' : result.condition, 'qd:no-route-to-dest');
    device.close();
  } finally {
    await strict.close();
    await lenient.close();
    await hub.close();
  }
});

test("without a CA in the plan Node's default roots apply, so a private hub CA is not trusted", async () => {
  const hub = await new FakeHub().start();
  const plan = gatewayPlan(hub);
  const c = plan.connectors[0]!;
  const gateway = await startGateway({ ...plan, connectors: [{ ...c, tls: { ...c.tls!, ca: undefined } }] }, FAST);
  try {
    assert.is(await gateway.upstreamReady(300), false);
  } finally {
    await gateway.close();
    await hub.close();
  }
});

test('a TLS listener serves devices over TLS; with requireSsl: no the same port also takes plain AMQP', async () => {
  const probe = await new FakeHub().start();
  const { key, cert } = probe.identity;
  const tlsFiles = { profile: 'gw', caCertFile: undefined, certFile: 'gw.pem', privateKeyFile: 'gw.key', password: undefined, ca: undefined, cert, key, passphrase: undefined, protocols: [], ciphers: undefined };
  await probe.close();
  for (const requireTls of [true, false]) {
    const h = await harness({ plan: { listener: { tls: { ...tlsFiles, requireTls } } } });
    try {
      const overTls = await DeviceClient.connect(h.port, 'dev-A', { ca: h.hub.caPem });
      assert.is(await overTls.putToken('A'), 200, `TLS, requireTls ${requireTls}`);
      overTls.close();
      if (!requireTls) {
        const plain = await DeviceClient.connect(h.port, 'dev-B');
        assert.is(await plain.putToken('B'), 200, 'plain AMQP on the same port');
        plain.close();
      }
    } finally {
      await h.close();
    }
  }
});

test.run();
