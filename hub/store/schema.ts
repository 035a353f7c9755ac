// The hub's one SQLite schema (issue 3 item 9), with its version. Every table the hub keeps is
// here; the adapter modules beside this file are the only code that reads or writes them.
//
// - `partitions`: one row per telemetry partition with the next sequence number and the next
//   offset, so that numbering survives retention deleting every event of a partition.
// - `events`: the D2C log (reference/iot-hub-amqp.md §6.4). `offset` is the byte position of the
//   event in its partition (the Event Hubs `x-opt-offset`, served as a string); `bytes` is the
//   AMQP-encoded message as received, with the hub's annotations stamped.
// - `devices`, `policies`: the registry (issue 3 item 2). Rights are a comma-separated list.
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

export const MIGRATIONS: readonly (readonly string[])[] = [VERSION_1];
export const SCHEMA_VERSION = MIGRATIONS.length;
