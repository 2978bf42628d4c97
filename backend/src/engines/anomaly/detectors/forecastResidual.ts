/**
 * Forecast-residual anomaly scoring: the forecasting ensemble predicts the next few points with a 95% band
 * from the history seen so far (no look-ahead), and each new point is scored by how far outside that band it
 * falls. Combined with the AIDPE detector (mean of the two scores) it catches changes the seasonal-residual
 * statistics alone miss. Streaming and bounded: the history kept is at most HISTORY_POINTS.
 *
 * Cost: one ensemble forecast per REFRESH_POINTS points (≈0.5 ms a point), far slower than the purely
 * statistical detector; use it where that budget exists (dashboards, evaluation), not on every metric.
 */
import type { Candidate } from '../../forecast/candidates.ts';
import { forecastSeries } from '../../forecast/engine.ts';
import { erfc } from '../baselines.ts';
import { createResidualLikelihoodDetector } from './residualLikelihood.ts';

/** History the forecaster sees: a week at 5-minute steps. */
const HISTORY_POINTS = 2016;
/** Forecast this many points ahead, then forecast again: short leads keep the band tight. */
const REFRESH_POINTS = 6;
/** No forecast-residual score before this many points (the ensemble needs history to backtest). */
const WARM_UP_POINTS = 400;
const S_MAX = Math.log(1e10);

/** −ln of the two-sided Gaussian tail of z, scaled to [0, 1] on Numenta's log-likelihood scale. */
function surprise(z: number): number {
  const p = Math.max(1e-300, erfc(z / Math.SQRT2));
  return Math.min(1, Math.max(0, -Math.log(p)) / S_MAX);
}

/**
 * Scores a whole series in one streaming pass. `timestampsMs` must increase; the step is the median spacing.
 * Returns the forecast-residual score and the combined score (mean with the AIDPE detector).
 */
export async function runForecastResidual(
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
  candidates: Candidate[]
): Promise<{ residual: Float64Array; combined: Float64Array }> {
  const n = values.length;
  const residual = new Float64Array(n);
  const combined = new Float64Array(n);
  if (n < 2) {
    return { residual, combined };
  }
  const step = (timestampsMs[n - 1]! - timestampsMs[0]!) / 1000 / (n - 1);
  const aidpe = createResidualLikelihoodDetector();
  const history = new Float64Array(HISTORY_POINTS);
  let kept = 0;
  let band: { base: number; p50: Float64Array; lo: Float64Array; hi: Float64Array } | undefined;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (i >= WARM_UP_POINTS && (i - WARM_UP_POINTS) % REFRESH_POINTS === 0 && kept >= 32) {
      const outcome = await forecastSeries(
        { values: history.slice(HISTORY_POINTS - kept), stepSeconds: step, lastTimestamp: timestampsMs[i - 1]! / 1000 },
        { horizon: REFRESH_POINTS, quantiles: [0.025, 0.975] },
        candidates
      );
      const f = outcome.forecast;
      band = f ? { base: i, p50: f.p50, lo: f.quantiles.get(0.025)!, hi: f.quantiles.get(0.975)! } : undefined;
    }
    if (band && Number.isFinite(v)) {
      const k = i - band.base;
      const scale = Math.max(1e-9 * (1 + Math.abs(band.p50[k]!)), (band.hi[k]! - band.lo[k]!) / 3.92);
      residual[i] = surprise(Math.abs(v - band.p50[k]!) / scale);
    }
    const a = aidpe.update(timestampsMs[i]!, v);
    combined[i] = 0.5 * (a + residual[i]!);
    if (Number.isFinite(v)) {
      // Shift-in at the end (bounded buffer): copyWithin keeps it allocation-free.
      history.copyWithin(0, 1);
      history[HISTORY_POINTS - 1] = v;
      kept = Math.min(HISTORY_POINTS, kept + 1);
    }
  }
  return { residual, combined };
}
