/**
 * Grafana's augurs (Rust compiled to WASM) as the statistical reference models: AutoETS and MSTL.
 * The WASM modules are instantiated synchronously from the package's own .wasm bytes, once.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as etsModule from '@bsull/augurs/ets';
import * as mstlModule from '@bsull/augurs/mstl';
import { normalQuantile } from './engine.ts';

let initialised = false;

function packageDir(): string {
  // The package exports no ./package.json; resolve one of its modules instead.
  return dirname(fileURLToPath(import.meta.resolve('@bsull/augurs/ets')));
}

export function initAugurs(): void {
  if (initialised) {
    return;
  }
  const dir = packageDir();
  etsModule.initSync({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  mstlModule.initSync({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  initialised = true;
}

export interface IntervalForecast {
  p50: Float64Array;
  /** Keyed by quantile level. */
  quantiles: Map<number, Float64Array>;
}

/**
 * augurs returns symmetric Gaussian intervals at one level per call; the standard deviation per step
 * is recovered from the 95% interval and any quantile is read off the normal distribution.
 */
function toQuantiles(
  point: number[],
  lower: number[],
  upper: number[],
  level: number,
  levels: number[]
): IntervalForecast {
  const z = normalQuantile(0.5 + level / 2);
  const p50 = Float64Array.from(point);
  const quantiles = new Map<number, Float64Array>();
  for (const q of levels) {
    const zq = normalQuantile(q);
    quantiles.set(
      q,
      p50.map((v, k) => v + (zq * (upper[k]! - lower[k]!)) / (2 * z))
    );
  }
  return { p50, quantiles };
}

interface AugursModel {
  fit(y: Float64Array): void;
  predict(
    horizon: number,
    level?: number | null
  ): { point: number[]; intervals: { lower: number[]; upper: number[] } | undefined };
  free(): void;
}

/** Fits, predicts with a 95% interval, and frees the WASM memory whatever happens. */
function fitPredict(model: AugursModel, y: Float64Array, horizon: number, levels: number[]): IntervalForecast {
  try {
    model.fit(y);
    const f = model.predict(horizon, 0.95);
    return toQuantiles(f.point, f.intervals!.lower, f.intervals!.upper, 0.95, levels);
  } finally {
    model.free();
  }
}

/** augurs AutoETS (non-seasonal model search, as augurs supports), with its own Gaussian intervals. */
export function autoEts(y: Float64Array, horizon: number, levels: number[]): IntervalForecast {
  initAugurs();
  return fitPredict(new etsModule.AutoETS(1, 'ZZN'), y, horizon, levels);
}

/** augurs MSTL with an AutoETS trend over the given seasonal periods. */
export function mstl(y: Float64Array, periods: number[], horizon: number, levels: number[]): IntervalForecast {
  initAugurs();
  return fitPredict(mstlModule.MSTL.ets(Uint32Array.from(periods)), y, horizon, levels);
}
