/**
 * Watches one service's load against its own forecasts, online, and says how far the forecast can be
 * trusted now. Three signals, each from published, general methods:
 * - calibration (split-conformal style, on a sliding window): every forecast's first step is judged on
 *   the mean load realised over that step; the ratios realised ÷ p50 give any quantile of the forecast
 *   (`quantile(q)`: p50 × the q-quantile of recent ratios) and the share of steps above the p90;
 * - change points: a two-sided CUSUM (Page, 1954) on the standardised log ratios (median of the window
 *   before; scale its MAD, but never below the spread the forecast declared, so a shift inside the band
 *   the forecast allowed for is not one); a change point means the history the forecast rests on no longer describes the load,
 *   so the window restarts after it;
 * - bursts: the load now above the recent median by more than `burstZ` robust standard deviations *and*
 *   above the p90 of the forecast that was in force before it (the step covering now). A spike the
 *   forecast expected (a regular timer burst, a daily peak) says nothing about its reliability; only an
 *   unforeseen one is evidence of a regime change. Without a forecast in force every burst counts.
 * `assess` turns them into a verdict (reliable or not, and why) and an SLO-risk level, which the policy
 * maps to the forecast quantile it provisions for. Settings are in seconds, never in points. Pure.
 */
import type { RateForecast } from './types.ts';

export interface RegimeConfig {
  /** Forecast judgements kept for calibration (seconds). */
  calibrationSeconds: number;
  /** Judgements needed before the calibration (and its exceedance share) counts. */
  minJudgements: number;
  /** CUSUM allowance and decision threshold, in robust standard deviations of the log ratio. */
  cusumDrift: number;
  cusumThreshold: number;
  /** Robust z of the load now over the recent median that marks a burst. */
  burstZ: number;
  /** The window the burst baseline (median, MAD of the load) covers (seconds). */
  burstBaselineSeconds: number;
  /** How long a burst keeps the SLO risk raised (seconds). */
  burstMemorySeconds: number;
  /** How long after a change point the forecast is distrusted (seconds). */
  changeMemorySeconds: number;
  /** Share of judged steps above the p90 beyond which the forecast is unreliable (nominal 0.1). */
  maxExceedance: number;
  /** Unforeseen bursts (above the forecast's p90) within `burstMemorySeconds` that make the forecast unreliable (0: bursts never do). */
  burstsForUnreliable: number;
}

export const DEFAULT_REGIME_CONFIG: Readonly<RegimeConfig> = Object.freeze({
  calibrationSeconds: 3600,
  minJudgements: 20,
  cusumDrift: 0.5,
  cusumThreshold: 6,
  burstZ: 5,
  burstBaselineSeconds: 1800,
  burstMemorySeconds: 1800,
  changeMemorySeconds: 1800,
  maxExceedance: 0.3,
  burstsForUnreliable: 2,
});

/** How far back `recentPeak` can look (seconds). */
export const LOAD_MEMORY_SECONDS = 3600;

export type SloRisk = 'calm' | 'normal' | 'elevated';

export interface RegimeAssessment {
  reliable: boolean;
  /** Why the forecast is not trusted (empty when it is). */
  reasons: string[];
  risk: SloRisk;
  /** Share of judged steps whose load was above the p90 (undefined before `minJudgements`). */
  exceedance?: number;
  judgements: number;
  lastChangeMs?: number;
  lastBurstMs?: number;
}

interface Pending {
  fromMs: number;
  toMs: number;
  p50: number;
  p90: number;
  sum: number;
  count: number;
}

