/**
 * AIDPE streaming anomaly detector: robust residual scoring + an anomaly-likelihood transform.
 *
 * One pass, no look-ahead (the score of point i depends only on points 0..i), deterministic, bounded memory
 * per series (every buffer has a fixed cap independent of series length).
 *
 * 1. Residual: b_t = x_t, or the seasonal-naive residual x_t − x_{t−p} once a daily/weekly period p has been
 *    detected by autocorrelation on the values seen so far (checked once, when 2p values exist, p ≤ maxPeriod).
 * 2. Raw score: z = |b_t − median(B)| / (1.4826·MAD(B)) over the last `levelWindow` residuals B (before b_t is
 *    added), raw tail = 2·Q(z) (two-sided Gaussian).
 * 3. Likelihood (after Numenta's AnomalyLikelihood): the mean of the last `shortWindow` raw scores is compared with
 *    the distribution (mean, std) of that same moving average over the last `longWindow` points; L = 1 − Q(upper tail).
 *    Sustained deviations push the moving average far into its tail; an isolated spike in a noisy series does not.
 * 4. Both tails become surprises −ln p capped at ln 1e10 (Numenta's log-likelihood scale) and scaled to [0, 1];
 *    score = their mean (a Fisher-style combination of the two tail probabilities). 0 during warm-up.
 */
import { erfc } from '../baselines.ts';
import { anscombe, classifySeries } from '../countSeries.ts';
import { autocorrelation, medianOfSorted, Ring, SortedWindow } from './robustWindows.ts';

export interface ResidualLikelihoodOptions {
  /** Residuals kept for the rolling median/MAD (default 1024). */
  levelWindow?: number;
  /** Raw scores averaged for the likelihood (Numenta: 10). */
  shortWindow?: number;
  /** Moving averages kept for the likelihood's reference distribution (default 2000). */
  longWindow?: number;
  /** Points before any non-zero score (default 288). */
  warmUp?: number;
  /** Largest seasonal period in points considered (default 1008); bounds the value history. */
  maxPeriod?: number;
  /** Minimum autocorrelation at the candidate lag to adopt seasonal-naive residuals (default 0.5). */
  minSeasonalAcf?: number;
  /** How raw and likelihood combine: geometric mean (default) or the likelihood alone. */
  combine?: 'fisher' | 'geometric' | 'likelihood' | 'raw';
  /**
   * Decide at the end of the warm-up whether the series counts events (`countSeries.ts`) and, if so, take residuals
   * of Anscombe-transformed values (default false: the behaviour of states stored before this option).
   */
  countAware?: boolean;
  /** Floor the residual scale at the series' quantum, decided at the end of the warm-up (default false). */
  resolutionFloor?: boolean;
  /**
   * Smallest residual scale as a share of the series' typical magnitude (EWMA of |value|; default 0.001): a change
   * much smaller than this share of the level is not an anomaly however smooth the series was before.
   */
  relativeScaleFloor?: number;
}

/** Bump when the state's meaning changes: a stored state of another version is discarded (and rebuilt from history). */
export const RESIDUAL_LIKELIHOOD_STATE_VERSION = 1;

/** The options a state was built with; a state only restores into a detector with the same ones. */
export interface ResidualLikelihoodResolvedOptions {
  levelWindow: number;
  shortWindow: number;
  longWindow: number;
  warmUp: number;
  maxPeriod: number;
  minSeasonalAcf: number;
  combine: NonNullable<ResidualLikelihoodOptions['combine']>;
  countAware: boolean;
  resolutionFloor: boolean;
  relativeScaleFloor: number;
}

/**
 * Everything the detector carries between points, JSON-safe (rings as plain arrays, oldest first) and bounded:
 * at most 2·maxPeriod + levelWindow + shortWindow + longWindow + 32 numbers whatever the series length.
 */
export interface ResidualLikelihoodState {
  kind: 'aidpe';
  version: typeof RESIDUAL_LIKELIHOOD_STATE_VERSION;
  options: ResidualLikelihoodResolvedOptions;
  n: number;
  levelAbs: number;
  /** null before the first point (NaN is not JSON). */
  lastTs: number | null;
  gaps: number[];
  candidates: number[] | null;
  period: number;
  history: number[];
  residuals: number[];
  shortRaw: number[];
  shortSum: number;
  longAvg: number[];
  longSum: number;
  longSq: number;
  sinceRecompute: number;
  /** Decided at the end of the warm-up (absent in states stored before these options: identity, no floor). */
  countTransform?: boolean;
  /** The residual scale's floor from the series' quantum (0: none). */
  scaleFloor?: number;
}

