/**
 * Instantiates Grafana's augurs WASM modules (AutoETS, MSTL) from the package's own .wasm bytes, once, and
 * hands the forecast engine a ready `AugursModels` (the engine itself reads no files).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as etsModule from '@bsull/augurs/ets';
import * as mstlModule from '@bsull/augurs/mstl';
import type { AugursModels, RawForecast } from '../engines/forecast/augurs.ts';

let models: AugursModels | undefined;

function packageDir(): string {
  // The package exports no ./package.json; resolve one of its modules instead.
  return dirname(fileURLToPath(import.meta.resolve('@bsull/augurs/ets')));
}

interface AugursModel {
  fit(y: Float64Array): void;
  predict(
    horizon: number,
    level?: number | null
  ): { point: number[]; intervals: { lower: number[]; upper: number[] } | undefined };
  free(): void;
}

/** Fits, predicts with an interval at `level`, and frees the WASM memory whatever happens. */
function fitPredict(model: AugursModel, y: Float64Array, horizon: number, level: number): RawForecast {
  try {
    model.fit(y);
    const f = model.predict(horizon, level);
    if (!f.intervals) {
      throw new Error('augurs returned no interval');
    }
    return { point: f.point, lower: f.intervals.lower, upper: f.intervals.upper };
  } finally {
    model.free();
  }
}

/** The augurs models, instantiated on first use (synchronously: the bytes ship with the package). */
export function augursModels(): AugursModels {
  if (models) {
    return models;
  }
  const dir = packageDir();
  etsModule.initSync({ module: readFileSync(join(dir, 'ets_bg.wasm')) });
  mstlModule.initSync({ module: readFileSync(join(dir, 'mstl_bg.wasm')) });
  models = {
    autoEts: (y, horizon, level) => fitPredict(new etsModule.AutoETS(1, 'ZZN'), y, horizon, level),
    mstl: (y, periods, horizon, level) => fitPredict(mstlModule.MSTL.ets(Uint32Array.from(periods)), y, horizon, level),
  };
  return models;
}
