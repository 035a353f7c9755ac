// Group commit (DESIGN.md decisions 6 and 7): work queued in the same turn of the event loop is
// committed in ONE SQLite transaction, and each caller's promise settles only after that commit.
// The hub sends `accepted` from that promise, so an acknowledged message is always on disk.
//
// Contract: `run(item)` queues; the batch commits on the next setImmediate, or at once when it
// reaches `maxBatch`. A failed transaction rejects every promise of its batch (nothing of it was
// committed). `flush()` commits what is queued now; `close()` flushes and refuses new work.
import type { Db } from './database.js';

interface Pending<T, R> { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }

export class GroupCommitClosed extends Error {
  constructor() {
    super('the store is closing: nothing more is committed');
    this.name = 'GroupCommitClosed';
  }
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;

  /** `commitAll` runs inside a transaction and returns one result per item, in order. */
  constructor(
    private readonly db: Db,
    private readonly commitAll: (items: T[]) => R[],
    private readonly maxBatch = 1000,
  ) {}

  run(item: T): Promise<R> {
    if (this.closed) return Promise.reject(new GroupCommitClosed());
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let results: R[];
    try {
      results = this.db.transaction(() => this.commitAll(batch.map((p) => p.item)))();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}