interface Judgement {
  timeMs: number;
  logRatio: number;
  aboveP90: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The q-quantile (linear interpolation) of xs. */
export function quantileOf(xs: readonly number[], q: number): number {
  if (xs.length === 0) {
    return Number.NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** The p90 of the step of `f` that covers `timeMs` (steps cover (t0 + k·step, t0 + (k+1)·step]); undefined outside. */
export function p90At(f: RateForecast, timeMs: number): number | undefined {
  const stepMs = f.stepSeconds * 1000;
  if (!(stepMs > 0) || timeMs <= f.generatedAtMs) {
    return undefined;
  }
  const k = Math.ceil((timeMs - f.generatedAtMs) / stepMs) - 1;
  return k < f.p50.length ? (f.p90[k] ?? f.p50[k]) : undefined;
}

export class RegimeMonitor {
  readonly config: RegimeConfig;
  private lastForecastAtMs: number | undefined;
  private pending: Pending[] = [];
  private judgements: Judgement[] = [];
  private cusumUp = 0;
  private cusumDown = 0;
  private readonly loads: Array<{ timeMs: number; rate: number }> = [];
  private readonly bursts: number[] = [];
  private readonly changes: number[] = [];
  private inBurst = false;
  /** The forecast in force before the latest observation (judges whether a burst was foreseen). */
  private inForce: RateForecast | undefined;
  private foreseenBurstCount = 0;

  constructor(config: Partial<RegimeConfig> = {}) {
    this.config = { ...DEFAULT_REGIME_CONFIG, ...config };
  }

  /** Feeds the load now (req/s) and the forecast in force (a new one is registered once, by its time). */
  observe(timeMs: number, rate: number, forecast?: RateForecast): void {
    const c = this.config;
    if (!Number.isFinite(rate) || rate < 0) {
      return;
    }
    // Realised load for the forecasts' first steps.
    for (const p of this.pending) {
      if (timeMs > p.fromMs && timeMs <= p.toMs) {
        p.sum += rate;
        p.count++;
      }
    }
    const due = this.pending.filter((p) => timeMs >= p.toMs);
    if (due.length > 0) {
      this.pending = this.pending.filter((p) => timeMs < p.toMs);
      for (const p of due) {
        if (p.count > 0) {
          this.judge(p.toMs, p.sum / p.count, p.p50, p.p90);
        }
      }
    }
    // A burst is judged against the forecast made before it (a new one may already have seen the spike).
    const forecastBefore = this.inForce;
    if (forecast && forecast.generatedAtMs !== this.lastForecastAtMs && forecast.p50.length > 0) {
      this.lastForecastAtMs = forecast.generatedAtMs;
      this.inForce = forecast;
      const step = forecast.stepSeconds * 1000;
      this.pending.push({
        fromMs: forecast.generatedAtMs,
        toMs: forecast.generatedAtMs + step,
        p50: forecast.p50[0]!,
        p90: forecast.p90[0] ?? forecast.p50[0]!,
        sum: 0,
        count: 0,
      });
    }
    // Bursts: the load now against the recent median and MAD (before adding it).
    const from = timeMs - c.burstBaselineSeconds * 1000;
    const keepLoadsFrom = timeMs - Math.max(c.burstBaselineSeconds, LOAD_MEMORY_SECONDS) * 1000;
    while (this.loads.length > 0 && this.loads[0]!.timeMs < keepLoadsFrom) {
      this.loads.shift();
    }
    const xs = this.loads.filter((l) => l.timeMs >= from).map((l) => l.rate);
    if (xs.length >= 8) {
      const m = median(xs);
      const mad = median(xs.map((x) => Math.abs(x - m)));
      const scale = Math.max(1.4826 * mad, 0.05 * m, 1e-6);
      const burst = rate > m + c.burstZ * scale;
      if (burst && !this.inBurst) {
        const p90 = forecastBefore ? p90At(forecastBefore, timeMs) : undefined;
        if (p90 !== undefined && rate <= p90) {
          this.foreseenBurstCount++;
        } else {
          this.bursts.push(timeMs);
        }
      }
      this.inBurst = burst;
    }
    this.loads.push({ timeMs, rate });
    const keepFrom = timeMs - Math.max(c.burstMemorySeconds, c.changeMemorySeconds) * 1000;
    while (this.bursts.length > 0 && this.bursts[0]! < keepFrom) {
      this.bursts.shift();
    }
    while (this.changes.length > 0 && this.changes[0]! < keepFrom) {
      this.changes.shift();
    }
  }

  private judge(timeMs: number, realised: number, p50: number, p90: number): void {
    const c = this.config;
    const eps = 1e-3;
    const logRatio = Math.log(Math.max(eps, realised) / Math.max(eps, p50));
    const window = this.judgements.map((j) => j.logRatio);
    if (window.length >= c.minJudgements) {
      const m = median(window);
      // The scale is at least the spread the forecast itself declared (p90 ÷ p50 on the log scale, over the
      // normal's 1.2816): a shift of the errors within the band the forecast already allowed for is no regime change.
      const declared = p90 > p50 && p50 > 0 ? Math.log(p90 / p50) / 1.2816 : 0;
      const s = Math.max(1.4826 * median(window.map((x) => Math.abs(x - m))), 0.02, declared);
      const z = (logRatio - m) / s;
      this.cusumUp = Math.max(0, this.cusumUp + z - c.cusumDrift);
      this.cusumDown = Math.max(0, this.cusumDown - z - c.cusumDrift);
      if (this.cusumUp > c.cusumThreshold || this.cusumDown > c.cusumThreshold) {
        // The forecast's errors shifted: what was learnt about them no longer holds.
        this.changes.push(timeMs);
        this.cusumUp = 0;
        this.cusumDown = 0;
        this.judgements = [];
      }
    }
    this.judgements.push({ timeMs, logRatio, aboveP90: realised > p90 });
    const from = timeMs - c.calibrationSeconds * 1000;
    while (this.judgements.length > 0 && this.judgements[0]!.timeMs < from) {
      this.judgements.shift();
    }
  }

  /** p50 × the q-quantile of recent realised ÷ p50 ratios; undefined before `minJudgements`. */
  ratioQuantile(q: number): number | undefined {
    if (this.judgements.length < this.config.minJudgements) {
      return undefined;
    }
    return Math.exp(
      quantileOf(
        this.judgements.map((j) => j.logRatio),
        q
      )
    );
  }

  assess(timeMs: number): RegimeAssessment {
    const c = this.config;
    const reasons: string[] = [];
    const n = this.judgements.length;
    const exceedance = n >= c.minJudgements ? this.judgements.filter((j) => j.aboveP90).length / n : undefined;
    const lastChangeMs = this.changes.at(-1);
    const lastBurstMs = this.bursts.at(-1);
    const recentBursts = this.bursts.filter((t) => timeMs - t <= c.burstMemorySeconds * 1000).length;
    if (exceedance !== undefined && exceedance > c.maxExceedance) {
      reasons.push(
        `the load exceeded the p90 at ${Math.round(exceedance * 100)}% of the last ${n} forecast steps (> ${Math.round(c.maxExceedance * 100)}%)`
      );
    }
    if (lastChangeMs !== undefined && timeMs - lastChangeMs <= c.changeMemorySeconds * 1000) {
      reasons.push(
        `change point ${Math.round((timeMs - lastChangeMs) / 60_000)} min ago (CUSUM on the forecast errors)`
      );
    }
    if (c.burstsForUnreliable > 0 && recentBursts >= c.burstsForUnreliable) {
      reasons.push(`${recentBursts} bursts within ${Math.round(c.burstMemorySeconds / 60)} min`);
    }
    const risk: SloRisk =
      recentBursts > 0 || reasons.length > 0
        ? 'elevated'
        : exceedance !== undefined && lastChangeMs === undefined && lastBurstMs === undefined
          ? 'calm'
          : 'normal';
    return {
      reliable: reasons.length === 0,
      reasons,
      risk,
      ...(exceedance !== undefined ? { exceedance } : {}),
      judgements: n,
      ...(lastChangeMs !== undefined ? { lastChangeMs } : {}),
      ...(lastBurstMs !== undefined ? { lastBurstMs } : {}),
    };
  }

  /** Bursts so far that the forecast in force had foreseen (below its p90), which therefore did not count. */
  get foreseenBursts(): number {
    return this.foreseenBurstCount;
  }

  /** The highest load fed within the last `seconds` (req/s), for the fallback's floor. */
  recentPeak(timeMs: number, seconds: number): number {
    let peak = 0;
    for (let i = this.loads.length - 1; i >= 0; i--) {
      const l = this.loads[i]!;
      if (timeMs - l.timeMs > seconds * 1000) {
        break;
      }
      peak = Math.max(peak, l.rate);
    }
    return peak;
  }
}
