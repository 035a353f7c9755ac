// `fogbridge device`: one emulated Netduino board or a fleet, over TCP (straight or through the
// gateway) or a serial port with the reliable serial link. The only file of device-emulator/ that
// reads argv, files, the clock, randomness and signals; everything else gets them injected.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { systemScheduler } from '../hardware/clock.js';
import { tcpTransport } from '../hardware/transport/tcp.js';
import type { Transport } from '../hardware/transport/transport.js';
import { ProtocolError } from '../protocol/errors.js';
import { commandLine, finalLines, progressBar, summaryLine, transitionLine } from './cli-display.js';
import { planFromArgs, UsageError, type DevicePlan } from './cli-options.js';
import { Fleet } from './fleet.js';
import { serialLinkTransport } from './serial-link-transport.js';

export interface DeviceIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Rewrite the current line in place (a terminal) or not (a pipe, a log file). */
  isTTY: boolean;
  /** Resolves when the user asks to stop (Ctrl-C). */
  interrupted(): Promise<void>;
  readFile(path: string): string;
  now(): number;
}

const processIo: DeviceIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
  interrupted: () => new Promise((resolve) => process.once('SIGINT', () => resolve())),
  readFile: (path) => readFileSync(path, 'utf8'),
  now: () => Date.now(),
};

export const USAGE = `usage: fogbridge device --connection-string <cs> [--gateway host:port | --serial <path> [--baud n]]
                        [--key <hex>] [--cipher <name>] [--interval <s>] [--count <n> | --fleet-file <json>] [--seed <n>]

  --connection-string <cs>  the device's IoT Hub connection string (HostName, DeviceId, SharedAccessKey);
                            with --count, DeviceId is the fleet's base name and SharedAccessKey the group key
  --gateway host:port       where to connect (default: GatewayHostName, else HostName, port 5672, plain AMQP)
  --serial <path>           connect over a serial port with the reliable serial link instead (one board)
  --baud <n>                serial line speed (default 115200)
  --key <hex>               envelope key for telemetry and commands (default: derived from the device key,
                            HMAC-SHA256(key, "fogbridge-envelope"), printed at start)
  --cipher <name>           envelope: xtea-cbc-cts (default), tea-cbc, xtea-cbc, xxtea, secretbox, none
  --interval <s>            seconds between readings (default 5)
  --count <n>               run n boards <DeviceId>-0001...; device keys = HMAC-SHA256(group key, id)
  --fleet-file <json>       run the boards listed: {"devices":[{"deviceId","key","envelopeKey"?}]}
  --seed <n>                seeds the sensor noise and reconnect jitter (default 1)
  -h, --help                this help

One board prints a line per state change (boot, link-up, connecting, cbs, attaching, online, renewing,
rebooting, backoff, closing, stopped) and per command; a fleet shows progress, then a live summary.
Ctrl-C closes every link and connection cleanly and prints the counts.
`;

async function transportFor(plan: DevicePlan): Promise<() => Transport> {
  const t = plan.target;
  if (t.kind === 'tcp') return () => tcpTransport({ host: t.host, port: t.port });
  // serialport loads a native binding: only when a serial port is asked for.
  const { serialTransport } = await import('../hardware/transport/serial.js');
  return () => serialLinkTransport(serialTransport({ path: t.path, baudRate: t.baud }), { scheduler: systemScheduler, baud: t.baud });
}

async function run(plan: DevicePlan, io: DeviceIo): Promise<number> {
  const single = plan.devices.length === 1;
  const where = plan.target.kind === 'tcp' ? `tcp ${plan.target.host}:${plan.target.port}` : `serial ${plan.target.path} @${plan.target.baud}`;
  io.stdout(`${plan.devices.length} board(s) -> ${where}, hub ${plan.hubHostName}, envelope ${plan.envelope}, a reading every ${plan.intervalMs / 1000} s\n`);
  if (single && plan.derivedEnvelopeKeys) io.stdout(`envelope key (derived): ${Buffer.from(plan.devices[0]!.envelopeKey).toString('hex')}\n`);
  const makeTransport = await transportFor(plan);
  const fleet = new Fleet({
    hubHostName: plan.hubHostName,
    devices: plan.devices,
    envelope: plan.envelope,
    transportFor: () => makeTransport(),
    intervalMs: plan.intervalMs,
    seed: plan.seed,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    spreadMs: single ? 0 : Math.min(5_000, plan.devices.length * 10),
    onTransition: single ? (id, from, to, c) => io.stdout(`${transitionLine(io.now(), id, from, to, c)}\n`) : undefined,
    onCommand: single ? (id, command) => io.stdout(`${commandLine(io.now(), id, command)}\n`) : undefined,
  });
  fleet.start();
  let ticker: ReturnType<typeof setInterval> | undefined;
  if (!single) {
    let connecting = true;
    let ticks = 0;
    ticker = setInterval(() => {
      const s = fleet.summary();
      if (connecting && s.online === s.devices) connecting = false;
      const line = connecting ? progressBar(s) : summaryLine(s);
      if (io.isTTY) io.stdout(`\r\x1b[2K${line}`);
      else if (ticks++ % 10 === 0) io.stdout(`${line}\n`);
    }, 1_000);
  }
  await io.interrupted();
  if (ticker) clearInterval(ticker);
  if (io.isTTY && !single) io.stdout('\n');
  io.stdout('closing...\n');
  const summary = await fleet.stop();
  for (const line of finalLines(summary)) io.stdout(`${line}\n`);
  return 0;
}

export async function main(argv: string[], io: DeviceIo = processIo): Promise<number> {
  let plan: DevicePlan;
  try {
    plan = planFromArgs(argv, (path) => {
      try {
        return io.readFile(path);
      } catch (e) {
        throw new UsageError(`--fleet-file ${path}: ${(e as Error).message}`);
      }
    });
  } catch (e) {
    const parseError = e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError || e instanceof ProtocolError || parseError)) throw e;
    const code = e instanceof ProtocolError ? ` (${e.code})` : '';
    io.stderr(`fogbridge device: ${(e as Error).message}${code}\nfogbridge device --help for usage\n`);
    return 2;
  }
  if (plan.help) {
    io.stdout(USAGE);
    return 0;
  }
  return run(plan, io);
}
