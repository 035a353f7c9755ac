// The D2C telemetry log: one append-only sequence per partition (reference/iot-hub-amqp.md §6.4).
// Sequence numbers start at 0; offsets are byte positions (each event advances the offset by its
// size), served as strings. Appends happen only inside a caller's transaction (group-commit.ts),
// so numbering and rows commit together.
import type { Db } from './database.js';

export interface NewEvent {
  partition: number;
  deviceId: string;
  enqueuedAt: number;
  /** Builds the stored bytes once the position is known (annotations carry it, §6.4). */
  encode(position: EventPosition): Buffer;
}

export interface EventPosition {
  sequenceNumber: number;
  offset: string;
  enqueuedAt: number;
}

export interface StoredEvent extends EventPosition {
  partition: number;
  deviceId: string;
  bytes: Buffer;
}

export interface PartitionInfo {
  partition: number;
  /** First retained sequence number; equals `lastSequenceNumber + 1` when the partition is empty. */
  beginSequenceNumber: number;
  /** -1 before the first event. */
  lastSequenceNumber: number;
  /** "-1" before the first event. */
  lastOffset: string;
  /** ms since the epoch; 0 before the first event. */
  lastEnqueuedAt: number;
  isEmpty: boolean;
}

/** Where a read starts: the three Event Hubs filter forms (§6.3), inclusive or not. */
export type ReadFrom =
  | { by: 'offset'; offset: string; inclusive: boolean }
  | { by: 'sequence'; sequenceNumber: number; inclusive: boolean }
  | { by: 'enqueued-time'; enqueuedAt: number };

interface Row { partition: number; sequence: number; offset: number; enqueued_at: number; device_id: string; bytes: Buffer }

const toEvent = (r: Row): StoredEvent => ({
  partition: r.partition, sequenceNumber: r.sequence, offset: String(r.offset), enqueuedAt: r.enqueued_at, deviceId: r.device_id, bytes: r.bytes,
});

export class TelemetryLog {
  private readonly next;
  private readonly advance;
  private readonly insert;
  private readonly fromOffset;
  private readonly fromOffsetInclusive;
  private readonly fromSequence;
  private readonly fromTime;
  private readonly first;
  private readonly last;
  private readonly prune;

  constructor(private readonly db: Db, readonly partitionCount: number) {
    this.next = db.prepare(`SELECT next_sequence, next_offset FROM partitions WHERE id = ?`);
    this.advance = db.prepare(`UPDATE partitions SET next_sequence = ?, next_offset = ? WHERE id = ?`);
    this.insert = db.prepare(`INSERT INTO events (partition, sequence, offset, enqueued_at, device_id, bytes) VALUES (?, ?, ?, ?, ?, ?)`);
    const select = `SELECT partition, sequence, offset, enqueued_at, device_id, bytes FROM events WHERE partition = ?`;
    this.fromOffset = db.prepare(`${select} AND offset > ? ORDER BY sequence LIMIT ?`);
    this.fromOffsetInclusive = db.prepare(`${select} AND offset >= ? ORDER BY sequence LIMIT ?`);
    this.fromSequence = db.prepare(`${select} AND sequence >= ? ORDER BY sequence LIMIT ?`);
    this.fromTime = db.prepare(`${select} AND enqueued_at > ? ORDER BY sequence LIMIT ?`);
    this.first = db.prepare(`SELECT MIN(sequence) AS s FROM events WHERE partition = ?`);
    this.last = db.prepare(`SELECT sequence, offset, enqueued_at FROM events WHERE partition = ? ORDER BY sequence DESC LIMIT 1`);
    this.prune = db.prepare(`DELETE FROM events WHERE partition = ? AND enqueued_at < ?`);
  }

  /** Appends in order; call inside a transaction. Returns each event's position. */
  appendAll(events: readonly NewEvent[]): EventPosition[] {
    const cursors = new Map<number, { sequence: number; offset: number }>();
    const positions = events.map((e) => {
      let cursor = cursors.get(e.partition);
      if (!cursor) {
        const row = this.next.get(e.partition) as { next_sequence: number; next_offset: number } | undefined;
        if (!row) throw new RangeError(`partition ${e.partition} does not exist (0..${this.partitionCount - 1})`);
        cursor = { sequence: row.next_sequence, offset: row.next_offset };
        cursors.set(e.partition, cursor);
      }
      const position = { sequenceNumber: cursor.sequence, offset: String(cursor.offset), enqueuedAt: e.enqueuedAt };
      const bytes = e.encode(position);
      this.insert.run(e.partition, cursor.sequence, cursor.offset, e.enqueuedAt, e.deviceId, bytes);
      cursor.sequence += 1;
      cursor.offset += bytes.length;
      return position;
    });
    for (const [partition, c] of cursors) this.advance.run(c.sequence, c.offset, partition);
    return positions;
  }

  /** Up to `limit` events of `partition` after the given position, in sequence order. */
  read(partition: number, from: ReadFrom, limit: number): StoredEvent[] {
    const rows = (() => {
      switch (from.by) {
        case 'offset':
          return (from.inclusive ? this.fromOffsetInclusive : this.fromOffset).all(partition, Number(from.offset), limit);
        case 'sequence':
          return this.fromSequence.all(partition, from.sequenceNumber + (from.inclusive ? 0 : 1), limit);
        case 'enqueued-time':
          return this.fromTime.all(partition, from.enqueuedAt, limit);
      }
    })() as Row[];
    return rows.map(toEvent);
  }

  partitionInfo(partition: number): PartitionInfo {
    const next = this.next.get(partition) as { next_sequence: number; next_offset: number } | undefined;
    if (!next) throw new RangeError(`partition ${partition} does not exist (0..${this.partitionCount - 1})`);
    const first = (this.first.get(partition) as { s: number | null }).s;
    const last = this.last.get(partition) as { sequence: number; offset: number; enqueued_at: number } | undefined;
    return {
      partition,
      beginSequenceNumber: first ?? next.next_sequence,
      lastSequenceNumber: last?.sequence ?? next.next_sequence - 1,
      lastOffset: last ? String(last.offset) : '-1',
      lastEnqueuedAt: last?.enqueued_at ?? 0,
      isEmpty: last === undefined,
    };
  }

  /** Retention: deletes every event enqueued before `cutoff` (ms), one partition at a time so
   *  that each delete walks the (partition, enqueued_at) index. Returns how many. */
  deleteOlderThan(cutoff: number): number {
    let deleted = 0;
    for (let p = 0; p < this.partitionCount; p++) deleted += this.prune.run(p, cutoff).changes;
    return deleted;
  }
}
