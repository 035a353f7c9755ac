// A gateway under test with everything observable switched on: a management endpoint on a free
// loopback port, log lines and PN_TRACE_FRM lines collected in arrays, in front of a FakeHub.
import { startGateway, type Gateway } from '../../gateway/router/index.js';
import { planLogger } from '../../gateway/router/log.js';
import type { GatewayPlan, RouterDeps } from '../../gateway/router/options.js';
import { LOG_MODULES } from '../../gateway/config/schema.js';
import { LOG_LEVELS } from '../../gateway/config/types.js';
import { FakeHub } from './fake-hub.js';
import { DeviceClient, gatewayPlan } from './gateway-harness.js';

export interface ObservedGateway {
  hub: FakeHub;
  gateway: Gateway;
  /** `http://127.0.0.1:<port>` */
  url: string;
  logs: string[];
  frames: string[];
  devices: DeviceClient[];
  device(id: string): Promise<DeviceClient>;
  get(path: string): Promise<{ status: number; type: string | null; text: string }>;
  close(): Promise<void>;
}

export async function observedGateway(o: { trace?: boolean; plan?: Partial<GatewayPlan>; deps?: Partial<RouterDeps> } = {}): Promise<ObservedGateway> {
  const hub = await new FakeHub({ autoAccept: true }).start();
  const logs: string[] = [];
  const frames: string[] = [];
  const everything = Object.fromEntries(LOG_MODULES.map((m) => [m, LOG_LEVELS])) as unknown as GatewayPlan['logLevels'];
  const plan: GatewayPlan = { ...gatewayPlan(hub), logLevels: everything, management: { host: '127.0.0.1', port: 0 }, ...o.plan };
  const gateway = await startGateway(plan, {
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    log: planLogger(plan.logLevels, (line) => logs.push(line), Date.now),
    trace: o.trace ? (line) => frames.push(line) : undefined,
    version: '9.9.9-test',
    ...o.deps,
  });
  if (!(await gateway.upstreamReady(5000))) throw new Error('the gateway did not reach the fake hub');
  const url = gateway.management ? `http://127.0.0.1:${gateway.management.port}` : '';
  const devices: DeviceClient[] = [];
  return {
    hub, gateway, url, logs, frames, devices,
    async device(id) {
      const d = await DeviceClient.connect(gateway.listeners[0]!.port, id);
      devices.push(d);
      return d;
    },
    async get(path) {
      const res = await fetch(`${url}${path}`);
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    },
    async close() {
      for (const d of devices) d.close();
      await gateway.close();
      await hub.close();
    },
  };
}

/** Resolves once `check()` is true, re-checked on each of `emitter`-free turns (a bounded poll of in-memory state, no sleeps on the wire). */
export async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
