/**
 * Adaptive-resonance window detector: a streaming anomaly score from the shapes of short windows of a downsampled,
 * normalised series. The idea is the one behind "ARTime" (M. Hampton, 2021, on NAB's scoreboard): an ART network
 * learns the windows it sees, and a window that resonates with no cluster is an anomaly candidate. This module is
 * written from a functional description (README: no ARTime or NAB code was read; they are AGPL-3.0) on top of the
 * dual-vigilance fuzzy ART in `dvfa.ts`.
 *
 * 1. Downsampling: buckets of `samplesPerStep` values become one value: the bucket's maximum, or its minimum when
 *    that lies further from a slow average of bucket means; the bucket mean when the extreme is within 10% of the
 *    value range of it (spikes stay visible, noise does not).
 * 2. Normalisation: the value range is the learning period's min/max widened by `rangeMargin` of the span; later a
 *    value outside it widens it, and the network's absolute coordinate and the running median are mapped to the new
 *    scale (affine, so boxes stay boxes). Values are quantised to `levels` levels, and those within `snap` of the
 *    running median level are snapped to it.
 * 3. Features: the last `window` levels min-max scaled, their Haar transform min-max scaled, and the newest level on
 *    the absolute scale: 17 values in [0, 1], complement-coded in the network.
 * 4. Network: DVFA; a window matching no category at the lower vigilance is novel.
 * 5. Score: 0 while learning and between downsampled steps; a novel window scores how far its best match falls
 *    below the lower vigilance, unless muted: for 1.5 windows after a report, and after the network created a new
 *    cluster until 1.5 windows pass without one (one change, one report). A match far below the last report's
 *    breaks through the mute.
 * 6. Vigilance: at the end of the learning period a fresh fuzzy ART (ρ = 0.8) is trained on the learning windows,
 *    least typical first; the mean match at presentation sets the upper vigilance, the lowest the lower one. Then
 *    the upper one follows the running mean match (≤ 0.97) and the lower one moves half way to the recent minimum,
 *    every half learning period and 1.5 windows after each report.
 *
 * Pure and deterministic; `snapshot()` is JSON and a restored detector continues bit-identically.
 */
import { Dvfa, type DvfaState } from './dvfa.ts';
import {
  FEATURES,
  haar8,
  minMaxScale,
  NEWEST,
  resolveArtWindows,
  type ArtWindowsOptions,
  type ArtWindowsResolved,
} from './artWindowFeatures.ts';

export { artSettingsFor, DEFAULT_NEWEST_WEIGHT, MIN_LEARNING_STEPS, resolveArtWindows } from './artWindowFeatures.ts';
export type { ArtWindowsOptions, ArtWindowsResolved } from './artWindowFeatures.ts';

export const ART_WINDOWS_STATE_VERSION = 1;

export interface ArtWindowsState {
  kind: 'art-windows';
  version: typeof ART_WINDOWS_STATE_VERSION;
  options: ArtWindowsResolved;
  /** Downsampled steps completed. */
  steps: number;
  bucket: { n: number; sum: number; min: number; max: number };
  /** Slow average of bucket means (null before the first bucket). */
  meanAverage: number | null;
  /** Raw min/max seen while learning (null before the first value). */
  seen: { min: number; max: number } | null;
  /** Downsampled values of the learning period (emptied when it ends). */
  learning: number[];
  /** The value range once learned (null while learning). */
  range: { lo: number; hi: number } | null;
  /** Running median in normalised units. */
  median: number;
  /** The last `window` downsampled values, oldest first. */
  recent: number[];
  network: DvfaState | null;
  meanMatch: number;
  /** Lowest best match since the last vigilance estimate (null when none). */
  recentMin: number | null;
  sinceEstimate: number;
  /** Steps until the re-estimate after a report (null when none is due). */
  estimateIn: number | null;
  sinceReport: number;
  sinceCluster: number;
  lastReportMatch: number;
}