export interface ResidualLikelihoodDetector {
  /** Feeds the next point and returns its anomaly score in [0, 1]. */
  update(timestampMs: number, value: number): number;
  /** A copy of the state: restoring it into a fresh detector continues bit-identically. */
  snapshot(): ResidualLikelihoodState;
  /** Replaces the state with a snapshot; throws (naming the field) when it does not fit these options. */
  restore(state: ResidualLikelihoodState): void;
  /** Finite points fed so far (the warm-up counts these). */
  count(): number;
  /** Sizes of the internal buffers (for tests: bounded, independent of series length). */
  stateSize(): number;
  /** The seasonal period in points in use, 0 if none. */
  period(): number;
}

const DAY_MS = 86_400_000;
/** Default smallest residual scale, relative to the series' typical magnitude (EWMA of |value|). */
export const RELATIVE_SCALE_FLOOR = 1e-3;
const LEVEL_ALPHA = 0.01;
const WEEK_MS = 7 * DAY_MS;

/** Upper-tail probability of a standard normal. */
function q(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * ln erfc(x), stable for large x: the logarithm of Numerical Recipes' `erfcc` Chebyshev fit (the same fit as
 * `erfc` in baselines.ts), so tails far below 1e−300 stay finite.
 */
export function logErfc(x: number): number {
  if (x < 0) {
    return Math.log(erfc(x));
  }
  const t = 1 / (1 + 0.5 * x);
  return (
    Math.log(t) -
    x * x -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
  );
}

/** Surprise (−ln p) of the upper tail p = Q(u) of a standard normal. */
function upperSurprise(u: number): number {
  return Math.LN2 - logErfc(u / Math.SQRT2);
}

/** Surprise cap: tail probabilities below 1e−10 count as 1e−10 (Numenta's log-likelihood scale). */
const S_MAX = Math.log(1e10);

