/**
 * ARTime — adaptive resonance theory on windows of a downsampled series (Mark Hampton, 2021; NAB's leading
 * detector, standard score 74.9). A TypeScript port of the published Julia code (github.com/markNZed/ARTimeNAB.jl,
 * `src/ARTime.jl`, AGPL-3.0; its DVFA is in `dvfa.ts`), step for step:
 *
 * 1. Downsample: every `samplesPerStep` values, the bucket's extreme (the max, or the min when it lies further
 *    from a fast moving average of bucket means; the bucket mean when the extreme is within 10% of it).
 * 2. Normalise to the value range, quantise to 80 levels, and flatten values within 0.075 of the (approximate)
 *    running median level to that median.
 * 3. Features: the last 8 downsampled values, min-max scaled, their Haar wavelet transform (min-max scaled) next
 *    to the raw 8 values: 16 features in [0, 1], complement-coded to 32 for the DVFA.
 * 4. A DVFA (`dvfa.ts`): no resonant category means a new cluster, the anomaly candidate.
 * 5. A new cluster is reported (score = a confidence from the activation, its energy part and the vigilances)
 *    unless masked: for 1.5 windows after an anomaly, and after a new category until as many steps pass without
 *    one; a much lower similarity than the last anomaly's breaks through the mask.
 * 6. Vigilance: ρ starts at the mean similarity of a fresh ART trained at ρ = 0.8 on the learning period's
 *    feature vectors, least typical first; then ρ_ub follows the running mean similarity (≤ 0.97) and ρ_lb moves
 *    towards the recent minimum similarity (or down by the recent shortfall), every half learning period and
 *    1.5 windows after each anomaly.
 *
 * The original is handed each NAB file's min/max and length (the downsampling step and the learning period are
 * fixed fractions of the file: a look-ahead). Pass `range`, `samplesPerStep` and `trendWindow`
 * (`artimeNabSettings`) to reproduce that. Otherwise the range is learned over the learning period (its min/max
 * widened by `rangeMargin` of the span) and a later value outside it widens it (by `expansionMargin` of the new
 * span) while every category, the feature window and the median histogram are mapped to the new scale (a
 * fuzzy-ART category is a box, and a linear map of one dimension maps boxes to boxes, so nothing learned is lost);
 * the caller picks the step and the learning period (the registry derives them from time units).
 *
 * Other deliberate differences: the initial-ρ search runs when the learning period ends, on its stored feature
 * vectors (as the original's batch does); the Haar detail sign is (x₂ₖ − x₂ₖ₊₁)/√2; the anomaly-similarity history
 * keeps the last 1000 anomalies; DVFA weights are float32 and at most `maxCategories` categories are made (`dvfa.ts`). Scores are 0 between
 * downsampled steps and during the learning period. Pure, deterministic; snapshot/restore continue bit-identically.
 */
import { Dvfa, type DvfaState } from './dvfa.ts';

export interface ArtimeOptions {
  /** Values per downsampled step (the original: ⌊probation / 104⌋ ≥ 1). Default 1. */
  samplesPerStep?: number;
  /** Downsampled steps in the learning period (the original: probation / samplesPerStep). Default 120. */
  trendWindow?: number;
  /** Known value range (the original's NAB setting); otherwise learned over the learning period. */
  range?: { min: number; max: number };
  /** Learned range only: share of the learning period's span added beyond each extreme (default 0.1). */
  rangeMargin?: number;
  /** Learned range only: share of the new span added beyond a new extreme when the range widens (default 0). */
  expansionMargin?: number;
  /** Cap on ART categories (bounded memory, cost and state; default 128). */
  maxCategories?: number;
}

/** The original's fixed settings. */
const WINDOW = 8;
const LEVELS = 80;
const CHOMP = 0.075;
const INITIAL_RHO = 0.8;
const MASK_AFTER_ANOMALY = WINDOW * 1.5;
const NF = 2 * WINDOW;
const ANOMALY_HISTORY = 1000;

export const ARTIME_STATE_VERSION = 1;

