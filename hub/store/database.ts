// Opens the hub's SQLite database (DESIGN.md decision 7): one file `<data>/hub.sqlite` in WAL
// mode, or memory for `--in-memory` and tests. The schema is created or checked here, once.
//
// synchronous=FULL: a commit is on disk before `accepted` goes out (decision 6); group commit
// (group-commit.ts) keeps that to one fsync per batch. busy_timeout lets `fogbridge hub device`
// write the registry while a running hub holds the file.
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type Db = Database.Database;

export class StoreError extends Error {
  constructor(readonly code: 'schema-version' | 'open-failed', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** `file` is a path, or undefined for an in-memory database. */
export function openDatabase(file: string | undefined, partitions: number): Db {
  let db: Db;
  try {
    db = new Database(file ?? ':memory:');
  } catch (cause) {
    throw new StoreError('open-failed', `cannot open ${file}: ${(cause as Error).message}`, { cause });
  }
  db.pragma('busy_timeout = 5000');
  if (file) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.transaction(() => migrate(db, partitions))();
  return db;
}

function migrate(db: Db, partitions: number): void {
  db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as { value: string } | undefined;
  const version = row === undefined ? 0 : Number(row.value);
  if (version > SCHEMA_VERSION) {
    throw new StoreError('schema-version', `hub.sqlite has schema version ${version}; this fogbridge knows up to ${SCHEMA_VERSION}: upgrade fogbridge`);
  }
  for (const statements of MIGRATIONS.slice(version)) for (const statement of statements) db.exec(statement);
  db.prepare(`INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)`).run(String(SCHEMA_VERSION));
  const insert = db.prepare(`INSERT OR IGNORE INTO partitions (id, next_sequence, next_offset) VALUES (?, 0, 0)`);
  for (let p = 0; p < partitions; p++) insert.run(p);
}
