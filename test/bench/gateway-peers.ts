// The child processes of `npm run bench:gateway` (test/bench/gateway.ts), one role each, driven
// over IPC so every process's CPU and memory are its own:
//   sink                 a rhea server that answers $cbs put-token with 200 and accepts (or, for
//                        pre-settled transfers, just counts) every message without storing it;
//                        'mark' → { received } since the last mark
//   relay <port>         a node:net byte pipe to 127.0.0.1:<port> (the physical limit of a relay)
//   sender <port> <id> <settled 0|1> <in-flight>
//                        one device connection: put-token, one telemetry sender; 'go' {ms} sends
//                        256-byte bodies for ms and answers { sent, accepted, p50, p99 } (µs)
//   devices <port> <n> <first>
//                        n device connections opened at once, each with put-token and a telemetry
//                        sender; answers { attempted, opened, attached, ms }
import { createConnection, createServer, type Socket } from 'node:net';
import { createSasToken } from '../../protocol/sas.js';
import rhea, { type Connection, type EventContext, type Receiver, type Sender } from 'rhea';

const [role, ...args] = process.argv.slice(2);
const send = (m: unknown): void => void process.send!(m);
const BODY = rhea.message.data_section(Buffer.alloc(256, 0x5a));
const KEY = Buffer.alloc(32, 7).toString('base64');
/** A well-formed device token (the sink accepts any; the gateway parses what the hub accepted). */
const token = (id: string): string => createSasToken({ audience: `localhost/devices/${id}`, key: KEY, keyConvention: 'iothub', expiresAt: Math.floor(Date.now() / 1000) + 3600 });

const remote = (l: Sender | Receiver): { source?: { address?: string }; target?: { address?: string } } => (l as unknown as { remote: { attach: { source?: { address?: string }; target?: { address?: string } } } }).remote.attach;

function sink(): void {
  const container = rhea.create_container({ id: 'bench-sink' });
  let received = 0;
  container.on('message', (ctx: EventContext) => {
    const r = ctx.receiver!;
    if (r.target?.address !== '$cbs') return void received++;
    const m = ctx.message!;
    const reply = r.connection.find_sender((s: Sender) => s.source?.address === '$cbs');
    reply?.send({ correlation_id: m.message_id, application_properties: { 'status-code': rhea.types.wrap_int(200), 'status-description': 'OK' }, body: null });
  });
  // Answer with the peer's own terminus (rhea would answer with a null one, which reads as a refusal).
  container.on('receiver_open', (ctx: EventContext) => ctx.receiver!.set_target({ address: remote(ctx.receiver!).target?.address ?? '' }));
  container.on('sender_open', (ctx: EventContext) => ctx.sender!.set_source({ address: remote(ctx.sender!).source?.address ?? '' }));
  for (const e of ['error', 'connection_error', 'disconnected', 'protocol_error']) container.on(e, () => undefined);
  const server = container.listen({ host: '127.0.0.1', port: 0, tcp_no_delay: true, credit_window: 1000, autoaccept: true } as never) as unknown as import('node:net').Server;
  server.on('listening', () => send({ type: 'ready', port: (server.address() as { port: number }).port }));
  process.on('message', (m) => {
    if (m === 'mark') {
      send({ type: 'mark', received });
      received = 0;
    }
  });
}

