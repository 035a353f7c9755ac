// `npm run bench:hub`: durable telemetry ingest into the local hub (issue 3 item 11), beside a rhea
// sink that accepts without storing (the ceiling), same clients, same run. Each target runs in a
// child process (test/bench/hub-target.ts) so its CPU µs per message and peak RSS are its own.
//
// Clients: DEVICES devices multiplexed over CONNECTIONS TLS connections (one session each, a
// $cbs put-token per device: the gateway's shape), 256-byte data bodies, unsettled, at most
// IN_FLIGHT_PER_DEVICE unacknowledged per device. Enqueue latency = send → `accepted` (for the hub:
// after the group commit). Targets: the sink, the hub in memory, the hub on a file in a temp
// folder (SQLite WAL, synchronous=FULL). After a hub's ingest, one connection drains every
// partition from the start with receivers granting credit as they go (the Event Hub-compatible
// read rate). The whole run stays well under 60 s. BENCH_DEBUG=1 prints progress every second.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rhea, { type Connection, type Delivery, type EventContext, type Receiver, type Sender } from 'rhea';
import { createSasToken } from '../../protocol/sas.js';
import type { TargetReady, TargetUsage } from './hub-target.js';

const DEVICES = 100;
const CONNECTIONS = 4;
const IN_FLIGHT_PER_DEVICE = 20;
const BODY_BYTES = 256;
const WARMUP_MS = 1000;
const MEASURE_MS = 5000;
const READ_CREDIT = 1000;

interface Child {
  ready: TargetReady;
  usage(): Promise<TargetUsage>;
  stop(): Promise<void>;
}

