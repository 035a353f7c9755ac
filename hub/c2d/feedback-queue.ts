// Feedback batching and delivery state (issue 3 item 8; reference/iot-hub-amqp.md §5.2, §5.3,
// §7), with no AMQP in it. Records are stored by the C2D outcome that made them
// (store/command-store.ts); here they become batches: at once when `feedbackBatchSize` records
// wait, else `feedbackBatchMs` after the first of them arrived (§5.3: "64 records or 15 s").
// Batches are stored, then handed to feedback receivers one at a time, oldest first:
//   take → in flight → settle('done')   : removed (accepted or rejected: the first settlement is final)
//                    → settle('retry')  : released/modified, back in line, delivery count + 1;
//                                         dropped after feedbackMaxDeliveryCount (§7)
//                    → unlock           : link lost with it unsettled, back in line, not counted
// A restart keeps pending records and batches (item 9) and delivers them again. Batches older
// than feedbackTtlMs (default 1 h, §7) are dropped by sweep(), so unread feedback stays bounded.
import type { FeedbackBatch, FeedbackStore } from '../store/feedback-store.js';
import type { C2dOptions } from './options.js';

type Options = Pick<C2dOptions, 'feedbackBatchSize' | 'feedbackBatchMs' | 'feedbackMaxDeliveryCount' | 'feedbackTtlMs'>;

export class FeedbackQueue {
  private readonly inFlight = new Set<number>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly store: FeedbackStore, private readonly options: Options, private readonly now: () => number) {
    if (store.pendingCount() > 0) this.recordsAdded();
  }

  /** Called after feedback records were stored: batch now if a batch is full, else within feedbackBatchMs. */
  recordsAdded(): void {
    if (this.closed) return;
    let formed = false;
    while (this.store.pendingCount() >= this.options.feedbackBatchSize) {
      this.store.formBatch(this.options.feedbackBatchSize, this.now());
      formed = true;
    }
    if (this.store.pendingCount() > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        if (this.closed) return;
        if (this.store.formBatch(this.options.feedbackBatchSize, this.now()) !== undefined) this.available();
        this.recordsAdded();
      }, this.options.feedbackBatchMs);
      this.timer.unref();
    }
    if (formed) this.available();
  }

  /** `listener()` whenever a batch may be waiting; returns an unsubscribe. */
  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The oldest batch not in flight, now in flight. */
  take(): FeedbackBatch | undefined {
    const batch = this.store.oldestExcept(this.inFlight);
    if (batch) this.inFlight.add(batch.id);
    return batch;
  }

  /** The receiver's outcome; ignored unless the batch is in flight (duplicate dispositions, §5.2). */
  settle(id: number, outcome: 'done' | 'retry'): void {
    if (!this.inFlight.delete(id)) return;
    if (outcome === 'done' || this.store.countDelivery(id) >= this.options.feedbackMaxDeliveryCount) this.store.remove(id);
    else this.available();
  }

  /** The link went with the batch unsettled: deliver it again, not counted. */
  unlock(id: number): void {
    if (this.inFlight.delete(id)) this.available();
  }

  /** Feedback TTL (§7): batches older than feedbackTtlMs and not in flight are dropped. */
  sweep(): void {
    const dropped = this.store.deleteOlderThan(this.now() - this.options.feedbackTtlMs);
    // An in-flight batch is gone from storage; its eventual settlement finds nothing to do.
    for (const id of dropped) this.inFlight.delete(id);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private available(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
