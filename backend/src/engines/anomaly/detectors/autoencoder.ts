/**
 * Multivariate streaming detector over one service's metrics: reconstruction error of a small dense
 * autoencoder (models/mvae/) over a short window of normalised metric vectors. The model itself is
 * injected as a batched `reconstruct` function, so this module stays pure (no I/O, no onnxruntime).
 *
 * Normalisation (identical at training time: backend/scripts/export-mv.ts calls the same `MvWindower`):
 * each metric goes through a signed log1p, then is standardised by an EWMA mean/variance of its own past
 * (the current point is judged against the stats before it; cumulative mean for the first `normWarmUp`
 * points), with a floor on the standard deviation (so a metric that is flat at 0, such as an error ratio,
 * does not turn a tiny blip into an infinite z) and a clip. The model input is the last `window` z-vectors,
 * oldest first, flattened ([window × d], metric fastest).
 *
 * Scoring is PCA's: the log of the mean squared reconstruction error, standardised by its own running
 * mean/variance learned only from unremarkable points, averaged over the last few points and turned into
 * a [0, 1] Gaussian tail surprise. The newest step's squared error can weigh more than the older steps'
 * (`newestStepWeight`, the card's `scoring`), so a window still mostly normal does not dilute a new fault.
 * Contributions: each metric's share of the (weighted) squared error over the window.
 * State is bounded: d EWMA pairs, a window ring, and the score reference.
 */
import { erfc } from '../baselines.ts';

/** Batched model call: `batch` holds n inputs of length window × d; answers n reconstructions of the same shape. */
export type Reconstruct = (batch: Float32Array, n: number) => Promise<Float32Array>;

export interface MvNormalisation {
  /** EWMA weight of the per-metric mean/variance after warm-up. Default 1/288. */
  alpha: number;
  /** Points averaged cumulatively before the EWMA takes over. Default 60. */
  normWarmUp: number;
  /** Floor of the per-metric standard deviation in log1p space. Default 0.01. */
  sdFloor: number;
  /** |z| is clipped here. Default 8. */
  clip: number;
}

export const DEFAULT_MV_NORMALISATION: MvNormalisation = { alpha: 1 / 288, normWarmUp: 60, sdFloor: 0.01, clip: 8 };

export const signedLog1p = (x: number): number => Math.sign(x) * Math.log1p(Math.abs(x));

/**
 * Online per-metric normalisation plus the window ring: push a raw vector, then `fill` copies the current
 * window (oldest first) into a model input. Shared by training export and inference.
 */
export class MvWindower {
  readonly dimensions: number;
  readonly window: number;
  private readonly norm: MvNormalisation;
  private readonly mean: Float64Array;
  private readonly variance: Float64Array;
  private readonly counts: Float64Array;
  private readonly ring: Float32Array;
  private next = 0;
  /** Vectors pushed so far. */
  pushed = 0;

  constructor(dimensions: number, window: number, norm: Partial<MvNormalisation> = {}) {
    if (!Number.isInteger(dimensions) || dimensions < 1) {
      throw new Error(`dimensions: must be a positive integer, got ${dimensions}`);
    }
    if (!Number.isInteger(window) || window < 1) {
      throw new Error(`window: must be a positive integer, got ${window}`);
    }
    this.dimensions = dimensions;
    this.window = window;
    this.norm = { ...DEFAULT_MV_NORMALISATION, ...norm };
    this.mean = new Float64Array(dimensions);
    this.variance = new Float64Array(dimensions);
    this.counts = new Float64Array(dimensions);
    this.ring = new Float32Array(window * dimensions);
  }

  /** Normalises one raw vector against the past and appends it to the window; a missing metric is z = 0 and learns nothing. */
  push(raw: ArrayLike<number>): void {
    const d = this.dimensions;
    const { alpha, normWarmUp, sdFloor, clip } = this.norm;
    const at = this.next * d;
    for (let i = 0; i < d; i++) {
      const x = Number(raw[i]);
      if (!Number.isFinite(x)) {
        this.ring[at + i] = 0;
        continue;
      }
      const y = signedLog1p(x);
      const c = this.counts[i]!;
      const sd = Math.max(sdFloor, Math.sqrt(this.variance[i]!));
      this.ring[at + i] = c === 0 ? 0 : Math.max(-clip, Math.min(clip, (y - this.mean[i]!) / sd));
      const a = c < normWarmUp ? 1 / (c + 1) : alpha;
      const diff = y - this.mean[i]!;
      this.mean[i]! += a * diff;
      this.variance[i] = c === 0 ? 0 : (1 - a) * (this.variance[i]! + a * diff * diff);
      this.counts[i] = c + 1;
    }
    this.next = (this.next + 1) % this.window;
    this.pushed++;
  }

  /** True once a full window has been pushed. */
  ready(): boolean {
    return this.pushed >= this.window;
  }

  /** Copies the current window, oldest first, into `out` at `offset` (window × d floats). */
  fill(out: Float32Array, offset: number): void {
    const d = this.dimensions;
    for (let k = 0; k < this.window; k++) {
      const slot = (this.next + k) % this.window;
      out.set(this.ring.subarray(slot * d, slot * d + d), offset + k * d);
    }
  }

