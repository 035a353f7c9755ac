// The fleet process of `npm run bench:fleet` (test/bench/fleet.ts forks one per fleet size, so its
// RSS and CPU are the fleet's own): the emulated boards of device-emulator/fleet.ts over TCP to the
// gateway, spread over their boot like `fogbridge device --count`, and measured.
//   parent → {type:'run', ...FleetRun}
//   ← {type:'connected', ...}  when every board is online (or the connect deadline passed)
//   ← {type:'measured', ...}   after the steady-state window; then the fleet stops and the process exits
import { randomBytes } from 'node:crypto';
import { tcpTransport } from '../../hardware/transport/tcp.js';
import { Fleet } from '../../device-emulator/fleet.js';

export interface FleetRun {
  gatewayPort: number;
  hubHostName: string;
  devices: { deviceId: string; key: string }[];
  intervalMs: number;
  spreadMs: number;
  connectDeadlineMs: number;
  windowMs: number;
}
export interface Connected { type: 'connected'; online: number; totalMs: number; perDeviceMs: number[]; rssMb: number; baselineRssMb: number; /** Median ms spent in each phase on the way to the first online. */ phaseP50: Record<string, number> }
export interface Measured { type: 'measured'; online: number; accepted: number; windowMs: number; cpuMs: number; rssMb: number; dropped: number; reconnects: number; outboxDepth: number }

const send = (m: Connected | Measured): void => void process.send!(m);
const rssMb = (): number => process.memoryUsage().rss / 2 ** 20;

process.once('message', async (run: FleetRun & { type: 'run' }) => {
  global.gc?.();
  const baselineRssMb = rssMb();
  const linkUpAt = new Map<string, number>();
  const perDeviceMs: number[] = [];
  const enteredAt = new Map<string, number>();
  const phaseMs: Record<string, number[]> = {};
  let online = 0;
  let allOnline!: () => void;
  const everyoneOnline = new Promise<void>((resolve) => (allOnline = resolve));
  const fleet = new Fleet({
    hubHostName: run.hubHostName,
    devices: run.devices.map((d) => ({ deviceId: d.deviceId, deviceKey: d.key, envelopeKey: new Uint8Array(16).fill(1) })),
    envelope: 'xtea-cbc-cts',
    transportFor: () => tcpTransport({ host: '127.0.0.1', port: run.gatewayPort }),
    intervalMs: run.intervalMs,
    seed: 1,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    spreadMs: run.spreadMs,
    onTransition: (id, from, to) => {
      const now = performance.now();
      if (linkUpAt.get(id) !== -1 && enteredAt.has(id)) (phaseMs[from] ??= []).push(now - enteredAt.get(id)!);
      enteredAt.set(id, now);
      // Connect time: from the board opening its transport to online (TCP, AMQP open, CBS, attach).
      if (to === 'link-up' && !linkUpAt.has(id)) linkUpAt.set(id, performance.now());
      const t0 = linkUpAt.get(id);
      if (to !== 'online' || t0 === undefined || t0 < 0) return;
      perDeviceMs.push(performance.now() - t0);
      linkUpAt.set(id, -1); // first time online only: a reconnect is not a connect
      if (++online === run.devices.length) allOnline();
    },
  });
  const start = performance.now();
  fleet.start();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([everyoneOnline, new Promise<void>((resolve) => (timer = setTimeout(resolve, run.connectDeadlineMs)))]);
  clearTimeout(timer);
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
  const phaseP50 = Object.fromEntries(['link-up', 'connecting', 'cbs', 'attaching', 'backoff'].filter((p) => phaseMs[p]).map((p) => [p, Math.round(median(phaseMs[p]!))]));
  send({ type: 'connected', online, totalMs: performance.now() - start, perDeviceMs, rssMb: rssMb(), baselineRssMb, phaseP50 });

  const before = fleet.summary();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, run.windowMs));
  const cpu = process.cpuUsage(cpu0);
  const after = fleet.summary();
  send({
    type: 'measured', online: after.online, accepted: after.accepted - before.accepted, windowMs: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000, rssMb: rssMb(), dropped: after.dropped, reconnects: after.reconnects, outboxDepth: after.outboxDepth,
  });
  await fleet.stop();
  process.exit(0);
});
