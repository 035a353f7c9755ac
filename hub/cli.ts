// `fogbridge hub`: runs the local IoT hub, or manages its device registry (cli-device.ts).
// The only module of hub/ that reads argv, signals and writes files the user asked for
// (`connection-strings.json`); everything else takes HubOptions.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, wholeNumber, type HubCliIo } from './cli-args.js';
import { deviceMain } from './cli-device.js';
import { ConsoleOptionsError } from './console/options.js';
import { startConsole, type WebConsole } from './console/console.js';
import { startHub } from './hub.js';
import { HubOptionsError } from './options.js';
import { UsageError as KeysFileError } from './service/cli-common.js';
import { readKeys } from './service/cli-files.js';

const processIo: HubCliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: () => Date.now(),
  stopRequested: () =>
    new Promise((done) => {
      process.once('SIGINT', () => done('SIGINT'));
      process.once('SIGTERM', () => done('SIGTERM'));
    }),
};

export const USAGE = `usage: fogbridge hub [options]                 run the local IoT hub (AMQP over TLS)
       fogbridge hub device <command> [options]  manage devices (works whether or not the hub runs)

options:
  --data <dir>          data folder: certificates, hub.sqlite, connection-strings.json (default ./data)
  --port <n>            AMQP over TLS port (default 5671; 0 picks a free port)
  --hostname <name>     the name clients dial; in the certificate and connection strings (default localhost)
  --name <name>         hub name, also the Event Hub-compatible EntityPath (default fogbridge)
  --partitions <n>      telemetry partitions (default 4)
  --consumer-group <cg> an Event Hubs consumer group besides $Default (repeatable)
  --plain-port <n>      also plain AMQP (no TLS) on this port, for Event Hubs clients with
                        UseDevelopmentEmulator=true (off by default)
  --console-port <n>    the web console's HTTP port (default 8080; 0 picks a free port)
  --console-host <addr> interface the console listens on (default 127.0.0.1: this machine only)
  --no-console          do not serve the web console
  --keys <file>         envelope keys for the console: { "<deviceId>": { "cipher": "xtea-cbc-cts",
                        "key": "<hex>" } } or a device-emulator fleet file (as fogbridge monitor --keys)
  --gateway-stats <url> the gateway's management endpoint (its /stat/... JSON views) for the console's
                        gateway panel
  --in-memory           keep telemetry and the registry in memory (certificates still go to --data)
  -h, --help            this help

device commands (same --data; --hostname/--port shape the printed connection string):
  device add <id> [--key <base64>]   register a device, print its connection string
  device list | show <id> | remove <id> | disable <id> | enable <id>

Point the SDKs at it: trust <data>/certs/ca.pem (device SDK: client.setOptions({ca}); service and
Event Hubs SDKs: NODE_EXTRA_CA_CERTS=<data>/certs/ca.pem) and use the printed connection strings.
`;

export const HUB_OPTIONS = {
  data: { type: 'string', default: './data' },
  port: { type: 'string', default: '5671' },
  hostname: { type: 'string', default: 'localhost' },
  name: { type: 'string', default: 'fogbridge' },
  partitions: { type: 'string', default: '4' },
  'consumer-group': { type: 'string', multiple: true },
  'console-port': { type: 'string', default: '8080' },
  'console-host': { type: 'string', default: '127.0.0.1' },
  'no-console': { type: 'boolean', default: false },
  keys: { type: 'string' },
  'gateway-stats': { type: 'string' },
  'plain-port': { type: 'string' },
  'in-memory': { type: 'boolean', default: false },
  key: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function main(argv: string[], io: HubCliIo = processIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: HUB_OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (positionals[0] === 'device') return deviceMain(positionals.slice(1), values, io);
    if (positionals.length > 0) throw new UsageError(`unknown argument '${positionals[0]}' (fogbridge hub --help)`);
    if (values.key !== undefined) throw new UsageError('--key belongs to `fogbridge hub device add`');
    const consolePort = wholeNumber('console-port', values['console-port'], 0, 65535);
    const keys = values.keys === undefined ? undefined : readKeys(values.keys);
    const dataDir = resolve(values.data);
    const hub = await startHub({
      dataDir,
      port: wholeNumber('port', values.port, 0, 65535),
      plainPort: values['plain-port'] === undefined ? undefined : wholeNumber('plain-port', values['plain-port'], 0, 65535),
      hostname: values.hostname,
      name: values.name,
      partitions: wholeNumber('partitions', values.partitions, 1, 128),
      consumerGroups: values['consumer-group'],
      inMemory: values['in-memory'],
      now: io.now,
    });
    let webConsole: WebConsole | undefined;
    if (!values['no-console']) {
      webConsole = await startConsole(hub, { port: consolePort, host: values['console-host'], keys, gatewayStatsUrl: values['gateway-stats'] }).catch(async (error: unknown) => {
        await hub.close();
        throw error;
      });
    }
    const strings = hub.connectionStrings;
    writeFileSync(join(dataDir, 'connection-strings.json'), `${JSON.stringify(strings, null, 2)}\n`);
    io.stdout(
      [
        `fogbridge hub '${values.name}' listening on amqps://${values.hostname}:${hub.port} (${hub.options.partitions} partitions${values['in-memory'] ? ', in memory' : ''})`,
        ...(hub.plainPort === undefined ? [] : [`plain AMQP (no TLS) on port ${hub.plainPort}`]),
        webConsole ? `web console: ${webConsole.url}${keys ? ` (${keys.size} device keys)` : ' (no --keys: bodies shown as ciphertext)'}` : 'web console: off (--no-console)',
        `CA certificate: ${strings.caFile}`,
        `service:  ${strings.service}`,
        `eventHub: ${strings.eventHub}`,
        `wrote ${join(dataDir, 'connection-strings.json')}`,
        '',
      ].join('\n'),
    );
    const signal = await io.stopRequested();
    io.stdout(`${signal}: closing (committing pending telemetry, closing connections)\n`);
    await webConsole?.close();
    await hub.close();
    io.stdout('closed\n');
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof KeysFileError || error instanceof HubOptionsError || error instanceof ConsoleOptionsError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`fogbridge hub: ${(error as Error).message}\n`);
      return 2;
    }
    io.stderr(`fogbridge hub: ${(error as Error).message}\n`);
    return 1;
  }
}
