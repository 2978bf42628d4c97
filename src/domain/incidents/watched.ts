/**
 * Pure mapping of the sidecar watcher's incidents (`GET /api/v1/incidents`) to the Incidents page's table:
 * display strings, the service to explain, and a one-line summary.
 */
import { dateTimeFormat } from '@grafana/data';
import type { AnomalySeverity, IncidentListResponse, SidecarIncident } from '../../api/types';
import { formatSeconds } from '../query/request';
import { SEVERITY_RANK } from './rows';

export interface WatchedIncidentRow {
  id: string;
  title: string;
  query: string;
  /** The series' `service` label, if any: what the RCA explorer explains. */
  service?: string;
  severity: AnomalySeverity;
  severityRank: number;
  status: SidecarIncident['status'];
  startMs: number;
  endMs: number;
  start: string;
  /** `12m`; `one step` for a single-point region. */
  duration: string;
  peakScoreText: string;
}

export function incidentsToRows(list: Pick<IncidentListResponse, 'incidents'>): WatchedIncidentRow[] {
  return list.incidents
    .map((i) => ({
      id: i.id,
      title: i.title,
      query: i.query,
      ...(i.labels.service ? { service: i.labels.service } : {}),
      severity: i.severity,
      severityRank: SEVERITY_RANK[i.severity] ?? 0,
      status: i.status,
      startMs: i.startMs,
      endMs: i.endMs,
      start: dateTimeFormat(i.startMs),
      duration: i.endMs > i.startMs ? formatSeconds((i.endMs - i.startMs) / 1000) : 'one step',
      peakScoreText: i.peakScore.toFixed(4),
    }))
    .sort((a, b) => b.startMs - a.startMs || a.title.localeCompare(b.title));
}

/** `2 open, 5 resolved` / `No incidents yet`; the watcher's last error, if any, is appended. */
export function summarizeIncidents(list: IncidentListResponse): string {
  const open = list.incidents.filter((i) => i.status === 'open').length;
  const resolved = list.incidents.length - open;
  const counts = list.incidents.length === 0 ? 'No incidents yet' : `${open} open, ${resolved} resolved`;
  const error = list.lastRun?.error ? ` (last run failed: ${list.lastRun.error})` : '';
  return `${counts}${error}`;
}
