/**
 * Pure formatting of audit-trail entries for the Actions page: each entry as a plain sentence ("Approved
 * replicas 3 → 5 for frontend"), who did it, and the remaining facts as a short list; the raw entry stays
 * available for inspection.
 */
import { dateTimeFormat } from '@grafana/data';
import type { ActionChange, AuditEntry, HpaFields } from '../../api/types';
import { describeChange, MODE_LABEL } from './format';

export interface AuditRow {
  id: string;
  atMs: number;
  at: string;
  actor: string;
  /** The technical action name (`action.approve`), for filtering and the tooltip. */
  action: string;
  /** What happened, in words. */
  summary: string;
  subject: string;
  /** Other facts worth reading (note, reason), `key: value` joined; empty when none. */
  details: string;
  /** The entry's details as sent, for the expanded row. */
  raw: Record<string, unknown>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function changeOf(details: Record<string, unknown>): string | undefined {
  const change = details.change as ActionChange | undefined;
  if (!change || typeof change !== 'object') {
    return undefined;
  }
  try {
    const before = details.before as { replicas?: number; hpa?: Partial<HpaFields> } | null | undefined;
    return describeChange(change, before ?? undefined);
  } catch {
    return undefined;
  }
}

/** "Approved", "Rolled back" … for the last part of an action name. */
const VERBS: Readonly<Record<string, string>> = {
  proposed: 'Proposed',
  pending_approval: 'Asked for approval of',
  approve: 'Approved',
  approved: 'Approved',
  reject: 'Rejected',
  rejected: 'Rejected',
  applying: 'Applying',
  applied: 'Applied',
  failed: 'Failed to apply',
  expired: 'Expired (no decision in time):',
  superseded: 'Superseded',
  rollback: 'Rolled back',
  rollback_applying: 'Rolling back',
  rolling_back: 'Rolling back',
  rolled_back: 'Rolled back',
  rollback_failed: 'Failed to roll back',
  outcome: 'Recorded the outcome of',
  guard_rejected: 'Safety guards refused',
  dry_run_failed: 'Dry run failed for',
};

/** One audit entry in words. */
export function auditSummary(entry: Pick<AuditEntry, 'action' | 'subject' | 'details'>): string {
  const d = entry.details ?? {};
  const service = str(d.service);
  const [kind, verb = ''] = entry.action.split('.', 2) as [string, string | undefined];
  if (kind === 'action') {
    const change = changeOf(d) ?? 'a change';
    const what = `${VERBS[verb] ?? humanize(verb)} ${change}${service ? ` for ${service}` : ''}`;
    return verb === 'guard_rejected' && str(d.reason) ? `${what}: ${str(d.reason)}` : what;
  }
  if (kind === 'automation') {
    const who = service ?? entry.subject;
    if (verb === 'mode') {
      const mode = str(d.mode) ?? str(d.to);
      return `Set ${who} to ${mode ? (MODE_LABEL[mode as keyof typeof MODE_LABEL] ?? mode).toLowerCase() : 'another'} mode`;
    }
    if (verb === 'resumed') {
      return `Resumed automation of ${who} after the circuit breaker`;
    }
    if (verb === 'breaker_opened') {
      return `Circuit breaker opened for ${who}: automation paused`;
    }
    if (verb === 'enrolled') {
      return `${who} is managed by AIDPE`;
    }
  }
  if (kind === 'incident') {
    const title = str(d.title) ?? entry.subject;
    return `${verb === 'opened' ? 'Opened' : verb === 'resolved' ? 'Resolved' : humanize(verb)} incident ${title}`;
  }
  if (kind === 'anomaly' || kind === 'feedback') {
    const verdict = str(d.verdict) ?? entry.action.split('.')[2];
    return `Marked an anomalous region as ${verdict ? verdict.replace('_', ' ') : 'reviewed'}`;
  }
  return `${humanize(kind)}: ${humanize(verb)}`;
}

function humanize(name: string): string {
  const words = name.replace(/[_.]/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : '';
}

/** The facts a person reads beside the sentence: the note and reason (the rest is in the raw entry). */
export function detailsText(details: Record<string, unknown> | undefined): string {
  if (!details || typeof details !== 'object') {
    return '';
  }
  return (['note', 'reason', 'error', 'outcome'] as const)
    .flatMap((key) => {
      const v = details[key];
      if (v === undefined || v === null || v === '') {
        return [];
      }
      return [`${key}: ${typeof v === 'string' ? v : JSON.stringify(v)}`];
    })
    .join(' · ');
}

/** Audit entries → rows, newest first. */
export function auditRows(entries: readonly AuditEntry[]): AuditRow[] {
  return entries
    .map((e): AuditRow => {
      const atMs = Date.parse(e.at);
      return {
        id: String(e.id),
        atMs: Number.isFinite(atMs) ? atMs : 0,
        at: Number.isFinite(atMs) ? dateTimeFormat(atMs) : e.at,
        actor: e.actor,
        action: e.action,
        summary: auditSummary(e),
        subject: e.subject,
        details: detailsText(e.details),
        raw: { ...(e.details ?? {}) },
      };
    })
    .sort((a, b) => b.atMs - a.atMs || Number(b.id) - Number(a.id));
}
