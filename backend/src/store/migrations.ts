/**
 * Store schema versions, as ordered migrations. A store records the version it is at (SQLite: `PRAGMA
 * user_version`; PostgreSQL: the `aidpe_schema_migrations` table) and opening it applies the missing ones in
 * order, each in its own transaction. Version 1 is the schema the sidecar created before versions existed
 * (every statement idempotent), so a store written by an earlier sidecar opens and moves forward. A store
 * newer than this code is refused rather than guessed at.
 *
 * Never edit a released migration: add the next one.
 */
import type { DatabaseSync } from 'node:sqlite';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'feedback, sensitivity, append-only audit, actions, automation settings, detector state',
    sql: `CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  region_id TEXT NOT NULL,
  series_key TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('true_positive', 'false_positive')),
  user TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  threshold_before REAL NOT NULL,
  threshold_after REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_series ON feedback(series_key);
CREATE TABLE IF NOT EXISTS series_sensitivity (
  series_key TEXT PRIMARY KEY,
  threshold REAL NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL
);
-- The audit trail is append-only: history cannot be rewritten through the store.
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TABLE IF NOT EXISTS actions (
  id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_status ON actions(status);
CREATE INDEX IF NOT EXISTS actions_service_created ON actions(service, created_at);
CREATE TABLE IF NOT EXISTS automation_services (
  service TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS detector_state (
  key TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;`,
  },
  {
    version: 2,
    name: 'detector states expire by age: index their update time',
    sql: 'CREATE INDEX IF NOT EXISTS detector_state_updated ON detector_state(updated_at);',
  },
  {
    version: 3,
    name: 'actions keep their insertion order (seq), not the clock, so a restarted clock cannot reorder them',
    sql: `ALTER TABLE actions ADD COLUMN seq INTEGER;
UPDATE actions SET seq = rowid;
CREATE INDEX IF NOT EXISTS actions_seq ON actions(seq);
CREATE INDEX IF NOT EXISTS actions_service_seq ON actions(service, seq);`,
  },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'feedback, sensitivity, append-only audit, actions, automation settings, detector state',
    sql: `CREATE TABLE IF NOT EXISTS aidpe_feedback (
  id BIGSERIAL PRIMARY KEY,
  region_id TEXT NOT NULL,
  series_key TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('true_positive', 'false_positive')),
  "user" TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  threshold_before DOUBLE PRECISION NOT NULL,
  threshold_after DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS aidpe_feedback_series ON aidpe_feedback(series_key);
CREATE TABLE IF NOT EXISTS aidpe_series_sensitivity (
  series_key TEXT PRIMARY KEY,
  threshold DOUBLE PRECISION NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aidpe_audit (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details JSONB NOT NULL
);
CREATE TABLE IF NOT EXISTS aidpe_actions (
  seq BIGSERIAL,
  id TEXT PRIMARY KEY,
  service TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  record JSONB NOT NULL
);
CREATE INDEX IF NOT EXISTS aidpe_actions_status ON aidpe_actions(status);
CREATE INDEX IF NOT EXISTS aidpe_actions_service_created ON aidpe_actions(service, created_at);
CREATE TABLE IF NOT EXISTS aidpe_automation_services (
  service TEXT PRIMARY KEY,
  settings JSONB NOT NULL,
  updated_at TEXT NOT NULL
);
-- JSON as TEXT, not JSONB: the detector's floating-point state must round-trip bit-exactly.
CREATE TABLE IF NOT EXISTS aidpe_detector_state (
  key TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION aidpe_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit is append-only';
END $$;
DROP TRIGGER IF EXISTS aidpe_audit_no_update ON aidpe_audit;
CREATE TRIGGER aidpe_audit_no_update BEFORE UPDATE OR DELETE ON aidpe_audit FOR EACH ROW EXECUTE FUNCTION aidpe_audit_append_only();`,
  },
  {
    version: 2,
    name: 'detector states expire by age: index their update time',
    sql: 'CREATE INDEX IF NOT EXISTS aidpe_detector_state_updated ON aidpe_detector_state(updated_at);',
  },
  {
    version: 3,
    name: 'actions are listed in their insertion order (seq), not by the clock',
    sql: `CREATE INDEX IF NOT EXISTS aidpe_actions_seq ON aidpe_actions(seq);
CREATE INDEX IF NOT EXISTS aidpe_actions_service_seq ON aidpe_actions(service, seq);`,
  },
];

export const LATEST_SCHEMA_VERSION = SQLITE_MIGRATIONS.at(-1)!.version;

export class SchemaVersionError extends Error {
  constructor(found: number, known: number) {
    super(
      `the store is at schema version ${found}, newer than this sidecar knows (${known}); upgrade the sidecar or point it at another store`
    );
    this.name = 'SchemaVersionError';
  }
}

function pending(migrations: readonly Migration[], current: number): readonly Migration[] {
  const known = migrations.at(-1)!.version;
  if (current > known) {
    throw new SchemaVersionError(current, known);
  }
  return migrations.filter((m) => m.version > current);
}

/** Brings a SQLite store to the latest version; returns the version it was at. */
export function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[] = SQLITE_MIGRATIONS): number {
  const current = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  for (const m of pending(migrations, current)) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      // PRAGMA takes no parameters; the version is an integer from the list above.
      db.exec(`PRAGMA user_version = ${Math.trunc(m.version)}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`store migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return current;
}

interface PgQueryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Brings a PostgreSQL store to the latest version inside the caller's transaction (which holds the schema
 * advisory lock, so replicas starting together do not race); returns the version it was at.
 */
export async function migratePostgres(
  c: PgQueryable,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS
): Promise<number> {
  await c.query(
    'CREATE TABLE IF NOT EXISTS aidpe_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)'
  );
  const { rows } = await c.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM aidpe_schema_migrations'
  );
  const current = rows[0]?.version ?? 0;
  for (const m of pending(migrations, current)) {
    await c.query(m.sql);
    await c.query('INSERT INTO aidpe_schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      m.version,
      m.name,
      new Date().toISOString(),
    ]);
  }
  return current;
}
