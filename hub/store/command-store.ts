// Durable per-device C2D queues (issue 3 item 7; reference/iot-hub-amqp.md §4.3, §7): one row per
// queued command in `c2d_messages`, in arrival order (`seq`). Locks, credit and timers live in
// c2d/command-queues.ts; this module only reads and writes the table. A command leaves the table
// together with its feedback record, in one transaction (`finish`), so an outcome and its
// feedback are never half-stored.
import type { FeedbackAck, FeedbackRecord } from '../../protocol/feedback.js';
import type { Db } from './database.js';
import type { FeedbackStore } from './feedback-store.js';

export interface NewCommand {
  deviceId: string;
  /** The service's message-id as a string (feedback `originalMessageId`); '' when absent. */
  messageId: string;
  ack: FeedbackAck;
  enqueuedAt: number;
  expiresAt: number;
  /** The AMQP message exactly as the device will receive it. */
  bytes: Uint8Array;
}

export interface StoredCommand {
  seq: number;
  deviceId: string;
  messageId: string;
  ack: FeedbackAck;
  enqueuedAt: number;
  expiresAt: number;
  deliveryCount: number;
}

/** A full queue refuses one command without failing the rest of the group commit. */
export type EnqueueResult = { ok: true; seq: number } | { ok: false; depth: number };

interface Row { seq: number; device_id: string; message_id: string; ack: FeedbackAck; enqueued_at: number; expires_at: number; delivery_count: number }
const COLUMNS = 'seq, device_id, message_id, ack, enqueued_at, expires_at, delivery_count';
const toCommand = (r: Row): StoredCommand => ({
  seq: r.seq, deviceId: r.device_id, messageId: r.message_id, ack: r.ack, enqueuedAt: r.enqueued_at, expiresAt: r.expires_at, deliveryCount: r.delivery_count,
});

export class CommandStore {
  private readonly depth;
  private readonly insert;
  private readonly byDevice;
  private readonly bytesOf;
  private readonly expired;
  private readonly remove;
  private readonly countDeliveryStatement;

  constructor(private readonly db: Db, private readonly feedback: FeedbackStore) {
    this.depth = db.prepare(`SELECT COUNT(*) AS n FROM c2d_messages WHERE device_id = ?`);
    this.insert = db.prepare(
      `INSERT INTO c2d_messages (device_id, message_id, ack, enqueued_at, expires_at, bytes) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.byDevice = db.prepare(`SELECT ${COLUMNS} FROM c2d_messages WHERE device_id = ? ORDER BY seq`);
    this.bytesOf = db.prepare(`SELECT bytes FROM c2d_messages WHERE seq = ?`);
    this.expired = db.prepare(`SELECT ${COLUMNS} FROM c2d_messages WHERE expires_at <= ? ORDER BY seq`);
    this.remove = db.prepare(`DELETE FROM c2d_messages WHERE seq = ?`);
    this.countDeliveryStatement = db.prepare(
      `UPDATE c2d_messages SET delivery_count = delivery_count + 1 WHERE seq = ? RETURNING delivery_count`,
    );
  }

  /** For GroupCommit (runs inside its transaction): one result per command, in order. */
  enqueueAll(commands: readonly NewCommand[], maxDepth: number): EnqueueResult[] {
    return commands.map((c) => {
      const depth = (this.depth.get(c.deviceId) as { n: number }).n;
      if (depth >= maxDepth) return { ok: false, depth };
      const seq = Number(this.insert.run(c.deviceId, c.messageId, c.ack, c.enqueuedAt, c.expiresAt, Buffer.from(c.bytes)).lastInsertRowid);
      return { ok: true, seq };
    });
  }

  /** The device's queue, oldest first. */
  queued(deviceId: string): StoredCommand[] {
    return (this.byDevice.all(deviceId) as Row[]).map(toCommand);
  }

  bytes(seq: number): Buffer | undefined {
    return (this.bytesOf.get(seq) as { bytes: Buffer } | undefined)?.bytes;
  }

  /** Commands whose TTL ended at or before `at`, of every device. */
  expiredAt(at: number): StoredCommand[] {
    return (this.expired.all(at) as Row[]).map(toCommand);
  }

  /** Removes a command and stores its feedback record in one transaction; false if it was gone. */
  finish(seq: number, record: FeedbackRecord | undefined): boolean {
    return this.db.transaction(() => {
      if (this.remove.run(seq).changes === 0) return false;
      if (record) this.feedback.add(record);
      return true;
    })();
  }

  /** Counts one abandon; the new delivery count (0 when the command is gone). */
  countDelivery(seq: number): number {
    return (this.countDeliveryStatement.get(seq) as { delivery_count: number } | undefined)?.delivery_count ?? 0;
  }
}
