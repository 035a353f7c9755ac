// Feedback records matched to the commands that asked for them (by originalMessageId, §5.3).
// A record that arrives before anyone waits for it is kept (bounded), since the hub may batch
// it with others or deliver it while the sender is still settling.
import type { FeedbackRecord } from '../../protocol/feedback.js';
import { ServiceError } from './service-error.js';

const KEEP = 1000;

export class FeedbackWaiters {
  readonly #early = new Map<string, FeedbackRecord>();
  readonly #waiting = new Map<string, { resolve(r: FeedbackRecord): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  readonly #listeners: ((r: FeedbackRecord) => void)[] = [];

  listen(listener: (r: FeedbackRecord) => void): void {
    this.#listeners.push(listener);
  }

  deliver(records: FeedbackRecord[]): void {
    for (const r of records) {
      for (const l of this.#listeners) l(r);
      const w = this.#waiting.get(r.originalMessageId);
      if (w) {
        this.#waiting.delete(r.originalMessageId);
        clearTimeout(w.timer);
        w.resolve(r);
      } else {
        this.#early.set(r.originalMessageId, r);
        if (this.#early.size > KEEP) this.#early.delete(this.#early.keys().next().value!);
      }
    }
  }

  waitFor(messageId: string, timeoutMs: number): Promise<FeedbackRecord> {
    const early = this.#early.get(messageId);
    if (early) {
      this.#early.delete(messageId);
      return Promise.resolve(early);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(messageId);
        reject(new ServiceError('timeout', `no feedback for message ${messageId} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#waiting.set(messageId, { resolve, reject, timer });
    });
  }

  failAll(error: Error): void {
    for (const [id, w] of this.#waiting) {
      clearTimeout(w.timer);
      this.#waiting.delete(id);
      w.reject(error);
    }
  }
}