/** Everything the detector carries between values, JSON-safe and bounded. */
export interface ArtimeState {
  kind: 'artime';
  version: typeof ARTIME_STATE_VERSION;
  options: {
    samplesPerStep: number;
    trendWindow: number;
    rangeMargin: number;
    expansionMargin: number;
    maxCategories: number;
    range: { min: number; max: number } | null;
  };
  i: number;
  dsi: number;
  dsWindow: number[];
  dsMovingAverage: number;
  /** null until learned. */
  dmin: number | null;
  dmax: number | null;
  fWindow: number[];
  medbin: number[];
  medlevel: number;
  belowmed: number;
  abovemed: number;
  /** Downsampled values of the learning period (empty after it). */
  pendingDs: number[];
  lastAnomalyI: number;
  lastAnomalySim: number;
  lastRhoUpdateI: number;
  maskAfterCat: boolean;
  noNewCatCount: number;
  anomalySimHistory: number[];
  rhoUbMeanSum: number;
  rhoUbMeanN: number;
  simWindow: number[];
  simDiffWindow: number[];
  art: DvfaState;
}

export interface ArtimeDetector {
  /** Feeds the next value; returns its anomaly score in [0, 1] (0 between downsampled steps). */
  next(value: number): number;
  snapshot(): ArtimeState;
  /** Replaces the state; throws (naming the field) when it does not fit these options. */
  restore(state: ArtimeState): void;
  /** ART categories so far (bounded by `maxCategories`). */
  categories(): number;
}

const SQRT1_2 = Math.SQRT1_2;

/** In-place unnormalised Haar DWT of a power-of-two length, Wavelets.jl layout: [a, d_coarsest, …, d_finest]. */
function haar(x: Float64Array, tmp: Float64Array): void {
  let n = x.length;
  while (n > 1) {
    const h = n >> 1;
    for (let k = 0; k < h; k++) {
      const a = x[2 * k]!;
      const b = x[2 * k + 1]!;
      tmp[k] = (a + b) * SQRT1_2;
      tmp[h + k] = (a - b) * SQRT1_2;
    }
    for (let k = 0; k < n; k++) {
      x[k] = tmp[k]!;
    }
    n = h;
  }
}

function minMaxScale(x: Float64Array): void {
  let lo = Infinity;
  for (const v of x) {
    lo = v < lo ? v : lo;
  }
  let hi = -Infinity;
  for (let k = 0; k < x.length; k++) {
    x[k] = x[k]! - lo;
    hi = x[k]! > hi ? x[k]! : hi;
  }
  if (hi !== 0) {
    for (let k = 0; k < x.length; k++) {
      x[k] = x[k]! / hi;
    }
  }
}

/** The original's cosine-like similarity of two feature vectors (orders the learning period for the ρ search). */
function similarity(a: Float64Array, b: Float64Array): number {
  let na = 0;
  let nb = 0;
  let dot = 0;
  for (let k = 0; k < a.length; k++) {
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
    dot += a[k]! * b[k]!;
  }
  na = Math.sqrt(na);
  nb = Math.sqrt(nb);
  if (na === 0) {
    return 1 - nb;
  }
  if (nb === 0) {
    return 1 - na;
  }
  return dot / (na * nb);
}

/** The original's NAB settings for a file of `length` rows: probation 15% (≤ 750, even), 104 steps in it. */
export function artimeNabSettings(length: number): { samplesPerStep: number; trendWindow: number } {
  let probation = length < 5000 ? Math.floor(0.15 * length) : 750;
  probation -= probation % 2;
  const samplesPerStep = Math.max(1, Math.floor(probation / (WINDOW * 13)));
  return { samplesPerStep, trendWindow: Math.floor(probation / samplesPerStep) };
}

