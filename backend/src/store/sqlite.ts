/**
 * The sidecar's store on SQLite (Node's built-in `node:sqlite`, one file, WAL): anomaly feedback, per-series
 * sensitivity, an append-only audit trail, actions and per-service automation settings.
 * The action methods are async (the `ActionStore` contract) so a PostgreSQL store can implement them too.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { ActionRecord, ActionStatus } from '../domain/actions.ts';
import { migrateSqlite } from './migrations.ts';
import type {
  ActionQuery,
  ActionWrite,
  AuditInput,
  AuditRecord,
  AutomationSettings,
  DetectorStateRecord,
  FeedbackRecord,
  FeedbackVerdict,
  Store,
} from './types.ts';

export type {
  ActionQuery,
  ActionStore,
  ActionWrite,
  AuditInput,
  AuditRecord,
  AutomationSettings,
  DetectorStateRecord,
  FeedbackRecord,
  FeedbackVerdict,
  Store,
} from './types.ts';

/** Aborts a `writeActions` transaction whose compare-and-set found another status. */
class StaleWrite extends Error {}

export function defaultStorePath(): string {
  const base = process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'aidpe', 'aidpe.sqlite');
}

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
  readonly kind = 'sqlite' as const;
  private readonly db: DatabaseSync;

  /** `path` is a file (created with its folder) or ':memory:'. */
  constructor(readonly location: string) {
    if (location !== ':memory:') {
      mkdirSync(dirname(location), { recursive: true });
    }
    this.db = new DatabaseSync(location);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    migrateSqlite(this.db);
  }

  async getThreshold(seriesKey: string): Promise<number | undefined> {
    const row = this.db.prepare('SELECT threshold FROM series_sensitivity WHERE series_key = ?').get(seriesKey) as
      { threshold: number } | undefined;
    return row?.threshold;
  }

  async addFeedback(
    input: Omit<FeedbackRecord, 'id' | 'createdAt'>,
    now: Date,
    credential?: string
  ): Promise<FeedbackRecord> {
    const at = now.toISOString();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = this.db
        .prepare(
          'INSERT INTO feedback (region_id, series_key, verdict, user, reason, created_at, threshold_before, threshold_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'
        )
        .run(
          input.regionId,
          input.seriesKey,
          input.verdict,
          input.user,
          input.reason,
          at,
          input.thresholdBefore,
          input.thresholdAfter
        );
      this.db
        .prepare(
          'INSERT INTO series_sensitivity (series_key, threshold, updated_at) VALUES (?, ?, ?) ON CONFLICT(series_key) DO UPDATE SET threshold = excluded.threshold, updated_at = excluded.updated_at'
        )
        .run(input.seriesKey, input.thresholdAfter, at);
      this.insertAudit(
        {
          actor: input.user,
          action: `anomaly.feedback.${input.verdict}`,
          subject: input.regionId,
          details: {
            seriesKey: input.seriesKey,
            reason: input.reason,
            thresholdBefore: input.thresholdBefore,
            thresholdAfter: input.thresholdAfter,
            ...(credential ? { credential } : {}),
          },
        },
        at
      );
      this.db.exec('COMMIT');
      return { ...input, id: Number(result.lastInsertRowid), createdAt: at };
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async listFeedback(seriesKey?: string): Promise<FeedbackRecord[]> {
    const rows = (seriesKey === undefined
      ? this.db.prepare('SELECT * FROM feedback ORDER BY id').all()
      : this.db
          .prepare('SELECT * FROM feedback WHERE series_key = ? ORDER BY id')
          .all(seriesKey)) as unknown as FeedbackRow[];
    return rows.map(toFeedback);
  }

  private insertAudit(entry: Omit<AuditRecord, 'id' | 'at'>, at: string): number {
    const r = this.db
      .prepare('INSERT INTO audit (at, actor, action, subject, details) VALUES (?, ?, ?, ?, ?)')
      .run(at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details));
    return Number(r.lastInsertRowid);
  }

  async audit(entry: Omit<AuditRecord, 'id' | 'at'>, now: Date): Promise<AuditRecord> {
    const at = now.toISOString();
    return { ...entry, id: this.insertAudit(entry, at), at };
  }

  async listAudit(limit = 100): Promise<AuditRecord[]> {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as unknown as Array<
      Omit<AuditRecord, 'details'> & { details: string }
    >;
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }

  /** Runs `fn` in one IMMEDIATE transaction (a writer lock, so compare-and-set holds across processes). */
  private transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Inside a transaction: the insertion sequence orders actions (the writer lock makes max + 1 safe). */
  private insertActionRow(action: ActionRecord, audit: AuditInput): void {
    this.db
      .prepare(
        'INSERT INTO actions (id, service, status, created_at, updated_at, record, seq) VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM actions))'
      )
      .run(action.id, action.service, action.status, action.createdAt, action.updatedAt, JSON.stringify(action));
    this.insertAudit(audit, action.updatedAt);
  }

  /** Inside a transaction: compare-and-set; false when the stored status is not one of `expected`. */
  private updateActionRow(action: ActionRecord, expected: ActionStatus[], audit: AuditInput): boolean {
    const placeholders = expected.map(() => '?').join(', ');
    const r = this.db
      .prepare(`UPDATE actions SET status = ?, updated_at = ?, record = ? WHERE id = ? AND status IN (${placeholders})`)
      .run(action.status, action.updatedAt, JSON.stringify(action), action.id, ...expected);
    if (Number(r.changes) !== 1) {
      return false;
    }
    this.insertAudit(audit, action.updatedAt);
    return true;
  }

  async insertAction(action: ActionRecord, audit: AuditInput): Promise<void> {
    this.transaction(() => this.insertActionRow(action, audit));
  }

  async updateAction(action: ActionRecord, expected: ActionStatus[], audit: AuditInput): Promise<boolean> {
    return this.transaction(() => this.updateActionRow(action, expected, audit));
  }

  async writeActions(writes: ActionWrite[]): Promise<boolean> {
    try {
      this.transaction(() => {
        for (const w of writes) {
          if (w.expected === undefined) {
            this.insertActionRow(w.action, w.audit);
          } else if (!this.updateActionRow(w.action, w.expected, w.audit)) {
            throw new StaleWrite();
          }
        }
      });
      return true;
    } catch (err) {
      if (err instanceof StaleWrite) {
        return false;
      }
      throw err;
    }
  }

  async getAction(id: string): Promise<ActionRecord | undefined> {
    const row = this.db.prepare('SELECT record FROM actions WHERE id = ?').get(id) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as ActionRecord) : undefined;
  }

  async listActions(query: ActionQuery = {}): Promise<ActionRecord[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (query.statuses && query.statuses.length > 0) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      args.push(...query.statuses);
    }
    if (query.service !== undefined) {
      where.push('service = ?');
      args.push(query.service);
    }
    const sql = `SELECT record FROM actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, query.limit ?? 200) as Array<{ record: string }>;
    return rows.map((r) => JSON.parse(r.record) as ActionRecord);
  }

  async getAutomation(service: string): Promise<AutomationSettings | undefined> {
    const row = this.db.prepare('SELECT settings FROM automation_services WHERE service = ?').get(service) as
      { settings: string } | undefined;
    return row ? (JSON.parse(row.settings) as AutomationSettings) : undefined;
  }

  async listAutomation(): Promise<AutomationSettings[]> {
    const rows = this.db.prepare('SELECT settings FROM automation_services ORDER BY service').all() as Array<{
      settings: string;
    }>;
    return rows.map((r) => JSON.parse(r.settings) as AutomationSettings);
  }

  async putAutomation(settings: AutomationSettings, audit: AuditInput | undefined): Promise<void> {
    this.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO automation_services (service, settings, updated_at) VALUES (?, ?, ?) ON CONFLICT(service) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at'
        )
        .run(settings.service, JSON.stringify(settings), settings.updatedAt);
      if (audit) {
        this.insertAudit(audit, settings.updatedAt);
      }
    });
  }

  async getDetectorState(key: string): Promise<DetectorStateRecord | undefined> {
    const row = this.db.prepare('SELECT key, version, state, updated_at FROM detector_state WHERE key = ?').get(key) as
      { key: string; version: number; state: string; updated_at: string } | undefined;
    return row
      ? { key: row.key, version: row.version, state: JSON.parse(row.state) as unknown, updatedAt: row.updated_at }
      : undefined;
  }

  async putDetectorStates(records: DetectorStateRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    this.transaction(() => {
      const put = this.db.prepare(
        'INSERT INTO detector_state (key, version, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET version = excluded.version, state = excluded.state, updated_at = excluded.updated_at'
      );
      for (const r of records) {
        put.run(r.key, r.version, JSON.stringify(r.state), r.updatedAt);
      }
    });
  }

  async deleteDetectorStatesBefore(updatedBefore: string): Promise<number> {
    const r = this.db.prepare('DELETE FROM detector_state WHERE updated_at < ?').run(updatedBefore);
    return Number(r.changes);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