export function createResidualLikelihoodDetector(options: ResidualLikelihoodOptions = {}): ResidualLikelihoodDetector {
  const levelWindow = options.levelWindow ?? 1024;
  const shortWindow = options.shortWindow ?? 10;
  const longWindow = options.longWindow ?? 2000;
  const warmUp = options.warmUp ?? 288;
  const maxPeriod = options.maxPeriod ?? 1008;
  const minAcf = options.minSeasonalAcf ?? 0.5;
  const minLevel = Math.min(32, levelWindow);
  const combine = options.combine ?? 'fisher';
  const resolved: ResidualLikelihoodResolvedOptions = {
    levelWindow,
    shortWindow,
    longWindow,
    warmUp,
    maxPeriod,
    minSeasonalAcf: minAcf,
    combine,
    countAware: options.countAware ?? false,
    resolutionFloor: options.resolutionFloor ?? false,
    relativeScaleFloor: options.relativeScaleFloor ?? RELATIVE_SCALE_FLOOR,
  };
  if (!(resolved.relativeScaleFloor >= 0 && resolved.relativeScaleFloor < 1)) {
    throw new Error(`relativeScaleFloor: expected a share in [0, 1), got ${String(resolved.relativeScaleFloor)}`);
  }

  const history = new Ring(2 * maxPeriod); // raw values, for seasonality detection and seasonal-naive residuals
  const residuals = new SortedWindow(levelWindow);
  const shortRaw = new Ring(shortWindow);
  let shortSum = 0;
  const longAvg = new Ring(longWindow);
  let longSum = 0;
  let longSq = 0;
  let sinceRecompute = 0;

  let n = 0;
  let levelAbs = 0;
  let lastTs = NaN;
  const gaps: number[] = []; // first few inter-arrival times (bounded: 32) to estimate the sampling step
  let candidates: number[] | null = null;
  let p = 0;

  let countTransform = false;
  let scaleFloor = 0;
  const tr = (x: number): number => (countTransform ? anscombe(x) : x);
  const residualAt = (k: number, period: number): number =>
    tr(history.back(k)) - (period > 0 ? tr(history.back(k + period)) : 0);

  /** Rebuilds the residual window from history (after the period or the transform changed). */
  const rebuildResiduals = (): void => {
    residuals.clear();
    // The current point (k = 0) is excluded: it is scored against the window, then added.
    const m = Math.min(levelWindow, history.size - p - 1);
    for (let k = m; k >= 1; k--) {
      residuals.push(residualAt(k, p));
    }
  };

  /** At the end of the warm-up: counts get Anscombe's transform, quantised series a scale floor of one quantum. */
  const decideKind = (): void => {
    if (!resolved.countAware && !resolved.resolutionFloor) {
      return;
    }
    const kind = classifySeries(history.values());
    countTransform = resolved.countAware && kind.count;
    if (resolved.resolutionFloor && Number.isFinite(kind.resolution)) {
      // In Anscombe's domain one count is 1/√(x + 3/8) ≤ 1.6 units; the transform already makes the noise ≈ 1.
      scaleFloor = countTransform ? 0 : kind.resolution;
    }
    if (countTransform) {
      rebuildResiduals();
    }
  };

  const detectSeason = (): void => {
    if (candidates === null) {
      if (gaps.length < 8) {
        return;
      }
      const g = [...gaps].sort((a, b) => a - b);
      const step = medianOfSorted(g, g.length);
      if (!(step > 0)) {
        candidates = [];
        return;
      }
      candidates = [DAY_MS, WEEK_MS].map((ms) => Math.round(ms / step)).filter((c) => c >= 4 && c <= maxPeriod);
    }
    for (const c of candidates) {
      if (n !== 2 * c) {
        continue;
      } // checked once, when two full periods are available
      if (autocorrelation(history, c) >= minAcf && c > p) {
        p = c;
        // Rebuild the residual window from history so scoring continues without a new warm-up.
        rebuildResiduals();
      }
    }
  };

  /**
   * Once every seasonality check is behind (n past twice the largest candidate), only the last p values are
   * ever read again (x_{t−p}); the snapshot keeps just those (p + 1 for margin), which shrinks the state a lot.
   */
  const historyToKeep = (): number[] => {
    const all = history.values();
    if (candidates === null || n <= 2 * Math.max(0, ...candidates)) {
      return all;
    }
    return all.slice(Math.max(0, all.length - (p > 0 ? p + 1 : 0)));
  };

  const recomputeLong = (): void => {
    longSum = 0;
    longSq = 0;
    for (let i = 0; i < longAvg.size; i++) {
      const v = longAvg.at(i);
      longSum += v;
      longSq += v * v;
    }
  };

  return {
    snapshot(): ResidualLikelihoodState {
      return {
        kind: 'aidpe',
        version: RESIDUAL_LIKELIHOOD_STATE_VERSION,
        options: { ...resolved },
        n,
        levelAbs,
        lastTs: Number.isFinite(lastTs) ? lastTs : null,
        gaps: [...gaps],
        candidates: candidates === null ? null : [...candidates],
        period: p,
        history: historyToKeep(),
        residuals: residuals.values(),
        shortRaw: shortRaw.values(),
        shortSum,
        longAvg: longAvg.values(),
        longSum,
        longSq,
        sinceRecompute,
        countTransform,
        scaleFloor,
      };
    },
    restore(state: ResidualLikelihoodState): void {
      validateState(state, resolved);
      history.clear();
      for (const v of state.history) {
        history.push(v);
      }
      residuals.clear();
      for (const v of state.residuals) {
        residuals.push(v);
      }
      shortRaw.clear();
      for (const v of state.shortRaw) {
        shortRaw.push(v);
      }
      longAvg.clear();
      for (const v of state.longAvg) {
        longAvg.push(v);
      }
      shortSum = state.shortSum;
      longSum = state.longSum;
      longSq = state.longSq;
      sinceRecompute = state.sinceRecompute;
      n = state.n;
      levelAbs = state.levelAbs;
      lastTs = state.lastTs ?? Number.NaN;
      gaps.length = 0;
      gaps.push(...state.gaps);
      candidates = state.candidates === null ? null : [...state.candidates];
      p = state.period;
      countTransform = state.countTransform === true;
      scaleFloor = state.scaleFloor ?? 0;
    },
    count(): number {
      return n;
    },
    update(timestampMs: number, value: number): number {
      if (!Number.isFinite(value)) {
        return 0;
      }
      if (n > 0 && gaps.length < 32 && Number.isFinite(timestampMs - lastTs)) {
        gaps.push(timestampMs - lastTs);
      }
      lastTs = timestampMs;

      history.push(value);
      n++;
      levelAbs = n === 1 ? Math.abs(value) : levelAbs + LEVEL_ALPHA * (Math.abs(value) - levelAbs);
      if (n === warmUp) {
        decideKind();
      }
      detectSeason();

      // 1–2. residual and raw score, against the window before this point is added.
      let raw = 0;
      const haveResidual = p === 0 || history.size > p;
      const b = haveResidual ? residualAt(0, p) : NaN;
      if (haveResidual && residuals.size >= minLevel) {
        const med = residuals.median();
        let scale = 1.4826 * residuals.mad(med);
        if (!(scale > 0)) {
          scale = 1.2533 * residuals.meanAbs(med);
        }
        // A near-constant metric (a latency quantile stuck on a bucket, a flat gauge) has a MAD of ~0, and then any
        // wobble would look extreme; below a small share of the series' own level a change is not an anomaly.
        scale = Math.max(scale, resolved.relativeScaleFloor * (countTransform ? 0 : levelAbs), scaleFloor, 1e-12);
        const z = Math.abs(b - med) / scale;
        // two-sided tail 2Q(z) as a surprise, capped and scaled to [0, 1]
        raw = Math.min(S_MAX, Math.max(0, upperSurprise(z) - Math.LN2)) / S_MAX;
      }
      if (haveResidual) {
        residuals.push(b);
      }

      // 3. likelihood of the short moving average of raw scores.
      const evicted = shortRaw.push(raw);
      shortSum += raw - (evicted ?? 0);
      const avg = shortSum / shortRaw.size;
      let likelihood = 0;
      if (longAvg.size >= Math.min(100, longWindow)) {
        const mean = longSum / longAvg.size;
        const std = Math.sqrt(Math.max(0, longSq / longAvg.size - mean * mean));
        likelihood = Math.min(S_MAX, Math.max(0, upperSurprise((avg - mean) / Math.max(std, 1e-4)))) / S_MAX;
      }
      const old = longAvg.push(avg);
      longSum += avg - (old ?? 0);
      longSq += avg * avg - (old ?? 0) * (old ?? 0);
      if (++sinceRecompute >= longWindow) {
        sinceRecompute = 0;
        recomputeLong(); // bounds floating-point drift of the running sums
      }

      if (n <= warmUp) {
        return 0;
      }
      // 4. combine.
      const s =
        combine === 'likelihood'
          ? likelihood
          : combine === 'raw'
            ? raw
            : combine === 'geometric'
              ? Math.sqrt(raw * likelihood)
              : 0.5 * (raw + likelihood);
      return Math.min(1, Math.max(0, s));
    },
    stateSize(): number {
      return history.size + residuals.size + shortRaw.size + longAvg.size + gaps.length;
    },
    period(): number {
      return p;
    },
  };
}