  stateSize(): number {
    return this.ring.length + 3 * this.dimensions;
  }
}

export interface AutoencoderOptions {
  dimensions: number;
  /** Steps per model input (the card's window). */
  window: number;
  reconstruct: Reconstruct;
  /** Points before the first score. Default 288. */
  warmUp?: number;
  /** Model inputs per `reconstruct` call. Default 4096. */
  batchSize?: number;
  normalisation?: Partial<MvNormalisation>;
  /** EWMA weight of the log-error reference. Default 0.01. */
  alpha?: number;
  /** Weight of the newest step's squared error against 1 for the older steps of the window. Default 1. */
  newestStepWeight?: number;
}

export interface AutoencoderScore {
  score: number;
  /** Share of the squared reconstruction error per metric (sums to 1), empty during warm-up. */
  contributions: number[];
}

export interface AutoencoderDetector {
  /** Scores the next vectors in order (state carries over between calls); one batched model pass per `batchSize` points. */
  score(vectors: ReadonlyArray<ArrayLike<number>>): Promise<AutoencoderScore[]>;
  stateSize(): number;
}

const S_MAX = Math.log(1e10);
const SUSTAIN_POINTS = 5;

export function createAutoencoderDetector(options: AutoencoderOptions): AutoencoderDetector {
  const { dimensions: d, window: w, reconstruct } = options;
  const warmUp = Math.max(options.warmUp ?? 288, w);
  const batchSize = options.batchSize ?? 4096;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batchSize: must be a positive integer, got ${batchSize}`);
  }
  const alpha = options.alpha ?? 0.01;
  const newestWeight = options.newestStepWeight ?? 1;
  if (!(Number.isFinite(newestWeight) && newestWeight > 0)) {
    throw new Error(`newestStepWeight: must be a positive number, got ${newestWeight}`);
  }
  const newestFrom = (w - 1) * d;
  const totalWeight = w - 1 + newestWeight;
  const windower = new MvWindower(d, w, options.normalisation);
  const width = w * d;
  let errMean = 0;
  let errVar = 1;
  let errCount = 0;
  const recent = new Float64Array(SUSTAIN_POINTS);
  let recentNext = 0;
  let recentSize = 0;

  /** Sequential part: PCA's tail surprise on log mean squared error, reference learned from low scores only. */
  const scoreOne = (input: Float32Array, output: Float32Array, offset: number): AutoencoderScore => {
    const perMetric = new Float64Array(d);
    let total = 0;
    for (let j = 0; j < width; j++) {
      const e = (input[offset + j]! - output[offset + j]!) ** 2 * (j >= newestFrom ? newestWeight : 1);
      perMetric[j % d]! += e;
      total += e;
    }
    const logErr = Math.log(total / (totalWeight * d) + 1e-9);
    const zs = (logErr - errMean) / Math.sqrt(Math.max(errVar, 1e-6));
    recent[recentNext] = zs;
    recentNext = (recentNext + 1) % SUSTAIN_POINTS;
    recentSize = Math.min(SUSTAIN_POINTS, recentSize + 1);
    let sum = 0;
    for (let r = 0; r < recentSize; r++) {
      sum += recent[r]!;
    }
    const zc = (sum / recentSize) * Math.sqrt(recentSize);
    const score =
      zc > 0 ? Math.min(1, Math.max(0, -Math.log(Math.max(1e-300, 0.5 * erfc(zc / Math.SQRT2))) / S_MAX)) : 0;
    if (score < 0.5 || errCount < 50) {
      const a = errCount < 50 ? 1 / (errCount + 1) : alpha;
      const diff = logErr - errMean;
      errMean += a * diff;
      errVar = errCount === 0 ? 1 : (1 - a) * (errVar + a * diff * diff);
      errCount++;
    }
    return { score, contributions: Array.from(perMetric, (e) => (total > 0 ? e / total : 1 / d)) };
  };

  return {
    async score(vectors) {
      const out: AutoencoderScore[] = [];
      for (let start = 0; start < vectors.length; start += batchSize) {
        const chunk = vectors.slice(start, start + batchSize);
        const inputs = new Float32Array(chunk.length * width);
        const scored: boolean[] = [];
        let n = 0;
        for (const v of chunk) {
          if (v.length !== d) {
            throw new Error(`vector: expected ${d} metrics, got ${v.length}`);
          }
          windower.push(v);
          const live = windower.pushed > warmUp;
          scored.push(live);
          if (live) {
            windower.fill(inputs, n++ * width);
          }
        }
        const outputs = n > 0 ? await reconstruct(inputs.subarray(0, n * width), n) : new Float32Array(0);
        if (outputs.length < n * width) {
          throw new Error(`reconstruct: answered ${outputs.length} values for ${n} inputs of ${width}`);
        }
        let k = 0;
        for (const live of scored) {
          out.push(live ? scoreOne(inputs, outputs, k++ * width) : { score: 0, contributions: [] });
        }
      }
      return out;
    },
    stateSize: () => windower.stateSize() + SUSTAIN_POINTS + 3,
  };
}
