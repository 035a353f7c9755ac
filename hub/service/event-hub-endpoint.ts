// What a reader needs from an Event Hub-compatible connection string (reference/iot-hub-amqp.md
// §1.2, §1.3, §3.3, §6.1), and the tokens it puts: audiences `sb://host[:port]/<entity>/...`
// signed with the key's UTF-8 text (the 'eventhub' convention, as @azure/core-amqp signs).
import { ConnectionStringError, parseEventHubConnectionString } from '../../protocol/connection-string.js';
import { createSasToken } from '../../protocol/sas.js';

export interface EventHubEndpoint {
  host: string;
  port: number;
  tls: boolean;
  entity: string;
  /** `sb://host[:port]`: the audience prefix, port as written in Endpoint. */
  audienceBase: string;
  keyName?: string;
  key?: string;
  /** A ready-made token from SharedAccessSignature= (used as is, not renewed). */
  sharedAccessSignature?: string;
}

/** Throws ConnectionStringError naming the part to fix. */
export function eventHubEndpoint(connectionString: string): EventHubEndpoint {
  const c = parseEventHubConnectionString(connectionString);
  if (c.entityPath === undefined) {
    throw new ConnectionStringError('missing-field', 'Event Hubs connection string has no EntityPath: use the Event Hub-compatible string, which ends with ;EntityPath=<name>');
  }
  const authority = c.port === undefined ? c.host : `${c.host}:${c.port}`;
  return {
    host: c.host.replace(/^\[(.*)\]$/, '$1'),
    port: c.port ?? (c.useDevelopmentEmulator ? 5672 : 5671),
    tls: !c.useDevelopmentEmulator,
    entity: c.entityPath,
    audienceBase: `sb://${authority}`,
    ...(c.sharedAccessKeyName === undefined ? {} : { keyName: c.sharedAccessKeyName }),
    ...(c.sharedAccessKey === undefined ? {} : { key: c.sharedAccessKey }),
    ...(c.sharedAccessSignature === undefined ? {} : { sharedAccessSignature: c.sharedAccessSignature }),
  };
}

export const partitionPath = (e: EventHubEndpoint, consumerGroup: string, partition: string): string =>
  `${e.entity}/ConsumerGroups/${consumerGroup}/Partitions/${partition}`;

/** A token for `sb://host[:port]/<path>` valid until `expiresAt` (seconds). */
export function eventHubToken(e: EventHubEndpoint, path: string, expiresAt: number): { audience: string; token: string } {
  const audience = `${e.audienceBase}/${path}`;
  if (e.sharedAccessSignature !== undefined) return { audience, token: e.sharedAccessSignature };
  return { audience, token: createSasToken({ audience, key: e.key!, ...(e.keyName === undefined ? {} : { keyName: e.keyName }), keyConvention: 'eventhub', expiresAt }) };
}
