/**
 * The adaptive-resonance window detector's settings and features (`artWindows.ts` runs the detector): its options and
 * their checks, the conversion of time settings to its units, and the window features — the window min-max scaled
 * and its Haar transform min-max scaled (the newest level on the absolute scale is added by the detector).
 */

/** Fewest downsampled steps in a learning period: below this the vigilance estimate rests on too few windows. */
export const MIN_LEARNING_STEPS = 104;

/** Weight of the newest value's distance in the match: the in-sample choice of `aidpe nab-loco` (README). */
export const DEFAULT_NEWEST_WEIGHT = 3;

export interface ArtWindowsOptions {
  /** Raw values per downsampled step (≥ 1). */
  samplesPerStep: number;
  /** Downsampled steps in the learning period (≥ the window). */
  learningSteps: number;
  /** Downsampled values per window (default 8: the Haar transform needs a power of two). */
  window?: number;
  /** Quantisation levels of the normalised value (default 80). */
  levels?: number;
  /** Levels within this distance of the running median snap to it (default 0.075). */
  snap?: number;
  /** Margin of the span added to the value range when it is set or widened (default 0.1). */
  rangeMargin?: number;
  /** Most categories in the network (default 128). */
  maxCategories?: number;
  /** Exponent of the shape overlap in the match (default 3). */
  power?: number;
  /** Weight of the newest level's distance in the match (default 1). */
  newestWeight?: number;
  /** Cap of the upper vigilance (default 0.97). */
  maxUpperVigilance?: number;
  /** A report breaks through the mute when its match is below this fraction of the last report's (default 0.5). */
  breakthrough?: number;
  /** Share of the way the lower vigilance rises to a higher recent minimum match at each estimate (default 0.5). */
  lowerUp?: number;
  /** Share of the way the lower vigilance falls to a lower recent minimum match at each estimate (default 0.5). */
  lowerDown?: number;
  /**
   * How a novel window's confidence is measured: `ratio` (default), the shortfall below the lower vigilance as a
   * share of it; `headroom`, the shortfall as a share of 1 − ρ_lb (a series whose normal windows all match well
   * makes a small shortfall count for more).
   */
  confidence?: 'ratio' | 'headroom';
  /**
   * Which newest value the match weighs by distance: `absolute` (default), the newest level on the value range, an
   * 17th coordinate; `window`, the newest of the window's min-max scaled values.
   */
  newest?: 'absolute' | 'window';
  /**
   * Where the lower vigilance starts: `probe` (default), the lowest match of the probe network's presentations;
   * `learning`, the lowest match at presentation over the second half of the learning period when the network
   * itself learns it (the "recent minimum" of the rule that follows); `mean`, the upper vigilance (one initial
   * vigilance for both, the specification's wording).
   */
  lowerStart?: 'probe' | 'learning' | 'mean';
  /**
   * The probe's similarity measure: `presentation` (default), each vector's best match when it is presented (the first
   * excluded); `final`, each vector's match to the category it ends in once all are learned.
   */
  probeMatch?: 'presentation' | 'final';
  /** Smallest span (normalised units) a window or its Haar transform is scaled by (default 0: plain min-max). */
  minSpan?: number;
  /**
   * What mutes reports until 1.5 windows pass without it: a new `cluster` (default) or any new `category` (a new
   * cluster or a new box in one), the specification's wording.
   */
  muteOn?: 'cluster' | 'category';
}

export type ArtWindowsResolved = Required<ArtWindowsOptions>;

/** Values per downsampled step and steps per learning period, from time settings and the sampling step. */
export function artSettingsFor(
  stepMs: number,
  bucketMs: number,
  learningMs: number
): { samplesPerStep: number; learningSteps: number } {
  const samplesPerStep = Math.max(1, Math.round(bucketMs / stepMs));
  const learningSteps = Math.max(MIN_LEARNING_STEPS, Math.round(learningMs / (samplesPerStep * stepMs)));
  return { samplesPerStep, learningSteps };
}

/** Features per window: 8 scaled levels, 8 Haar coefficients, the newest level on the absolute scale. */
export const FEATURES = 17;
export const NEWEST = 16;

