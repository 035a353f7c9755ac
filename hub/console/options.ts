// ConsoleOptions: what startConsole() needs, typed; `resolveConsoleOptions` fills defaults and
// names the offending option (as hub/options.ts). No argv or files here: hub/cli.ts reads
// --keys and turns the command line into these.
import type { EnvelopeKey } from '../service/body-view.js';

export interface ConsoleOptions {
  /** HTTP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (loopback: the console can send commands). */
  host?: string;
  /** Envelope keys by device id (the `--keys` file): telemetry shown decrypted, commands sealed. */
  keys?: ReadonlyMap<string, EnvelopeKey>;
  /** The gateway's stats URL (JSON, see hub/console/README.md); absent: "no gateway configured". */
  gatewayStatsUrl?: string;
  /** Event Hubs consumer group the console reads with. Default `$Default`. */
  consumerGroup?: string;
  /** At start, telemetry enqueued this long ago is read first (charts are not empty). Default 10 min. */
  historyMs?: number;
  /** Latest messages kept for the table. Default 50. */
  maxMessages?: number;
  /** Chart points kept per device. Default 720 (an hour at one reading per 5 s). */
  maxPoints?: number;
  /** Devices charted: the first ones to send readings. Default 12 (a fleet of 1000 would swamp the page). */
  maxCharts?: number;
  /** Feedback records and sent commands kept. Default 100. */
  maxLog?: number;
  /** How often the device list is compared and changes pushed (ms). Default 1000. */
  devicePollMs?: number;
  /** The clock, ms since the epoch. Default Date.now. */
  now?: () => number;
}

export type ResolvedConsoleOptions = Required<Omit<ConsoleOptions, 'gatewayStatsUrl'>> & Pick<ConsoleOptions, 'gatewayStatsUrl'>;

export class ConsoleOptionsError extends Error {
  constructor(readonly option: string, message: string) {
    super(`console ${option}: ${message}`);
    this.name = 'ConsoleOptionsError';
  }
}

function whole(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConsoleOptionsError(name, `must be a whole number ${min}..${max}, got ${value}`);
  return value;
}

export function resolveConsoleOptions(o: ConsoleOptions): ResolvedConsoleOptions {
  if (o.gatewayStatsUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(o.gatewayStatsUrl);
    } catch {
      throw new ConsoleOptionsError('gatewayStatsUrl', `not a URL: ${o.gatewayStatsUrl}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConsoleOptionsError('gatewayStatsUrl', `must be http(s)://, got ${url.protocol}`);
  }
  return {
    port: whole('port', o.port ?? 8080, 0, 65535),
    host: o.host ?? '127.0.0.1',
    keys: o.keys ?? new Map(),
    gatewayStatsUrl: o.gatewayStatsUrl,
    consumerGroup: o.consumerGroup ?? '$Default',
    historyMs: whole('historyMs', o.historyMs ?? 600_000, 0),
    maxMessages: whole('maxMessages', o.maxMessages ?? 50, 1),
    maxPoints: whole('maxPoints', o.maxPoints ?? 720, 2),
    maxCharts: whole('maxCharts', o.maxCharts ?? 12, 0),
    maxLog: whole('maxLog', o.maxLog ?? 100, 1),
    devicePollMs: whole('devicePollMs', o.devicePollMs ?? 1000, 10),
    now: o.now ?? Date.now,
  };
}
