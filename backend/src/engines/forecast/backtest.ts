/**
 * Rolling-origin backtest of every candidate on the series' own recent history: the table of their
 * forecasts at each origin and at the real origin, from which the ensemble is chosen (combine.ts). The
 * table is the expensive part; the evaluation builds it once and tries several ensemble settings on it.
 */
import type { Candidate, CandidateForecast, ForecastWindow } from './candidates.ts';
import type { ForecastReason } from './types.ts';

export const MIN_HISTORY = 16;
/**
 * Backtest at least this many forecast points (spread over origins) so the residual quantiles, the 95% band's
 * above all, rest on enough errors: 32 origins of 12 steps rather than 16.
 */
const MIN_BACKTEST_POINTS = 384;
const MAX_BACKTEST_ORIGINS = 32;
export const MIN_BACKTEST_ORIGINS = 3;
const BACKTEST_OVERLAP = 3;
/**
 * Long horizons backtest from up to 24 overlapping origins (about a week at 5-minute steps): on the early,
 * never-scored part of the NAB files 5 → 9 → 16 → 24 origins kept improving the choice, 32 no longer did.
 */
const LONG_HORIZON_BACKTEST_ORIGINS = 24;
/** Names of the deep (ONNX) candidates, for the reasons given when they cannot take part. */
export const DEEP_CANDIDATE_NAMES = ['lstm', 'tft_lite', 'nhits'];

export interface CandidateRow {
  candidate: Candidate;
  /** Forecast per backtest origin (aligned with `origins`, undefined where not applicable), then the final one. */
  preds: Array<CandidateForecast | undefined>;
}

export interface BacktestTable {
  horizon: number;
  /** The cleaned history. */
  y: Float64Array;
  /** Backtest origins (indices into y), latest first. */
  origins: number[];
  /** Mean absolute one-step change of y (the MASE-like scale of the reported errors). */
  scale: number;
  rows: CandidateRow[];
}

function window(
  values: Float64Array,
  end: number,
  lastTimestamp: number,
  base: Omit<ForecastWindow, 'values' | 'lastTimestamp'>
): ForecastWindow {
  return { ...base, values: values.subarray(0, end), lastTimestamp };
}

/** Origins from n − h backwards: one horizon apart, or a third of it for long horizons (overlapping windows). */
export function backtestOrigins(n: number, h: number, minOriginHistory: number): number[] {
  const stride = h >= 48 ? Math.ceil(h / BACKTEST_OVERLAP) : h;
  const wanted =
    h >= 48
      ? LONG_HORIZON_BACKTEST_ORIGINS
      : Math.min(MAX_BACKTEST_ORIGINS, Math.max(MIN_BACKTEST_ORIGINS, Math.ceil(MIN_BACKTEST_POINTS / h)));
  const origins: number[] = [];
  for (let j = 0; j < wanted && n - h - j * stride >= minOriginHistory; j++) {
    origins.push(n - h - j * stride);
  }
  return origins;
}

/**
 * Runs every applicable candidate at every origin (expensive ones at their most recent origins only) and at
 * the real origin. A candidate that throws is dropped with a reason; the rest go on.
 */
export async function runBacktest(
  y: Float64Array,
  lastTimestamp: number,
  base: Omit<ForecastWindow, 'values' | 'lastTimestamp'>,
  h: number,
  candidates: Candidate[],
  reasons: ForecastReason[],
  scale: number
): Promise<BacktestTable> {
  const n = y.length;
  const step = base.stepSeconds;
  const minOriginHistory = Math.max(MIN_HISTORY, base.season > 0 ? 2 * base.season : 0);
  const origins = backtestOrigins(n, h, minOriginHistory);
  const final = window(y, n, lastTimestamp, base);
  const windows = origins.map((o) => window(y, o, lastTimestamp - (n - o) * step, base));
  // Candidates that need a long context (the deep models) may fit only the later origins of a short history:
  // they are backtested on those, and their error is put on the full set's scale by combine.ts.
  const coverage = new Map(
    candidates.map((c) => [
      c,
      c.applicable(final, h)
        ? windows.map((w, j) => j < (c.maxBacktestOrigins ?? Infinity) && c.applicable(w, h))
        : undefined,
    ])
  );
  const usable = candidates.filter((c) => {
    const cov = coverage.get(c);
    return (
      cov !== undefined &&
      (cov.every(Boolean) || cov.filter(Boolean).length >= Math.min(MIN_BACKTEST_ORIGINS, origins.length))
    );
  });
  for (const skipped of candidates.filter((c) => !usable.includes(c))) {
    if (DEEP_CANDIDATE_NAMES.includes(skipped.name)) {
      const why: ForecastReason =
        h > 288
          ? {
              code: 'horizon_beyond_deep_models',
              message: `${skipped.name} forecasts at most 288 steps; statistical models only`,
            }
          : {
              code: 'too_short_for_deep_models',
              message: `${skipped.name} needs a longer history before each backtest origin`,
            };
      if (!reasons.some((r) => r.code === why.code)) {
        reasons.push(why);
      }
    }
  }
  const settled = await Promise.all(
    usable.map(async (c): Promise<CandidateRow | undefined> => {
      try {
        const cov = coverage.get(c)!;
        const subset = windows.filter((_, j) => cov[j]);
        const got = await c.predict([...subset, final], h);
        let next = 0;
        const preds: Array<CandidateForecast | undefined> = cov.map((ok) => (ok ? got[next++] : undefined));
        preds.push(got[subset.length]);
        if (!preds[origins.length]) {
          return undefined; // no final forecast: nothing to contribute
        }
        return { candidate: c, preds };
      } catch (err) {
        reasons.push({
          code: DEEP_CANDIDATE_NAMES.includes(c.name) ? 'deep_models_unavailable' : 'candidate_failed',
          message: `${c.name} failed (${(err as Error).message}); forecast without it`,
        });
        return undefined;
      }
    })
  );
  return { horizon: h, y, origins, scale, rows: settled.filter((r): r is CandidateRow => r !== undefined) };
}
