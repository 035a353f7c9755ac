// startDemo(): the whole system in one process, in order: the hub (data folder, CA made on first
// start), the gateway from the qdrouterd file written to <data>/gateway.conf and loaded through
// the gateway's own config path, the hub's web console (reading the gateway's management
// endpoint), then three emulated Netduinos registered in the hub (two over TCP through the
// gateway, one over the serial link). close() stops them in the reverse order: boards (links
// closed), console, gateway, hub (commits what it acknowledged). The parts meet only on the
// wire, as when run as separate programs.
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Fleet } from '../../device-emulator/fleet.js';
import { loadPlan } from '../../gateway/cli.js';
import { startGateway, type Gateway } from '../../gateway/router/index.js';
import { planLogger } from '../../gateway/router/log.js';
import { tcpTransport } from '../../hardware/transport/tcp.js';
import { startConsole, type WebConsole } from '../../hub/console/console.js';
import { startHub, type Hub } from '../../hub/hub.js';
import { readKeys } from '../../hub/service/cli-files.js';
import { parseIotHubConnectionString } from '../../protocol/connection-string.js';
import { demoBoards, DEMO_BOARDS, DEMO_ENVELOPE, keysFileText } from './boards.js';
import { demoGatewayConfig } from './gateway-config.js';
import type { DemoOptions } from './options.js';
import { openSerialLine, SERIAL_BAUD, type SerialLine } from './serial-line.js';
import type { DemoStatus } from './status.js';

/** Feedback records are batched (IoT Hub: up to a minute; the hub's default 15 s); a demo answers a click within a second. */
const FEEDBACK_BATCH_MS = 1000;

export interface Demo {
  /** What runs where, one line each, for the user. */
  readonly lines: string[];
  status(): DemoStatus;
  /** Stops everything in order; `step` is told each stage as it starts. */
  close(step?: (what: string) => void): Promise<void>;
}