async function startChild(mode: 'file' | 'memory' | 'sink', dataDir: string): Promise<Child> {
  // BENCH_PROFILE=<dir>: each target runs under --cpu-prof, written there when it stops.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child: ChildProcess = fork(new URL('./hub-target.ts', import.meta.url).pathname, [mode, dataDir, String(DEVICES)], { execArgv: [...profile, '--import', 'tsx'] });
  const message = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: { type: string }): void => {
        if (m.type !== type) return;
        child.off('message', onMessage);
        resolve(m as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${mode} target exited (${code}) waiting for ${type}`)));
    });
  const ready = await message<TargetReady>('ready');
  return {
    ready,
    usage: () => {
      const usage = message<TargetUsage>('usage');
      child.send('mark');
      return usage;
    },
    stop: () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function connect(target: TargetReady): Promise<Connection> {
  const c = rhea.create_container().connect({ host: 'localhost', port: target.port, transport: 'tls', ca: target.caPem, servername: 'localhost', reconnect: false, tcp_no_delay: true } as never);
  c.on('disconnected', () => undefined);
  return new Promise((resolve) => c.once('connection_open', () => resolve(c)));
}

/** Puts every token on the connection's one `$cbs` pair and waits for all replies to be 200. */
async function putTokens(c: Connection, tokens: { token: string; audience: string }[]): Promise<void> {
  const receiver = c.open_receiver({ source: { address: '$cbs' }, target: {} } as never);
  const sender = c.open_sender({ target: { address: '$cbs' } });
  await new Promise((resolve) => sender.once('sendable', resolve));
  const pending = new Set(tokens.map((_, i) => `put-${i}`));
  const done = new Promise<void>((resolve, reject) => {
    receiver.on('message', ({ message }: EventContext) => {
      if (message!.application_properties?.['status-code'] !== 200) reject(new Error(`put-token: ${JSON.stringify(message!.application_properties)}`));
      pending.delete(String(message!.correlation_id));
      if (pending.size === 0) resolve();
    });
  });
  tokens.forEach(({ token, audience }, i) =>
    sender.send({ message_id: `put-${i}`, to: '$cbs', reply_to: 'cbs', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: audience }, body: token }),
  );
  await done;
}

interface Ingest { accepted: number; refused: number; seconds: number; latenciesMs: number[] }

/** Opens one telemetry sender per device; `run(ms)` sends for `ms`, waits for the last outcome. */
async function deviceSenders(target: TargetReady): Promise<{ run(ms: number): Promise<Ingest>; close(): void }> {
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => connect(target)));
  const senders: Sender[] = [];
  const sendable: Promise<unknown>[] = []; // listened for at attach: credit may come before the other connections are ready
  await Promise.all(
    connections.map(async (c, n) => {
      const mine = target.devices.filter((_, i) => i % CONNECTIONS === n);
      await putTokens(c, mine.map(({ id, key }) => ({ audience: `localhost/devices/${id}`, token: createSasToken({ audience: `localhost/devices/${id}`, key, keyConvention: 'iothub', expiresAt }) })));
      for (const { id } of mine) {
        const sender = c.open_sender({ target: { address: `/devices/${id}/messages/events` } });
        senders.push(sender);
        sendable.push(new Promise((resolve) => sender.once('sendable', resolve)));
      }
    }),
  );
  await Promise.all(sendable);
  // A detached sender would leave its deliveries unsettled and the run waiting: say so and stop.
  for (const s of senders) {
    s.on('sender_error', (ctx: EventContext) => {
      console.error(`\n${s.target?.address} detached: ${JSON.stringify(ctx.sender?.error)}`);
      process.exit(1);
    });
  }
  const body = rhea.message.data_section(Buffer.alloc(BODY_BYTES, 0x5a));

  const run = (ms: number): Promise<Ingest> =>
    new Promise((resolve) => {
      const sentAt = new Map<Delivery, number>();
      const latenciesMs: number[] = [];
      let refused = 0;
      const inFlight = new Map<Sender, number>(senders.map((s) => [s, 0]));
      let stopped = false;
      const start = performance.now();
      const pump = (s: Sender): void => {
        while (!stopped && s.sendable() && inFlight.get(s)! < IN_FLIGHT_PER_DEVICE) {
          sentAt.set(s.send({ body }), performance.now());
          inFlight.set(s, inFlight.get(s)! + 1);
        }
      };
      const finishIfDone = (): void => {
        if (!stopped || sentAt.size > 0) return;
        for (const s of senders) for (const event of ['accepted', 'rejected', 'released', 'modified', 'sendable']) s.removeAllListeners(event);
        resolve({ accepted: latenciesMs.length, refused, seconds: (performance.now() - start) / 1000, latenciesMs });
      };
      const settled = ({ sender, delivery }: EventContext, accepted: boolean): void => {
        const t0 = sentAt.get(delivery!);
        if (t0 === undefined) return;
        sentAt.delete(delivery!);
        if (accepted) latenciesMs.push(performance.now() - t0);
        else refused++;
        inFlight.set(sender!, inFlight.get(sender!)! - 1);
        pump(sender!);
        finishIfDone();
      };
      for (const s of senders) {
        for (const outcome of ['accepted', 'rejected', 'released', 'modified']) s.on(outcome, (context: EventContext) => settled(context, outcome === 'accepted'));
        s.on('sendable', () => pump(s));
        pump(s);
      }
      const tick = setInterval(() => process.env.BENCH_DEBUG && process.stderr.write(` [${latenciesMs.length} ok, ${refused} refused, ${sentAt.size} in flight]`), 1000);
      setTimeout(() => {
        clearInterval(tick);
        stopped = true;
        finishIfDone();
      }, ms);
    });
  return { run, close: () => connections.forEach((c) => c.close()) };
}

/** Drains every partition from the start; events per second until `total` events arrived. */
async function readRate(target: TargetReady, total: number): Promise<number> {
  const c = await connect(target);
  const audience = `sb://localhost:${target.port}/${target.name}`;
  await putTokens(c, [{ audience, token: createSasToken({ audience, key: target.serviceKey, keyName: 'service', keyConvention: 'eventhub', expiresAt: Math.floor(Date.now() / 1000) + 3600 }) }]);
  const start = performance.now();
  let received = 0;
  await new Promise<void>((resolve) => {
    for (let p = 0; p < target.partitions; p++) {
      const receiver: Receiver = c.open_receiver({ source: { address: `${target.name}/ConsumerGroups/$Default/Partitions/${p}` }, credit_window: 0, autoaccept: true } as never);
      receiver.add_credit(READ_CREDIT);
      receiver.on('message', () => {
        receiver.add_credit(1);
        if (++received === total) resolve();
      });
    }
  });
  const rate = total / ((performance.now() - start) / 1000);
  c.close();
  return rate;
}

interface Row { target: string; rate: number; p50: number; p99: number; cpuUsPerMessage: number; rssMb: number; readRate?: number }

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function bench(label: string, mode: 'file' | 'memory' | 'sink', dataDir: string): Promise<Row> {
  process.stderr.write(`${label}: ingest`);
  const child = await startChild(mode, dataDir);
  try {
    const clients = await deviceSenders(child.ready);
    const warm = await clients.run(WARMUP_MS);
    await child.usage();
    const ingest = await clients.run(MEASURE_MS);
    const usage = await child.usage();
    clients.close();
    const sorted = ingest.latenciesMs.sort((a, b) => a - b);
    const row: Row = {
      target: label,
      rate: ingest.accepted / ingest.seconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      cpuUsPerMessage: usage.cpuUs / ingest.accepted,
      rssMb: usage.maxRssMb,
    };
    if (ingest.refused + warm.refused > 0) row.target += ` (${ingest.refused + warm.refused} refused)`;
    if (mode !== 'sink') {
      process.stderr.write(', read');
      row.readRate = await readRate(child.ready, warm.accepted + ingest.accepted);
    }
    process.stderr.write('\n');
    return row;
  } finally {
    await child.stop();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'fogbridge-bench-hub-'));
try {
  console.log(`bench:hub: ${DEVICES} devices on ${CONNECTIONS} TLS connections, ${BODY_BYTES}-byte bodies, ≤ ${IN_FLIGHT_PER_DEVICE} unsettled per device, ${MEASURE_MS / 1000} s each (after ${WARMUP_MS / 1000} s warm-up); data in ${dataDir}`);
  const rows = [
    await bench('rhea sink (accepts, stores nothing)', 'sink', dataDir),
    await bench('hub, in memory', 'memory', dataDir),
    await bench('hub, file (SQLite WAL, synchronous=FULL)', 'file', dataDir),
  ];
  const fmt = (n: number | undefined, digits = 0): string => (n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
  console.log('\n| target | ingest msg/s | p50 ms | p99 ms | target CPU µs/msg | target peak RSS MB | Event Hub read events/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.target} | ${fmt(r.rate)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuUsPerMessage)} | ${fmt(r.rssMb)} | ${fmt(r.readRate)} |`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
