// The connector pool (DESIGN 3): one upstream session per device connection, and a new upstream
// connection once each open one carries maxDevicesPerConnection devices; a device's tokens and
// links stay on the upstream connection it was given.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { harness } from '../../helpers/gateway-harness.js';

test('GIVEN maxDevicesPerConnection = 2 WHEN three devices authenticate THEN the hub sees two upstream connections, and each device keeps to its own', async () => {
  const h = await harness({ plan: { connector: { maxDevicesPerConnection: 2 } } });
  try {
    assert.is(h.hub.connectionCount, 1);
    const devices = [await h.device('dev-A'), await h.device('dev-B'), await h.device('dev-C')];
    for (const [i, id] of ['A', 'B', 'C'].entries()) assert.is(await devices[i]!.putToken(id), 200);
    assert.is(h.hub.connectionCount, 2);
    assert.is(h.gateway.connectors.get('HUB')!.openConnections, 2);
    const [a, b, c] = h.hub.putTokens.map((p) => p.connection);
    assert.ok(a === b, 'A and B share the first upstream connection');
    assert.ok(c !== a, 'C is on the second');
    const s = await devices[2]!.attachSender('devices/C/messages/events');
    assert.ok(s.ok);
    const attach = await h.hub.attaches.next();
    assert.ok(attach.link.connection === c, "C's link is on the connection that holds C's token");
  } finally {
    await h.close();
  }
});

test('each device connection gets its own upstream session', async () => {
  const h = await harness();
  try {
    const [a, b] = [await h.device('dev-A'), await h.device('dev-B')];
    await a.putToken('A');
    await b.putToken('B');
    await a.attachSender('devices/A/messages/events');
    await b.attachSender('devices/B/messages/events');
    const [la, lb] = [await h.hub.attaches.next(), await h.hub.attaches.next()];
    assert.ok(la.link.connection === lb.link.connection, 'one upstream connection');
    assert.ok(la.link.session !== lb.link.session, 'two upstream sessions');
  } finally {
    await h.close();
  }
});

test.run();
