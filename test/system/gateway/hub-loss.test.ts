// The hub process goes away under the gateway process (qdrouterd.md §2.4-§2.6, DESIGN 6): while it
// is down a device attach is refused at once with qd:no-route-to-dest; when it is SIGKILLed
// mid-stream every routed link is detached with qd:routed-link-lost and the device connection
// stays up; once the hub is back on its port the device reattaches, resends what it did not see
// accepted, and every message it saw accepted is in the hub's telemetry (counted by message-id).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import type { EventContext, Sender } from 'rhea';
import { DEVICE_KEY, DeviceClient } from '../../helpers/gateway-harness.js';
import { hubDataDir, registerDevices, startGatewayProcess, startHubProcess, type GatewayProcess, type HubProcess } from '../../helpers/processes.js';
import { readTelemetry, systemConfig, within } from './system.js';

let hub: HubProcess | undefined;
let gateway: GatewayProcess | undefined;
let device: DeviceClient | undefined;

test.after(async () => {
  device?.close();
  await gateway?.kill();
  await hub?.stop();
});

test('hub down → qd:no-route-to-dest at once; hub SIGKILLed mid-stream → qd:routed-link-lost, device connection kept; hub back → reattach, and no message seen accepted is missing', async () => {
  const dataDir = hubDataDir();
  hub = await startHubProcess({ dataDir });
  const port = hub.port;
  registerDevices(dataDir, ['loss-1'], DEVICE_KEY);
  gateway = await startGatewayProcess(systemConfig(hub));
  device = await DeviceClient.connect(gateway.port, 'loss-1');
  assert.is(await device.putToken('loss-1'), 200);

  const accepted = new Set<string>();
  let sent = 0;
  const lost = new Set<string>();
  const watchers = new Set<() => void>();
  /** Resolves once `condition` holds, checked after every accepted outcome (no polling). */
  const until = (condition: () => boolean): Promise<void> => new Promise((resolve) => {
    const check = (): void => {
      if (!condition()) return;
      watchers.delete(check);
      resolve();
    };
    watchers.add(check);
    check();
  });
  /** Streams telemetry as credit allows until the link goes; returns the link's detach error. */
  const stream = async (): Promise<string> => {
    const attach = await device!.attachSender('devices/loss-1/messages/events');
    if (!attach.ok) throw new Error(`${attach.condition}: ${attach.description}`);
    const s: Sender = attach.link;
    const inFlight = new Map<number, string>();
    s.on('accepted', (ctx: EventContext) => {
      accepted.add(inFlight.get(ctx.delivery!.id)!);
      inFlight.delete(ctx.delivery!.id);
      for (const w of [...watchers]) w();
    });
    const pump = (): void => {
      while (s.sendable() && inFlight.size < 50) {
        const id = [...lost][0] ?? `m-${sent++}`;
        lost.delete(id);
        inFlight.set(s.send({ message_id: id, body: `reading ${id}` }).id, id);
      }
    };
    s.on('sendable', pump);
    s.on('accepted', pump);
    pump();
    const [ctx] = (await once(s, 'sender_close')) as [EventContext];
    // What was in flight when the link went is in doubt: resend it (at-least-once, DESIGN 6).
    for (const id of inFlight.values()) lost.add(id);
    return String((ctx.sender as unknown as { remote: { detach?: { error?: { condition?: string } } } }).remote.detach?.error?.condition);
  };

  const streaming = stream();
  // Kill the hub once a few hundred messages are through.
  await within(until(() => accepted.size >= 300), 20_000, '300 accepted messages');
  await hub.kill('SIGKILL');
  assert.is(await within(streaming, 10_000, 'the routed link to be detached'), 'qd:routed-link-lost');
  assert.not.ok(device.connection.is_closed(), 'the device connection stays up');
  const seenBeforeKill = accepted.size;

  const refused = await device.attachSender('devices/loss-1/messages/events');
  assert.equal(refused.ok ? 'opened' : refused.condition, 'qd:no-route-to-dest');

  hub = await startHubProcess({ dataDir, port });
  await gateway.waitFor(/CONN_MGR \(info\) connector HUB: connected[^]*CONN_MGR \(info\) connector HUB: connected/, 20_000);
  assert.is(await device.putToken('loss-1'), 200);
  // Resend what was in doubt plus 100 more, then stop.
  const target = sent + 100;
  void stream().catch(() => undefined);
  await within(until(() => sent >= target && lost.size === 0 && accepted.size >= seenBeforeKill + 100), 20_000, 'the resent and new messages to be accepted');
  device.close();

  const stored = await readTelemetry(hub, (events) => [...accepted].every((id) => events.has(id)), 30_000).catch((e: Error) => {
    throw new Error(`${e.message}; ${accepted.size} accepted`);
  });
  const missing = [...accepted].filter((id) => !stored.has(id));
  assert.equal(missing, [], 'every message the device saw accepted is in the hub');
  assert.ok(accepted.size >= 400, `${accepted.size} accepted`);
});

test.run();
