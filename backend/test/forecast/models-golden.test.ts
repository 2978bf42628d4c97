/**
 * The shipped ONNX models, run through the sidecar's own preprocessing and onnxruntime-node, must
 * reproduce the PyTorch outputs recorded at training time (models/forecast/*.golden.json), and every
 * leave-one-source-out fold model must load and pass its checksum.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDeepInputs, DeepForecaster } from '../../src/engines/forecast/deep.ts';
import { defaultModelsDir } from '../../src/health/models.ts';
import { loadForecastCandidates } from '../../src/models/forecastRegistry.ts';

interface Golden {
  tolerance: number;
  contract?: 'v1' | 'v2';
  raw: {
    contextValues: { shape: number[]; data: number[] };
    tLastSeconds: number[];
    stepSeconds: number[];
    loc: number[];
    scale: number[];
  };
  inputs: Record<string, { shape: number[]; data: number[] }>;
  output: { shape: number[]; data: number[] };
}

const dir = join(defaultModelsDir(), 'forecast');
const cards = readdirSync(dir)
  .filter((f) => f.endsWith('.card.json'))
  .map((f) => ({ file: f.replace(/\.card\.json$/, ''), card: JSON.parse(readFileSync(join(dir, f), 'utf8')) }));

test('at least one deep model ships with a card', () => {
  assert.ok(cards.length > 0);
});

for (const { file, card } of cards) {
  test(`${file}: sidecar preprocessing and onnxruntime-node reproduce the PyTorch golden outputs`, async () => {
    const goldenPath = join(dir, `${file}.golden.json`);
    assert.ok(existsSync(goldenPath), `${goldenPath} is shipped with the model`);
    const golden = JSON.parse(readFileSync(goldenPath, 'utf8')) as Golden;
    const [B, L] = golden.raw.contextValues.shape as [number, number];
    const windows = Array.from({ length: B }, (_, b) => ({
      values: Float64Array.from(golden.raw.contextValues.data.slice(b * L, (b + 1) * L)),
      lastTimestamp: golden.raw.tLastSeconds[b]!,
      stepSeconds: golden.raw.stepSeconds[b]!,
      season: 0,
      periods: [],
    }));
    const x = buildDeepInputs(windows);
    const close = (a: ArrayLike<number>, b: number[], what: string, tol = 1e-5) => {
      assert.equal(a.length, b.length, what);
      let worst = 0;
      for (let i = 0; i < b.length; i++) {
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      }
      assert.ok(worst <= tol, `${what}: worst difference ${worst}`);
    };
    close(x.pastValues, golden.inputs['past_values']!.data, 'past_values');
    if ((golden.contract ?? 'v1') === 'v1') {
      close(x.pastTime, golden.inputs['past_time']!.data, 'past_time');
      close(x.futureTime, golden.inputs['future_time']!.data, 'future_time');
      close(x.static, golden.inputs['static']!.data, 'static');
    }
    for (let b = 0; b < B; b++) {
      assert.ok(Math.abs(x.loc[b]! - golden.raw.loc[b]!) <= 1e-9 * Math.max(1, Math.abs(golden.raw.loc[b]!)));
      assert.ok(Math.abs(x.scale[b]! - golden.raw.scale[b]!) <= 1e-4 * golden.raw.scale[b]!);
    }
    const loaded = await loadForecastCandidates();
    const model = loaded.candidates.find((c) => c.name === (card.candidate ?? file));
    assert.ok(model instanceof DeepForecaster, `${file} loaded: ${loaded.warnings.join('; ')}`);
    const raw = await model.infer(windows);
    // Back to normalised units to compare with the recorded model output.
    const H = golden.output.shape[1]!;
    const normalised: number[] = [];
    raw.forEach((quantiles, b) => {
      for (let k = 0; k < H; k++) {
        for (let j = 0; j < 3; j++) {
          normalised.push((quantiles[j]![k]! - x.loc[b]!) / x.scale[b]!);
        }
      }
    });
    close(normalised, golden.output.data, 'quantiles', golden.tolerance);
  });
}

test('the model cards carry the checksum of the shipped files and the registry verifies it, folds included', async () => {
  const loaded = await loadForecastCandidates();
  assert.deepEqual(loaded.deepNames.sort(), cards.map((c) => c.card.candidate ?? c.file).sort());
  for (const m of loaded.models) {
    assert.equal(m.state, 'loaded', m.error);
  }
  assert.equal(loaded.warnings.length, 0, loaded.warnings.join('; '));
  const foldCards = existsSync(join(dir, 'loso'))
    ? readdirSync(join(dir, 'loso')).filter((f) => f.endsWith('.card.json'))
    : [];
  assert.equal((loaded.folds ?? []).length, foldCards.length, 'one fold per held-out source');
});

test('GET /api/v1/forecast/models shows each shipped model with its card (version, checksum, validation metrics)', async () => {
  const { buildApp } = await import('../../src/app.ts');
  const { loadConfig } = await import('../../src/config/config.ts');
  const { ScriptedTelemetry } = await import('../helpers/fakeTelemetry.ts');
  const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: 'http://127.0.0.1:1' } });
  const app = await buildApp({ config, telemetry: new ScriptedTelemetry(), logger: false });
  try {
    const res = await app.inject({ method: 'GET', url: '/api/v1/forecast/models' });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const first = cards[0]!;
    const model = body.models.find((m: { name: string }) => m.name === (first.card.candidate ?? first.file));
    assert.equal(model.state, 'loaded');
    assert.match(model.card.sha256, /^[0-9a-f]{64}$/);
    assert.ok(model.card.parameters > 1000);
    const sources = Object.values(model.card.validation) as Array<{ windows: number; coverage80: number }>;
    assert.ok(sources.length > 0 && sources.every((v) => v.windows > 0 && v.coverage80 > 0 && v.coverage80 < 1));
    assert.ok(body.statistical.includes('seasonal_naive'));
    assert.ok(body.statistical.includes('mstl'), 'augurs MSTL is a statistical candidate');
  } finally {
    await app.close();
  }
});
