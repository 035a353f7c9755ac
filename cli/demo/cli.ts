// `fogbridge demo` (npm start): checks the ports, starts the demo (demo.ts), prints what runs
// where and a live status line, and on SIGINT/SIGTERM stops everything in order and exits 0 (the
// process exits itself once the ordered stop finished: a handle left open cannot keep it alive).
// A second signal during the stop exits at once; a stop that hangs is ended by a watchdog that
// names the stage (shutdown.ts). The only demo module that reads argv, signals and the terminal.
import { startDemo } from './demo.js';
import { DemoUsageError, parseDemoArgs, USAGE, type DemoOptions } from './options.js';
import { checkPorts, type PortClaim } from './ports.js';
import { SerialLineError } from './serial-line.js';
import { describeOpenHandles, ShutdownGuard } from './shutdown.js';
import { statusLine } from './status.js';

/** Non-TTY output: a status line this often. */
const PLAIN_STATUS_MS = 10_000;

export function portClaims(o: DemoOptions): PortClaim[] {
  return [
    { port: o.hubPort, host: undefined, what: 'the hub (AMQP over TLS)', option: '--hub-port' },
    { port: o.gatewayPort, host: undefined, what: 'the gateway (plain AMQP for the boards)', option: '--gateway-port' },
    { port: o.managementPort, host: '127.0.0.1', what: "the gateway's management endpoint (HTTP)", option: '--management-port' },
    ...(o.consolePort === undefined ? [] : [{ port: o.consolePort, host: '127.0.0.1', what: 'the web console', option: '--console-port' }]),
  ];
}

/** Resolves with the first SIGINT/SIGTERM; later ones go to `guard` (a forced exit). */
function stopRequested(guard: ShutdownGuard): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      if (guard.signal(signal)) resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** Ends the process once `text` has been handed to stdout (a pipe's reader gets it all). */
function exitAfter(text: string, code: number): Promise<never> {
  return new Promise<never>(() => {
    const exit = (): never => process.exit(code);
    setTimeout(exit, 1000);
    process.stdout.write(text, exit);
  });
}

export async function main(argv: string[]): Promise<number> {
  let o: DemoOptions;
  try {
    o = parseDemoArgs(argv);
  } catch (error) {
    if (!(error instanceof DemoUsageError)) throw error;
    process.stderr.write(`fogbridge demo: ${error.message}\nfogbridge demo --help for usage\n`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const problems = await checkPorts(portClaims(o));
  if (problems.length > 0) {
    for (const p of problems) process.stderr.write(`fogbridge demo: ${p}\n`);
    process.stderr.write('fogbridge demo: nothing was started\n');
    return 1;
  }
  const guard = new ShutdownGuard({
    now: Date.now,
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (t) => clearTimeout(t as NodeJS.Timeout),
    warn: (text) => process.stderr.write(`\n${text}\n`),
    exit: (code) => process.exit(code),
    openHandles: describeOpenHandles,
  });
  const stop = stopRequested(guard);
  process.stdout.write('fogbridge demo: starting the hub, the gateway and three Netduinos...\n');
  let demo;
  try {
    demo = await startDemo(o, (line) => process.stderr.write(`warning: ${line}\n`));
  } catch (error) {
    const known = error instanceof SerialLineError || (error as Error).name.endsWith('OptionsError') || (error as Error).name === 'ConsolePortError';
    process.stderr.write(`fogbridge demo: cannot start: ${(error as Error).message}\n`);
    if (!known) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
  process.stdout.write(`${demo.lines.join('\n')}\nready: Ctrl-C stops the boards, the gateway and the hub\n`);
  const tty = process.stdout.isTTY === true;
  let last = 0;
  const ticker = setInterval(() => {
    const line = statusLine(Date.now(), demo.status());
    if (tty) process.stdout.write(`\r\x1b[2K${line.slice(0, Math.max(20, (process.stdout.columns ?? 200) - 1))}`);
    else if (Date.now() - last >= PLAIN_STATUS_MS) {
      last = Date.now();
      process.stdout.write(`${line}\n`);
    }
  }, 1000);
  const signal = await stop;
  clearInterval(ticker);
  process.stdout.write(`${tty ? '\n' : ''}${signal}: stopping\n`);
  guard.begin();
  await demo.close((what) => {
    guard.stage(what);
    process.stdout.write(`  stopping ${what}\n`);
  });
  guard.finish();
  return exitAfter(`${statusLine(Date.now(), demo.status())}\nstopped; the data folder ${o.dataDir} is kept for the next start\n`, 0);
}
