/**
 * Store schema versions: a store written by the previous release (no version recorded) opens, keeps its rows
 * and moves to the latest version; reopening applies nothing twice; a store newer than the code is refused.
 * SQLite as a file, PostgreSQL as a real server.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { LATEST_SCHEMA_VERSION, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS } from '../../src/store/migrations.ts';
import { PostgresStore } from '../../src/store/postgres.ts';
import { SqliteStore } from '../../src/store/sqlite.ts';
import { startPostgres, type RunningPostgres } from '../helpers/postgresServer.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('SQLite store migrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-migrate-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a store written by the previous release, keeps its rows and records the latest version', async () => {
    const file = join(dir, 'old.sqlite');
    const old = new DatabaseSync(file);
    old.exec(fixture('sqlite-schema-unversioned.sql'));
    old
      .prepare(
        'INSERT INTO feedback (region_id, series_key, verdict, user, reason, created_at, threshold_before, threshold_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
      )
      .run('r1', 's1', 'false_positive', 'ana', 'noisy', '2025-01-01T00:00:00.000Z', 0.98, 0.99);
    old
      .prepare('INSERT INTO series_sensitivity (series_key, threshold, updated_at) VALUES (?, ?, ?)')
      .run('s1', 0.99, '2025-01-01T00:00:00.000Z');
    old
      .prepare('INSERT INTO audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)')
      .run('2025-01-01T00:00:00.000Z', 'ana', 'anomaly.feedback.false_positive', 'r1', '{}');
    assert.equal((old.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 0);
    old.close();

    const store = new SqliteStore(file);
    assert.equal(await store.getThreshold('s1'), 0.99);
    assert.equal((await store.listFeedback('s1')).length, 1);
    assert.equal((await store.listAudit(10)).length, 1);
    await store.close();
    const check = new DatabaseSync(file);
    assert.equal(
      (check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version,
      LATEST_SCHEMA_VERSION
    );
    const index = check
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = ?")
      .get('detector_state_updated');
    assert.ok(index, 'migration 2 created its index');
    // The audit trail is still append-only after the upgrade.
    assert.throws(() => check.exec("UPDATE audit SET actor = 'mallory'"), /append-only/);
    check.close();
    // Reopening applies nothing twice.
    const again = new SqliteStore(file);
    assert.equal((await again.listFeedback('s1')).length, 1);
    await again.close();
  });

  it('migration 3 keeps the actions of an older store in the order they were recorded, whatever their clock', async () => {
    const file = join(dir, 'order.sqlite');
    const old = new DatabaseSync(file);
    old.exec(fixture('sqlite-schema-unversioned.sql'));
    const insert = old.prepare(
      'INSERT INTO actions (id, service, status, created_at, updated_at, record) VALUES (?, ?, ?, ?, ?, ?)'
    );
    const rows: Array<[string, string]> = [
      ['before-restart', '2031-01-01T00:00:00.000Z'],
      ['after-restart', '2025-01-01T00:00:00.000Z'],
    ];
    for (const [id, at] of rows) {
      insert.run(id, 'frontend', 'applied', at, at, JSON.stringify({ id, service: 'frontend', createdAt: at }));
    }
    old.close();
    const store = new SqliteStore(file);
    await store.insertAction(
      {
        id: 'newest',
        service: 'frontend',
        status: 'applied',
        createdAt: '2024-01-01T00:00:00.000Z',
        updatedAt: '2024-01-01T00:00:00.000Z',
      } as never,
      {
        actor: 't',
        action: 'a',
        subject: 'newest',
        details: {},
      }
    );
    assert.deepEqual(
      (await store.listActions()).map((a) => a.id),
      ['newest', 'after-restart', 'before-restart']
    );
    await store.close();
  });

  it('refuses a store newer than this sidecar', () => {
    const file = join(dir, 'future.sqlite');
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => new SqliteStore(file), /schema version \d+, newer than this sidecar knows/);
  });

  it('lists both backends with the same versions, in order', () => {
    assert.deepEqual(
      SQLITE_MIGRATIONS.map((m) => m.version),
      POSTGRES_MIGRATIONS.map((m) => m.version)
    );
    SQLITE_MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1));
  });
});

describe('PostgreSQL store migrations', () => {
  let server: RunningPostgres;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.stop();
  });

  it('opens a database written by the previous release and records every migration once', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(fixture('postgres-schema-unversioned.sql'));
    await client.query(
      "INSERT INTO aidpe_series_sensitivity (series_key, threshold, updated_at) VALUES ('s1', 0.97, '2025-01-01T00:00:00.000Z')"
    );
    const [a, b] = await Promise.all([PostgresStore.open(server.url), PostgresStore.open(server.url)]);
    assert.equal(await a.getThreshold('s1'), 0.97);
    assert.equal(await b.getThreshold('s1'), 0.97);
    const applied = await client.query<{ version: number }>(
      'SELECT version FROM aidpe_schema_migrations ORDER BY version'
    );
    assert.deepEqual(
      applied.rows.map((r) => r.version),
      POSTGRES_MIGRATIONS.map((m) => m.version)
    );
    const index = await client.query("SELECT 1 FROM pg_indexes WHERE indexname = 'aidpe_detector_state_updated'");
    assert.equal(index.rowCount, 1);
    await client.query(
      "INSERT INTO aidpe_schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 'x')"
    );
    await assert.rejects(PostgresStore.open(server.url), /schema version 99, newer than this sidecar knows/);
    await client.end();
    await a.close();
    await b.close();
  });
});
