/**
 * Pure request building for the Incidents page: the form (PromQL, step), the page's time range and "now" → the body of
 * `POST /api/v1/anomalies`. Uses the datasource's parsers and range rules, so both ask the sidecar the same way.
 */
import type { AnomalyRequest } from '../../api/types';
import { buildAnomalyRequest, type Result } from '../query/request';
import { checkPromQL } from '../query/validation';

/** The simulator's p95 latency: what the demo stack has to show. */
export const DEFAULT_INCIDENT_EXPR = 'aidpe_sim_latency_seconds{quantile="0.95"}';
export const DEFAULT_INCIDENT_STEP = '60s';
/** Step used when the step field is left empty. */
const FALLBACK_STEP_MS = 60_000;

export interface IncidentForm {
  /** PromQL range expression. */
  expr: string;
  /** Resolution, a duration (`60s`) or seconds; empty: 60 s. */
  step: string;
}

export const DEFAULT_INCIDENT_FORM: IncidentForm = {
  expr: DEFAULT_INCIDENT_EXPR,
  step: DEFAULT_INCIDENT_STEP,
};

/** The anomaly request for the form over the page's time range (capped at `nowMs`), at `step`. */
export function buildIncidentRequest(
  form: IncidentForm,
  range: { fromMs: number; toMs: number },
  nowMs: number
): Result<AnomalyRequest> {
  const exprError = checkPromQL(form.expr);
  if (exprError) {
    return { ok: false, error: exprError };
  }
  return buildAnomalyRequest(
    { refId: 'incidents', queryType: 'anomalies', expr: form.expr, step: form.step },
    { fromMs: range.fromMs, toMs: range.toMs, intervalMs: FALLBACK_STEP_MS, nowMs }
  );
}