export interface ArtWindowsDetector {
  /** The score of the next raw value (non-finite values score 0 and leave the state unchanged). */
  next(value: number): number;
  snapshot(): ArtWindowsState;
  restore(state: ArtWindowsState): void;
  /** The current vigilances and network size (for tests and diagnostics). */
  inspect(): {
    learning: boolean;
    rhoUb: number;
    rhoLb: number;
    categories: number;
    clusters: number;
    /** The best match of the last downsampled step (NaN before the first scored step). */
    lastMatch: number;
  };
}

/** How fast the average of bucket means follows them (per bucket): slow, so a spike does not move it. */
const MEAN_AVERAGE_RATE = 1 / 16;
/** Extremes within this share of the value range of the bucket mean are noise: the mean is used. */
const EXTREME_SHARE = 0.1;
/** Vigilance of the fuzzy ART that estimates the initial vigilance. */
const PROBE_VIGILANCE = 0.8;

export function createArtWindowsDetector(options: ArtWindowsOptions): ArtWindowsDetector {
  const o = resolveArtWindows(options);
  const reportMute = Math.ceil(1.5 * o.window);
  const estimateEvery = Math.max(1, Math.floor(o.learningSteps / 2));
  const levelStep = 1 / (o.levels - 1);
  const newNetwork = () =>
    new Dvfa({
      dim: o.newest === 'absolute' ? FEATURES : 2 * o.window,
      maxCategories: o.maxCategories,
      power: o.power,
      newestIndex: o.newest === 'absolute' ? NEWEST : o.window - 1,
      newestWeight: o.newestWeight,
    });

  let steps = 0;
  let bucketN = 0;
  let bucketSum = 0;
  let bucketMin = Infinity;
  let bucketMax = -Infinity;
  let meanAverage: number | null = null;
  let seen: { min: number; max: number } | null = null;
  let learning: number[] = [];
  let range: { lo: number; hi: number } | null = null;
  let median = 0.5;
  let recent: number[] = [];
  let network: Dvfa | null = null;
  let meanMatch = 0;
  let recentMin: number | null = null;
  let sinceEstimate = 0;
  let estimateIn: number | null = null;
  let sinceReport = Number.MAX_SAFE_INTEGER;
  let sinceCluster = Number.MAX_SAFE_INTEGER;
  let lastReportMatch = 0;
  /** Diagnostics only (not state: it is recomputed at the next step). */
  let lastMatch = Number.NaN;

  const levelsBuf = new Float64Array(o.window);
  const features = new Float64Array(FEATURES);

  const quantise = (u: number): number => Math.round((u < 0 ? 0 : u > 1 ? 1 : u) / levelStep) * levelStep;
  const normalise = (v: number): number => (v - range!.lo) / (range!.hi - range!.lo);

  /** Features of the window of raw values `win` (oldest first) on the current scale and median. */
  const featuresOf = (win: ArrayLike<number>): Float64Array => {
    const m = quantise(median);
    for (let i = 0; i < o.window; i++) {
      const q = quantise(normalise(win[i]!));
      levelsBuf[i] = Math.abs(q - m) <= o.snap ? m : q;
    }
    for (let i = 0; i < o.window; i++) {
      features[i] = levelsBuf[i]!;
    }
    minMaxScale(features, 0, o.window, o.minSpan);
    haar8(levelsBuf, features);
    minMaxScale(features, o.window, o.window, o.minSpan);
    features[NEWEST] = levelsBuf[o.window - 1]!;
    return features;
  };

  /** The value range from a min/max: widened by the margin of the span; a flat span gets a small one. */
  const widened = (min: number, max: number): { lo: number; hi: number } => {
    let span = max - min;
    if (!(span > 1e-12 * Math.max(1, Math.abs(min), Math.abs(max)))) {
      span = Math.max(Math.abs(min), Math.abs(max), 1) * 0.01;
      return { lo: min - span, hi: max + span };
    }
    return { lo: min - o.rangeMargin * span, hi: max + o.rangeMargin * span };
  };

  const estimateVigilance = (): void => {
    const net = network!;
    if (recentMin !== null) {
      net.rhoUb = Math.min(o.maxUpperVigilance, meanMatch);
      const gap = recentMin - net.rhoLb;
      net.rhoLb = Math.min(net.rhoUb, net.rhoLb + (gap > 0 ? o.lowerUp : o.lowerDown) * gap);
    }
    recentMin = null;
    sinceEstimate = 0;
  };

  const endLearning = (): void => {
    range = widened(seen!.min, seen!.max);
    const values = learning;
    learning = [];
    // The median level of the learning period starts the running median.
    const sorted = values.map((v) => normalise(v)).sort((a, b) => a - b);
    const h = sorted.length >> 1;
    median = sorted.length % 2 ? sorted[h]! : 0.5 * (sorted[h - 1]! + sorted[h]!);
    const vectors: Float64Array[] = [];
    for (let end = o.window; end <= values.length; end++) {
      vectors.push(Float64Array.from(featuresOf(values.slice(end - o.window, end))));
    }
    recent = values.slice(values.length - o.window);
    // Least typical first: by L1 distance from the coordinate-wise mean, farthest first (stable on ties).
    const centre = new Float64Array(FEATURES);
    for (const x of vectors) {
      for (let i = 0; i < FEATURES; i++) {
        centre[i] = centre[i]! + x[i]! / vectors.length;
      }
    }
    const distance = vectors.map((x) => x.reduce((a, v, i) => a + Math.abs(v - centre[i]!), 0));
    const order = vectors.map((_, i) => i).sort((a, b) => distance[b]! - distance[a]! || a - b);
    const probe = newNetwork();
    probe.rhoUb = PROBE_VIGILANCE;
    probe.rhoLb = PROBE_VIGILANCE;
    const matches: number[] = [];
    for (const i of order) {
      const r = probe.present(vectors[i]!);
      if (probe.categories() > 1 || r.outcome === 'learned') {
        matches.push(r.bestMatch);
      }
    }
    if (o.probeMatch === 'final') {
      // The similarity of each vector to the category it ended in, once the probe has seen them all.
      matches.length = 0;
      for (const x of vectors) {
        const m = probe.placedMatch(x);
        if (m >= 0) {
          matches.push(m);
        }
      }
    }
    const mean = matches.length ? matches.reduce((a, b) => a + b, 0) / matches.length : PROBE_VIGILANCE;
    const low = matches.length ? Math.min(...matches) : PROBE_VIGILANCE;
    network = newNetwork();
    network.rhoUb = Math.min(o.maxUpperVigilance, mean);
    meanMatch = mean;
    if (o.lowerStart === 'probe' || o.lowerStart === 'mean') {
      network.rhoLb = o.lowerStart === 'mean' ? network.rhoUb : Math.min(network.rhoUb, low);
      for (const x of vectors) {
        network.present(x);
      }
    } else {
      // Nothing is novel while learning (ρ_lb = 0); the second half's lowest match at presentation starts ρ_lb.
      network.rhoLb = 0;
      let lowest = network.rhoUb;
      vectors.forEach((x, k) => {
        const r = network!.present(x);
        if (2 * k >= vectors.length) {
          lowest = Math.min(lowest, r.bestMatch);
        }
      });
      network.rhoLb = lowest;
    }
  };

  /** A downsampled step after learning: the score. */
  const score = (v: number): number => {
    const net = network!;
    let { lo, hi } = range!;
    if (v < lo || v > hi) {
      const min = Math.min(lo, v);
      const max = Math.max(hi, v);
      const margin = o.rangeMargin * (max - min);
      const next = { lo: v < lo ? v - margin : lo, hi: v > hi ? v + margin : hi };
      const scale = (hi - lo) / (next.hi - next.lo);
      const offset = (lo - next.lo) / (next.hi - next.lo);
      if (o.newest === 'absolute') {
        net.remapCoordinate(NEWEST, scale, offset);
      }
      median = scale * median + offset;
      range = next;
      ({ lo, hi } = next);
    }
    recent.push(v);
    recent.shift();
    const u = normalise(v);
    median += u > median ? levelStep : u < median ? -levelStep : 0;
    const result = net.present(featuresOf(recent));
    const best = result.bestMatch;
    lastMatch = best;
    meanMatch += (best - meanMatch) / o.learningSteps;
    recentMin = recentMin === null ? best : Math.min(recentMin, best);
    sinceEstimate++;
    sinceReport = Math.min(sinceReport + 1, Number.MAX_SAFE_INTEGER);
    const clusterBefore = sinceCluster;
    const created = result.outcome === 'cluster' || (o.muteOn === 'category' && result.outcome === 'category');
    sinceCluster = created ? 0 : Math.min(sinceCluster + 1, Number.MAX_SAFE_INTEGER);
    let out = 0;
    if (result.novel && net.rhoLb > 0) {
      const shortfall = net.rhoLb - best;
      const scale = o.confidence === 'ratio' ? net.rhoLb : Math.max(1 - net.rhoLb, 1e-3);
      const confidence = Math.min(1, Math.max(0, shortfall / scale));
      const muted = sinceReport <= reportMute || clusterBefore < reportMute;
      if (confidence > 0 && (!muted || best < o.breakthrough * lastReportMatch)) {
        out = confidence;
        sinceReport = 0;
        lastReportMatch = best;
        estimateIn = reportMute;
      }
    }
    if (estimateIn !== null && --estimateIn <= 0) {
      estimateIn = null;
      estimateVigilance();
    } else if (sinceEstimate >= estimateEvery) {
      estimateVigilance();
    }
    return out;
  };

  /** The bucket's value: its max, or min when further from the slow mean average; its mean when that is close. */
  const bucketValue = (): number => {
    const mean = bucketSum / bucketN;
    const ref = meanAverage ?? mean;
    const extreme = Math.abs(bucketMin - ref) > Math.abs(bucketMax - ref) ? bucketMin : bucketMax;
    const span = range ? range.hi - range.lo : seen!.max - seen!.min;
    meanAverage = ref + MEAN_AVERAGE_RATE * (mean - ref);
    return Math.abs(extreme - mean) <= EXTREME_SHARE * span ? mean : extreme;
  };

  return {
    next(value: number): number {
      if (!Number.isFinite(value)) {
        return 0;
      }
      if (range === null) {
        seen = seen ? { min: Math.min(seen.min, value), max: Math.max(seen.max, value) } : { min: value, max: value };
      }
      bucketN++;
      bucketSum += value;
      bucketMin = Math.min(bucketMin, value);
      bucketMax = Math.max(bucketMax, value);
      if (bucketN < o.samplesPerStep) {
        return 0;
      }
      const v = bucketValue();
      bucketN = 0;
      bucketSum = 0;
      bucketMin = Infinity;
      bucketMax = -Infinity;
      steps++;
      if (range === null) {
        learning.push(v);
        if (learning.length >= o.learningSteps) {
          endLearning();
        }
        return 0;
      }
      return score(v);
    },

    inspect() {
      return {
        learning: range === null,
        rhoUb: network?.rhoUb ?? NaN,
        rhoLb: network?.rhoLb ?? NaN,
        categories: network?.categories() ?? 0,
        clusters: network?.clusterCount() ?? 0,
        lastMatch,
      };
    },

    snapshot(): ArtWindowsState {
      return {
        kind: 'art-windows',
        version: ART_WINDOWS_STATE_VERSION,
        options: { ...o },
        steps,
        bucket: {
          n: bucketN,
          sum: bucketSum,
          min: bucketN ? bucketMin : 0,
          max: bucketN ? bucketMax : 0,
        },
        meanAverage,
        seen: seen ? { ...seen } : null,
        learning: [...learning],
        range: range ? { ...range } : null,
        median,
        recent: [...recent],
        network: network ? network.snapshot() : null,
        meanMatch,
        recentMin,
        sinceEstimate,
        estimateIn,
        sinceReport,
        sinceCluster,
        lastReportMatch,
      };
    },

    restore(state: ArtWindowsState): void {
      const fail = (field: string, why: string): never => {
        throw new Error(`detector state: ${field} ${why}`);
      };
      if (state === null || typeof state !== 'object' || state.kind !== 'art-windows') {
        fail('kind', "must be 'art-windows'");
      }
      if (state.version !== ART_WINDOWS_STATE_VERSION) {
        fail('version', `is ${String(state.version)}; this detector reads version ${ART_WINDOWS_STATE_VERSION}`);
      }
      for (const k of Object.keys(o) as Array<keyof ArtWindowsResolved>) {
        if (state.options?.[k] !== o[k]) {
          fail(`options.${k}`, `is ${String(state.options?.[k])}; this detector uses ${o[k]}`);
        }
      }
      const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
      const count = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
      const b = state.bucket;
      if (!(b && count(b.n) && b.n < o.samplesPerStep && finite(b.sum) && finite(b.min) && finite(b.max))) {
        fail('bucket', `must hold n < ${o.samplesPerStep} and finite sum, min, max`);
      }
      for (const k of ['steps', 'sinceEstimate', 'sinceReport', 'sinceCluster'] as const) {
        if (!count(state[k])) {
          fail(k, 'must be an integer ≥ 0');
        }
      }
      for (const k of ['median', 'meanMatch', 'lastReportMatch'] as const) {
        if (!finite(state[k])) {
          fail(k, 'must be a finite number');
        }
      }
      if (!(state.meanAverage === null || finite(state.meanAverage))) {
        fail('meanAverage', 'must be a finite number or null');
      }
      if (!(state.recentMin === null || finite(state.recentMin))) {
        fail('recentMin', 'must be a finite number or null');
      }
      if (!(state.estimateIn === null || count(state.estimateIn))) {
        fail('estimateIn', 'must be an integer ≥ 0 or null');
      }
      if (!(state.seen === null || (finite(state.seen?.min) && finite(state.seen?.max)))) {
        fail('seen', 'must be {min, max} or null');
      }
      if (!(Array.isArray(state.learning) && state.learning.length < o.learningSteps && state.learning.every(finite))) {
        fail('learning', `must be fewer than ${o.learningSteps} finite values`);
      }
      if (!(Array.isArray(state.recent) && state.recent.every(finite))) {
        fail('recent', 'must be finite values');
      }
      let nextNetwork: Dvfa | null = null;
      if (state.range === null) {
        if (state.network !== null || state.recent.length !== 0) {
          fail('network', 'must be null while learning');
        }
      } else {
        if (!(finite(state.range?.lo) && finite(state.range?.hi) && state.range.hi > state.range.lo)) {
          fail('range', 'must be {lo, hi} with lo < hi');
        }
        if (state.recent.length !== o.window || state.learning.length !== 0 || state.network === null) {
          fail('recent', `must hold ${o.window} values and a network once learned`);
        }
        nextNetwork = newNetwork();
        nextNetwork.restore(state.network!);
      }
      steps = state.steps;
      bucketN = b.n;
      bucketSum = b.sum;
      bucketMin = b.n ? b.min : Infinity;
      bucketMax = b.n ? b.max : -Infinity;
      meanAverage = state.meanAverage;
      seen = state.seen ? { ...state.seen } : null;
      learning = [...state.learning];
      range = state.range ? { ...state.range } : null;
      median = state.median;
      recent = [...state.recent];
      network = nextNetwork;
      meanMatch = state.meanMatch;
      recentMin = state.recentMin;
      sinceEstimate = state.sinceEstimate;
      estimateIn = state.estimateIn;
      sinceReport = state.sinceReport;
      sinceCluster = state.sinceCluster;
      lastReportMatch = state.lastReportMatch;
    },
  };
}

/** Runs a fresh detector over a whole series. */
export function runArtWindows(values: ArrayLike<number>, options: ArtWindowsOptions): Float64Array {
  const d = createArtWindowsDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = d.next(values[i]!);
  }
  return out;
}
