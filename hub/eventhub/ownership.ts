// Who reads a partition of a consumer group: Event Hubs epoch semantics (issue 3 item 6;
// reference/iot-hub-amqp.md §6.3 `com.microsoft:epoch`, §6.5 `amqp:link:stolen`), as the Event
// Hubs service documents them for "epoch" / owner-level receivers:
// - An epoch receiver with owner level E takes the partition: every active receiver with a lower
//   or EQUAL epoch, and every non-epoch receiver, is detached (stolen). While a receiver with a
//   HIGHER epoch is active, the new one is refused.
// - A non-epoch receiver is refused while any epoch receiver is active; otherwise up to
//   MAX_NON_EPOCH of them read the partition side by side (the service's 5 readers per partition
//   and consumer group; a sixth gets resource-limit).
// Refusals and thefts are HubError 'link-stolen' (core-amqp: ReceiverDisconnectedError).
//
// Contract: pure bookkeeping, single-threaded. `claim` either throws or registers the owner and
// returns its release; `steal()` of a displaced owner is called synchronously inside `claim` and
// that owner is already released (its own release is then a no-op).
import { HubError } from '../errors.js';

export const MAX_NON_EPOCH = 5;

export interface PartitionReaderOwner {
  /** `com.microsoft:epoch`, or undefined for a non-epoch receiver. */
  epoch: number | undefined;
  /** Detach this receiver: a higher owner took the partition. */
  steal(error: HubError): void;
}

export class PartitionOwnership {
  private readonly owners = new Map<string, Set<PartitionReaderOwner>>();

  /** `consumerGroup` is compared case-insensitively ($Default = $default). */
  claim(consumerGroup: string, partition: number, owner: PartitionReaderOwner): () => void {
    const key = `${consumerGroup.toLowerCase()}/${partition}`;
    const where = `partition ${partition} of consumer group ${consumerGroup}`;
    const active = this.owners.get(key) ?? new Set<PartitionReaderOwner>();
    const epochs = [...active].filter((o) => o.epoch !== undefined).map((o) => o.epoch!);
    const highest = epochs.length > 0 ? Math.max(...epochs) : undefined;
    if (owner.epoch === undefined) {
      if (highest !== undefined) {
        throw new HubError('link-stolen', `a receiver with epoch ${highest} owns ${where}: a non-epoch receiver cannot be created`);
      }
      if (active.size >= MAX_NON_EPOCH) {
        throw new HubError('resource-limit', `${where} already has ${MAX_NON_EPOCH} non-epoch receivers`);
      }
    } else if (highest !== undefined && highest > owner.epoch) {
      throw new HubError('link-stolen', `a receiver with the higher epoch ${highest} owns ${where}: epoch ${owner.epoch} cannot be created`);
    } else {
      for (const displaced of [...active]) {
        active.delete(displaced);
        const was = displaced.epoch === undefined ? 'a non-epoch receiver' : `epoch ${displaced.epoch}`;
        displaced.steal(new HubError('link-stolen', `a receiver with epoch ${owner.epoch} took ${where} (this one was ${was})`));
      }
    }
    active.add(owner);
    this.owners.set(key, active);
    return () => {
      active.delete(owner);
      if (active.size === 0 && this.owners.get(key) === active) this.owners.delete(key);
    };
  }
}