export function createArtimeDetector(options: ArtimeOptions = {}): ArtimeDetector {
  const opts: ArtimeState['options'] = {
    samplesPerStep: Math.max(1, Math.round(options.samplesPerStep ?? 1)),
    trendWindow: Math.max(WINDOW + 2, Math.floor(options.trendWindow ?? 120)),
    rangeMargin: options.rangeMargin ?? 0.1,
    expansionMargin: options.expansionMargin ?? 0,
    maxCategories: Math.max(2, Math.floor(options.maxCategories ?? 128)),
    range: options.range ? { ...options.range } : null,
  };
  const { samplesPerStep: sstep, trendWindow } = opts;
  const fresh = (): Omit<ArtimeState, 'art' | 'kind' | 'version' | 'options'> => ({
    i: 1,
    dsi: 1,
    dsWindow: [],
    dsMovingAverage: 0,
    dmin: opts.range?.min ?? null,
    dmax: opts.range?.max ?? null,
    fWindow: new Array<number>(WINDOW).fill(0),
    medbin: new Array<number>(LEVELS + 1).fill(0),
    medlevel: 0,
    belowmed: 0,
    abovemed: 0,
    pendingDs: [],
    lastAnomalyI: 0,
    lastAnomalySim: 0,
    lastRhoUpdateI: 0,
    maskAfterCat: false,
    noNewCatCount: 0,
    anomalySimHistory: [],
    rhoUbMeanSum: 0,
    rhoUbMeanN: 0,
    simWindow: new Array<number>(Math.floor(trendWindow / 2) + 1).fill(1),
    simDiffWindow: new Array<number>(trendWindow + 1).fill(0),
  });
  let s = fresh();
  let art = new Dvfa(2 * NF, opts.maxCategories);
  const tmp = new Float64Array(WINDOW);
  const dw = new Float64Array(WINDOW);

  /** Widens the learned range to take `ds` and maps everything learned in normalised units to the new scale. */
  const widen = (ds: number): void => {
    const dmin = s.dmin!;
    const dmax = s.dmax!;
    const lo = Math.min(dmin, ds);
    const hi = Math.max(dmax, ds);
    const extra = opts.expansionMargin * (hi - lo);
    const newMin = ds < dmin ? lo - extra : dmin;
    const newMax = ds > dmax ? hi + extra : dmax;
    const newSpan = newMax - newMin;
    if (!(newSpan > 0)) {
      return;
    }
    const a = (dmax - dmin) / newSpan;
    const b = (dmin - newMin) / newSpan;
    art.remap(WINDOW, 2 * WINDOW, a, b);
    for (let k = 0; k < WINDOW; k++) {
      s.fWindow[k] = Math.round((a * s.fWindow[k]! + b) * LEVELS) / LEVELS;
    }
    const bins = [...s.medbin];
    s.medbin.fill(0);
    const mapLevel = (l: number) => Math.min(LEVELS, Math.max(0, Math.round(a * l + b * LEVELS)));
    bins.forEach((c, l) => {
      if (c > 0) {
        s.medbin[mapLevel(l)]! += c;
      }
    });
    s.medlevel = mapLevel(s.medlevel);
    s.belowmed = 0;
    s.abovemed = 0;
    s.medbin.forEach((c, l) => {
      if (l < s.medlevel) {
        s.belowmed += c;
      } else if (l > s.medlevel) {
        s.abovemed += c;
      }
    });
    s.dmin = newMin;
    s.dmax = newMax;
  };

  /** Downsampled value → quantised, chomped feature value; updates the approximate running median (`k`: its index). */
  const levelise = (ds: number, k: number): number => {
    const dmin = s.dmin!;
    const span = s.dmax! - dmin;
    let v = ds - dmin;
    if (span !== 0) {
      v /= span;
    }
    v = Math.min(1, Math.max(0, v));
    const level = Math.round(v * LEVELS);
    v = level / LEVELS;
    s.medbin[level]!++;
    const medpos = Math.floor(k / 2);
    if (k === 1) {
      s.medlevel = level;
    }
    if (s.medlevel > level) {
      s.belowmed++;
    } else if (s.medlevel < level) {
      s.abovemed++;
    }
    if (medpos < s.abovemed) {
      s.belowmed += s.medbin[s.medlevel]!;
      s.medlevel++;
      while (s.medlevel < LEVELS && s.medbin[s.medlevel] === 0) {
        s.medlevel++;
      }
      s.abovemed -= s.medbin[s.medlevel]!;
    } else if (medpos < s.belowmed) {
      s.abovemed += s.medbin[s.medlevel]!;
      s.medlevel--;
      while (s.medlevel > 0 && s.medbin[s.medlevel] === 0) {
        s.medlevel--;
      }
      s.belowmed -= s.medbin[s.medlevel]!;
    }
    const med = s.medlevel / LEVELS;
    return Math.abs(v - med) < CHOMP ? med : v;
  };

  /** Shifts the feature window and builds the 16 features (zeros until the window is full). */
  const pushFeature = (v: number, k: number): Float64Array => {
    s.fWindow.shift();
    s.fWindow.push(v);
    const f = new Float64Array(NF);
    if (k >= WINDOW) {
      dw.set(s.fWindow);
      minMaxScale(dw);
      haar(dw, tmp);
      minMaxScale(dw);
      f.set(dw, 0);
      f.set(s.fWindow, WINDOW);
    }
    return f;
  };

  const confidence = (simIn: number, energy: number): number => {
    const sim = Math.min(0.999, simIn);
    const ub = (1 - sim - (1 - art.rhoUb)) / (1 - sim);
    const lb = (1 - sim - (1 - art.rhoLb)) / (1 - sim);
    const c = Math.min(1, ub * 0.35 + lb * 0.65 + (1 - energy) * 1.5);
    return Math.round(c * 1e6) / 1e6;
  };

  const detect = (f: Float64Array, k: number): number => {
    const updateRhoAfterAnomaly = k - s.lastAnomalyI === MASK_AFTER_ANOMALY;
    const updateRhoForTrend = k - s.lastRhoUpdateI >= Math.floor(trendWindow / 2);
    const maskAfter = k - s.lastAnomalyI <= MASK_AFTER_ANOMALY;
    if (k > trendWindow + MASK_AFTER_ANOMALY && s.maskAfterCat && s.noNewCatCount >= MASK_AFTER_ANOMALY) {
      s.maskAfterCat = false;
    }
    // Vectors before a full feature window are seen but not learned (keeps the original's indexing).
    const cat = k < WINDOW ? (art.train(f, false), -1) : art.train(f, true);
    const a = art.lastA;
    s.noNewCatCount = cat === -1 ? 0 : s.noNewCatCount + 1;
    s.rhoUbMeanSum += a;
    s.rhoUbMeanN++;
    s.simWindow.shift();
    s.simWindow.push(a);
    s.simDiffWindow.shift();
    s.simDiffWindow.push(art.rhoUb - a);
    const hist = s.anomalySimHistory;
    if (k - s.lastAnomalyI < MASK_AFTER_ANOMALY && hist.length > 0 && a < hist[hist.length - 1]!) {
      hist[hist.length - 1] = a;
    }
    const masking = s.maskAfterCat || maskAfter;
    const belowLast = a < s.lastAnomalySim * (maskAfter ? 0.9 : 0.7);
    let anomaly = 0;
    if (k > trendWindow && cat === -1 && (!masking || belowLast)) {
      anomaly = confidence(a, art.lastAe);
      hist.push(a);
      if (hist.length > ANOMALY_HISTORY) {
        hist.shift();
      }
      s.lastAnomalySim = a;
      s.lastAnomalyI = k;
    }
    s.maskAfterCat = cat === -1 || s.maskAfterCat;
    if (k > trendWindow && (updateRhoAfterAnomaly || updateRhoForTrend)) {
      const minSim = Math.min(...s.simWindow);
      const newRhoUb = Math.min(0.97, s.rhoUbMeanSum / s.rhoUbMeanN);
      const prevLb = art.rhoLb;
      let newRhoLb: number;
      if (prevLb <= minSim) {
        newRhoLb = prevLb + (minSim - prevLb) * 0.19;
      } else {
        let decr = 0;
        if (k > trendWindow * 2) {
          let sum = 0;
          let cnt = 0;
          for (const d of s.simDiffWindow) {
            if (d > 0.05) {
              sum += Math.min(0.37, d);
              cnt++;
            }
          }
          decr = cnt > 0 ? sum / cnt : 0;
        }
        newRhoLb = prevLb - Math.max(0.01, decr) / 2;
        if (hist.length > 0) {
          newRhoLb = Math.max(hist.reduce((x, y) => x + y, 0) / hist.length, newRhoLb);
        }
      }
      art.rhoLb = Math.min(newRhoUb, newRhoLb);
      art.rhoUb = newRhoUb;
      s.lastRhoUpdateI = k;
      s.maskAfterCat = true;
    }
    return anomaly;
  };

  /** The original's initial vigilance: mean similarity of a fresh ART at ρ = 0.8 over the least typical first. */
  const initRho = (fs: Float64Array[]): number => {
    const n = fs.length;
    const sums = new Float64Array(n).fill(1); // the diagonal
    for (let x = 0; x < n; x++) {
      for (let y = 0; y < x; y++) {
        const sim = similarity(fs[x]!, fs[y]!);
        sums[x] = sums[x]! + sim;
        sums[y] = sums[y]! + sim;
      }
    }
    const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => sums[x]! - sums[y]! || x - y);
    const probe = new Dvfa(2 * NF, Math.max(opts.maxCategories, n + 1));
    probe.rhoLb = INITIAL_RHO;
    probe.rhoUb = INITIAL_RHO;
    const as = order.map((k) => (probe.train(fs[k]!, true), probe.lastA));
    // Julia: mean(art.A[trend_window ÷ 2 : end]) (1-based) over the batch.
    const tail = as.slice(Math.max(0, Math.floor(trendWindow / 2) - 1));
    return tail.length === 0 ? INITIAL_RHO : tail.reduce((x, y) => x + y, 0) / tail.length;
  };

  const processDs = (ds: number): number => {
    if (s.dsi <= trendWindow) {
      s.pendingDs.push(ds);
      if (s.dsi < trendWindow) {
        return 0;
      }
      if (s.dmin === null || s.dmax === null) {
        const lo = Math.min(...s.pendingDs);
        const hi = Math.max(...s.pendingDs);
        s.dmin = lo - opts.rangeMargin * (hi - lo);
        s.dmax = hi + opts.rangeMargin * (hi - lo);
      }
      const learning = s.pendingDs.map((v, k) => pushFeature(levelise(v, k + 1), k + 1));
      const rho = initRho(learning.slice(WINDOW - 1));
      art.rhoLb = rho;
      art.rhoUb = rho;
      learning.forEach((f, k) => detect(f, k + 1));
      s.pendingDs = [];
      return 0;
    }
    if (opts.range === null && (ds < s.dmin! || ds > s.dmax!)) {
      widen(ds);
    }
    return detect(pushFeature(levelise(ds, s.dsi), s.dsi), s.dsi);
  };

  return {
    categories: () => art.n,
    next(value: number): number {
      s.dsWindow.push(value);
      if (s.dsWindow.length > sstep) {
        s.dsWindow.shift();
      }
      let anomaly = 0;
      if (s.i % sstep === 0) {
        let sum = 0;
        let mx = -Infinity;
        let mn = Infinity;
        for (const v of s.dsWindow) {
          sum += v;
          mx = v > mx ? v : mx;
          mn = v < mn ? v : mn;
        }
        const mean = sum / sstep;
        if (s.dsi === 1) {
          s.dsMovingAverage = mean;
        }
        s.dsMovingAverage = (s.dsMovingAverage + mean) / 2;
        let ds = Math.abs(mx - s.dsMovingAverage) < Math.abs(mn - s.dsMovingAverage) ? mn : mx;
        if (Math.abs(ds - mean) < 0.1 * mean) {
          ds = mean; // a spike must stand 10% off the bucket mean
        }
        anomaly = processDs(ds);
        s.dsi++;
      }
      s.i++;
      return anomaly;
    },
    snapshot(): ArtimeState {
      return {
        kind: 'artime',
        version: ARTIME_STATE_VERSION,
        options: { ...opts, range: opts.range ? { ...opts.range } : null },
        ...structuredClone(s),
        art: art.snapshot(),
      };
    },
    restore(state: ArtimeState): void {
      validateArtimeState(state, opts);
      const next = new Dvfa(2 * NF, opts.maxCategories);
      next.restore(state.art);
      const { kind: _k, version: _v, options: _o, art: _a, ...rest } = structuredClone(state);
      s = rest;
      art = next;
    },
  };
}