function relay(port: number): void {
  const server = createServer({ noDelay: true }, (down: Socket) => {
    const up = createConnection({ host: '127.0.0.1', port, noDelay: true });
    down.pipe(up).pipe(down);
    const end = (): void => {
      down.destroy();
      up.destroy();
    };
    down.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => send({ type: 'ready', port: (server.address() as { port: number }).port }));
}

/** Connects, puts the device's token on $cbs, attaches a telemetry sender; resolves once it has credit. */
async function device(container: ReturnType<typeof rhea.create_container>, port: number, id: string, o: { settled?: boolean } = {}): Promise<{ connection: Connection; sender: Sender }> {
  const connection = container.connect({ host: '127.0.0.1', port, reconnect: false, tcp_no_delay: true, idle_time_out: 0 } as never);
  await new Promise<void>((resolve, reject) => {
    connection.once('connection_open', () => resolve());
    connection.once('disconnected', (ctx: EventContext) => reject(ctx.error ?? new Error('disconnected')));
  });
  const cbsOut = connection.open_sender({ target: { address: '$cbs' } });
  const cbsIn: Receiver = connection.open_receiver({ source: { address: '$cbs' } });
  await new Promise((resolve) => cbsOut.once('sendable', resolve));
  const answered = new Promise<number>((resolve) => cbsIn.once('message', (ctx: EventContext) => resolve(Number(ctx.message!.application_properties?.['status-code']))));
  cbsOut.send({ message_id: `put-${id}`, to: '$cbs', reply_to: 'cbs', application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: `localhost%2Fdevices%2F${id}` }, body: token(id) });
  const status = await answered;
  if (status !== 200) throw new Error(`put-token ${status}`);
  const sender = connection.open_sender({ target: { address: `devices/${id}/messages/events` }, ...(o.settled ? { snd_settle_mode: 1 } : {}) } as never);
  await new Promise<void>((resolve, reject) => {
    sender.once('sendable', () => resolve());
    sender.once('sender_close', () => reject(new Error(`attach refused: ${JSON.stringify((sender as unknown as { remote: { detach?: unknown } }).remote.detach)}`)));
  });
  return { connection, sender };
}

async function sender(port: number, id: string, settled: boolean, inFlightMax: number): Promise<void> {
  const container = rhea.create_container({ id: `bench-${id}` });
  container.on('error', () => undefined);
  const { sender: s } = await device(container, port, id, { settled });
  send({ type: 'ready' });
  process.on('message', (m: { type: string; ms: number }) => {
    if (m.type !== 'go') return;
    let sent = 0;
    let accepted = 0;
    let inFlight = 0;
    let stopped = false;
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    const pump = (): void => {
      while (!stopped && s.sendable() && (settled || inFlight < inFlightMax)) {
        const d = s.send({ body: BODY });
        sent++;
        if (settled) continue;
        inFlight++;
        sentAt.set(d.id, performance.now());
      }
      // Pre-settled: yield so the socket drains (rhea queues without bound otherwise).
      if (settled && !stopped) setImmediate(pump);
    };
    s.on('accepted', (ctx: EventContext) => {
      const t0 = sentAt.get(ctx.delivery!.id);
      sentAt.delete(ctx.delivery!.id);
      if (t0 !== undefined && (accepted & 7) === 0) latencies.push(performance.now() - t0);
      accepted++;
      inFlight--;
      pump();
    });
    s.on('sendable', pump);
    pump();
    setTimeout(() => {
      stopped = true;
      latencies.sort((a, b) => a - b);
      const pct = (p: number): number => Math.round(1000 * (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN));
      send({ type: 'done', sent, accepted, p50: pct(0.5), p99: pct(0.99) });
    }, m.ms);
  });
}

async function devices(port: number, n: number, first: number): Promise<void> {
  const container = rhea.create_container({ id: `bench-fleet-${first}` });
  container.on('error', () => undefined);
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => device(container, port, `fleet-${first + i}`)));
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  const errors = [...new Set(results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String((r.reason as Error)?.message ?? r.reason)))].slice(0, 3);
  send({ type: 'done', attempted: n, attached: ok, ms: Math.round(performance.now() - started), errors });
  process.on('message', (m) => m === 'close' && results.forEach((r) => r.status === 'fulfilled' && r.value.connection.close()));
}

if (role === 'sink') sink();
else if (role === 'relay') relay(Number(args[0]));
else if (role === 'sender') void sender(Number(args[0]), args[1]!, args[2] === '1', Number(args[3])).catch((e: Error) => send({ type: 'error', message: e.message }));
else if (role === 'devices') void devices(Number(args[0]), Number(args[1]), Number(args[2]));
else throw new Error(`unknown role ${role}`);
