// A device that leaves before the hub has answered its upstream session (DESIGN 3: one upstream
// session per device connection) must not cost the pooled hub connection. With stock rhea 3.0.5
// the gateway's session was begun a second time when the hub's late Begin arrived, the channel was
// freed while the hub answered that phantom Begin, and rhea dropped the whole upstream connection
// (`Invalid value for remote channel N`): every device on it was cut off (bench:fleet, 2,500
// boards). scripts/patch-rhea.mjs fixes it; see test/integration/rhea-session-begin-patch.test.ts.
// Here a TCP proxy between gateway and hub holds the hub's bytes back so the device's departure
// crosses the hub's answer every time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { startGateway } from '../../../gateway/router/index.js';
import { FakeHub } from '../../helpers/fake-hub.js';
import { DeviceClient, gatewayPlan } from '../../helpers/gateway-harness.js';

/** A byte proxy to the hub that can hold what the hub sends to the gateway. */
async function holdingProxy(hubPort: number): Promise<{ port: number; hold(on: boolean): void; close(): void }> {
  let holding = false;
  const pending: { to: Socket; data: Buffer }[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((gateway) => {
    const hub = connect(hubPort, '127.0.0.1');
    for (const s of [gateway, hub]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    gateway.on('data', (d) => hub.write(d));
    hub.on('data', (d) => (holding ? pending.push({ to: gateway, data: d }) : gateway.write(d)));
    gateway.on('close', () => hub.destroy());
    hub.on('close', () => gateway.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    hold(on) {
      holding = on;
      if (!on) for (const { to, data } of pending.splice(0)) to.write(data);
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('devices that leave before the hub answered their upstream sessions do not cost the pooled connection; later devices still get through', async () => {
  const hub = await new FakeHub({ autoAccept: true }).start();
  const proxy = await holdingProxy(hub.port);
  const logs: string[] = [];
  const gateway = await startGateway(gatewayPlan(hub, { connector: { port: proxy.port, maxDevicesPerConnection: 2 } }), {
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    log: (module, level, text) => void (level === 'warning' || level === 'error' ? logs.push(`${module} ${text}`) : undefined),
  });
  const devices: DeviceClient[] = [];
  try {
    assert.ok(await gateway.upstreamReady(5000));
    // Six devices over three pooled connections, each authenticated while the hub answers freely.
    for (let i = 0; i < 6; i++) {
      const d = await DeviceClient.connect(gateway.listeners[0]!.port, `leaver-${i}`);
      devices.push(d);
      assert.is(await d.putToken(`leaver-${i}`), 200);
    }
    assert.is(gateway.connectors.get('HUB')!.openConnections, 3);
    // Each attaches (the gateway begins its upstream session), the hub's answers are held back, and each leaves.
    proxy.hold(true);
    for (const [i, d] of devices.entries()) void d.attachSender(`devices/leaver-${i}/messages/events`);
    await wait(200); // the gateway has sent Begin + Attach; the hub answered (held)
    for (const d of devices.splice(0)) d.close();
    await wait(200); // the gateway has sent End; the hub answered that too (held)
    proxy.hold(false);
    await wait(300);

    assert.equal(logs.filter((l) => /connection lost|remote channel|already received/.test(l)), []);
    assert.is(gateway.view.stats.upstreamLosses, 0, 'no pooled upstream connection was dropped');
    assert.is(gateway.connectors.get('HUB')!.openConnections, 3);
    // New devices reuse the freed channels on the same connections and get through end to end.
    for (let i = 0; i < 6; i++) {
      const d = await DeviceClient.connect(gateway.listeners[0]!.port, `after-${i}`);
      devices.push(d);
      assert.is(await d.putToken(`after-${i}`), 200);
      const s = await d.attachSender(`devices/after-${i}/messages/events`);
      assert.ok(s.ok, `after-${i} attached`);
      s.link.send({ body: `hello ${i}` });
      assert.is((await hub.deliveries.next()).address, `devices/after-${i}/messages/events`);
    }
    assert.is(gateway.view.stats.upstreamLosses, 0);
  } finally {
    for (const d of devices) d.close();
    await gateway.close();
    proxy.close();
    await hub.close();
  }
});

test.run();