/** Checks a state's shape and sizes against these options (naming the field) before it is restored. */
function validateArtimeState(state: ArtimeState, opts: ArtimeState['options']): void {
  const fail = (field: string, why: string): never => {
    throw new Error(`detector state: ${field} ${why}`);
  };
  if (state === null || typeof state !== 'object' || state.kind !== 'artime') {
    fail('kind', "must be 'artime'");
  }
  if (state.version !== ARTIME_STATE_VERSION) {
    fail('version', `is ${String(state.version)}; this detector reads version ${ARTIME_STATE_VERSION}`);
  }
  for (const key of ['samplesPerStep', 'trendWindow', 'rangeMargin', 'expansionMargin', 'maxCategories'] as const) {
    if (state.options?.[key] !== opts[key]) {
      fail(`options.${key}`, `is ${String(state.options?.[key])}; this detector uses ${opts[key]}`);
    }
  }
  if (JSON.stringify(state.options.range) !== JSON.stringify(opts.range)) {
    fail('options.range', 'differs from this detector’s');
  }
  const num = (field: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(field, 'must be a finite number');
    }
  };
  const list = (field: string, v: unknown, min: number, max: number): void => {
    if (!Array.isArray(v) || v.length < min || v.length > max) {
      fail(field, `must be an array of ${min === max ? min : `${min} to ${max}`} numbers`);
    }
    (v as unknown[]).forEach((x, k) => num(`${field}[${k}]`, x));
  };
  for (const k of [
    'i',
    'dsi',
    'dsMovingAverage',
    'medlevel',
    'belowmed',
    'abovemed',
    'lastAnomalyI',
    'lastAnomalySim',
    'lastRhoUpdateI',
    'noNewCatCount',
    'rhoUbMeanSum',
    'rhoUbMeanN',
  ] as const) {
    num(k, state[k]);
  }
  if (!(state.medlevel >= 0 && state.medlevel <= LEVELS && Number.isInteger(state.medlevel))) {
    fail('medlevel', `must be an integer in 0..${LEVELS}`);
  }
  for (const k of ['dmin', 'dmax'] as const) {
    if (state[k] !== null) {
      num(k, state[k]);
    }
  }
  if (typeof state.maskAfterCat !== 'boolean') {
    fail('maskAfterCat', 'must be a boolean');
  }
  list('dsWindow', state.dsWindow, 0, opts.samplesPerStep);
  list('fWindow', state.fWindow, WINDOW, WINDOW);
  list('medbin', state.medbin, LEVELS + 1, LEVELS + 1);
  list('pendingDs', state.pendingDs, 0, opts.trendWindow);
  list('anomalySimHistory', state.anomalySimHistory, 0, ANOMALY_HISTORY);
  list('simWindow', state.simWindow, Math.floor(opts.trendWindow / 2) + 1, Math.floor(opts.trendWindow / 2) + 1);
  list('simDiffWindow', state.simDiffWindow, opts.trendWindow + 1, opts.trendWindow + 1);
}

/** Runs ARTime over a whole series in one streaming pass. */
export function runArtime(values: ArrayLike<number>, options: ArtimeOptions = {}): Float64Array {
  const det = createArtimeDetector(options);
  const out = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) {
    out[k] = det.next(values[k]!);
  }
  return out;
}
