// startHub(): composes the local IoT hub (issue 3) from its parts. See hub/README.md.
//   certificates (certs.ts) → storage (store/) → services for the link handlers → the AMQP
//   listener with the route table (amqp/server.ts, amqp/routes.ts) → retention timer.
// close(): commits what is queued, closes every connection, then the database.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HubIdentity } from './auth/audience.js';
import { createRoutes } from './amqp/routes.js';
import { startAmqpServer, type AmqpServer } from './amqp/server.js';
import type { HubServices, TelemetryAppended } from './amqp/link-handler.js';
import { startC2d } from './c2d/c2d-service.js';
import { ensureCertificates, serverNames, type HubCertificates } from './certs.js';
import { deviceConnectionString, eventHubConnectionString, serviceConnectionString } from './connection-strings.js';
import { HubError } from './errors.js';
import { registrySources } from './sources.js';
import { resolveHubOptions, type HubOptions, type ResolvedHubOptions } from './options.js';
import { DevicePresence, type DeviceLinkState } from './presence.js';
import { openDatabase } from './store/database.js';
import { GroupCommit } from './store/group-commit.js';
import { Registry, RegistryError } from './store/registry.js';
import { TelemetryLog, type EventPosition, type NewEvent } from './store/telemetry-log.js';

export interface HubConnectionStrings {
  /** iothubowner: for azure-iothub `Client` and the registry. */
  service: string;
  /** Event Hub-compatible endpoint with EntityPath, for @azure/event-hubs. */
  eventHub: string;
  /** Absolute path of the CA certificate (PEM) clients must trust. */
  caFile: string;
}

/** A registered device and how it is connected now (presence.ts says what "gateway" means). */
export interface DeviceState extends DeviceLinkState {
  deviceId: string;
  status: 'enabled' | 'disabled';
}

export interface Hub {
  readonly options: ResolvedHubOptions;
  /** The port actually listened on (options.port may be 0). */
  readonly port: number;
  /** The plain-AMQP port actually listened on, when options.plainPort was given. */
  readonly plainPort: number | undefined;
  readonly certificates: HubCertificates;
  /** AMQP connections open now (past the AMQP open). */
  readonly connectionCount: number;
  readonly registry: Registry;
  readonly telemetry: TelemetryLog;
  readonly connectionStrings: HubConnectionStrings;
  deviceConnectionString(deviceId: string): string;
  /** Every registered device with its connection state (read-only; the web console's list). */
  devices(): DeviceState[];
  /** Called after each telemetry commit, in order (the same signal the Event Hubs readers use). */
  onTelemetryAppended: HubServices['onTelemetryAppended'];
  close(): Promise<void>;
}

export async function startHub(options: HubOptions): Promise<Hub> {
  const o = resolveHubOptions(options);
  mkdirSync(o.dataDir, { recursive: true });
  const certificates = ensureCertificates(join(o.dataDir, 'certs'), o.hostname, o.now());
  const db = openDatabase(o.inMemory ? undefined : join(o.dataDir, 'hub.sqlite'), o.partitions);
  const registry = new Registry(db, registrySources(o.now));
  const telemetry = new TelemetryLog(db, o.partitions);
  const commits = new GroupCommit<NewEvent, EventPosition>(db, (events) => telemetry.appendAll(events), o.maxCommitBatch);
  const c2d = startC2d(db, registry, o.c2d, o.now, o.maxCommitBatch);
  const listeners = new Set<(event: TelemetryAppended) => void>();
  const presence = new DevicePresence(o.now);
  const identity: HubIdentity = { hostname: o.hostname, port: o.port, aliases: serverNames(o.hostname) };

  const services: HubServices = {
    identity,
    name: o.name,
    partitionCount: o.partitions,
    consumerGroups: o.consumerGroups,
    now: o.now,
    registry,
    telemetry,
    appendTelemetry: (event) =>
      commits.run(event).then(
        (position) => {
          for (const listener of listeners) listener({ partition: event.partition, ...position });
          return position;
        },
        (cause: unknown) => {
          throw new HubError('unavailable', 'telemetry could not be stored; send it again', { cause });
        },
      ),
    onTelemetryAppended: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    limits: { maxMessageBytes: o.maxMessageBytes },
    c2d,
  };

  let server: AmqpServer;
  try {
    server = await startAmqpServer({
      port: o.port,
      plainPort: o.plainPort,
      listenHost: o.listenHost,
      key: certificates.keyPem,
      cert: certificates.certPem,
      containerId: `fogbridge-hub-${o.name}`,
      routes: presence.wrap(createRoutes(services)),
      now: o.now,
      idleTimeoutMs: o.idleTimeoutMs,
      maxFrameSize: o.maxFrameSize,
      maxDeliveryBytes: o.maxDeliveryBytes,
      openTimeoutMs: o.openTimeoutMs,
      tokenSweepMs: o.tokenSweepMs,
      limits: { maxSessions: o.maxSessionsPerConnection, maxLinks: o.maxLinksPerConnection, maxTokens: o.maxTokensPerConnection },
      onEvent: o.onEvent,
    });
  } catch (error) {
    c2d.close();
    db.close();
    throw error;
  }
  identity.port = server.port;
  identity.plainPort = server.plainPort;

  const retention = setInterval(() => {
    const deleted = telemetry.deleteOlderThan(o.now() - o.retentionMs);
    if (deleted > 0) o.onEvent?.({ type: 'retention', deleted });
  }, o.retentionSweepMs);
  retention.unref();

  const address = { hostname: o.hostname, port: server.port, name: o.name };
  const owner = registry.policy('iothubowner')!;
  let closing: Promise<void> | undefined;
  return {
    options: o,
    port: server.port,
    plainPort: server.plainPort,
    certificates,
    get connectionCount() {
      return server.connectionCount;
    },
    registry,
    telemetry,
    connectionStrings: {
      service: serviceConnectionString(address, owner),
      eventHub: eventHubConnectionString(address, registry.policy('service')!),
      caFile: certificates.caFile,
    },
    onTelemetryAppended: services.onTelemetryAppended,
    deviceConnectionString(deviceId) {
      const device = registry.device(deviceId);
      if (!device) throw new RegistryError('device-not-found', `device ${deviceId} is not in the registry`);
      return deviceConnectionString(address, device);
    },
    devices() {
      return registry.devices().map((d) => ({ deviceId: d.id, status: d.status, ...presence.state(d.id) }));
    },
    close() {
      closing ??= (async () => {
        clearInterval(retention);
        commits.flush(); // what arrived is committed and its `accepted` goes out before the close
        await new Promise((resolve) => setImmediate(resolve));
        await server.close();
        commits.close();
        c2d.close();
        db.close();
      })();
      return closing;
    },
  };
}
