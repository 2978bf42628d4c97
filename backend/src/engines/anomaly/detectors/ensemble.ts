/**
 * The AIDPE ensemble: CAD OSE + the AIDPE residual/likelihood detector, one score in [0, 1] per point.
 *
 * Default (chosen on NAB's 4 local categories by general parameters only; every configuration tried is listed by
 * `backend/scripts/nab-ensemble-sweep.ts`): the maximum of the two detectors' raw scores — both already in [0, 1]
 * and comparable across series (CAD: share of unexplained contexts; AIDPE: a likelihood of its averaged residual
 * scores, so a single spike in a noisy series stays moderate while a sustained deviation climbs) — followed by a
 * rest rule: after an output ≥ 0.7 the next 100 outputs are 0 (CAD OSE's own rule, applied to the ensemble), so
 * one incident yields one alert rather than a run of them.
 *
 * Other modes (options), measured worse on NAB:
 * - Calibration ('max' / 'mean'): each score replaced by its rank against the detector's own last `historySize`
 *   scores on this series (mid-rank for ties). Ranks saturate at the top, so above the history's `tailQuantile` (q)
 *   the magnitude decides: p = q + (1 − q)·(1 − (s_q − s_50)/(s − s_50)). Per-series ranks make every quiet series
 *   produce its own "top 1%", which costs false positives under one pooled threshold.
 * - Persistence: the output is the minimum of the last `persistence` combined scores (a single spike cannot fire);
 *   on NAB the one-step delay and the lost spikes cost more than the suppressed false positives.
 *
 * Streaming: one pass, no look-ahead, memory bounded by the two detectors' caps plus `historySize` scores each.
 */
import {
  createResidualLikelihoodDetector,
  type ResidualLikelihoodDetector,
  type ResidualLikelihoodOptions,
  type ResidualLikelihoodState,
} from './residualLikelihood.ts';
import { createCadDetector, type CadDetector, type CadOptions, type CadState } from './cad.ts';

/** Online rank of a score against a bounded history of the same detector's scores. */
export class RankCalibrator {
  private readonly ring: number[] = [];
  private readonly sorted: number[] = [];
  private head = 0;

  constructor(
    readonly historySize: number,
    readonly tailQuantile = 0.99
  ) {
    if (!(Number.isInteger(historySize) && historySize >= 1)) {
      throw new Error(`historySize: expected an integer ≥ 1, got ${historySize}`);
    }
    if (!(tailQuantile > 0 && tailQuantile <= 1)) {
      throw new Error(`tailQuantile: expected a number in (0, 1], got ${tailQuantile}`);
    }
  }

  get size(): number {
    return this.sorted.length;
  }

  /** Calibrated value of `score` against the history (0 with no history), then adds it to the history. */
  next(score: number): number {
    const n = this.sorted.length;
    let p = 0;
    if (n > 0) {
      const below = lowerBound(this.sorted, score);
      const equal = lowerBound(this.sorted, nextUp(score)) - below;
      p = (below + 0.5 * equal) / n;
      const q = this.tailQuantile;
      if (q < 1) {
        const median = this.sorted[Math.floor(0.5 * (n - 1))]!;
        const edge = this.sorted[Math.floor(q * (n - 1))]!;
        // Above the tail quantile, rank no longer separates "a bit above" from "far above": use the magnitude.
        if (edge > median) {
          p = score > edge ? q + (1 - q) * (1 - (edge - median) / (score - median)) : Math.min(p, q);
        }
      }
    }
    if (this.ring.length < this.historySize) {
      this.ring.push(score);
    } else {
      const old = this.ring[this.head]!;
      this.ring[this.head] = score;
      this.head = (this.head + 1) % this.historySize;
      this.sorted.splice(lowerBound(this.sorted, old), 1);
    }
    this.sorted.splice(lowerBound(this.sorted, score), 0, score);
    return Math.min(1, Math.max(0, p));
  }

  snapshot(): number[] {
    return [...this.ring.slice(this.head), ...this.ring.slice(0, this.head)];
  }

