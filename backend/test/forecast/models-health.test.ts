/**
 * Broken forecasting models (corrupt ONNX, checksum mismatch, missing file) never stop forecasts: the
 * engine falls back to the statistical candidates, each answer says so, and /api/v1/health shows the
 * models dependency degraded with the model named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelsHealthCheck } from '../../src/health/models.ts';
import { dailySeries, forecastApp } from './helpers.ts';
import { settledHealth } from '../helpers/health.ts';

function modelsDir(files: Record<string, Buffer | string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'aidpe-fc-broken-'));
  mkdirSync(join(dir, 'forecast'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, 'forecast', name), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('a corrupt model and a checksum mismatch: forecasts still work, /forecast/models and /health say why', async (t) => {
  const garbage = randomBytes(4096);
  const tampered = randomBytes(2048);
  const models = modelsDir({
    'lstm.onnx': garbage,
    'lstm.card.json': JSON.stringify({ name: 'lstm', version: '1.0.0', sha256: sha256(garbage) }),
    'tft_lite.onnx': tampered,
    'tft_lite.card.json': JSON.stringify({ name: 'tft_lite', version: '1.0.0', sha256: sha256(randomBytes(16)) }),
  });
  const { app, close } = await forecastApp({ modelsDir: models.dir });
  t.after(async () => {
    await close();
    models.cleanup();
  });

  const list = await app.inject({ method: 'GET', url: '/api/v1/forecast/models' });
  assert.equal(list.statusCode, 200);
  const byName = new Map(list.json().models.map((m: { name: string }) => [m.name, m]));
  const lstm = byName.get('lstm') as { state: string; version: string; file: string; error: string };
  const tft = byName.get('tft_lite') as { state: string; error: string };
  assert.equal(lstm.state, 'corrupt');
  assert.equal(lstm.version, '1.0.0');
  assert.equal(lstm.file, join(models.dir, 'forecast', 'lstm.onnx'));
  assert.ok(lstm.error.length > 0);
  assert.equal(tft.state, 'checksum_mismatch');
  assert.match(tft.error, /sha256 .* does not match the card/);
  assert.ok(list.json().warnings.some((w: string) => /lstm: .*falling back to statistical models/.test(w)));

  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: { series: [dailySeries({ days: 3 })], horizon: 24 },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.deepEqual(body.models.map((m: { name: string; state: string }) => `${m.name}:${m.state}`).sort(), [
    'lstm:corrupt',
    'tft_lite:checksum_mismatch',
  ]);
  const s = body.series[0];
  assert.equal(s.status, 'ok');
  assert.ok(s.candidates.every((c: { model: string }) => c.model !== 'lstm' && c.model !== 'tft_lite'));
  const reason = s.reasons.find((r: { code: string }) => r.code === 'deep_models_unavailable');
  assert.match(reason.message, /lstm is corrupt, tft_lite is checksum mismatch; forecast from the statistical models/);

  // Asking for a broken deep model by name is not a client error: no model can answer, and the answer says why.
  const only = await app.inject({
    method: 'POST',
    url: '/api/v1/forecast',
    payload: { series: [dailySeries({ days: 3 })], horizon: 24, models: ['lstm'] },
  });
  assert.equal(only.statusCode, 200, only.body);
  assert.equal(only.json().series[0].status, 'none');
  assert.match(
    only.json().series[0].reasons.find((r: { code: string }) => r.code === 'deep_models_unavailable').message,
    /^lstm is corrupt; leave out models/
  );

  const health = await settledHealth(app);
  const dep = health.dependencies.find((d: { name: string }) => d.name === 'models');
  assert.equal(dep.state, 'degraded');
  assert.match(
    dep.lastError.message,
    /forecast model lstm \(lstm\.onnx\) is corrupt: .*falls back to its statistical models/
  );
  assert.match(dep.lastError.message, /forecast model tft_lite \(tft_lite\.onnx\) is checksum mismatch/);
  assert.match(dep.detail, /forecast: lstm 1\.0\.0 corrupt, tft_lite 1\.0\.0 checksum_mismatch/);
  assert.equal(health.status, 'degraded', 'models are not required: degraded, not down');
});

test('a model card without its ONNX file is reported missing', async (t) => {
  const models = modelsDir({ 'tft_lite.card.json': JSON.stringify({ name: 'tft_lite', version: '2.0.0' }) });
  const { app, close } = await forecastApp({ modelsDir: models.dir });
  t.after(async () => {
    await close();
    models.cleanup();
  });
  const list = (await app.inject({ method: 'GET', url: '/api/v1/forecast/models' })).json();
  assert.equal(list.models[0].state, 'missing');
  assert.match(list.models[0].error, /tft_lite\.onnx is missing/);
  const dep = (await settledHealth(app)).dependencies.find((d: { name: string }) => d.name === 'models');
  assert.equal(dep.state, 'degraded');
  assert.match(dep.lastError.message, /tft_lite \(tft_lite\.onnx\) is missing/);
});

test('models health: up when every forecast model loads, degraded with none, down without the directory', async () => {
  const models = modelsDir({});
  try {
    const loaded = async () => ({
      models: [
        { name: 'lstm', file: join(models.dir, 'forecast', 'lstm.onnx'), version: '1.0.0', state: 'loaded' as const },
        {
          name: 'tft_lite',
          file: join(models.dir, 'forecast', 'tft_lite.onnx'),
          version: '1.0.0',
          state: 'loaded' as const,
        },
      ],
      deepNames: ['lstm', 'tft_lite'],
      warnings: [],
    });
    const up = await modelsHealthCheck(models.dir, loaded)();
    assert.equal(up.state, 'up');
    assert.match(up.detail!, /forecast: lstm 1\.0\.0 loaded, tft_lite 1\.0\.0 loaded/);
    assert.equal(up.lastError, undefined);

    const none = await modelsHealthCheck(models.dir, async () => ({
      models: [],
      deepNames: [],
      warnings: ['no model cards'],
    }))();
    assert.equal(none.state, 'degraded');
    assert.match(none.lastError!.message, /no forecasting models in .*statistical models only/);

    // Another model without its card degrades too (the check beyond the forecast registry).
    writeFileSync(join(models.dir, 'anomaly.onnx'), 'x');
    const noCard = await modelsHealthCheck(models.dir, loaded)();
    assert.equal(noCard.state, 'degraded');
    assert.match(noCard.lastError!.message, /model card missing for anomaly\.onnx/);

    const gone = await modelsHealthCheck(join(models.dir, 'nope'), loaded)();
    assert.equal(gone.state, 'down');
    assert.match(gone.lastError!.message, /does not exist; the forecast engine falls back/);
  } finally {
    models.cleanup();
  }
});