/** Checks a state before it is restored: shape, finite numbers, buffer sizes within these options' caps. */
function validateState(state: ResidualLikelihoodState, options: ResidualLikelihoodResolvedOptions): void {
  const fail = (field: string, why: string): never => {
    throw new Error(`detector state: ${field} ${why}`);
  };
  if (state === null || typeof state !== 'object' || state.kind !== 'aidpe') {
    fail('kind', "must be 'aidpe'");
  }
  if (state.version !== RESIDUAL_LIKELIHOOD_STATE_VERSION) {
    fail('version', `is ${String(state.version)}; this detector reads version ${RESIDUAL_LIKELIHOOD_STATE_VERSION}`);
  }
  for (const key of Object.keys(options) as Array<keyof ResidualLikelihoodResolvedOptions>) {
    // States stored before countAware/resolutionFloor/relativeScaleFloor existed were built with the old behaviour.
    const stored =
      state.options?.[key] ??
      (key === 'countAware' || key === 'resolutionFloor'
        ? false
        : key === 'relativeScaleFloor'
          ? RELATIVE_SCALE_FLOOR
          : undefined);
    if (stored !== options[key]) {
      fail(`options.${key}`, `is ${String(stored)}; this detector uses ${String(options[key])}`);
    }
  }
  const finite = (field: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(field, 'must be a finite number');
    }
  };
  const list = (field: string, v: unknown, cap: number): void => {
    if (!Array.isArray(v)) {
      fail(field, 'must be an array');
    }
    const a = v as unknown[];
    if (a.length > cap) {
      fail(field, `has ${a.length} entries; at most ${cap}`);
    }
    a.forEach((x, i) => finite(`${field}[${i}]`, x));
  };
  for (const f of ['n', 'levelAbs', 'period', 'shortSum', 'longSum', 'longSq', 'sinceRecompute'] as const) {
    finite(f, state[f]);
  }
  if (state.scaleFloor !== undefined && !(typeof state.scaleFloor === 'number' && state.scaleFloor >= 0)) {
    fail('scaleFloor', 'must be a number ≥ 0');
  }
  if (state.countTransform !== undefined && typeof state.countTransform !== 'boolean') {
    fail('countTransform', 'must be a boolean');
  }
  if (state.lastTs !== null) {
    finite('lastTs', state.lastTs);
  }
  list('gaps', state.gaps, 32);
  if (state.candidates !== null) {
    list('candidates', state.candidates, 2);
  }
  list('history', state.history, 2 * options.maxPeriod);
  list('residuals', state.residuals, options.levelWindow);
  list('shortRaw', state.shortRaw, options.shortWindow);
  list('longAvg', state.longAvg, options.longWindow);
}

/** Runs a fresh detector over a whole series in one streaming pass. */
export function runResidualLikelihood(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options: ResidualLikelihoodOptions = {}
): Float64Array {
  const det = createResidualLikelihoodDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = det.update(timestamps[i]!, values[i]!);
  }
  return out;
}
