// What the device system tests and bench:fleet share: a gateway config (qdrouterd text form) in
// front of a local hub process, and a fleet of emulated boards registered in that hub's data
// folder that reports every telemetry outcome and wakes waiters on each change (no polling).
import { tcpTransport } from '../../hardware/transport/tcp.js';
import type { Transport } from '../../hardware/transport/transport.js';
import { mulberry32 } from '../../hardware/random.js';
import { Fleet, type FleetOptions, type FleetSummary } from '../../device-emulator/fleet.js';
import { fleetDeviceIds } from '../../device-emulator/keys.js';
import { registerDevices } from './processes.js';

/** A gateway for devices on 127.0.0.1 (TCP port 0, and serial lines when given) routing to a hub on localhost:hubPort over TLS. */
export function gatewayConfig(o: { hubPort: number; caFile: string; serial?: { device: string; baud?: number }[]; connector?: Record<string, string | number> }): string {
  const extra = Object.entries(o.connector ?? {}).map(([k, v]) => `    ${k}: ${v}\n`).join('');
  const serial = (o.serial ?? []).map((s, i) => `serialListener {\n    name: serial-${i}\n    device: ${s.device}\n    baud: ${s.baud ?? 115200}\n}\n`).join('');
  const routes = ['$cbs', 'devices/*/#'].flatMap((address) =>
    ['in', 'out'].map((direction) => `linkRoute {\n    ${address === '$cbs' ? 'prefix' : 'pattern'}: ${address}\n    connection: HUB\n    direction: ${direction}\n}\n`),
  );
  return `listener {
    name: devices
    host: 127.0.0.1
    port: 0
    saslMechanisms: ANONYMOUS
}
${serial}sslProfile {
    name: hub-tls
    caCertFile: ${o.caFile}
}
connector {
    name: HUB
    host: localhost
    port: ${o.hubPort}
    role: route-container
    saslMechanisms: ANONYMOUS
    sslProfile: hub-tls
${extra}}
${routes.join('')}`;
}

export interface TestFleet {
  fleet: Fleet;
  ids: string[];
  /** Message ids (`<deviceId>:<boot>:<seq>`) the hub answered `accepted`, with how often. */
  accepted: Map<string, number>;
  /** Resolves once `predicate(summary)` holds; checked on every transition and outcome. */
  until(predicate: (s: FleetSummary) => boolean, timeoutMs: number, what: string): Promise<FleetSummary>;
}

/** Registers `count` devices `<base>-0001…` in the hub's data folder and builds (does not start) their fleet. */
export function registeredFleet(o: {
  dataDir: string; hubHostName: string; base: string; count: number; intervalMs: number;
  transport?: (deviceId: string) => Transport; gatewayPort?: number; options?: Partial<FleetOptions>;
}): TestFleet {
  const ids = fleetDeviceIds(o.base, o.count);
  const keys = registerDevices(o.dataDir, ids);
  const accepted = new Map<string, number>();
  const waiters = new Set<() => void>();
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  const ivs = mulberry32(7);
  const fleet = new Fleet({
    hubHostName: o.hubHostName,
    devices: ids.map((deviceId) => ({ deviceId, deviceKey: keys.get(deviceId)!, envelopeKey: new Uint8Array(16).fill(7) })),
    envelope: 'xtea-cbc-cts',
    transportFor: o.transport ?? (() => tcpTransport({ host: '127.0.0.1', port: o.gatewayPort! })),
    intervalMs: o.intervalMs,
    seed: 7,
    randomBytes: (n) => Uint8Array.from({ length: n }, () => ivs.nextInt(256)),
    ...o.options,
    onTransition: (...args) => {
      o.options?.onTransition?.(...args);
      wake();
    },
    onOutcome: (deviceId, id, outcome) => {
      o.options?.onOutcome?.(deviceId, id, outcome);
      if (outcome === 'accepted') accepted.set(id, (accepted.get(id) ?? 0) + 1);
      wake();
    },
  });
  return {
    fleet,
    ids,
    accepted,
    until(predicate, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(fleet.summary())}`));
        }, timeoutMs);
        const check = (): void => {
          const s = fleet.summary();
          if (!predicate(s)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(s);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
