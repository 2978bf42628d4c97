/**
 * Streaming baseline anomaly detectors (one pass, no look-ahead: the score of row i depends only on
 * values 0..i). Used as NAB reference points.
 */

export interface StreamingDetector {
  /** Feeds the next value and returns its anomaly score in [0, 1]. */
  next(value: number): number;
}

/** NAB's null detector: always 0. */
export function createNullDetector(): StreamingDetector {
  return { next: () => 0 };
}

/**
 * Complementary error function, Numerical Recipes' `erfcc` (Chebyshev fit, fractional error < 1.2e−7
 * everywhere).
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
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
  return x >= 0 ? r : 2 - r;
}

export interface WindowedGaussianOptions {
  /** Values kept in the window (NAB: 6400). */
  windowSize?: number;
  /** Once the window is full, it slides forward in steps of this many values (NAB: 100). */
  stepSize?: number;
}

/**
 * NAB's `windowedGaussian` detector (nab/detectors/gaussian/windowedGaussian_detector.py):
 * score = 1 − Q(|x − mean|/std), the two-sided Gaussian tail of the current value under the mean/std of
 * the window *before* it is added (the first value scores 0). The window grows to `windowSize` values,
 * then slides forward `stepSize` values at a time; std is the population std, 1e−6 if zero.
 */
export function createWindowedGaussian(options: WindowedGaussianOptions = {}): StreamingDetector {
  const windowSize = options.windowSize ?? 6400;
  const stepSize = options.stepSize ?? 100;
  let window: number[] = [];
  let buffer: number[] = [];
  let mean = 0;
  let std = 1;
  let mean0 = 0;
  let m2 = 0;
  const update = () => {
    let s = 0;
    for (const v of window) {
      s += v;
    }
    mean = s / window.length;
    let ss = 0;
    for (const v of window) {
      ss += (v - mean) * (v - mean);
    }
    std = Math.sqrt(ss / window.length);
    if (std === 0) {
      std = 0.000001;
    }
  };
  return {
    next(value: number): number {
      let score = 0;
      if (window.length > 0) {
        const z = Math.abs(value - mean) / std;
        const q = 0.5 * erfc(z / Math.SQRT2);
        score = 1 - q;
      }
      if (window.length < windowSize) {
        // Growing phase: Welford's online mean/variance (same result as recomputing, O(1) per value).
        window.push(value);
        const delta = value - mean0;
        mean0 += delta / window.length;
        m2 += delta * (value - mean0);
        mean = mean0;
        std = Math.sqrt(Math.max(0, m2) / window.length);
        if (std === 0) {
          std = 0.000001;
        }
      } else {
        buffer.push(value);
        if (buffer.length === stepSize) {
          window = window.slice(stepSize).concat(buffer);
          buffer = [];
          update();
        }
      }
      return score;
    },
  };
}

export type BaselineName = 'windowedGaussian' | 'null';
export const BASELINES: readonly BaselineName[] = ['windowedGaussian', 'null'];

export function createBaseline(name: BaselineName): StreamingDetector {
  return name === 'null' ? createNullDetector() : createWindowedGaussian();
}

/** Runs a detector over a whole series in one streaming pass. */
export function runDetector(detector: StreamingDetector, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = detector.next(values[i]!);
  }
  return out;
}
