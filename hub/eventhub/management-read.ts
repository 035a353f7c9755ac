// `$management` READ requests of @azure/event-hubs (issue 3 item 6; reference/iot-hub-amqp.md
// §6.2): what a request asks, who may ask it, and the response body with the exact AMQP types
// the SDK reads (an amqp-value map; timestamps, a string list, longs, a string offset, a boolean).
//
// - operation must be READ and type com.microsoft:eventhub or com.microsoft:partition: else
//   bad-request (400).
// - `security_token` (application property, a SAS for `sb://host/<hub>`, key-text convention §3.2)
//   must verify and grant ServiceConnect on `<hub>`; without it, a token put on `$cbs` for
//   `<hub>/$management` counts. Else unauthorized (401).
// - name must be this hub (case-insensitive), partition an existing id: else not-found (404).
// Statuses come from amqp/conditions.ts toStatusCode; this module only throws HubError.
import rhea from 'rhea';
import { audienceCovers } from '../../protocol/sas.js';
import type { AuthContext, Grant } from '../auth/auth-context.js';
import { resources, type HubIdentity } from '../auth/audience.js';
import { verifyPutToken } from '../auth/put-token.js';
import { HubError } from '../errors.js';
import type { Registry } from '../store/registry.js';
import type { PartitionInfo } from '../store/telemetry-log.js';

export const EVENTHUB_TYPE = 'com.microsoft:eventhub';
export const PARTITION_TYPE = 'com.microsoft:partition';

export interface ManagementContext {
  identity: HubIdentity;
  registry: Registry;
  name: string;
  partitionCount: number;
  /** When this Event Hub was created: the `created_at` of READ eventhub. */
  createdAt: number;
  now(): number;
  partitionInfo(partition: number): PartitionInfo;
}

function authorize(props: Record<string, unknown>, auth: AuthContext, c: ManagementContext): void {
  const resource = resources.eventHub(c.identity, c.name);
  let grant: Grant | undefined;
  if (typeof props.security_token === 'string') {
    try {
      grant = verifyPutToken({ name: '', token: props.security_token }, c.identity, c.registry, c.now());
    } catch (error) {
      throw new HubError('unauthorized', `security_token refused: ${(error as Error).message}`, { cause: error });
    }
  } else {
    grant = auth.authorize(resources.eventHub(c.identity, `${c.name}/$management`), 'ServiceConnect');
  }
  if (!grant || !grant.rights.includes('ServiceConnect') || !(audienceCovers(grant.audience, resource) || grant.audience === `${resource}/$management`)) {
    throw new HubError('unauthorized', `a READ needs a security_token with ServiceConnect for sb://${c.identity.hostname}/${c.name}`);
  }
}

/** The response body of one request (application properties as received), or a HubError. */
export function readManagement(props: Record<string, unknown>, auth: AuthContext, c: ManagementContext): Record<string, unknown> {
  if (props.operation !== 'READ') throw new HubError('bad-request', `$management supports operation READ, not ${String(props.operation)}`);
  if (props.type !== EVENTHUB_TYPE && props.type !== PARTITION_TYPE) {
    throw new HubError('bad-request', `$management READ supports type ${EVENTHUB_TYPE} or ${PARTITION_TYPE}, not ${String(props.type)}`);
  }
  authorize(props, auth, c);
  if (typeof props.name !== 'string' || props.name.toLowerCase() !== c.name.toLowerCase()) {
    throw new HubError('not-found', `no Event Hub named ${String(props.name)} here: this hub is ${c.name}`);
  }
  if (props.type === EVENTHUB_TYPE) {
    return {
      name: c.name,
      type: EVENTHUB_TYPE,
      created_at: rhea.types.wrap_timestamp(c.createdAt),
      partition_count: rhea.types.wrap_int(c.partitionCount),
      partition_ids: Array.from({ length: c.partitionCount }, (_, i) => String(i)),
    };
  }
  const id = props.partition;
  if (typeof id !== 'string' || !/^\d{1,9}$/.test(id) || Number(id) >= c.partitionCount) {
    throw new HubError('not-found', `no partition ${String(id)} on ${c.name}: partitions are "0".."${c.partitionCount - 1}"`);
  }
  const info = c.partitionInfo(Number(id));
  return {
    name: c.name,
    type: PARTITION_TYPE,
    partition: id,
    begin_sequence_number: rhea.types.wrap_long(info.beginSequenceNumber),
    last_enqueued_sequence_number: rhea.types.wrap_long(info.lastSequenceNumber),
    last_enqueued_offset: info.lastOffset,
    last_enqueued_time_utc: rhea.types.wrap_timestamp(info.lastEnqueuedAt),
    is_partition_empty: info.isEmpty,
  };
}
