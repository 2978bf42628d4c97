/** Pure formatting of audit-trail entries for the Actions page's table. */
import { dateTimeFormat } from '@grafana/data';
import type { AuditEntry } from '../../api/types';

export interface AuditRow {
  id: string;
  atMs: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
}

/** `{"note":"peak"}` → `note: peak`; nested values stay JSON. Empty details give an empty string. */
export function detailsText(details: Record<string, unknown> | undefined): string {
  if (!details || typeof details !== 'object') {
    return '';
  }
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
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
        subject: e.subject,
        details: detailsText(e.details),
      };
    })
    .sort((a, b) => b.atMs - a.atMs || Number(b.id) - Number(a.id));
}
