// Management (qdrouterd.md §2.8; gateway/README.md "Management"): the HTTP endpoint's JSON views
// and Prometheus text follow traffic, it binds loopback by default, and devices cannot reach
// management over AMQP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { load, withBasics } from '../../helpers/gateway-config.js';
import { toGatewayPlan } from '../../../gateway/config/to-options.js';
import { observedGateway } from '../../helpers/observed-gateway.js';
import type { ConnectionStat, GeneralStat, LinkRouteStat, LinkStat } from '../../../gateway/management/snapshot.js';

const io = { readFile: () => '', env: () => undefined };

/** Parses Prometheus text: every non-comment line must be `name{labels} value`. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (-?[0-9.e+]+)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    samples.set(m![1]!, Number(m![2]));
  }
  return samples;
}

test('GIVEN a config with `management {}` THEN the endpoint is 127.0.0.1:8672; without the section there is none', () => {
  const on = toGatewayPlan(load(withBasics('management {\n}\n')).config, io);
  assert.equal(on.management, { host: '127.0.0.1', port: 8672 });
  const off = toGatewayPlan(load(withBasics('')).config, io);
  assert.is(off.management, undefined);
});

test('GIVEN `management { port: 0 }` (no host) THEN the endpoint binds 127.0.0.1 only: another local address of the machine is refused', async () => {
  const fromConfig = toGatewayPlan(load(withBasics('management {\n    port: 0\n}\n')).config, io).management;
  const g = await observedGateway({ plan: { management: fromConfig } });
  try {
    assert.is(g.gateway.management!.host, '127.0.0.1');
    assert.is((await g.get('/stat/general')).status, 200);
    const other = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (other === undefined) return; // a machine with loopback only: nothing else to try
    const socket = connect({ host: other, port: g.gateway.management!.port });
    const outcome = await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
    });
    socket.destroy();
    assert.is(outcome, 'ECONNREFUSED');
  } finally {
    await g.close();
  }
});

test('GIVEN a gateway with management WHEN a device authenticates and sends THEN /stat/* show the connection, device id, routed link and counts, and counters move', async () => {
  const g = await observedGateway();
  try {
    assert.is(g.gateway.management!.host, '127.0.0.1');
    const before = parseMetrics((await g.get('/metrics')).text);
    const device = await g.device('dev-A');
    assert.is(await device.putToken('A'), 200);
    const s = await device.attachSender('devices/A/messages/events');
    assert.ok(s.ok);
    if (!s.ok) return;
    if (!s.link.sendable()) await once(s.link, 'sendable');
    let accepted = 0;
    const allAccepted = new Promise<void>((resolve) => s.link.on('accepted', () => ++accepted === 3 && resolve()));
    for (let i = 0; i < 3; i++) s.link.send({ body: `m${i}` });
    await allAccepted;

    const general = JSON.parse((await g.get('/stat/general')).text) as GeneralStat;
    assert.is(general.routerId, 'gw-test');
    assert.is(general.version, '9.9.9-test');
    assert.is(general.deviceConnections, 1);
    assert.is(general.upstreamConnections, 1);
    assert.is(general.links, 1);
    assert.is(general.deliveries.delivered, 3);
    assert.is(general.deliveries.accepted, 3);
    assert.is(general.putTokens['200'], 1);

    const connections = JSON.parse((await g.get('/stat/connections')).text) as ConnectionStat[];
    const mine = connections.find((c) => c.dir === 'in')!;
    assert.is(mine.container, 'dev-A');
    assert.is(mine.role, 'normal');
    assert.is(mine.via, 'devices');
    assert.equal(mine.devices, ['A']);
    assert.is(mine.tls, null);
    assert.match(mine.host, /^127\.0\.0\.1:\d+$/);
    const up = connections.find((c) => c.dir === 'out')!;
    assert.is(up.role, 'route-container');
    assert.is(up.container, 'fake-hub');
    assert.match(String(up.tls), /^TLSv1\.[23] /);

    const links = JSON.parse((await g.get('/stat/links')).text) as LinkStat[];
    assert.is(links.length, 1);
    const l = links[0]!;
    assert.is(l.connection, mine.id);
    assert.is(l.upstreamConnection, up.id);
    assert.is(l.direction, 'in');
    assert.is(l.address, 'devices/A/messages/events');
    assert.is(l.upstreamLink, `${l.deviceLink}@dev-A`);
    assert.equal([l.delivered, l.accepted, l.rejected, l.released, l.modified, l.unsettled], [3, 3, 0, 0, 0, 0]);
    assert.ok(l.credit > 0, 'the hub credit is mirrored to the device');

    const routes = JSON.parse((await g.get('/stat/linkroutes')).text) as LinkRouteStat[];
    assert.equal(routes.find((r) => r.name === 'cbs-in'), { name: 'cbs-in', prefix: '$cbs', pattern: '$cbs/#', direction: 'in', connection: 'HUB', containerId: null, status: 'active' });

    const metrics = await g.get('/metrics');
    assert.match(String(metrics.type), /^text\/plain; version=0\.0\.4/);
    const after = parseMetrics(metrics.text);
    assert.is(after.get('fogbridge_gateway_deliveries_total')! - (before.get('fogbridge_gateway_deliveries_total') ?? 0), 3);
    assert.is(after.get('fogbridge_gateway_outcomes_total{outcome="accepted"}'), 3);
    assert.is(after.get('fogbridge_gateway_connections{dir="in"}'), 1);
    assert.is(after.get('fogbridge_gateway_links'), 1);
    assert.is(after.get('fogbridge_gateway_put_tokens_total{status="200"}'), 1);
    assert.is(after.get('fogbridge_gateway_link_route_active{name="devices-in",direction="in"}'), 1);
    assert.is((await g.get('/nothing')).status, 404);
  } finally {
    await g.close();
  }
});

test('GIVEN the hub is down THEN link routes show inactive and the metric says 0', async () => {
  const g = await observedGateway();
  try {
    await g.hub.kill();
    await g.gateway.connectors.get('HUB')!.until(false);
    const routes = JSON.parse((await g.get('/stat/linkroutes')).text) as LinkRouteStat[];
    assert.ok(routes.every((r) => r.status === 'inactive'));
    assert.is(parseMetrics((await g.get('/metrics')).text).get('fogbridge_gateway_link_routes_active'), 0);
  } finally {
    await g.close();
  }
});

test('GIVEN a device on the AMQP listener WHEN it attaches to $management THEN it is refused with qd:no-route-to-dest', async () => {
  const g = await observedGateway();
  try {
    const device = await g.device('dev-M');
    assert.is(await device.putToken('M'), 200);
    const s = await device.attachSender('$management');
    const r = await device.attachReceiver('$management');
    assert.equal([s.ok, r.ok], [false, false]);
    if (!s.ok) assert.is(s.condition, 'qd:no-route-to-dest');
    if (!r.ok) assert.is(r.condition, 'qd:no-route-to-dest');
    const general = JSON.parse((await g.get('/stat/general')).text) as GeneralStat;
    assert.is(general.linksRefused['qd:no-route-to-dest'], 2);
  } finally {
    await g.close();
  }
});

test.run();
