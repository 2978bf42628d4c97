/**
 * The store on PostgreSQL, for several sidecar replicas sharing one audit trail and one set of actions.
 * Same contract as the SQLite store: every change goes with its audit entry in one transaction, status
 * changes are compare-and-set (`UPDATE … WHERE status = ANY(…)`), and the audit table refuses UPDATE and
 * DELETE through triggers.
 */
import pg from 'pg';
import type { ActionRecord, ActionStatus } from '../domain/actions.ts';
import { migratePostgres } from './migrations.ts';
import type {
  ActionQuery,
  ActionWrite,
  AuditInput,
  AuditRecord,
  AutomationSettings,
  DetectorStateRecord,
  FeedbackRecord,
  Store,
} from './types.ts';
import { urlWithoutPassword } from '../config/redact.ts';

/** The URL without its password, for health and logs. */
export function redactPostgresUrl(url: string): string {
  return urlWithoutPassword(url, 'postgres (unparseable URL)');
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Aborts a `writeActions` transaction whose compare-and-set found another status. */
class StaleWrite extends Error {}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly location: string;
  private readonly pool: pg.Pool;

  private constructor(url: string, pool: pg.Pool) {
    this.location = redactPostgresUrl(url);
    this.pool = pool;
  }

  /** Connects and creates the schema (idempotent; an advisory lock keeps concurrent replicas from racing). */
  static async open(url: string, options: { connectTimeoutMs?: number; max?: number } = {}): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      max: options.max ?? 5,
    });
    // An idle client that errors (server restart) must not crash the sidecar; the next query reconnects.
    pool.on('error', () => undefined);
    const store = new PostgresStore(url, pool);
    try {
      await store.transaction(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock(4242001)');
        await migratePostgres(c);
      });
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return store;
  }

  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async insertAudit(c: Queryable, entry: AuditInput, at: string): Promise<number> {
    const r = await c.query<{ id: string }>(
      'INSERT INTO aidpe_audit (at, actor, action, subject, details) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [at, entry.actor, entry.action, entry.subject, JSON.stringify(entry.details)]
    );
    return Number(r.rows[0]!.id);
  }

  async getThreshold(seriesKey: string): Promise<number | undefined> {
    const r = await this.pool.query<{ threshold: number }>(
      'SELECT threshold FROM aidpe_series_sensitivity WHERE series_key = $1',
      [seriesKey]
    );
    return r.rows[0]?.threshold;
  }

  async addFeedback(
    input: Omit<FeedbackRecord, 'id' | 'createdAt'>,
    now: Date,
    credential?: string
  ): Promise<FeedbackRecord> {
    const at = now.toISOString();
    return this.transaction(async (c) => {
      const r = await c.query<{ id: string }>(
        'INSERT INTO aidpe_feedback (region_id, series_key, verdict, "user", reason, created_at, threshold_before, threshold_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
        [
          input.regionId,
          input.seriesKey,
          input.verdict,
          input.user,
          input.reason,
          at,
          input.thresholdBefore,
          input.thresholdAfter,
        ]
      );
      await c.query(
        'INSERT INTO aidpe_series_sensitivity (series_key, threshold, updated_at) VALUES ($1, $2, $3) ON CONFLICT (series_key) DO UPDATE SET threshold = EXCLUDED.threshold, updated_at = EXCLUDED.updated_at',
        [input.seriesKey, input.thresholdAfter, at]
      );
      await this.insertAudit(
        c,
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
      return { ...input, id: Number(r.rows[0]!.id), createdAt: at };
    });
  }

  async listFeedback(seriesKey?: string): Promise<FeedbackRecord[]> {
    const r =
      seriesKey === undefined
        ? await this.pool.query('SELECT * FROM aidpe_feedback ORDER BY id')
        : await this.pool.query('SELECT * FROM aidpe_feedback WHERE series_key = $1 ORDER BY id', [seriesKey]);
    return r.rows.map((x) => ({
      id: Number(x.id),
      regionId: x.region_id,
      seriesKey: x.series_key,
      verdict: x.verdict,
      user: x.user,
      reason: x.reason,
      createdAt: x.created_at,
      thresholdBefore: x.threshold_before,
      thresholdAfter: x.threshold_after,
    }));
  }

  async audit(entry: Omit<AuditRecord, 'id' | 'at'>, now: Date): Promise<AuditRecord> {
    const at = now.toISOString();
    return { ...entry, id: await this.insertAudit(this.pool, entry, at), at };
  }

  async listAudit(limit = 100): Promise<AuditRecord[]> {
    const r = await this.pool.query('SELECT * FROM aidpe_audit ORDER BY id DESC LIMIT $1', [limit]);
    return r.rows.map((x) => ({
      id: Number(x.id),
      at: x.at,
      actor: x.actor,
      action: x.action,
      subject: x.subject,
      details: x.details as Record<string, unknown>,
    }));
  }

  private async insertActionRow(c: Queryable, action: ActionRecord, audit: AuditInput): Promise<void> {
    await c.query(
      'INSERT INTO aidpe_actions (id, service, status, created_at, updated_at, record) VALUES ($1, $2, $3, $4, $5, $6)',
      [action.id, action.service, action.status, action.createdAt, action.updatedAt, JSON.stringify(action)]
    );
    await this.insertAudit(c, audit, action.updatedAt);
  }

  private async updateActionRow(
    c: Queryable,
    action: ActionRecord,
    expected: ActionStatus[],
    audit: AuditInput
  ): Promise<boolean> {
    const r = await c.query(
      'UPDATE aidpe_actions SET status = $1, updated_at = $2, record = $3 WHERE id = $4 AND status = ANY($5::text[])',
      [action.status, action.updatedAt, JSON.stringify(action), action.id, expected]
    );
    if (r.rowCount !== 1) {
      return false;
    }
    await this.insertAudit(c, audit, action.updatedAt);
    return true;
  }

  async insertAction(action: ActionRecord, audit: AuditInput): Promise<void> {
    await this.transaction((c) => this.insertActionRow(c, action, audit));
  }

  async updateAction(action: ActionRecord, expected: ActionStatus[], audit: AuditInput): Promise<boolean> {
    return this.transaction((c) => this.updateActionRow(c, action, expected, audit));
  }

  async writeActions(writes: ActionWrite[]): Promise<boolean> {
    try {
      await this.transaction(async (c) => {
        for (const w of writes) {
          if (w.expected === undefined) {
            await this.insertActionRow(c, w.action, w.audit);
          } else if (!(await this.updateActionRow(c, w.action, w.expected, w.audit))) {
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
    const r = await this.pool.query<{ record: ActionRecord }>('SELECT record FROM aidpe_actions WHERE id = $1', [id]);
    return r.rows[0]?.record;
  }

  async listActions(query: ActionQuery = {}): Promise<ActionRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.statuses && query.statuses.length > 0) {
      args.push(query.statuses);
      where.push(`status = ANY($${args.length}::text[])`);
    }
    if (query.service !== undefined) {
      args.push(query.service);
      where.push(`service = $${args.length}`);
    }
    args.push(query.limit ?? 200);
    const r = await this.pool.query<{ record: ActionRecord }>(
      `SELECT record FROM aidpe_actions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${args.length}`,
      args
    );
    return r.rows.map((x) => x.record);
  }

  async getAutomation(service: string): Promise<AutomationSettings | undefined> {
    const r = await this.pool.query<{ settings: AutomationSettings }>(
      'SELECT settings FROM aidpe_automation_services WHERE service = $1',
      [service]
    );
    return r.rows[0]?.settings;
  }

  async listAutomation(): Promise<AutomationSettings[]> {
    const r = await this.pool.query<{ settings: AutomationSettings }>(
      'SELECT settings FROM aidpe_automation_services ORDER BY service'
    );
    return r.rows.map((x) => x.settings);
  }

  async putAutomation(settings: AutomationSettings, audit: AuditInput | undefined): Promise<void> {
    await this.transaction(async (c) => {
      await c.query(
        'INSERT INTO aidpe_automation_services (service, settings, updated_at) VALUES ($1, $2, $3) ON CONFLICT (service) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at',
        [settings.service, JSON.stringify(settings), settings.updatedAt]
      );
      if (audit) {
        await this.insertAudit(c, audit, settings.updatedAt);
      }
    });
  }

  async getDetectorState(key: string): Promise<DetectorStateRecord | undefined> {
    const r = await this.pool.query<{ key: string; version: number; state: string; updated_at: string }>(
      'SELECT key, version, state, updated_at FROM aidpe_detector_state WHERE key = $1',
      [key]
    );
    const row = r.rows[0];
    return row
      ? { key: row.key, version: row.version, state: JSON.parse(row.state) as unknown, updatedAt: row.updated_at }
      : undefined;
  }

  async putDetectorStates(records: DetectorStateRecord[]): Promise<void> {
    if (records.length === 0) {
      return;
    }
    await this.transaction(async (c) => {
      for (const r of records) {
        await c.query(
          'INSERT INTO aidpe_detector_state (key, version, state, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at',
          [r.key, r.version, JSON.stringify(r.state), r.updatedAt]
        );
      }
    });
  }

  async deleteDetectorStatesBefore(updatedBefore: string): Promise<number> {
    const r = await this.pool.query('DELETE FROM aidpe_detector_state WHERE updated_at < $1', [updatedBefore]);
    return r.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
