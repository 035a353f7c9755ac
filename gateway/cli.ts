// `fogbridge gateway`: the only gateway file that reads files, the environment and argv
// (DESIGN.md; gateway/stat-cli.ts reads argv for `fogbridge stat`). It reads the qdrouterd-format
// config, turns it into a GatewayPlan and, with --check, prints the warnings and the plan. A bad
// config exits non-zero before anything starts. PN_TRACE_FRM=1 (as Proton, qdrouterd.md §2.8)
// turns on the frame trace, written to stderr.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, ConfigFileError, formatWarning } from './config/errors.js';
import { formatPlan } from './config/format.js';
import { parseConfig } from './config/load.js';
import { toGatewayPlan, type GatewayPlan } from './config/to-options.js';
import { startGateway } from './router/index.js';
import { planLogger } from './router/log.js';

const USAGE = `usage: fogbridge gateway --config <file> [--check]

The transparent TLS gateway. Reads a qdrouterd 1.x configuration file (the JSON form when the
name ends in .json); 0.6-era spellings such as addr, role: on-demand, dir and cert-db are read
with a warning saying what they mean today. See gateway/README.md for every entity and attribute.

  --config <file>   the configuration file (also --config=<file>)
  (no --check)      run the gateway until SIGINT or SIGTERM; logs go to stderr
                    (PN_TRACE_FRM=1 also prints every AMQP frame, both directions)
  --check           validate the file, read the certificates and secrets it names, print the
                    warnings and the effective configuration; exit 0 if it is valid, 1 if not
  --help            this text`;

interface Args {
  config: string | undefined;
  check: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { config: undefined, check: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--check') args.check = true;
    else if (arg === '--config' || arg === '-c') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('-')) return `${arg} needs a file name`;
      args.config = value;
    } else if (arg.startsWith('--config=')) args.config = arg.slice('--config='.length);
    else return `unknown option '${arg}'`;
  }
  return args;
}

/** Reads the file and everything it names; throws a ConfigError on any problem. */
export function loadPlan(path: string): { plan: GatewayPlan; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigFileError({ file: path, line: 0 }, `cannot read the configuration file (${(cause as Error).message})`, { cause });
  }
  const { config, warnings } = parseConfig(text, { file: path });
  // Relative certificate paths are taken from the config file's folder, not the working directory.
  const base = dirname(resolve(path));
  const plan = toGatewayPlan(config, {
    readFile: (file) => readFileSync(isAbsolute(file) ? file : resolve(base, file), 'utf8'),
    env: (name) => process.env[name],
  });
  return { plan, warnings: warnings.map(formatWarning) };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`fogbridge gateway: ${args}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.config === undefined) {
    console.error(`fogbridge gateway: --config <file> is required\n\n${USAGE}`);
    return 2;
  }
  if (!args.check) return run(args.config);
  try {
    const { plan, warnings } = loadPlan(args.config);
    for (const w of warnings) console.log(`warning: ${w}`);
    console.log(`${args.config}: valid${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}\n`);
    console.log(formatPlan(plan));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`fogbridge gateway: ${error.message}`);
    return 1;
  }
}

/** package.json's version, from source (tsx) or from dist/. */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'fogbridge' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

/** Runs the gateway until SIGINT or SIGTERM. A bad config exits 1 before anything starts. */
async function run(configFile: string): Promise<number> {
  let loaded: { plan: GatewayPlan; warnings: string[] };
  try {
    loaded = loadPlan(configFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`fogbridge gateway: ${error.message}`);
    return 1;
  }
  for (const w of loaded.warnings) console.error(`warning: ${w}`);
  const log = planLogger(loaded.plan.logLevels, (line) => process.stderr.write(`${line}\n`), Date.now);
  const trace = process.env.PN_TRACE_FRM === '1' ? (line: string) => void process.stderr.write(`${line}\n`) : undefined;
  let gateway;
  try {
    gateway = await startGateway(loaded.plan, { log, trace, version: packageVersion() });
  } catch (error) {
    console.error(`fogbridge gateway: cannot start: ${(error as Error).message}`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  // Bounded stop: a handle left open (a serial port's poller, a peer that never answers close)
  // must not keep a stopped gateway alive. Everything was settled by close(); exit soon after.
  const watchdog = setTimeout(() => {
    console.error('fogbridge gateway: the stop did not finish within 10 s: exiting');
    process.exit(1);
  }, 10_000);
  await gateway.close();
  clearTimeout(watchdog);
  setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
  return 0;
}
