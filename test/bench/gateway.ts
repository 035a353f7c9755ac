// `npm run bench:gateway` (issue 4 item 7): sender → gateway → sink against sender → sink direct
// and sender → a node:net byte relay, in the same run, loopback only. Every role is its own
// process (test/bench/gateway-peers.ts; the gateway is the built `fogbridge gateway --config` spawned by
// test/helpers/processes.ts): throughput is what the sink counts over the measured window;
// latency is send → accepted at the sender (unsettled); gateway CPU µs per routed message is the
// gateway process's utime + stime delta (/proc/<pid>/stat) over the window divided by the
// messages the sink counted; peak RSS is VmHWM. Then 1,000 and 5,000 device connections arrive at
// once (each with put-token and a telemetry sender): attached vs attempted and RSS per connection.
// Prints a markdown table. BENCH_SENDERS (default 3) sender processes drive the loaded runs.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startGatewayProcess, type GatewayProcess } from '../helpers/processes.js';

const MEASURE_MS = Number(process.env.BENCH_MS ?? 3000);
const WARMUP_MS = 1000;
const SENDERS = Number(process.env.BENCH_SENDERS ?? 3);
const IN_FLIGHT = 500;
const TICK_US = 1e6 / 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

interface Peer { child: ChildProcess; message<T>(type: string): Promise<T> }

