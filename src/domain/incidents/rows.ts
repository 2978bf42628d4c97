/**
 * Pure mapping of an anomaly answer (and the feedback given so far) to the Incidents table: one row per region,
 * most recent first, with display strings, plus a one-line summary.
 */
import { dateTimeFormat } from '@grafana/data';
import type {
  AnomalyFeedbackRecord,
  AnomalyResponse,
  AnomalySeverity,
  FeedbackVerdict,
  ThresholdSource,
} from '../../api/types';
import { formatSeconds } from '../query/request';

export interface RegionRow {
  /** Region id: the row id and the handle for feedback. */
  id: string;
  series: string;
  seriesKey: string;
  /** The series' `service` label: what the RCA explorer explains; absent when the series has none. */
  service?: string;
  startMs: number;
  endMs: number;
  /** `YYYY-MM-DD HH:mm:ss` in Grafana's time zone. */
  start: string;
  end: string;
  /** `15m`, `1.5h`; `one step` for a single-point region. */
  duration: string;
  severity: AnomalySeverity;
  /** 0 (low) … 3 (critical), for sorting. */
  severityRank: number;
  peakScore: number;
  /** Peak score with four decimals (scores crowd near 1). */
  peakScoreText: string;
  threshold: number;
  thresholdSource: ThresholdSource;
  /** Latest feedback on the region, if any. */
  feedback?: AnomalyFeedbackRecord;
}

export const SEVERITY_RANK: Readonly<Record<AnomalySeverity, number>> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Badge colour per severity. */
export const SEVERITY_COLOR: Readonly<Record<AnomalySeverity, 'blue' | 'orange' | 'red' | 'purple'>> = {
  low: 'blue',
  medium: 'orange',
  high: 'red',
  critical: 'purple',
};

export const VERDICT_LABEL: Readonly<Record<FeedbackVerdict, string>> = {
  true_positive: 'True positive',
  false_positive: 'False positive',
};

/** Latest record per region id (records come oldest first; a later verdict replaces an earlier one). */
export function latestFeedbackByRegion(records: readonly AnomalyFeedbackRecord[]): Map<string, AnomalyFeedbackRecord> {
  const byRegion = new Map<string, AnomalyFeedbackRecord>();
  for (const r of records) {
    const seen = byRegion.get(r.regionId);
    if (!seen || r.id >= seen.id) {
      byRegion.set(r.regionId, r);
    }
  }
  return byRegion;
}

function duration(startMs: number, endMs: number): string {
  return endMs > startMs ? formatSeconds((endMs - startMs) / 1000) : 'one step';
}

/** Every region of every series → a row, most recent first (then by series name). */
export function regionsToRows(
  response: AnomalyResponse,
  feedback: ReadonlyMap<string, AnomalyFeedbackRecord> = new Map()
): RegionRow[] {
  const rows = response.series.flatMap((s) =>
    s.regions.map((r): RegionRow => ({
      id: r.id,
      series: s.name,
      seriesKey: s.seriesKey,
      ...(s.labels.service ? { service: s.labels.service } : {}),
      startMs: r.startMs,
      endMs: r.endMs,
      start: dateTimeFormat(r.startMs),
      end: dateTimeFormat(r.endMs),
      duration: duration(r.startMs, r.endMs),
      severity: r.severity,
      severityRank: SEVERITY_RANK[r.severity],
      peakScore: r.peakScore,
      peakScoreText: r.peakScore.toFixed(4),
      threshold: s.threshold,
      thresholdSource: s.thresholdSource,
      ...(feedback.has(r.id) ? { feedback: feedback.get(r.id) } : {}),
    }))
  );
  return rows.sort((a, b) => b.startMs - a.startMs || a.series.localeCompare(b.series));
}

/** `3 anomalous regions on 2 of 4 series: 1 critical, 2 high` / `No anomalous regions on 4 series`. */
export function summarizeRegions(response: AnomalyResponse): string {
  const total = response.series.length;
  const seriesText = (n: number) => `${n} series`;
  const withRegions = response.series.filter((s) => s.regions.length > 0).length;
  const counts = new Map<AnomalySeverity, number>();
  for (const s of response.series) {
    for (const r of s.regions) {
      counts.set(r.severity, (counts.get(r.severity) ?? 0) + 1);
    }
  }
  const regions = [...counts.values()].reduce((a, b) => a + b, 0);
  if (regions === 0) {
    return `No anomalous regions on ${seriesText(total)}`;
  }
  const bySeverity = (['critical', 'high', 'medium', 'low'] as const)
    .filter((sev) => counts.has(sev))
    .map((sev) => `${counts.get(sev)} ${sev}`)
    .join(', ');
  const noun = regions === 1 ? 'anomalous region' : 'anomalous regions';
  return `${regions} ${noun} on ${withRegions} of ${seriesText(total)}: ${bySeverity}`;
}

/** `False positive by ann: threshold 0.988 → 0.994`. */
export function describeFeedback(
  record: Pick<AnomalyFeedbackRecord, 'verdict' | 'user' | 'thresholdBefore' | 'thresholdAfter'>
): string {
  const fmt = (n: number) => Number(n.toFixed(6)).toString();
  return `${VERDICT_LABEL[record.verdict]} by ${record.user}: threshold ${fmt(record.thresholdBefore)} → ${fmt(record.thresholdAfter)}`;
}