  restore(history: readonly number[]): void {
    this.ring.length = 0;
    this.head = 0;
    this.sorted.length = 0;
    for (const v of history.slice(-this.historySize)) {
      this.ring.push(v);
      this.sorted.splice(lowerBound(this.sorted, v), 0, v);
    }
  }
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/** The smallest double above x (for "≤ x" counts by lower bound). */
function nextUp(x: number): number {
  if (x === Infinity || Number.isNaN(x)) {
    return x;
  }
  if (x === 0) {
    return Number.MIN_VALUE;
  }
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  buf.setBigUint64(0, x > 0 ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

export interface EnsembleOptions {
  cad?: CadOptions;
  residual?: ResidualLikelihoodOptions;
  /** Scores per detector kept for calibration (default 2000). */
  historySize?: number;
  /** Points of history needed before the ensemble scores at all (default 200). */
  minHistory?: number;
  /** Consecutive combined scores the output takes the minimum of (default 1: no persistence rule). */
  persistence?: number;
  /** 'max'/'mean' of the calibrated scores, or 'raw-max' (default): the maximum of the raw scores. */
  combine?: 'max' | 'mean' | 'raw-max';
  /** After an output ≥ `restThreshold` (default 0.7), the next `restPeriod` (default 100) outputs are 0 (CAD OSE's rule, on the ensemble). */
  restThreshold?: number;
  restPeriod?: number;
  /** Rank quantile above which the score's magnitude decides (default 0.99; 1 = ranks only). */
  tailQuantile?: number;
}

export interface EnsembleState {
  kind: 'aidpe-ensemble';
  version: 1;
  cad: CadState;
  aidpe: ResidualLikelihoodState;
  cadHistory: number[];
  aidpeHistory: number[];
  recent: number[];
  muted: number;
}

export interface EnsembleDetector {
  update(timestampMs: number, value: number): number;
  snapshot(): EnsembleState;
  restore(state: EnsembleState): void;
}

/** Calibration + combination + persistence over the two detectors' raw scores (shared by the detector and the sweep). */
export class EnsembleCombiner {
  readonly cadCal: RankCalibrator;
  readonly aidpeCal: RankCalibrator;
  private readonly minHistory: number;
  private readonly persistence: number;
  private readonly combine: 'max' | 'mean' | 'raw-max';
  private readonly restThreshold: number;
  private readonly restPeriod: number;
  recent: number[] = [];
  /** Outputs still muted by the rest rule. */
  muted = 0;

  constructor(options: EnsembleOptions = {}) {
    const historySize = options.historySize ?? 2000;
    this.minHistory = options.minHistory ?? 200;
    this.persistence = options.persistence ?? 1;
    this.combine = options.combine ?? 'raw-max';
    this.restThreshold = options.restThreshold ?? 0.7;
    this.restPeriod = options.restPeriod ?? 100;
    if (!(Number.isInteger(this.persistence) && this.persistence >= 1)) {
      throw new Error(`persistence: expected an integer ≥ 1, got ${options.persistence}`);
    }
    this.cadCal = new RankCalibrator(historySize, options.tailQuantile ?? 0.99);
    this.aidpeCal = new RankCalibrator(historySize, options.tailQuantile ?? 0.99);
  }

  next(cadScore: number, aidpeScore: number): number {
    const pc = this.cadCal.next(cadScore);
    const pa = this.aidpeCal.next(aidpeScore);
    const combined =
      this.cadCal.size < this.minHistory
        ? 0
        : this.combine === 'max'
          ? Math.max(pc, pa)
          : this.combine === 'mean'
            ? (pc + pa) / 2
            : Math.max(cadScore, aidpeScore);
    this.recent.push(combined);
    if (this.recent.length > this.persistence) {
      this.recent = this.recent.slice(-this.persistence);
    }
    const out = this.recent.length < this.persistence ? 0 : Math.min(...this.recent);
    if (this.muted > 0) {
      this.muted--;
      return 0;
    }
    if (out >= this.restThreshold) {
      this.muted = this.restPeriod;
    }
    return out;
  }
}

export function createEnsembleDetector(options: EnsembleOptions = {}): EnsembleDetector {
  const combiner = new EnsembleCombiner(options);
  const cad: CadDetector = createCadDetector(options.cad);
  const aidpe: ResidualLikelihoodDetector = createResidualLikelihoodDetector(options.residual);
  return {
    update(timestampMs: number, value: number): number {
      return combiner.next(cad.next(value), aidpe.update(timestampMs, value));
    },
    snapshot(): EnsembleState {
      return {
        kind: 'aidpe-ensemble',
        version: 1,
        cad: cad.snapshot(),
        aidpe: aidpe.snapshot(),
        cadHistory: combiner.cadCal.snapshot(),
        aidpeHistory: combiner.aidpeCal.snapshot(),
        recent: [...combiner.recent],
        muted: combiner.muted,
      };
    },
    restore(state: EnsembleState): void {
      if (state?.kind !== 'aidpe-ensemble' || state.version !== 1) {
        throw new Error('state: not an aidpe-ensemble v1 state');
      }
      cad.restore(state.cad);
      aidpe.restore(state.aidpe);
      combiner.cadCal.restore(state.cadHistory);
      combiner.aidpeCal.restore(state.aidpeHistory);
      combiner.recent = [...state.recent];
      combiner.muted = state.muted;
    },
  };
}

/** Runs the ensemble over a whole series in one streaming pass. */
export function runEnsemble(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options: EnsembleOptions = {}
): Float64Array {
  const det = createEnsembleDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = det.update(timestamps[i]!, values[i]!);
  }
  return out;
}
