/**
 * The store contract, implemented on SQLite (`sqlite.ts`, one file, the default) and PostgreSQL
 * (`postgres.ts`, for several sidecar replicas sharing one store). Every method is async so both fit.
 */
import type { ActionRecord, ActionStatus, AutomationMode } from '../domain/actions.ts';

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

/** Per-service automation settings the loop keeps across restarts. */
export interface AutomationSettings {
  service: string;
  mode: AutomationMode;
  /** The HPA as the loop first found it: what the policy returns to, so a restart cannot ratchet it. */
  baselineHpa?: { minReplicas: number; maxReplicas: number; targetCpuUtilization: number };
  breaker: { open: boolean; reason?: string; openedAt?: string; resumedBy?: string; resumedAt?: string };
  updatedAt: string;
  updatedBy: string;
}

export interface ActionQuery {
  statuses?: ActionStatus[];
  service?: string;
  limit?: number;
}

/** An audit entry written in the same transaction as the action change it describes. */
export type AuditInput = Omit<AuditRecord, 'id' | 'at'>;

/** One write of `writeActions`: an insert (no `expected`) or a compare-and-set update, with its audit entry. */
export interface ActionWrite {
  action: ActionRecord;
  /** The statuses the stored action may have for the update to apply; absent: insert a new action. */
  expected?: ActionStatus[];
  audit: AuditInput;
}

/**
 * Actions and automation settings. Async so that a PostgreSQL store (several sidecar replicas) can implement
 * it; every write goes with its audit entry in one transaction, and status changes are compare-and-set so
 * two replicas (or two operators) cannot both approve or roll back the same action.
 */
export interface ActionStore {
  insertAction(action: ActionRecord, audit: AuditInput): Promise<void>;
  /**
   * Replaces the action when its stored status is one of `expected`; returns false (and writes nothing)
   * when another writer got there first.
   */
  updateAction(action: ActionRecord, expected: ActionStatus[], audit: AuditInput): Promise<boolean>;
  /**
   * Several inserts and compare-and-set updates in one transaction: all or nothing. Returns false (and writes
   * nothing) when any update finds its action in another status. A crash leaves either none or all of them.
   */
  writeActions(writes: ActionWrite[]): Promise<boolean>;
  getAction(id: string): Promise<ActionRecord | undefined>;
  /** Newest first, in the order the store recorded them (not by clock: a restarted clock cannot reorder them). */
  listActions(query?: ActionQuery): Promise<ActionRecord[]>;
  getAutomation(service: string): Promise<AutomationSettings | undefined>;
  listAutomation(): Promise<AutomationSettings[]>;
  putAutomation(settings: AutomationSettings, audit: AuditInput | undefined): Promise<void>;
}

/** A streaming detector's state for one series key, kept across sidecar restarts. */
export interface DetectorStateRecord {
  key: string;
  /** The state format's version: a reader discards a state of another version and rebuilds it from history. */
  version: number;
  /** JSON-safe; stored as JSON text so numbers round-trip bit-exactly. */
  state: unknown;
  updatedAt: string;
}

export interface Store extends ActionStore {
  /** Where the store lives, for health (a file path, or a PostgreSQL URL without its password). */
  readonly location: string;
  readonly kind: 'sqlite' | 'postgres';
  /** Per-series detection threshold set by feedback; undefined when the series has none. */
  getThreshold(seriesKey: string): Promise<number | undefined>;
  /**
   * Records feedback, the threshold change it causes and an audit entry, in one transaction; `credential` (how
   * the user was known) goes into the audit entry.
   */
  addFeedback(input: Omit<FeedbackRecord, 'id' | 'createdAt'>, now: Date, credential?: string): Promise<FeedbackRecord>;
  listFeedback(seriesKey?: string): Promise<FeedbackRecord[]>;
  audit(entry: Omit<AuditRecord, 'id' | 'at'>, now: Date): Promise<AuditRecord>;
  /** Newest first. */
  listAudit(limit?: number): Promise<AuditRecord[]>;
  /** The stored detector state for a series key, undefined when there is none. */
  getDetectorState(key: string): Promise<DetectorStateRecord | undefined>;
  /** Writes (replaces) several detector states in one transaction. */
  putDetectorStates(records: DetectorStateRecord[]): Promise<void>;
  /** Deletes the detector states last updated before `updatedBefore` (ISO); returns how many. */
  deleteDetectorStatesBefore(updatedBefore: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
