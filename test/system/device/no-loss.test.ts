// No loss (issue 5, DESIGN decision 6): 50 emulated boards send a reading every 200 ms through the
// gateway (a process, TCP) to the hub (a process with a data folder) while the hub is killed with
// SIGKILL and started again, twice. Afterwards every message id a board saw `accepted`
// (`<deviceId>:<boot>:<seq>`) is in the hub's telemetry, read back from every partition.
// Duplicates (a message the hub stored but whose `accepted` the kill swallowed, resent from the
// outbox) are allowed and counted; readings the outbox dropped when full were never accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import type { Message } from 'rhea';
import { startHub } from '../../../hub/hub.js';
import { storedEvents } from '../../integration/hub/helpers.js';
import { gatewayConfig, registeredFleet, type TestFleet } from '../../helpers/device-gateway.js';
import { hubDataDir, startGatewayProcess, startHubProcess, type GatewayProcess, type HubProcess } from '../../helpers/processes.js';
import { freePort } from '../../helpers/ports.js';

const DEVICES = 50;
const INTERVAL_MS = 200;
/** Accepted readings between two kills: about 2 s of the fleet's traffic. */
const STRIDE = DEVICES * 10;

test('GIVEN 50 boards through the gateway WHEN the hub is SIGKILLed and restarted twice THEN every reading a board saw accepted is stored', async () => {
  const dataDir = hubDataDir();
  const port = await freePort();
  let hub: HubProcess | undefined;
  let gateway: GatewayProcess | undefined;
  let t: TestFleet | undefined;
  try {
    hub = await startHubProcess({ dataDir, port });
    gateway = await startGatewayProcess(gatewayConfig({ hubPort: port, caFile: hub.caFile }));
    t = registeredFleet({
      dataDir, hubHostName: `localhost:${port}`, base: 'noloss', count: DEVICES, intervalMs: INTERVAL_MS, gatewayPort: gateway.port,
      options: { spreadMs: 1_000, timing: { backoff: { baseMs: 200, maxMs: 2_000 }, stepTimeoutMs: 5_000 } },
    });
    t.fleet.start();
    const allOnline = (s: { online: number }) => s.online === DEVICES;
    await t.until(allOnline, 15_000, 'every board online');
    for (let restart = 1; restart <= 2; restart++) {
      const before = t.fleet.summary().accepted;
      await t.until((s) => s.accepted >= before + STRIDE, 15_000, `${STRIDE} more readings accepted`);
      await hub.kill('SIGKILL');
      hub = await startHubProcess({ dataDir, port });
      await gateway.waitFor(new RegExp(`(connector HUB: connected[^]*){${restart + 1}}`), 20_000);
      await t.until(allOnline, 20_000, `every board online again after restart ${restart}`);
    }
    const before = t.fleet.summary().accepted;
    await t.until((s) => s.accepted >= before + STRIDE, 15_000, `${STRIDE} readings accepted after the last restart`);
    const summary = await t.fleet.stop();
    await gateway.kill('SIGTERM');
    await hub.kill('SIGTERM');

    const reader = await startHub({ dataDir, port: 0 });
    let stored: Message[];
    try {
      stored = storedEvents(reader).map((e) => e.message);
    } finally {
      await reader.close();
    }
    const counts = new Map<string, number>();
    for (const m of stored) counts.set(String(m.message_id), (counts.get(String(m.message_id)) ?? 0) + 1);
    const lost = [...t.accepted.keys()].filter((id) => !counts.has(id));
    const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
    console.log(
      `  no-loss: ${DEVICES} boards, 2 hub kills; accepted ${t.accepted.size} distinct (${summary.accepted} outbox settlements), ` +
        `stored ${stored.length} (${counts.size} distinct, ${duplicates} duplicates), lost ${lost.length}, ` +
        `outbox drops ${summary.dropped}, resent ${t.fleet.boards.reduce((n, b) => n + b.actor.getSnapshot().context.outbox.stats.resent, 0)}, reconnects ${summary.reconnects}`,
    );
    assert.equal(lost, [], 'every accepted reading is stored');
    assert.ok(t.accepted.size >= 3 * STRIDE, `accepted ${t.accepted.size}`);
    assert.ok(summary.reconnects >= 2 * DEVICES, 'every board reconnected after each kill');
  } finally {
    await t?.fleet.stop().catch(() => undefined);
    await gateway?.kill();
    await hub?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
