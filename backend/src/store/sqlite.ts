/**
 * The sidecar's store on SQLite (Node's built-in `node:sqlite`, one file, WAL): anomaly feedback, per-series
 * sensitivity, and an append-only audit trail. Postgres (for several sidecar replicas) implements the same
 * interface later.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export type FeedbackVerdict = 'true_positive' | 'false_positive';

export interface FeedbackRecord {
  id: number;
  regionId: string;
  seriesKey: string;
  verdict: FeedbackVerdict;
  user: string;
  reason: string;
  createdAt: string;
  /** The series' detection threshold before and after this feedback. */
  thresholdBefore: number;
  thresholdAfter: number;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

export interface Store {
  readonly location: string;
  /** Per-series detection threshold set by feedback; undefined when the series has none. */
  getThreshold(seriesKey: string): number | undefined;
  /** Records feedback, the threshold change it causes and an audit entry, in one transaction. */
  addFeedback(input: Omit<FeedbackRecord, 'id' | 'createdAt'>, now: Date): FeedbackRecord;
  listFeedback(seriesKey?: string): FeedbackRecord[];
  audit(entry: Omit<AuditRecord, 'id' | 'at'>, now: Date): AuditRecord;
  listAudit(limit?: number): AuditRecord[];
  ping(): void;
  close(): void;
}

export function defaultStorePath(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'aidpe', 'aidpe.sqlite');
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS feedback (
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
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

interface FeedbackRow {
  id: number;
  region_id: string;
  series_key: string;
  verdict: FeedbackVerdict;
  user: string;
  reason: string;
  created_at: string;
  threshold_before: number;
  threshold_after: number;
}

function toFeedback(r: FeedbackRow): FeedbackRecord {
  return {
    id: r.id,
    regionId: r.region_id,
    seriesKey: r.series_key,
    verdict: r.verdict,
    user: r.user,
    reason: r.reason,
    createdAt: r.created_at,
    thresholdBefore: r.threshold_before,
    thresholdAfter: r.threshold_after,
  };
}

export class SqliteStore implements Store {
  private readonly db: DatabaseSync;

  /** `path` is a file (created with its folder) or ':memory:'. */
  constructor(readonly location: string) {
    if (location !== ':memory:') mkdirSync(dirname(location), { recursive: true });
    this.db = new DatabaseSync(location);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
  }

  getThreshold(seriesKey: string): number | undefined {
    const row = this.db.prepare('SELECT threshold FROM series_sensitivity WHERE series_key = ?').get(seriesKey) as { threshold: number } | undefined;
    return row?.threshold;
  }

  addFeedback(input: Omit<FeedbackRecord, 'id' | 'createdAt'>, now: Date): FeedbackRecord {
    const at = now.toISOString();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = this.db
        .prepare('INSERT INTO feedback (region_id, series_key, verdict, user, reason, created_at, threshold_before, threshold_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(input.regionId, input.seriesKey, input.verdict, input.user, input.reason, at, input.thresholdBefore, input.thresholdAfter);
      this.db
        .prepare('INSERT INTO series_sensitivity (series_key, threshold, updated_at) VALUES (?, ?, ?) ON CONFLICT(series_key) DO UPDATE SET threshold = excluded.threshold, updated_at = excluded.updated_at')
        .run(input.seriesKey, input.thresholdAfter, at);
      this.insertAudit({ actor: input.user, action: `anomaly.feedback.${input.verdict}`, subject: input.regionId, details: { seriesKey: input.seriesKey, reason: input.reason, thresholdBefore: input.thresholdBefore, thresholdAfter: input.thresholdAfter } }, at);
      this.db.exec('COMMIT');
      return { ...input, id: Number(result.lastInsertRowid), createdAt: at };
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  listFeedback(seriesKey?: string): FeedbackRecord[] {
    const rows = (seriesKey === undefined
      ? this.db.prepare('SELECT * FROM feedback ORDER BY id').all()
      : this.db.prepare('SELECT * FROM feedback WHERE series_key = ? ORDER BY id').all(seriesKey)) as unknown as FeedbackRow[];
    return rows.map(toFeedback);
  }

  private insertAudit(entry: Omit<AuditRecord, 'id' | 'at'>, at: string): number {
    const r = this.db.prepare('INSERT INTO audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)').run(at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details));
    return Number(r.lastInsertRowid);
  }

  audit(entry: Omit<AuditRecord, 'id' | 'at'>, now: Date): AuditRecord {
    const at = now.toISOString();
    return { ...entry, id: this.insertAudit(entry, at), at };
  }

  listAudit(limit = 100): AuditRecord[] {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as unknown as Array<Omit<AuditRecord, 'details'> & { details: string }>;
    return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, subject: r.subject, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  ping(): void {
    this.db.prepare('SELECT 1').get();
  }

  close(): void {
    this.db.close();
  }
}
