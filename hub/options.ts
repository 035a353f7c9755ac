// HubOptions: everything startHub() needs, typed; `resolveHubOptions` fills defaults and names
// the offending option (STYLE.md, nats.js parseOptions). No argv, environment or files here:
// hub/cli.ts turns the command line into HubOptions.
import { resolveC2dOptions, type C2dOptions } from './c2d/options.js';

export interface HubOptions {
  /** Data folder: certificates, `hub.sqlite`. Required (the CA must live somewhere). */
  dataDir: string;
  /** AMQP over TLS port; 0 picks a free one. Default 5671. */
  port?: number;
  /** Also listen for plain AMQP (no TLS) here: Event Hubs `UseDevelopmentEmulator=true` (§1.3). */
  plainPort?: number;
  /** Interface to listen on; default all. */
  listenHost?: string;
  /** The host name clients dial; in certificates and connection strings. Default `localhost`. */
  hostname?: string;
  /** Hub name, also the Event Hub-compatible entity path. Default `fogbridge`. */
  name?: string;
  /** Telemetry partitions. Default 4. */
  partitions?: number;
  /** Event Hubs consumer groups besides `$Default` (always there), case-insensitive (§6.1). */
  consumerGroups?: readonly string[];
  /** Keep storage in memory (tests, throw-away runs); certificates still go to dataDir. */
  inMemory?: boolean;
  /** The clock, ms since the epoch (DESIGN.md decision 8). Default Date.now. */
  now?: () => number;
  /** Telemetry retention (ms). Default 1 day (reference/iot-hub-amqp.md §7). */
  retentionMs?: number;
  /** How often retention runs (ms). Default 60 s. */
  retentionSweepMs?: number;
  /** How often token expiry is checked (ms). Default 1 s. */
  tokenSweepMs?: number;
  /** A connection must complete its AMQP open within this (ms) after TLS. Default 30 s. */
  openTimeoutMs?: number;
  /** Idle-time-out the hub advertises (ms). Default 240 s, as IoT Hub. */
  idleTimeoutMs?: number;
  /** Largest AMQP frame peers may send (bytes, >= 512). Default 64 KB: bigger messages span frames. */
  maxFrameSize?: number;
  /** Largest delivery (over all its frames) a peer may send before the connection is dropped.
   *  Default 1 MB: above every message limit, so a too-large message is still rejected politely. */
  maxDeliveryBytes?: number;
  /** D2C message size limit (bytes). Default 256 KB (§7). */
  maxMessageBytes?: number;
  /** Sessions one connection may have open; more are ended with amqp:resource-limit-exceeded.
   *  Default 1000 (a gateway opens one upstream session per device connection, up to 900). */
  maxSessionsPerConnection?: number;
  /** Links one connection may have attached; more are refused with amqp:resource-limit-exceeded.
   *  Default 4000 (a multiplexing gateway carries ~1000 devices × telemetry + C2D links). */
  maxLinksPerConnection?: number;
  /** Distinct token audiences one connection may hold; more get CBS status 403. Default 1000
   *  (IoT Hub allows about 1000 tokens per connection, reference/qdrouterd.md §multiplexing). */
  maxTokensPerConnection?: number;
  /** Largest group-commit batch. Default 1000. */
  maxCommitBatch?: number;
  /** C2D commands and feedback: lock, delivery count, queue depth, TTL, batching (c2d/options.ts). */
  c2d?: Partial<C2dOptions>;
  /** Status stream: connections, errors, retention (default: ignored). */
  onEvent?: (event: HubEvent) => void;
}

export type HubEvent =
  | { type: 'connection-opened'; id: string; remote: string }
  | { type: 'connection-closed'; id: string }
  | { type: 'connection-error'; remote: string; error: string }
  | { type: 'retention'; deleted: number };

type OptionalKeys = 'listenHost' | 'onEvent' | 'plainPort';
export type ResolvedHubOptions = Omit<Required<Omit<HubOptions, OptionalKeys>> & Pick<HubOptions, OptionalKeys>, 'c2d'> & { c2d: C2dOptions };

export class HubOptionsError extends Error {
  constructor(readonly option: string, message: string) {
    super(`${option}: ${message}`);
    this.name = 'HubOptionsError';
  }
}

function positiveInt(name: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw new HubOptionsError(name, `must be a whole number >= ${min}, got ${value}`);
  return value;
}

export function resolveHubOptions(o: HubOptions): ResolvedHubOptions {
  if (!o.dataDir) throw new HubOptionsError('dataDir', 'name the data folder');
  const port = positiveInt('port', o.port ?? 5671, 0);
  if (port > 65535) throw new HubOptionsError('port', `must be 0..65535, got ${port}`);
  const name = o.name ?? 'fogbridge';
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/.test(name)) throw new HubOptionsError('name', 'letters, digits and -, up to 50, starting with a letter or digit');
  const hostname = o.hostname ?? 'localhost';
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(hostname)) throw new HubOptionsError('hostname', `not a host name: ${hostname}`);
  const partitions = positiveInt('partitions', o.partitions ?? 4);
  if (partitions > 128) throw new HubOptionsError('partitions', 'at most 128');
  const consumerGroups = ['$Default'];
  for (const cg of o.consumerGroups ?? []) {
    // Event Hubs: 1-50 letters, digits, '.', '_', '-' (and the reserved `$Default`).
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(cg) && cg.toLowerCase() !== '$default') {
      throw new HubOptionsError('consumerGroups', `${JSON.stringify(cg)}: 1-50 letters, digits, '.', '_' or '-', starting with a letter or digit`);
    }
    if (!consumerGroups.some((known) => known.toLowerCase() === cg.toLowerCase())) consumerGroups.push(cg);
  }
  return {
    dataDir: o.dataDir,
    port,
    listenHost: o.listenHost,
    plainPort: o.plainPort === undefined ? undefined : positiveInt('plainPort', o.plainPort, 0),
    hostname,
    name,
    partitions,
    consumerGroups,
    inMemory: o.inMemory ?? false,
    now: o.now ?? Date.now,
    retentionMs: positiveInt('retentionMs', o.retentionMs ?? 24 * 3600_000),
    retentionSweepMs: positiveInt('retentionSweepMs', o.retentionSweepMs ?? 60_000),
    tokenSweepMs: positiveInt('tokenSweepMs', o.tokenSweepMs ?? 1000),
    openTimeoutMs: positiveInt('openTimeoutMs', o.openTimeoutMs ?? 30_000),
    idleTimeoutMs: positiveInt('idleTimeoutMs', o.idleTimeoutMs ?? 240_000),
    maxFrameSize: positiveInt('maxFrameSize', o.maxFrameSize ?? 65536, 512),
    maxDeliveryBytes: positiveInt('maxDeliveryBytes', o.maxDeliveryBytes ?? 1024 * 1024),
    maxMessageBytes: positiveInt('maxMessageBytes', o.maxMessageBytes ?? 256 * 1024),
    maxSessionsPerConnection: positiveInt('maxSessionsPerConnection', o.maxSessionsPerConnection ?? 1000),
    maxLinksPerConnection: positiveInt('maxLinksPerConnection', o.maxLinksPerConnection ?? 4000),
    maxTokensPerConnection: positiveInt('maxTokensPerConnection', o.maxTokensPerConnection ?? 1000),
    maxCommitBatch: positiveInt('maxCommitBatch', o.maxCommitBatch ?? 1000),
    c2d: resolveC2dOptions(o.c2d, (option, message) => {
      throw new HubOptionsError(`c2d.${option}`, message);
    }),
    onEvent: o.onEvent,
  };
}
