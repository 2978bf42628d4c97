/**
 * Multivariate streaming detector over one service's metrics together: PCA reconstruction error (SPE).
 * Metrics that normally move together (request rate, CPU, latency) span a low-dimensional subspace;
 * a fault that breaks the relation (CPU up while traffic is flat) leaves that subspace even when every
 * metric alone stays inside its usual range.
 *
 * Streaming, no look-ahead, bounded memory: the principal subspace is fitted on a ring buffer of recent
 * vectors, each metric centred and scaled by that window (Jacobi eigen-decomposition, d is small), and
 * refitted every `refitEvery` points from points that scored low;
 * SPE is turned into a [0, 1] score by its own running log-mean/variance (a Gaussian tail surprise).
 * Contributions: each metric's share of the squared residual, so regions can name the metrics that moved.
 */
import { erfc } from '../baselines.ts';

export interface PcaOptions {
  /** Points before the first score (the first fit uses them). Default 288. */
  warmUp?: number;
  /** Vectors kept for fitting. Default 1024. */
  window?: number;
  /** Refit the subspace after this many points. Default 288. */
  refitEvery?: number;
  /** Share of variance the kept components explain. Default 0.9. */
  varianceKept?: number;
  /** EWMA weight for the per-metric mean/variance and the SPE reference. Default 0.01. */
  alpha?: number;
}

export interface PcaScore {
  score: number;
  /** Share of the squared residual per metric (sums to 1), empty during warm-up. */
  contributions: number[];
}

export interface PcaDetector {
  update(vector: ArrayLike<number>): PcaScore;
  components(): number;
  stateSize(): number;
}

const S_MAX = Math.log(1e10);
/** Standardised log-SPEs averaged into the score. */
const SUSTAIN_POINTS = 5;

/** Eigen-decomposition of a symmetric matrix (cyclic Jacobi): eigenvalues descending with their vectors as columns. */
export function symmetricEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        off += a[p]![q]! ** 2;
      }
    }
    if (off < 1e-20) {
      break;
    }
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p]![q]!) < 1e-300) {
          continue;
        }
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]!);
  return { values: order.map((i) => a[i]![i]!), vectors: v.map((row) => order.map((i) => row[i]!)) };
}

export function createPcaDetector(dimensions: number, options: PcaOptions = {}): PcaDetector {
  const d = dimensions;
  const warmUp = options.warmUp ?? 288;
  const capacity = options.window ?? 1024;
  const refitEvery = options.refitEvery ?? 288;
  const varianceKept = options.varianceKept ?? 0.9;
  const alpha = options.alpha ?? 0.01;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d).fill(1);
  const ring = new Float64Array(capacity * d);
  let ringSize = 0;
  let ringNext = 0;
  let basis: number[][] = []; // k column vectors of length d
  let n = 0;
  let sinceFit = 0;
  let speMean = 0;
  let speVar = 1;
  let speCount = 0;
  const recent = new Float64Array(SUSTAIN_POINTS);
  let recentNext = 0;
  let recentSize = 0;

  /** Centre and scale from the fitting window, then the principal subspace of the standardised vectors. */
  const fit = (): void => {
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let r = 0; r < ringSize; r++) {
        sum += ring[r * d + i]!;
      }
      const m = sum / Math.max(1, ringSize);
      let ss = 0;
      for (let r = 0; r < ringSize; r++) {
        ss += (ring[r * d + i]! - m) ** 2;
      }
      mean[i] = m;
      scale[i] = Math.sqrt(ss / Math.max(1, ringSize - 1)) || 1e-9 * (1 + Math.abs(m));
    }
    const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    const z = new Float64Array(d);
    for (let r = 0; r < ringSize; r++) {
      for (let i = 0; i < d; i++) {
        z[i] = (ring[r * d + i]! - mean[i]!) / scale[i]!;
      }
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          cov[i]![j]! += z[i]! * z[j]!;
        }
      }
    }
    for (let i = 0; i < d; i++) {
      for (let j = i; j < d; j++) {
        cov[j]![i] = cov[i]![j]! /= Math.max(1, ringSize - 1);
      }
    }
    const { values, vectors } = symmetricEigen(cov);
    const total = values.reduce((acc, x) => acc + Math.max(0, x), 0) || 1;
    let acc = 0;
    let k = 0;
    while (k < d - 1 && acc / total < varianceKept) {
      acc += Math.max(0, values[k++]!);
    }
    basis = Array.from({ length: k }, (_, c) => vectors.map((row) => row[c]!));
  };

  return {
    update(vector: ArrayLike<number>): PcaScore {
      n++;
      const raw = new Float64Array(d);
      const z = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        const x = Number(vector[i]);
        // A missing metric is taken at its fitted mean: it neither raises nor hides an anomaly.
        raw[i] = Number.isFinite(x) ? x : mean[i]!;
        z[i] = (raw[i]! - mean[i]!) / scale[i]!;
      }
      let score = 0;
      let contributions: number[] = [];
      if (n > warmUp && basis.length > 0) {
        const residual = Float64Array.from(z);
        for (const b of basis) {
          let dot = 0;
          for (let i = 0; i < d; i++) {
            dot += b[i]! * z[i]!;
          }
          for (let i = 0; i < d; i++) {
            residual[i]! -= dot * b[i]!;
          }
        }
        let spe = 0;
        for (let i = 0; i < d; i++) {
          spe += residual[i]! ** 2;
        }
        const logSpe = Math.log(spe + 1e-9);
        const sd = Math.sqrt(Math.max(speVar, 1e-6));
        const zs = (logSpe - speMean) / sd;
        // Sustained, not single: the mean of the last few standardised log-SPEs, rescaled to unit variance, so a
        // broken relation that lasts scores near 1 while one noisy point does not.
        recent[recentNext] = zs;
        recentNext = (recentNext + 1) % SUSTAIN_POINTS;
        recentSize = Math.min(SUSTAIN_POINTS, recentSize + 1);
        let sum = 0;
        for (let r = 0; r < recentSize; r++) {
          sum += recent[r]!;
        }
        const zc = (sum / recentSize) * Math.sqrt(recentSize);
        score = zc > 0 ? Math.min(1, Math.max(0, -Math.log(Math.max(1e-300, 0.5 * erfc(zc / Math.SQRT2)))) / S_MAX) : 0;
        contributions = Array.from(residual, (r) => (spe > 0 ? (r * r) / spe : 1 / d));
        // The SPE reference learns only from unremarkable points, so a long fault does not become normal.
        if (score < 0.5 || speCount < 50) {
          const a = speCount < 50 ? 1 / (speCount + 1) : alpha;
          const diff = logSpe - speMean;
          speMean += a * diff;
          speVar = speCount === 0 ? 1 : (1 - a) * (speVar + a * diff * diff);
          speCount++;
        }
      }
      if (score < 0.5) {
        ring.set(raw, ringNext * d);
        ringNext = (ringNext + 1) % capacity;
        ringSize = Math.min(capacity, ringSize + 1);
      }
      if (n === warmUp || (n > warmUp && ++sinceFit >= refitEvery)) {
        sinceFit = 0;
        fit();
      }
      return { score: n > warmUp ? score : 0, contributions };
    },
    components: () => basis.length,
    stateSize: () => ring.length + 3 * d,
  };
}
