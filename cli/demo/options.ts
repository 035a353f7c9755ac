// `fogbridge demo` options: argv in, a checked DemoOptions out, or a DemoUsageError naming the
// offending option. Pure (no files, no ports): cli.ts reads and checks those.
import { parseArgs } from 'node:util';

export type SerialMode = 'auto' | 'pty' | 'memory';

export interface DemoOptions {
  /** Data folder: the hub's certificates and database, gateway.conf, keys.json, connection-strings.json. */
  dataDir: string;
  hubPort: number;
  gatewayPort: number;
  /** The gateway's HTTP management endpoint (/stat/*, /metrics), on 127.0.0.1. */
  managementPort: number;
  /** undefined: no web console (--no-console). */
  consolePort: number | undefined;
  /** auto = a socat pty pair when socat is installed, else an in-memory serial line. */
  serial: SerialMode;
  intervalMs: number;
  help: boolean;
}

export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

export const USAGE = `usage: fogbridge demo [options]      (npm start)

Runs the whole system on this machine: the local hub (with its web console), the gateway with a
qdrouterd config equivalent to the original story's, and three emulated Netduinos registered in
the hub: two over TCP through the gateway, one over the reliable serial link. Ctrl-C stops the
boards, then the gateway, then the hub (what the hub acknowledged is committed). A second start
reuses the data folder: the same devices, keys and certificates.

  --data <dir>           data folder (default ./data)
  --hub-port <n>         the hub's AMQP over TLS port (default 5671)
  --gateway-port <n>     the gateway's plain AMQP listener for the boards (default 5672)
  --management-port <n>  the gateway's management endpoint (fogbridge stat, the console's gateway
                         panel), on 127.0.0.1 (default 8672)
  --console-port <n>     the web console, on 127.0.0.1 (default 8080)
  --no-console           do not serve the web console
  --serial <mode>        auto (default): a socat pty pair when socat is installed, else an
                         in-memory serial line; pty or memory to choose
  --interval <s>         seconds between a board's readings (default 5)
  -h, --help             this help

Ports 0 pick free ones. Other programs: fogbridge --help.
`;

function port(option: string, text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new DemoUsageError(`--${option} must be a port number 0..65535, got '${text}'`);
  return Number(text);
}

export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string', default: './data' },
        'hub-port': { type: 'string', default: '5671' },
        'gateway-port': { type: 'string', default: '5672' },
        'management-port': { type: 'string', default: '8672' },
        'console-port': { type: 'string', default: '8080' },
        'no-console': { type: 'boolean', default: false },
        serial: { type: 'string', default: 'auto' },
        interval: { type: 'string', default: '5' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new DemoUsageError((error as Error).message);
  }
  const serial = values.serial;
  if (serial !== 'auto' && serial !== 'pty' && serial !== 'memory') throw new DemoUsageError(`--serial is auto, pty or memory, got '${serial}'`);
  if (!/^\d{1,5}$/.test(values.interval) || Number(values.interval) < 1 || Number(values.interval) > 86_400) {
    throw new DemoUsageError(`--interval is a whole number of seconds 1..86400, got '${values.interval}'`);
  }
  return {
    dataDir: values.data,
    hubPort: port('hub-port', values['hub-port']),
    gatewayPort: port('gateway-port', values['gateway-port']),
    managementPort: port('management-port', values['management-port']),
    consolePort: values['no-console'] ? undefined : port('console-port', values['console-port']),
    serial,
    intervalMs: Number(values.interval) * 1000,
    help: values.help,
  };
}
