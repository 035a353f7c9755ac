// The telemetry log, group commit, schema migrations and retention on an in-memory database
// (issue 3 item 9; reads as the Event Hubs endpoint uses them, reference/iot-hub-amqp.md §6.2-§6.3).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, StoreError, type Db } from '../../../hub/store/database.js';
import { GroupCommit } from '../../../hub/store/group-commit.js';
import { SCHEMA_VERSION } from '../../../hub/store/schema.js';
import { TelemetryLog, type EventPosition, type NewEvent } from '../../../hub/store/telemetry-log.js';
import { partitionOf } from '../../../hub/telemetry/partition.js';

const event = (partition: number, enqueuedAt: number, body: string): NewEvent => ({
  partition,
  deviceId: 'd',
  enqueuedAt,
  encode: (at) => Buffer.from(`${body}@${at.sequenceNumber}`),
});

function fresh(partitions = 2): { db: Db; log: TelemetryLog } {
  const db = openDatabase(undefined, partitions);
  return { db, log: new TelemetryLog(db, partitions) };
}

test('sequence numbers start at 0 per partition and offsets advance by each event size', () => {
  const { db, log } = fresh();
  const positions = db.transaction(() => log.appendAll([event(0, 1000, 'a'), event(1, 1000, 'b'), event(0, 1001, 'cc')]))();
  assert.equal(positions, [
    { sequenceNumber: 0, offset: '0', enqueuedAt: 1000 },
    { sequenceNumber: 0, offset: '0', enqueuedAt: 1000 },
    { sequenceNumber: 1, offset: '3', enqueuedAt: 1001 }, // 'a@0' is 3 bytes
  ]);
  assert.equal(log.partitionInfo(0), { partition: 0, beginSequenceNumber: 0, lastSequenceNumber: 1, lastOffset: '3', lastEnqueuedAt: 1001, isEmpty: false });
});

test('reads start after (or at) an offset, a sequence number or an enqueued time', () => {
  const { db, log } = fresh(1);
  db.transaction(() => log.appendAll([0, 1, 2, 3].map((i) => event(0, 1000 + i * 10, `e${i}`))))();
  const seqs = (events: { sequenceNumber: number }[]): number[] => events.map((e) => e.sequenceNumber);
  assert.equal(seqs(log.read(0, { by: 'sequence', sequenceNumber: -1, inclusive: false }, 10)), [0, 1, 2, 3]);
  assert.equal(seqs(log.read(0, { by: 'sequence', sequenceNumber: 1, inclusive: false }, 10)), [2, 3]);
  assert.equal(seqs(log.read(0, { by: 'sequence', sequenceNumber: 1, inclusive: true }, 10)), [1, 2, 3]);
  const offsetOf1 = log.read(0, { by: 'sequence', sequenceNumber: 1, inclusive: true }, 1)[0]!.offset;
  assert.equal(seqs(log.read(0, { by: 'offset', offset: offsetOf1, inclusive: false }, 10)), [2, 3]);
  assert.equal(seqs(log.read(0, { by: 'offset', offset: offsetOf1, inclusive: true }, 10)), [1, 2, 3]);
  assert.equal(seqs(log.read(0, { by: 'offset', offset: '-1', inclusive: false }, 10)), [0, 1, 2, 3]);
  assert.equal(seqs(log.read(0, { by: 'enqueued-time', enqueuedAt: 1010 }, 10)), [2, 3]);
  assert.equal(seqs(log.read(0, { by: 'sequence', sequenceNumber: -1, inclusive: false }, 2)), [0, 1]);
});

test('an empty partition reports last sequence -1 and offset "-1"', () => {
  const { log } = fresh();
  assert.equal(log.partitionInfo(1), { partition: 1, beginSequenceNumber: 0, lastSequenceNumber: -1, lastOffset: '-1', lastEnqueuedAt: 0, isEmpty: true });
});

test('retention deletes old events but numbering continues after them', () => {
  const { db, log } = fresh(1);
  db.transaction(() => log.appendAll([event(0, 100, 'old'), event(0, 200, 'old'), event(0, 300, 'new')]))();
  assert.is(log.deleteOlderThan(250), 2);
  assert.is(log.partitionInfo(0).beginSequenceNumber, 2);
  assert.is(log.deleteOlderThan(1000), 1);
  const info = log.partitionInfo(0);
  assert.is(info.isEmpty, true);
  assert.is(info.beginSequenceNumber, 3);
  const [next] = db.transaction(() => log.appendAll([event(0, 2000, 'later')]))();
  assert.is(next!.sequenceNumber, 3);
});

test('group commit puts everything queued in one turn into one transaction and resolves after it', async () => {
  const { db, log } = fresh();
  const batches: number[] = [];
  const commits = new GroupCommit<NewEvent, EventPosition>(db, (items) => {
    batches.push(items.length);
    return log.appendAll(items);
  });
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => commits.run(event(i % 2, 1, `m${i}`))));
  assert.equal(batches, [50]);
  assert.equal(results.slice(0, 4).map((r) => r.sequenceNumber), [0, 0, 1, 1]);
  commits.close();
  await commits.run(event(0, 1, 'late')).then(
    () => assert.unreachable('a closed group commit takes no work'),
    (e: Error) => assert.is(e.name, 'GroupCommitClosed'),
  );
});

test('a failed transaction rejects every promise of its batch and stores none of it', async () => {
  const { db, log } = fresh(1);
  const commits = new GroupCommit<NewEvent, EventPosition>(db, (items) => log.appendAll(items), 10);
  const bad: NewEvent = { ...event(0, 1, 'x'), partition: 7 }; // no such partition
  const outcomes = await Promise.allSettled([commits.run(event(0, 1, 'ok')), commits.run(bad)]);
  assert.equal(outcomes.map((o) => o.status), ['rejected', 'rejected']);
  assert.is(log.partitionInfo(0).isEmpty, true);
});

test('a reopened hub.sqlite keeps its events in WAL mode; one from a newer schema is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fogbridge-schema-'));
  try {
    const file = join(dir, 'hub.sqlite');
    const first = openDatabase(file, 1);
    first.transaction(() => new TelemetryLog(first, 1).appendAll([event(0, 1, 'kept')]))();
    first.close();
    const again = openDatabase(file, 1);
    assert.is(new TelemetryLog(again, 1).partitionInfo(0).lastSequenceNumber, 0);
    assert.is((again.pragma('journal_mode', { simple: true }) as string).toLowerCase(), 'wal');
    again.prepare(`UPDATE meta SET value = ? WHERE key = 'schema_version'`).run(String(SCHEMA_VERSION + 1));
    again.close();
    assert.throws(() => openDatabase(file, 1), (e: unknown) => e instanceof StoreError && e.code === 'schema-version');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the partition of a device id is stable and within range', () => {
  assert.is(partitionOf('thermo-1', 4), partitionOf('thermo-1', 4));
  const spread = new Set(Array.from({ length: 64 }, (_, i) => partitionOf(`device-${i}`, 4)));
  assert.equal([...spread].sort(), [0, 1, 2, 3]);
});

test.run();
