// Event Hub-compatible partition receivers on `<hub>/ConsumerGroups/<cg>/Partitions/<n>` (issue 3
// item 6; reference/iot-hub-amqp.md §6.1, §6.3-6.5). The hub sends.
// - Attach: the hub name (case-insensitive), the consumer group (`$Default` or one of
//   `--consumer-group`, case-insensitive) and the partition must exist, else amqp:not-found. The
//   connection must hold a token covering the address with ServiceConnect (an Event Hubs-audience
//   token, `sb://host[:port]/<hub>/...`, signed with the key text §3.2), else
//   amqp:unauthorized-access; the link is detached the same way when the token expires.
// - Source filter `apache.org:selector-filter:string` (protocol/event-hubs-filter.ts): the start
//   position; none = from the start; a malformed one → amqp:invalid-field (core-amqp
//   InvalidFieldError, not retried: a bad filter cannot heal). The reply echoes the source with
//   the selector filter (other filter keys are not applied, so not echoed) and the target (§6.3).
// - `com.microsoft:epoch` (link property, long): eventhub/ownership.ts; a displaced receiver is
//   detached with amqp:link:stolen.
// - Events stream within the receiver's credit (eventhub/partition-reader.ts); the peer's
//   settlement only frees the delivery.
import type { Sender } from 'rhea';
import { FilterError, parseSelectorFilter, SELECTOR_FILTER_DESCRIPTOR, SELECTOR_FILTER_KEY, type StartPosition } from '../../protocol/event-hubs-filter.js';
import { resources } from '../auth/audience.js';
import { HubError } from '../errors.js';
import { PartitionOwnership } from '../eventhub/ownership.js';
import { PartitionReader } from '../eventhub/partition-reader.js';
import { RUNTIME_METRIC_CAPABILITY } from '../eventhub/runtime-metric.js';
import { toAmqpError } from './conditions.js';
import type { Attach, HandlerFactory, HubServices } from './link-handler.js';
import { isAttachSent, refuseLink } from './rhea-links.js';

export const EPOCH_PROPERTY = 'com.microsoft:epoch';

interface DescribedString { value?: unknown; descriptor?: { value?: unknown } }

/** The selector filter of the peer's source, parsed, and the filter set to echo. */
function startPosition(link: Sender): { start: StartPosition; echo?: Record<string, unknown> } {
  const filters = (link.source as { filter?: Record<string, unknown> } | undefined)?.filter;
  const entry = filters?.[SELECTOR_FILTER_KEY] as DescribedString | string | undefined;
  if (entry === undefined || entry === null) return { start: { by: 'start' } };
  const descriptor = typeof entry === 'object' ? entry.descriptor?.value : undefined;
  if (descriptor !== undefined && Number(descriptor) !== SELECTOR_FILTER_DESCRIPTOR && descriptor !== SELECTOR_FILTER_KEY) {
    throw new HubError('bad-request', `the ${SELECTOR_FILTER_KEY} filter must be described by 0x0000468C00000004, got ${String(descriptor)}`);
  }
  const expression = typeof entry === 'object' ? entry.value : entry;
  try {
    return { start: parseSelectorFilter(expression as string), echo: { [SELECTOR_FILTER_KEY]: entry } };
  } catch (error) {
    if (error instanceof FilterError) throw new HubError('bad-request', error.message, { cause: error });
    throw error;
  }
}

function epochOf(link: Sender): number | undefined {
  const epoch: unknown = link.properties?.[EPOCH_PROPERTY];
  if (epoch === undefined || epoch === null) return undefined;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch)) throw new HubError('bad-request', `${EPOCH_PROPERTY} must be a long, got ${String(epoch)}`);
  return epoch;
}

function checkExists(services: HubServices, { hub, consumerGroup, partition }: Attach<'partition'>['address']): void {
  if (hub.toLowerCase() !== services.name.toLowerCase()) throw new HubError('not-found', `no Event Hub named ${hub} here: this hub is ${services.name}`);
  if (!services.consumerGroups.some((cg) => cg.toLowerCase() === consumerGroup.toLowerCase())) {
    throw new HubError('not-found', `no consumer group ${consumerGroup} on ${hub}: there are ${services.consumerGroups.join(', ')}`);
  }
  if (partition >= services.partitionCount) throw new HubError('not-found', `no partition ${partition} on ${hub}: partitions are 0..${services.partitionCount - 1}`);
}

export const partitionHandler: HandlerFactory<'partition'> = (services) => {
  const ownership = new PartitionOwnership();
  return {
    sender(link: Sender, attach: Attach<'partition'>) {
      const { address, connection } = attach;
      checkExists(services, address);
      const { start, echo } = startPosition(link);
      const epoch = epochOf(link);
      const caps = link.desired_capabilities;
      const runtimeMetric = (Array.isArray(caps) ? caps : [caps]).includes(RUNTIME_METRIC_CAPABILITY);

      const path = `${address.hub}/ConsumerGroups/${address.consumerGroup}/Partitions/${address.partition}`;
      const resource = resources.eventHub(services.identity, path);
      const detach = (error: HubError): void => refuseLink(link, toAmqpError(error));
      const held = connection.auth.require(resource, 'ServiceConnect', () =>
        detach(new HubError('unauthorized', `the token for ${resource} expired or was replaced by one that does not cover it`)),
      );
      if (!held) throw new HubError('unauthorized', `put an Event Hubs token (ServiceConnect) for sb://${services.identity.hostname}/${path} on $cbs first`);
      let release: () => void;
      try {
        release = ownership.claim(address.consumerGroup, address.partition, { epoch, steal: detach });
      } catch (error) {
        held.release();
        throw error;
      }

      const reader = new PartitionReader({
        partition: address.partition,
        start,
        log: services.telemetry,
        runtimeMetric,
        now: services.now,
        sink: {
          get credit() {
            return (link as unknown as { credit: number }).credit;
          },
          sendable: () => isAttachSent(link) && link.is_open() && link.sendable(),
          send: (bytes, tag) => void link.send(bytes, tag, 0),
        },
      });
      const unsubscribe = services.onTelemetryAppended((event) => {
        if (event.partition === address.partition) reader.pump();
      });
      link.on('sendable', () => reader.pump());
      setImmediate(() => reader.pump()); // after the attach answer is written: credit may have come with the attach
      connection.track(link, () => {
        reader.stop();
        unsubscribe();
        release();
        held.release();
      });
      link.set_source({ address: attach.rawAddress, ...(echo ? { filter: echo } : {}) } as never);
    },
  };
};
