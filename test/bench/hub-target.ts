// The ingest target of `npm run bench:hub`, in its own process so that its CPU time and RSS are
// measured apart from the clients' (test/bench/hub.ts forks it with IPC).
//   argv[2] = 'file'   the hub with hub.sqlite in argv[3] (the WAL path)
//           = 'memory' the hub with --in-memory storage
//           = 'sink'   a rhea listener that answers $cbs with 200 and accepts telemetry without
//                      storing it (the ceiling): same TLS certificate, same credit window (500)
// Messages: → parent `{ready}` once listening; parent → `'mark'` → `{usage}`: CPU µs and peak RSS
// since the previous mark.
import rhea, { type EventContext, type Sender } from 'rhea';
import { join } from 'node:path';
import { ensureCertificates } from '../../hub/certs.js';
import { startHub } from '../../hub/hub.js';

export interface TargetReady {
  type: 'ready';
  port: number;
  caPem: string;
  name: string;
  partitions: number;
  devices: { id: string; key: string }[];
  serviceKey: string;
}
export interface TargetUsage { type: 'usage'; cpuUs: number; maxRssMb: number }

const [mode, dataDir, deviceCount] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const deviceIds = Array.from({ length: deviceCount }, (_, i) => `bench-${i}`);
const send = (message: TargetReady | TargetUsage): void => void process.send!(message);

async function startTarget(): Promise<Omit<TargetReady, 'type'>> {
  if (mode === 'sink') return startSink();
  const hub = await startHub({ dataDir, port: 0, inMemory: mode === 'memory' });
  const devices = deviceIds.map((id) => ({ id, key: hub.registry.addDevice(id).primaryKey }));
  return { port: hub.port, caPem: hub.certificates.caPem, name: hub.options.name, partitions: hub.options.partitions, devices, serviceKey: hub.registry.policy('service')!.primaryKey };
}

async function startSink(): Promise<Omit<TargetReady, 'type'>> {
  const certs = ensureCertificates(join(dataDir, 'certs'), 'localhost', Date.now());
  const container = rhea.create_container({ id: 'bench-sink', autoaccept: true, credit_window: 500 } as never);
  container.on('message', (ctx: EventContext) => {
    const target = (ctx.receiver!.target as { address?: string } | undefined)?.address;
    if (target !== '$cbs') return;
    const reply = ctx.session!.find_sender((s: Sender) => (s.source as { address?: string } | undefined)?.address === '$cbs');
    reply?.send({ correlation_id: ctx.message!.message_id, application_properties: { 'status-code': 200, 'status-description': 'OK' }, body: null });
  });
  const server = container.listen({ port: 0, transport: 'tls', key: certs.keyPem, cert: certs.certPem, tcp_no_delay: true } as never);
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, caPem: certs.caPem, name: 'sink', partitions: 0, devices: deviceIds.map((id) => ({ id, key: Buffer.alloc(32).toString('base64') })), serviceKey: '' };
}

// A normal exit on SIGTERM, so that --cpu-prof (BENCH_PROFILE) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
let cpu = process.cpuUsage();
process.on('message', (request) => {
  if (request !== 'mark') return;
  const used = process.cpuUsage(cpu);
  cpu = process.cpuUsage();
  send({ type: 'usage', cpuUs: used.user + used.system, maxRssMb: process.resourceUsage().maxRSS / 1024 });
});
send({ type: 'ready', ...(await startTarget()) });
