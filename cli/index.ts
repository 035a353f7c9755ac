#!/usr/bin/env node
// `fogbridge <command>`: dispatches to each program's own cli.ts. Commands load lazily so that
// `fogbridge --help` stays fast and one program's dependencies never load for another.
import { readFileSync } from 'node:fs';

interface Command {
  summary: string;
  load: () => Promise<{ main: (argv: string[]) => Promise<number> }>;
}

export const COMMANDS: Record<string, Command> = {
  demo: { summary: 'run the whole system (npm start): the hub with its web console, the gateway, three emulated Netduinos (TCP and serial)', load: () => import('./demo/cli.js') },
  sas: { summary: 'make a SharedAccessSignature token from a connection string, or verify one', load: () => import('./sas.js') },
  device: { summary: 'emulate a Netduino board or a fleet: telemetry, commands, reconnects (TCP, gateway or serial link)', load: () => import('./device.js') },
  envelope: { summary: 'encrypt or decrypt a payload envelope (xtea-cbc-cts, tea-cbc, xtea-cbc, xxtea, secretbox, none)', load: () => import('./envelope.js') },
  gateway: { summary: 'the transparent TLS gateway: runs a qdrouterd-format config (link routes to the hub, CBS proxy, serial listeners); --check validates it and prints the plan', load: () => import('../gateway/cli.js') },
  stat: { summary: 'show a running gateway like qdstat: -g general, -c connections, -l routed links, --linkroutes (its HTTP management endpoint)', load: () => import('../gateway/stat-cli.js') },
  hub: { summary: 'the local IoT hub (AMQP over TLS, SQLite) that the Azure IoT and Event Hubs SDKs accept; hub device ... manages devices', load: () => import('../hub/cli.js') },
  monitor: { summary: 'print every telemetry message of an Event Hub-compatible endpoint as JSON lines (decrypts with --keys, resumes with --checkpoint)', load: () => import('../hub/service/monitor-cli.js') },
  command: { summary: 'send a cloud-to-device command (sealed with --key) and print its feedback record', load: () => import('../hub/service/command-cli.js') },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    'fogbridge: a TLS gateway, a local IoT hub and a Netduino emulator for devices that cannot do TLS',
    '',
    'usage: fogbridge <command> [options]      fogbridge <command> --help for its options',
    '',
    'commands:',
    ...lines,
  ].join('\n');
}

function version(): string {
  // cli/index.ts runs from source (tsx) or as dist/cli/index.js: package.json is one or two levels up.
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'fogbridge') return pkg.version;
    } catch {
      // not this level
    }
  }
  return 'unknown';
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`fogbridge: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')} (fogbridge --help)`);
    return 2;
  }
  return (await command.load()).main(rest);
}

process.exitCode = await main(process.argv.slice(2));
