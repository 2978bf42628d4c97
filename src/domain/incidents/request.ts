/**
 * Pure request building for the Incidents page: the form (PromQL, relative range, step) and "now" → the body of
 * `POST /api/v1/anomalies`. Uses the datasource's parsers and range rules, so both ask the sidecar the same way.
 */
import type { AnomalyRequest } from '../../api/types';
import { buildAnomalyRequest, parseDuration, type Result } from '../query/request';
import { checkPromQL } from '../query/validation';

/** The simulator's p95 latency: what the demo stack has to show. */
export const DEFAULT_INCIDENT_EXPR = 'aidpe_sim_latency_seconds{quantile="0.95"}';
export const DEFAULT_INCIDENT_RANGE = '6h';
export const DEFAULT_INCIDENT_STEP = '60s';
/** Step used when the step field is left empty. */
const FALLBACK_STEP_MS = 60_000;

/**
 * Ranges the page offers, up to 2 days: with a 60 s step and the 1,440 warm-up steps the sidecar adds,
 * that stays within Prometheus' 11,000 points per series.
 */
export const INCIDENT_RANGES: ReadonlyArray<{ label: string; value: string }> = [
  { label: '1h', value: '1h' },
  { label: '3h', value: '3h' },
  { label: '6h', value: '6h' },
  { label: '12h', value: '12h' },
  { label: '24h', value: '24h' },
  { label: '2d', value: '2d' },
];

export interface IncidentForm {
  /** PromQL range expression. */
  expr: string;
  /** How far back from now, as a duration (`6h`). */
  range: string;
  /** Resolution, a duration (`60s`) or seconds; empty: 60 s. */
  step: string;
}

export const DEFAULT_INCIDENT_FORM: IncidentForm = {
  expr: DEFAULT_INCIDENT_EXPR,
  range: DEFAULT_INCIDENT_RANGE,
  step: DEFAULT_INCIDENT_STEP,
};

/** The anomaly request for the form: the last `range` up to `nowMs`, at `step`. */
export function buildIncidentRequest(form: IncidentForm, nowMs: number): Result<AnomalyRequest> {
  const exprError = checkPromQL(form.expr);
  if (exprError) {
    return { ok: false, error: exprError };
  }
  const rangeSeconds = parseDuration(form.range);
  if (rangeSeconds === undefined || rangeSeconds <= 0) {
    return { ok: false, error: `Range "${form.range}" is not a duration such as 6h` };
  }
  return buildAnomalyRequest(
    { refId: 'incidents', queryType: 'anomalies', expr: form.expr, step: form.step },
    { fromMs: nowMs - rangeSeconds * 1000, toMs: nowMs, intervalMs: FALLBACK_STEP_MS, nowMs }
  );
}
