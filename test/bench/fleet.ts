// `npm run bench:fleet`: how many emulated boards one process sustains through the gateway at one
// reading per 5 s each (issue 5 item 6). The hub (`fogbridge hub`, data folder) and the gateway
// (`fogbridge gateway --config`, TCP listener, TLS connector) run as child processes; devices are
// registered in the hub's SQLite file in one transaction (test/helpers/processes.ts
// registerDevices: 5,000 in well under a second). For each fleet size a fresh fleet process
// (fleet-target.ts) boots its boards spread over min(5 s, n × 10 ms) as `fogbridge device --count`
// does, and reports:
//   connect   time from fleet start until every board is online; per board, from opening its TCP
//             transport to online (AMQP open, CBS put-token, both links attached), p50 / p99
//   RSS       the fleet process's RSS once everyone is online minus its RSS before the fleet, per board
//   CPU       the fleet process's CPU (user + system) over the steady-state window, % of one core
//   accepted  readings the hub accepted in the window vs boards × window / interval
// and the gateway's and hub's CPU over the same window (from /proc). Sizes: argv, default 100 1000 5000.
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fleetDeviceIds } from '../../device-emulator/keys.js';
import { gatewayConfig } from '../helpers/device-gateway.js';
import { hubDataDir, registerDevices, startGatewayProcess, startHubProcess } from '../helpers/processes.js';
import { freePort } from '../helpers/ports.js';
import type { Connected, FleetRun, Measured } from './fleet-target.js';

const SIZES = process.argv.slice(2).map(Number).filter((n) => n > 0);
const sizes = SIZES.length ? SIZES : [100, 1_000, 5_000];
const INTERVAL_MS = 5_000;
const WINDOW_MS = 20_000;
const CONNECT_DEADLINE_MS = 90_000;

/** CPU ms (user + system) of a process so far, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const rssMbOf = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Row { n: number; connected: Connected; measured: Measured; gateway: { cpuPct: number; rssMb: number }; hub: { cpuPct: number } }

async function runFleet(n: number, run: Omit<FleetRun, 'devices' | 'spreadMs'>, devices: FleetRun['devices'], pids: { gateway: number; hub: number }): Promise<Row> {
  const child = fork(new URL('./fleet-target.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx', '--expose-gc'] });
  const next = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }): void => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(m as T);
      };
      const onExit = (code: number | null): void => reject(new Error(`fleet process exited (${code}) waiting for ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  try {
    child.send({ type: 'run', ...run, devices, spreadMs: Math.min(5_000, n * 10) });
    const connected = await next<Connected>('connected');
    const cpu0 = { gateway: cpuMsOf(pids.gateway), hub: cpuMsOf(pids.hub), at: performance.now() };
    const measured = await next<Measured>('measured');
    const elapsed = performance.now() - cpu0.at;
    const gateway = { cpuPct: ((cpuMsOf(pids.gateway) - cpu0.gateway) / elapsed) * 100, rssMb: rssMbOf(pids.gateway) };
    const hub = { cpuPct: ((cpuMsOf(pids.hub) - cpu0.hub) / elapsed) * 100 };
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    return { n, connected, measured, gateway, hub };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function table(rows: Row[]): string {
  const head = ['devices', 'online', 'connect all', 'p50 / p99 per board', 'fleet RSS', 'per board', 'fleet CPU', 'accepted / expected', 'gateway CPU, RSS', 'hub CPU'];
  const lines = rows.map(({ n, connected: c, measured: m, gateway: g, hub: h }) => {
    const sorted = [...c.perDeviceMs].sort((a, b) => a - b);
    const expected = (n * m.windowMs) / INTERVAL_MS;
    return [
      n.toLocaleString('en'), `${m.online}`, `${(c.totalMs / 1000).toFixed(1)} s`,
      `${percentile(sorted, 50).toFixed(0)} / ${percentile(sorted, 99).toFixed(0)} ms`,
      `${(c.rssMb - c.baselineRssMb).toFixed(0)} MB`, `${(((c.rssMb - c.baselineRssMb) * 1024) / n).toFixed(0)} KB`,
      `${((m.cpuMs / m.windowMs) * 100).toFixed(1)} %`,
      `${m.accepted} / ${expected.toFixed(0)} (${((m.accepted / expected) * 100).toFixed(0)} %)`,
      `${g.cpuPct.toFixed(1)} %, ${g.rssMb.toFixed(0)} MB`, `${h.cpuPct.toFixed(1)} %`,
    ];
  });
  const all = [head, ...lines];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const row = (r: string[]): string => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [row(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...lines.map(row)].join('\n');
}

const dataDir = hubDataDir();
const port = await freePort();
const t0 = performance.now();
const fleets = sizes.map((n, i) => ({ n, ids: fleetDeviceIds(`bench${i}-${n}`, n) }));
const keys = registerDevices(dataDir, fleets.flatMap((f) => f.ids));
console.log(`registered ${keys.size} devices in ${((performance.now() - t0) / 1000).toFixed(2)} s (one SQLite transaction)`);
const hub = await startHubProcess({ dataDir, port });
const gateway = await startGatewayProcess(gatewayConfig({ hubPort: port, caFile: hub.caFile }));
try {
  const rows: Row[] = [];
  for (const { n, ids } of fleets) {
    console.log(`fleet of ${n}: connecting, then ${WINDOW_MS / 1000} s at one reading per ${INTERVAL_MS / 1000} s each...`);
    const row = await runFleet(
      n,
      { gatewayPort: gateway.port, hubHostName: `localhost:${port}`, intervalMs: INTERVAL_MS, connectDeadlineMs: CONNECT_DEADLINE_MS, windowMs: WINDOW_MS },
      ids.map((deviceId) => ({ deviceId, key: keys.get(deviceId)! })),
      { gateway: gateway.child.pid!, hub: hub.child.pid! },
    );
    rows.push(row);
    console.log(`  median ms per phase on the way to online: ${JSON.stringify(row.connected.phaseP50)}`);
    console.log(table([row]).split('\n').at(-1));
  }
  console.log(`\nbench:fleet (${sizes.join(', ')} boards; ${process.platform} ${process.arch}, Node ${process.version}, total ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  console.log(table(rows));
  // What went wrong, if anything: the gateway's and hub's warnings and errors, counted by kind.
  for (const [name, proc] of [['gateway', gateway], ['hub', hub]] as const) {
    const kinds = new Map<string, number>();
    for (const line of proc.output().split('\n')) {
      if (!/\((warning|error)\)|error|refused|lost/i.test(line)) continue;
      const kind = line.replace(/^\S+Z /, '').replace(/\d+/g, 'N').slice(0, 120);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    if (kinds.size) console.log(`\n${name} warnings and errors:\n${[...kinds].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, n]) => `  ${n} × ${k}`).join('\n')}`);
  }
} finally {
  await gateway.kill('SIGTERM');
  await hub.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(gateway.dir, { recursive: true, force: true });
}