function peer(...args: string[]): Peer {
  const child = fork(new URL('./gateway-peers.ts', import.meta.url).pathname, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.setMaxListeners(100);
  return {
    child,
    message: <T>(type: string) => new Promise<T>((resolve, reject) => {
      const on = (m: { type: string; message?: string }): void => {
        if (m.type === 'error') return reject(new Error(`${args.join(' ')}: ${m.message}`));
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m as T);
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code} waiting for ${type}`)));
    }),
  };
}
const stop = (p: Peer | undefined): void => void p?.child.kill('SIGKILL');

const cpuTicks = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
};
const status = (pid: number, key: 'VmHWM' | 'VmRSS'): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Load { rate: number; p50: number; p99: number; cpuUs?: number; relayCpuUs?: number }

/** `senders` sender processes at `port` for warm-up then the window; the sink counts. */
async function load(port: number, sink: Peer, senders: number, settled: boolean, inFlight: number, measuredPid?: number): Promise<Load> {
  const peers = Array.from({ length: senders }, (_, i) => peer('sender', String(port), `bench-${settled ? 's' : 'u'}${inFlight}-${i}-${port}`, settled ? '1' : '0', String(inFlight)));
  try {
    await Promise.all(peers.map((p) => p.message('ready')));
    const done = peers.map((p) => p.message<{ accepted: number; p50: number; p99: number }>('done'));
    for (const p of peers) p.child.send({ type: 'go', ms: WARMUP_MS + MEASURE_MS });
    await new Promise((r) => setTimeout(r, WARMUP_MS)); // the warm-up is time-based by definition
    const mark = sink.message('mark');
    sink.child.send('mark');
    await mark;
    const cpu0 = measuredPid ? cpuTicks(measuredPid) : 0;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const counted = sink.message<{ received: number }>('mark');
    sink.child.send('mark');
    const { received } = await counted;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = measuredPid ? (cpuTicks(measuredPid) - cpu0) * TICK_US : 0;
    const results = await Promise.all(done);
    const worst = (f: (r: { p50: number; p99: number }) => number): number => Math.max(...results.map(f));
    return { rate: received / seconds, p50: worst((r) => r.p50), p99: worst((r) => r.p99), ...(measuredPid ? { cpuUs: cpu / received } : {}) };
  } finally {
    peers.forEach(stop);
  }
}

function gatewayConfig(sinkPort: number): string {
  const routes = ['$cbs', 'devices'].flatMap((prefix) => ['in', 'out'].map((direction) => `linkRoute {\n    prefix: ${prefix}\n    direction: ${direction}\n    connection: SINK\n}\n`)).join('');
  return `router {\n    id: bench-gateway\n}\nlistener {\n    host: 127.0.0.1\n    port: 0\n}\nconnector {\n    name: SINK\n    host: 127.0.0.1\n    port: ${sinkPort}\n    role: route-container\n    saslMechanisms: ANONYMOUS\n}\nlog {\n    module: DEFAULT\n    enable: info+\n}\n${routes}`;
}

const fmt = (n: number | undefined, digits = 0): string => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

async function main(): Promise<void> {
  const started = performance.now();
  const sink = peer('sink');
  let gateway: GatewayProcess | undefined;
  let relayPeer: Peer | undefined;
  try {
    const { port: sinkPort } = await sink.message<{ port: number }>('ready');
    // BENCH_PROFILE=<dir>: the gateway runs under --cpu-prof (written there when it exits), only its rows are measured.
    const profile = process.env.BENCH_PROFILE;
    // BENCH_NODE_ARGS: extra node flags for the gateway process (e.g. to try V8 heap settings).
    const nodeArgs = [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])];
    // The built CLI, as users run it (package.json builds dist/ before this script).
    gateway = await startGatewayProcess(gatewayConfig(sinkPort), { connector: 'SINK', nodeArgs, built: true });
    relayPeer = peer('relay', String(sinkPort));
    const { port: relayPort } = await relayPeer.message<{ port: number }>('ready');
    const paths = [
      { name: 'direct (sender → sink)', port: sinkPort, pid: undefined as number | undefined },
      { name: 'node:net byte relay', port: relayPort, pid: relayPeer.child.pid },
      { name: 'fogbridge gateway', port: gateway.port, pid: gateway.child.pid },
    ];
    const rows: string[] = [];
    const results = new Map<string, Load>();
    // BENCH_QUICK=1: only the byte relay and the gateway, no connection bursts (for trying changes).
    const quick = Boolean(process.env.BENCH_QUICK);
    for (const path of process.env.BENCH_SCALE_ONLY ? [] : profile ? paths.slice(2) : quick ? paths.slice(1) : paths) {
      const key = (k: string): string => `${path.name}|${k}`;
      process.stderr.write(`${path.name}: unsettled x1`);
      results.set(key('u1'), await load(path.port, sink, 1, false, IN_FLIGHT, path.pid));
      process.stderr.write(`, unsettled x${SENDERS}`);
      results.set(key('uN'), await load(path.port, sink, SENDERS, false, IN_FLIGHT, path.pid));
      process.stderr.write(`, pre-settled x${SENDERS}`);
      results.set(key('sN'), await load(path.port, sink, SENDERS, true, 0, path.pid));
      process.stderr.write(', ping-pong\n');
      results.set(key('pp'), await load(path.port, sink, 1, false, 1, path.pid));
      const [u1, uN, sN, pp] = ['u1', 'uN', 'sN', 'pp'].map((k) => results.get(key(k))!);
      const cpu = (l: Load): string => (path.pid ? fmt(l.cpuUs, 1) : '–');
      rows.push(`| ${path.name} | ${fmt(u1!.rate)} | ${fmt(uN!.rate)} | ${fmt(sN!.rate)} | ${fmt(uN!.p50 / 1000, 2)} / ${fmt(uN!.p99 / 1000, 2)} | ${fmt(pp!.p50)} / ${fmt(pp!.p99)} | ${cpu(uN!)} / ${cpu(sN!)} | ${path.pid ? fmt(status(path.pid, 'VmHWM')) : '–'} |`);
    }

    // Connections in a burst: each opens, puts a token, attaches a telemetry sender.
    const scale: string[] = [];
    let first = 0;
    for (const total of profile || quick ? [] : [1000, 5000]) {
      const pid = gateway.child.pid!;
      const before = status(pid, 'VmRSS');
      const perProcess = 1000;
      const fleets = Array.from({ length: total / perProcess }, () => peer('devices', String(gateway!.port), String(perProcess), String((first += perProcess))));
      process.stderr.write(`${total} connections in a burst`);
      const outcomes = await Promise.all(fleets.map((f) => f.message<{ attempted: number; attached: number; ms: number; errors: string[] }>('done')));
      const after = status(pid, 'VmRSS');
      const attached = outcomes.reduce((n, o) => n + o.attached, 0);
      const ms = Math.max(...outcomes.map((o) => o.ms));
      const errors = [...new Set(outcomes.flatMap((o) => o.errors))];
      process.stderr.write(` (${ms} ms${errors.length ? `; ${errors.join('; ')}` : ''})\n`);
      scale.push(`| ${fmt(total)} | ${fmt(attached)} / ${fmt(total)} | ${fmt(ms / 1000, 1)} s | ${fmt(before)} → ${fmt(after)} MB | ${fmt(((after - before) * 1024) / total, 1)} KB |`);
      const closed = fleets.map((f) => new Promise((r) => f.child.once('exit', r)));
      for (const f of fleets) f.child.send('close');
      await new Promise((r) => setTimeout(r, 500)); // let the closes reach the gateway before the processes go
      fleets.forEach(stop);
      await Promise.all(closed);
    }

    if (process.env.BENCH_DEBUG) console.error(gateway.output().split('\n').filter((l) => !/ \((info|debug|trace)\) /.test(l)).slice(-40).join('\n'));
    const ratio = (k: string): number => results.get(`fogbridge gateway|${k}`)!.rate / results.get(`node:net byte relay|${k}`)!.rate;
    if (profile) return void console.log(rows.join('\n'));
    if (rows.length === 0) return void console.log(scale.join('\n'));
    console.log(`\n## bench:gateway — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores, loopback, 256-byte bodies, ${MEASURE_MS / 1000} s windows, rhea clients (credit ${IN_FLIGHT} in flight per sender)\n`);
    console.log(`| path | unsettled msg/s, 1 sender | unsettled msg/s, ${SENDERS} senders | pre-settled msg/s, ${SENDERS} senders | latency p50 / p99 at full load (${SENDERS} senders, ms) | ping-pong p50 / p99 (µs) | relay CPU µs/msg unsettled / pre-settled | relay peak RSS (MB) |`);
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) console.log(r);
    console.log(`\ngateway / byte relay throughput: unsettled ${fmt(100 * ratio('u1'))} % (1 sender), ${fmt(100 * ratio('uN'))} % (${SENDERS} senders); pre-settled ${fmt(100 * ratio('sN'))} %`);
    console.log(`\n| device connections in a burst | attached / attempted | time to attach all | gateway RSS | RSS per connection |`);
    console.log('| ---: | ---: | ---: | ---: | ---: |');
    for (const r of scale) console.log(r);
    console.log(`\ngateway peak RSS (VmHWM) over the run: ${fmt(status(gateway.child.pid!, 'VmHWM'))} MB; run time ${fmt((performance.now() - started) / 1000)} s`);
  } finally {
    stop(relayPeer);
    await gateway?.kill(process.env.BENCH_PROFILE ? 'SIGTERM' : 'SIGKILL');
    stop(sink);
  }
}

await main();
process.exit(0);