export function resolveArtWindows(options: ArtWindowsOptions): ArtWindowsResolved {
  const r: ArtWindowsResolved = {
    samplesPerStep: options.samplesPerStep,
    learningSteps: options.learningSteps,
    window: options.window ?? 8,
    levels: options.levels ?? 80,
    snap: options.snap ?? 0.075,
    rangeMargin: options.rangeMargin ?? 0.1,
    maxCategories: options.maxCategories ?? 128,
    power: options.power ?? 3,
    newestWeight: options.newestWeight ?? DEFAULT_NEWEST_WEIGHT,
    maxUpperVigilance: options.maxUpperVigilance ?? 0.97,
    breakthrough: options.breakthrough ?? 0.5,
    lowerUp: options.lowerUp ?? 0.5,
    lowerDown: options.lowerDown ?? 0.5,
    minSpan: options.minSpan ?? 0,
    confidence: options.confidence ?? 'ratio',
    newest: options.newest ?? 'absolute',
    lowerStart: options.lowerStart ?? 'probe',
    muteOn: options.muteOn ?? 'cluster',
    probeMatch: options.probeMatch ?? 'presentation',
  };
  if (r.muteOn !== 'cluster' && r.muteOn !== 'category') {
    throw new Error(`art: muteOn must be 'cluster' or 'category', got ${String(r.muteOn)}`);
  }
  if (r.newest !== 'absolute' && r.newest !== 'window') {
    throw new Error(`art: newest must be 'absolute' or 'window', got ${String(r.newest)}`);
  }
  if (r.lowerStart !== 'probe' && r.lowerStart !== 'learning' && r.lowerStart !== 'mean') {
    throw new Error(`art: lowerStart must be 'probe', 'learning' or 'mean', got ${String(r.lowerStart)}`);
  }
  if (r.probeMatch !== 'presentation' && r.probeMatch !== 'final') {
    throw new Error(`art: probeMatch must be 'presentation' or 'final', got ${String(r.probeMatch)}`);
  }
  if (r.confidence !== 'ratio' && r.confidence !== 'headroom') {
    throw new Error(`art: confidence must be 'ratio' or 'headroom', got ${String(r.confidence)}`);
  }
  const int = (k: 'samplesPerStep' | 'learningSteps' | 'levels' | 'maxCategories', min: number) => {
    if (!(Number.isInteger(r[k]) && r[k] >= min)) {
      throw new Error(`art: ${k} must be an integer ≥ ${min}, got ${String(r[k])}`);
    }
  };
  int('samplesPerStep', 1);
  int('levels', 2);
  int('maxCategories', 1);
  if (r.window !== 8) {
    throw new Error(`art: window must be 8 (the Haar transform's size), got ${String(r.window)}`);
  }
  int('learningSteps', r.window);
  for (const k of [
    'snap',
    'rangeMargin',
    'power',
    'newestWeight',
    'maxUpperVigilance',
    'breakthrough',
    'lowerUp',
    'lowerDown',
    'minSpan',
  ] as const) {
    if (!(typeof r[k] === 'number' && Number.isFinite(r[k]) && r[k] >= 0)) {
      throw new Error(`art: ${k} must be a finite number ≥ 0, got ${String(r[k])}`);
    }
  }
  return r;
}

/** In-place min-max scaling of xs[from, from + n), dividing by at least `minSpan` (all 0 when flat). */
export function minMaxScale(xs: Float64Array, from: number, n: number, minSpan: number): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < from + n; i++) {
    lo = Math.min(lo, xs[i]!);
    hi = Math.max(hi, xs[i]!);
  }
  const span = Math.max(hi - lo, minSpan);
  for (let i = from; i < from + n; i++) {
    xs[i] = span > 1e-12 ? (xs[i]! - lo) / span : 0;
  }
}

/** Full Haar decomposition of 8 values (a3, d3, d2×2, d1×4) into out[8..16). */
export function haar8(levels: Float64Array, out: Float64Array): void {
  const s = Math.SQRT1_2;
  const a1 = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    a1[i] = (levels[2 * i]! + levels[2 * i + 1]!) * s;
    out[12 + i] = (levels[2 * i]! - levels[2 * i + 1]!) * s;
  }
  const a20 = (a1[0]! + a1[1]!) * s;
  const a21 = (a1[2]! + a1[3]!) * s;
  out[10] = (a1[0]! - a1[1]!) * s;
  out[11] = (a1[2]! - a1[3]!) * s;
  out[8] = (a20 + a21) * s;
  out[9] = (a20 - a21) * s;
}
