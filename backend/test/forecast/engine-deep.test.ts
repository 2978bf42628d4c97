import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDeepInputs,
  DeepForecaster,
  DEEP_CONTEXT,
  DEEP_HORIZON,
  type OnnxSessionLike,
  type OnnxTensorLike,
} from '../../src/engines/forecast/deep.ts';
import { STATISTICAL_CANDIDATES, type ForecastWindow } from '../../src/engines/forecast/candidates.ts';
import { forecastSeries } from '../../src/engines/forecast/engine.ts';

const tensor = (_type: 'float32', data: Float32Array, dims: number[]): OnnxTensorLike => ({ data, dims });

function window(values: number[], lastTimestamp = 86400 * 3, stepSeconds = 300): ForecastWindow {
  return { values: Float64Array.from(values), lastTimestamp, stepSeconds, season: 288, periods: [288] };
}

test('deep inputs follow the contract: median/mean-absolute-deviation scaling, clipping, time features, statics', () => {
  // 512 values: 256 × 10 and 256 × 20, then one huge spike at the end.
  const values = [...new Array(256).fill(10), ...new Array(255).fill(20), 1e6];
  const x = buildDeepInputs([window(values)]);
  const loc = 15; // mean of the two middle values 10 and 20
  const mad = (256 * 5 + 255 * 5 + (1e6 - 15)) / 512;
  assert.equal(x.loc[0], loc);
  assert.ok(Math.abs(x.scale[0]! - mad) < 1e-9);
  assert.ok(Math.abs(x.pastValues[0]! - (10 - loc) / mad) < 1e-6);
  assert.equal(x.pastValues[DEEP_CONTEXT - 1], 50, 'clipped at +50');
  // The last past step is at 3 days = midnight UTC on a Sunday (epoch day 3): d = 0, w = 3/7.
  const last = (DEEP_CONTEXT - 1) * 4;
  assert.ok(Math.abs(x.pastTime[last]! - 0) < 1e-6 && Math.abs(x.pastTime[last + 1]! - 1) < 1e-6);
  assert.ok(Math.abs(x.pastTime[last + 2]! - Math.sin((2 * Math.PI * 3) / 7)) < 1e-6);
  // The first future step is 5 minutes later.
  assert.ok(Math.abs(x.futureTime[0]! - Math.sin((2 * Math.PI * 300) / 86400)) < 1e-6);
  assert.ok(Math.abs(x.static[0]! - Math.log10(300) / 4) < 1e-6);
  assert.ok(Math.abs(x.static[1]! - Math.asinh(loc / mad) / 10) < 1e-6);
  assert.equal(x.futureTime.length, DEEP_HORIZON * 4);
});

/** A fake ONNX session whose median is the normalised last value and whose band is ±1 scale. */
class EchoSession implements OnnxSessionLike {
  calls: number[] = [];
  async run(feeds: Record<string, OnnxTensorLike>) {
    const past = feeds['past_values']!;
    const B = past.dims[0]!;
    this.calls.push(B);
    const data = new Float32Array(B * DEEP_HORIZON * 3);
    for (let b = 0; b < B; b++) {
      const lastZ = (past.data as Float32Array)[b * DEEP_CONTEXT + DEEP_CONTEXT - 1]!;
      for (let k = 0; k < DEEP_HORIZON; k++) {
        data.set([lastZ - 1, lastZ, lastZ + 1], (b * DEEP_HORIZON + k) * 3);
      }
    }
    return { quantiles: { data, dims: [B, DEEP_HORIZON, 3] } };
  }
}

test('a deep candidate maps outputs back to original units and batches every window into one call', async () => {
  const session = new EchoSession();
  const model = new DeepForecaster('lstm', session, tensor);
  const values = Array.from({ length: 600 }, (_, i) => 100 + (i % 7));
  const out = await model.predict([window(values), window(values.slice(0, 550))], 12);
  assert.deepEqual(session.calls, [2]);
  assert.equal(out.length, 2);
  assert.ok(Math.abs(out[0]!.p50[0]! - values[599]!) < 1e-3, 'median echoes the last value');
  assert.ok(out[0]!.quantiles!.get(0.1)![0]! < out[0]!.p50[0]!);
  assert.equal(out[0]!.p50.length, 12);
  assert.equal(model.applicable(window(values.slice(0, 100)), 12), false, 'needs 512 samples');
  assert.equal(model.applicable(window(values), 289), false, 'at most 288 steps');
});

test('the ensemble batches a deep candidate over all backtest origins and survives its failure', async () => {
  const session = new EchoSession();
  const values = Float64Array.from({ length: 3000 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / 288));
  const candidates = [...STATISTICAL_CANDIDATES, new DeepForecaster('lstm', session, tensor)];
  const ok = await forecastSeries(
    { values, stepSeconds: 300, lastTimestamp: 1_700_000_000 },
    { horizon: 288 },
    candidates
  );
  assert.equal(session.calls.length, 1, 'one inference call for all origins');
  assert.ok(session.calls[0]! > 1);
  assert.ok(ok.candidates.some((c) => c.model === 'lstm'));

  const broken: OnnxSessionLike = { run: async () => ({ wrong: { data: new Float32Array(1), dims: [1] } }) };
  const out = await forecastSeries({ values, stepSeconds: 300, lastTimestamp: 1_700_000_000 }, { horizon: 288 }, [
    ...STATISTICAL_CANDIDATES,
    new DeepForecaster('tft_lite', broken, tensor),
  ]);
  assert.equal(out.status, 'ok');
  assert.ok(out.forecast);
  const reason = out.reasons.find((r) => r.code === 'deep_models_unavailable');
  assert.match(reason!.message, /tft_lite failed .*"quantiles" missing/);
  assert.ok(!out.candidates.some((c) => c.model === 'tft_lite'));
});

test('on a short history a deep candidate is backtested on the origins it can reach instead of sitting out', async () => {
  // Six hours at 15 s (a dashboard's range) and a 30-minute horizon: the earliest of the 24 origins have
  // fewer than 512 samples before them.
  const values = Float64Array.from({ length: 1440 }, (_, i) => 50 + 5 * Math.sin(i / 40) + (i % 7));
  const session = new EchoSession();
  const out = await forecastSeries({ values, stepSeconds: 15, lastTimestamp: 1_700_000_000 }, { horizon: 120 }, [
    ...STATISTICAL_CANDIDATES,
    new DeepForecaster('lstm', session, tensor),
  ]);
  assert.equal(out.status, 'ok');
  assert.ok(
    out.candidates.some((c) => c.model === 'lstm' && c.backtestMase !== null),
    JSON.stringify(out.candidates)
  );
  assert.ok(!out.reasons.some((r) => r.code === 'too_short_for_deep_models'));
  assert.equal(session.calls.length, 1);
  assert.ok(
    session.calls[0]! >= 4 && session.calls[0]! < 25,
    `batch of the reachable origins + final: ${session.calls[0]}`
  );
  for (const [q, band] of out.forecast!.quantiles) {
    for (let k = 0; k < 120; k++) {
      assert.ok(Number.isFinite(band[k]!), `q${q}[${k}]`);
    }
  }
});