export async function startDemo(o: DemoOptions, warn: (line: string) => void): Promise<Demo> {
  const dataDir = resolve(o.dataDir);
  const shown = (path: string): string => (relative(process.cwd(), path).startsWith('..') ? path : `./${relative(process.cwd(), path)}`);
  const firstStart = !existsSync(join(dataDir, 'certs', 'ca.pem'));
  mkdirSync(dataDir, { recursive: true });
  const log = createWriteStream(join(dataDir, 'demo.log'), { flags: 'a' });
  const stops: { what: string; stop: () => Promise<void> }[] = [];
  const stopAll = async (step?: (what: string) => void): Promise<void> => {
    for (const { what, stop } of stops.reverse()) {
      step?.(what);
      await stop().catch((error: Error) => warn(`stopping ${what}: ${error.message}`));
    }
    stops.length = 0;
    await new Promise((done) => log.end(done));
  };
  try {
    const hub: Hub = await startHub({ dataDir, port: o.hubPort, c2d: { feedbackBatchMs: FEEDBACK_BATCH_MS }, onEvent: (e) => log.write(`${new Date().toISOString()} hub ${JSON.stringify(e)}\n`) });
    stops.push({ what: 'the hub (committing what it acknowledged)', stop: () => hub.close() });
    let stored = 0;
    hub.onTelemetryAppended(() => void (stored += 1));

    const keysPath = join(dataDir, 'keys.json');
    const boards = demoBoards(hub.registry, existsSync(keysPath) ? readKeys(keysPath) : new Map());
    writeFileSync(keysPath, keysFileText(boards.devices, existsSync(keysPath) ? withoutBoards(readKeys(keysPath)) : new Map()));
    const stringsPath = join(dataDir, 'connection-strings.json');
    const devices = Object.fromEntries(DEMO_BOARDS.map(({ deviceId }) => [deviceId, hub.deviceConnectionString(deviceId)]));
    writeFileSync(stringsPath, `${JSON.stringify({ ...hub.connectionStrings, devices }, null, 2)}\n`);

    // The gateway opens a pty itself (its serialListener); an in-memory line is handed to it.
    const serial: SerialLine = await openSerialLine(o.serial);
    stops.push({ what: 'the serial line', stop: () => serial.close() });
    const configPath = join(dataDir, 'gateway.conf');
    writeFileSync(configPath, demoGatewayConfig({
      gatewayPort: o.gatewayPort, hubHost: hub.options.hostname, hubPort: hub.port, caCertFile: relative(dataDir, hub.certificates.caFile),
      managementPort: o.managementPort,
      ...(serial.gatewayDevice === undefined ? {} : { serialListener: { device: serial.gatewayDevice, baud: SERIAL_BAUD } }),
      notes: [
        'Written by `fogbridge demo` at each start: the original story\'s qdrouterd config, with the IoT hub made local.',
        `Run it alone: fogbridge gateway --config ${shown(configPath)}`,
        ...(serial.gatewayDevice === undefined ? ['The serial board is on an in-memory line that the demo hands to the gateway (no socat).'] : []),
      ],
    }));
    const loaded = loadPlan(configPath);
    for (const w of loaded.warnings) warn(`gateway config: ${w}`);
    const gateway: Gateway = await startGateway(loaded.plan, { log: planLogger(loaded.plan.logLevels, (line) => log.write(`${line}\n`), Date.now), version: packageVersion() });
    stops.push({ what: 'the gateway', stop: () => gateway.close() });
    serial.attach?.((stream, label) => gateway.acceptStream(stream, label));
    if (!(await gateway.upstreamReady(10_000))) warn(`the gateway has not reached the hub within 10 s (see ${shown(join(dataDir, 'demo.log'))}); the boards will retry`);
    const gatewayPort = gateway.listeners[0]!.port;
    const management = gateway.management && `http://127.0.0.1:${gateway.management.port}/`;

    let web: WebConsole | undefined;
    if (o.consolePort !== undefined) {
      web = await startConsole(hub, { port: o.consolePort, keys: readKeys(keysPath), ...(management ? { gatewayStatsUrl: management } : {}) });
      stops.push({ what: 'the web console', stop: () => web!.close() });
    }

    const fleet = new Fleet({
      hubHostName: parseIotHubConnectionString(devices['netduino-1']!).hostName,
      devices: boards.devices,
      envelope: DEMO_ENVELOPE,
      transportFor: (id) => (DEMO_BOARDS.find((b) => b.deviceId === id)?.link === 'serial' ? serial.boardTransport : tcpTransport({ host: '127.0.0.1', port: gatewayPort })),
      intervalMs: o.intervalMs,
      seed: 1,
      spreadMs: 500,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    fleet.start();
    stops.push({ what: 'the boards (closing their links)', stop: async () => void (await fleet.stop()) });

    const ids = (link: string): string => DEMO_BOARDS.filter((b) => b.link === link).map((b) => b.deviceId).join(', ');
    const lines = [
      `data      ${shown(dataDir)} (${firstStart ? 'first start: made the hub\'s CA and certificate' : 'reused: same certificates, devices and keys'})`,
      `hub       amqps://${hub.options.hostname}:${hub.port}   CA ${shown(hub.certificates.caFile)}`,
      `console   ${web ? web.url : 'off (--no-console)'}`,
      `gateway   amqp://localhost:${gatewayPort} -> amqps://${hub.options.hostname}:${hub.port}   config ${shown(configPath)}`,
      `manage    ${management ? `${management}stat/general, /metrics (fogbridge stat)` : 'off'}`,
      `boards    ${ids('tcp')} over TCP to the gateway; ${ids('serial')} over the serial link; a reading every ${o.intervalMs / 1000} s${boards.added.length ? ` (registered now: ${boards.added.join(', ')})` : ''}`,
      `serial    ${serial.description}`,
      `strings   ${shown(stringsPath)} (service, eventHub, caFile, devices)`,
      `keys      ${shown(keysPath)} (${DEMO_ENVELOPE} envelope keys: console, fogbridge monitor --keys)`,
      `logs      ${shown(join(dataDir, 'demo.log'))} (gateway and hub)`,
    ];
    return {
      lines,
      status: () => ({
        boards: fleet.summary(),
        gatewayConnections: gateway.connections.size,
        upstreamUp: [...gateway.connectors.values()].every((c) => c.isUp),
        stored,
      }),
      close: (step) => stopAll(step),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** package.json's version (cli/demo/ runs from source or from dist/cli/demo/), shown by the gateway's management. */
function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fogbridge' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

function withoutBoards<V>(keys: ReadonlyMap<string, V>): Map<string, V> {
  return new Map([...keys].filter(([id]) => !DEMO_BOARDS.some((b) => b.deviceId === id)));
}
