// Shared by the gateway system tests (test/system/gateway/): a gateway config in front of a hub
// process, and reading telemetry back from the hub's Event Hub-compatible endpoint.
import { join } from 'node:path';
import { EventHubReader } from '../../../hub/service/event-hub-reader.js';
import type { ReceivedEvent } from '../../../hub/service/received-event.js';
import type { HubProcess } from '../../helpers/processes.js';

/**
 * A qdrouterd 1.x config: one listener on 127.0.0.1 (port 0) taking plain AMQP and TLS (the hub's
 * server certificate, SAN localhost), a TLS route-container connector `HUB`, `$cbs` prefix routes
 * and pattern routes for the device addresses.
 */
export function systemConfig(hub: Pick<HubProcess, 'port' | 'dataDir'>, extra = ''): string {
  const certs = join(hub.dataDir, 'certs');
  return `router {
    id: gw-system
}
sslProfile {
    name: hub-ca
    caCertFile: ${join(certs, 'ca.pem')}
}
sslProfile {
    name: device-tls
    certFile: ${join(certs, 'server.pem')}
    privateKeyFile: ${join(certs, 'server-key.pem')}
}
listener {
    name: devices
    host: 127.0.0.1
    port: 0
    sslProfile: device-tls
}
connector {
    name: HUB
    host: localhost
    port: ${hub.port}
    role: route-container
    saslMechanisms: ANONYMOUS
    sslProfile: hub-ca
}
linkRoute {
    prefix: $cbs
    direction: in
    connection: HUB
}
linkRoute {
    prefix: $cbs
    direction: out
    connection: HUB
}
linkRoute {
    pattern: devices/*/messages/events
    direction: in
    connection: HUB
}
linkRoute {
    pattern: devices/*/messages/#
    direction: out
    connection: HUB
}
${extra}`;
}

/**
 * Reads the hub's telemetry from the start until `done(events)` is true (events keyed by
 * message-id); rejects after timeoutMs naming how many were read.
 */
export async function readTelemetry(hub: Pick<HubProcess, 'strings' | 'caPem'>, done: (events: Map<string, ReceivedEvent>) => boolean, timeoutMs = 20_000): Promise<Map<string, ReceivedEvent>> {
  const reader = new EventHubReader({ connectionString: hub.strings.eventHub, ca: hub.caPem, from: 'earliest', prefetch: 1000 });
  const events = new Map<string, ReceivedEvent>();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`read ${events.size} events in ${timeoutMs} ms, not all expected`)), timeoutMs);
  });
  try {
    await Promise.race([reader.open(), timeout]);
    while (!done(events)) {
      const e = await Promise.race([reader.next(), timeout]);
      if (e === undefined) break;
      events.set(String(e.properties.messageId), e);
    }
    return events;
  } finally {
    clearTimeout(timer);
    await reader.close();
  }
}

/** `promise`, or a rejection naming `what` after `ms` (an awaited event that never comes fails the test, not the run). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
