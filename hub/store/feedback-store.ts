// Durable feedback (issue 3 item 8; reference/iot-hub-amqp.md §5.3): records waiting to be
// batched (`feedback_records`) and batched feedback messages waiting for a feedback receiver to
// settle them (`feedback_batches`, body = the encoded JSON array). Batching policy and delivery
// state live in c2d/feedback-queue.ts; this module only reads and writes the tables.
import { encodeFeedback, type FeedbackRecord } from '../../protocol/feedback.js';
import type { Db } from './database.js';

export interface FeedbackBatch {
  id: number;
  enqueuedAt: number;
  deliveryCount: number;
  body: Buffer;
}

interface BatchRow { id: number; enqueued_at: number; delivery_count: number; body: Buffer }

export class FeedbackStore {
  private readonly insertRecord;
  private readonly countRecords;
  private readonly oldestRecords;
  private readonly deleteRecordsUpTo;
  private readonly insertBatch;
  private readonly listBatches;
  private readonly firstBatches;
  private readonly deleteBatchesBefore;
  private readonly deleteBatch;
  private readonly countBatchDelivery;

  constructor(private readonly db: Db) {
    this.insertRecord = db.prepare(`INSERT INTO feedback_records (record) VALUES (?)`);
    this.countRecords = db.prepare(`SELECT COUNT(*) AS n FROM feedback_records`);
    this.oldestRecords = db.prepare(`SELECT id, record FROM feedback_records ORDER BY id LIMIT ?`);
    this.deleteRecordsUpTo = db.prepare(`DELETE FROM feedback_records WHERE id <= ?`);
    this.insertBatch = db.prepare(`INSERT INTO feedback_batches (enqueued_at, body) VALUES (?, ?)`);
    this.listBatches = db.prepare(`SELECT id, enqueued_at, delivery_count, body FROM feedback_batches ORDER BY id`);
    this.firstBatches = db.prepare(`SELECT id, enqueued_at, delivery_count, body FROM feedback_batches ORDER BY id LIMIT ?`);
    this.deleteBatchesBefore = db.prepare(`DELETE FROM feedback_batches WHERE enqueued_at < ? RETURNING id`);
    this.deleteBatch = db.prepare(`DELETE FROM feedback_batches WHERE id = ?`);
    this.countBatchDelivery = db.prepare(`UPDATE feedback_batches SET delivery_count = delivery_count + 1 WHERE id = ? RETURNING delivery_count`);
  }

  /** Stores a record; call inside the transaction that produced the outcome (command-store.ts). */
  add(record: FeedbackRecord): void {
    this.insertRecord.run(JSON.stringify(record));
  }

  pendingCount(): number {
    return (this.countRecords.get() as { n: number }).n;
  }

  /** Moves up to `max` oldest pending records into one batch, in one transaction; its id, or undefined when none. */
  formBatch(max: number, at: number): number | undefined {
    return this.db.transaction(() => {
      const rows = this.oldestRecords.all(max) as { id: number; record: string }[];
      if (rows.length === 0) return undefined;
      const body = Buffer.from(encodeFeedback(rows.map((r) => JSON.parse(r.record) as FeedbackRecord)));
      this.deleteRecordsUpTo.run(rows[rows.length - 1]!.id);
      return Number(this.insertBatch.run(at, body).lastInsertRowid);
    })();
  }

  /** Every batch not yet settled, oldest first. */
  batches(): FeedbackBatch[] {
    return (this.listBatches.all() as BatchRow[]).map((r) => ({ id: r.id, enqueuedAt: r.enqueued_at, deliveryCount: r.delivery_count, body: r.body }));
  }

  /** The oldest batch whose id is not in `skip` (only the first skip.size + 1 rows are read). */
  oldestExcept(skip: ReadonlySet<number>): FeedbackBatch | undefined {
    const row = (this.firstBatches.all(skip.size + 1) as BatchRow[]).find((r) => !skip.has(r.id));
    return row && { id: row.id, enqueuedAt: row.enqueued_at, deliveryCount: row.delivery_count, body: row.body };
  }

  /** Deletes batches made before `at` (feedback TTL); their ids. */
  deleteOlderThan(at: number): number[] {
    return (this.deleteBatchesBefore.all(at) as { id: number }[]).map((r) => r.id);
  }

  remove(id: number): void {
    this.deleteBatch.run(id);
  }

  /** Counts one more released delivery; the new count (0 when the batch is gone). */
  countDelivery(id: number): number {
    const row = this.countBatchDelivery.get(id) as { delivery_count: number } | undefined;
    return row?.delivery_count ?? 0;
  }
}
