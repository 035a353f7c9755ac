// The hub's one SQLite schema (issue 3 item 9), with its version. Every table the hub keeps is
// here; the adapter modules beside this file are the only code that reads or writes them.
//
// - `partitions`: one row per telemetry partition with the next sequence number and the next
//   offset, so that numbering survives retention deleting every event of a partition.
// - `events`: the D2C log (reference/iot-hub-amqp.md §6.4). `offset` is the byte position of the
//   event in its partition (the Event Hubs `x-opt-offset`, served as a string); `bytes` is the
//   AMQP-encoded message as received, with the hub's annotations stamped.
// - `devices`, `policies`: the registry (issue 3 item 2). Rights are a comma-separated list.
// - `c2d_messages` (v2): per-device C2D queues (issue 3 item 7); `bytes` is the message as the
//   device receives it. Locks are not stored: a restart releases them (item 9).
// - `feedback_records`, `feedback_batches` (v2): feedback not yet batched, and batched feedback
//   messages not yet settled by a feedback receiver (item 8, reference/iot-hub-amqp.md §5.3).
//
// MIGRATIONS[i] takes a database from version i to version i+1; the version is kept in
// `meta.schema_version`. To change the schema, APPEND a migration (never edit a shipped one):
// an existing hub.sqlite is brought up to date at the next start.
const VERSION_1: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS partitions (
     id INTEGER PRIMARY KEY,
     next_sequence INTEGER NOT NULL,
     next_offset INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS events (
     partition INTEGER NOT NULL,
     sequence INTEGER NOT NULL,
     offset INTEGER NOT NULL,
     enqueued_at INTEGER NOT NULL,
     device_id TEXT NOT NULL,
     bytes BLOB NOT NULL,
     PRIMARY KEY (partition, sequence)) WITHOUT ROWID`,
  `CREATE INDEX IF NOT EXISTS events_by_offset ON events (partition, offset)`,
  `CREATE INDEX IF NOT EXISTS events_by_time ON events (partition, enqueued_at)`,
  `CREATE TABLE IF NOT EXISTS devices (
     id TEXT PRIMARY KEY,
     primary_key TEXT NOT NULL,
     secondary_key TEXT NOT NULL,
     generation_id TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
     created_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS policies (
     name TEXT PRIMARY KEY,
     primary_key TEXT NOT NULL,
     secondary_key TEXT NOT NULL,
     rights TEXT NOT NULL)`,
];

const VERSION_2: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS c2d_messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     device_id TEXT NOT NULL,
     message_id TEXT NOT NULL,
     ack TEXT NOT NULL,
     enqueued_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     delivery_count INTEGER NOT NULL DEFAULT 0,
     bytes BLOB NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS c2d_by_device ON c2d_messages (device_id, seq)`,
  `CREATE INDEX IF NOT EXISTS c2d_by_expiry ON c2d_messages (expires_at)`,
  `CREATE TABLE IF NOT EXISTS feedback_records (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS feedback_batches (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     enqueued_at INTEGER NOT NULL,
     delivery_count INTEGER NOT NULL DEFAULT 0,
     body BLOB NOT NULL)`,
];

export const MIGRATIONS: readonly (readonly string[])[] = [VERSION_1, VERSION_2];
export const SCHEMA_VERSION = MIGRATIONS.length;
