/**
 * POST /api/v1/forecast against a REAL Prometheus (Debian's `prometheus` + `promtool`): three days of a
 * daily-seasonal gauge for two regions are backfilled with promtool, then forecast through full PromQL.
 *
 * Set AIDPE_SKIP_PROMETHEUS_TESTS=1 to skip this file where Prometheus is not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { PrometheusSource } from '../../src/telemetry/prometheus.ts';
import { freePort, startPrometheus, type RunningPrometheus } from '../helpers/prometheusServer.ts';
import { field, gaussian, tempModelsDir } from './helpers.ts';

const skip = process.env.AIDPE_SKIP_PROMETHEUS_TESTS === '1' ? 'AIDPE_SKIP_PROMETHEUS_TESTS=1' : false;

const METRIC = 'aidpe_fc_load';
const STEP = 300;
const POINTS = 3 * 288; // three days at 5 minutes
// Ends on a step boundary at least 6 h ago, clear of the head block.
const endSec = Math.floor((Date.now() / 1000 - 6 * 3600) / STEP) * STEP;
const startSec = endSec - (POINTS - 1) * STEP;
const REGIONS = { east: 100, west: 300 } as const;

const truth = (region: keyof typeof REGIONS, t: number): number =>
  REGIONS[region] * (1 + 0.4 * Math.sin((2 * Math.PI * (t % 86400)) / 86400));

const history = Object.fromEntries(
  (Object.keys(REGIONS) as Array<keyof typeof REGIONS>).map((region, r) => {
    const z = gaussian(11 + r);
    // Two decimals so the OpenMetrics text round-trips exactly.
    return [
      region,
      Array.from({ length: POINTS }, (_, i) => Math.round((truth(region, startSec + i * STEP) + 2 * z()) * 100) / 100),
    ];
  })
) as Record<keyof typeof REGIONS, number[]>;

function openMetrics(): string {
  const lines = [`# HELP ${METRIC} Backfilled load with a daily cycle.`, `# TYPE ${METRIC} gauge`];
  for (let i = 0; i < POINTS; i++) {
    for (const region of Object.keys(REGIONS) as Array<keyof typeof REGIONS>) {
      lines.push(`${METRIC}{region="${region}"} ${history[region][i]} ${startSec + i * STEP}`);
    }
  }
  lines.push('# EOF');
  return lines.join('\n');
}

async function appOn(url: string, modelsDir: string): Promise<FastifyInstance> {
  const config = loadConfig({ env: { AIDPE_MODE: 'live', AIDPE_PROMETHEUS_URL: url, AIDPE_MODELS_DIR: modelsDir } });
  return buildApp({
    config,
    telemetry: new PrometheusSource({ baseUrl: url, timeoutMs: 5000, retries: 0 }),
    logger: false,
  });
}

describe('forecast API against a real Prometheus', { skip }, () => {
  let prom: RunningPrometheus | undefined;
  let app: FastifyInstance | undefined;
  const models = tempModelsDir();

  before(async () => {
    prom = await startPrometheus({ backfillOpenMetrics: openMetrics() });
    app = await appOn(prom.url, models.dir);
  });

  after(async () => {
    await app?.close();
    await prom?.stop();
    models.cleanup();
  });

  it('forecasts every series of a PromQL range query over the stored history', async () => {
    const horizon = 36;
    const payload = {
      query: METRIC,
      start: startSec,
      end: endSec,
      stepSeconds: STEP,
      horizon,
      quantiles: [0.025, 0.1, 0.9, 0.975],
    };
    const res = await app!.inject({ method: 'POST', url: '/api/v1/forecast', payload });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.cached, false);
    assert.deepEqual(body.series.map((s: { name: string }) => s.name).sort(), [
      `${METRIC}{region="east"}`,
      `${METRIC}{region="west"}`,
    ]);
    for (const s of body.series) {
      const region = s.labels.region as keyof typeof REGIONS;
      assert.equal(s.labels.__name__, METRIC);
      assert.equal(s.status, 'ok', JSON.stringify(s.reasons));
      assert.equal(s.seasonPeriod, 288);
      assert.ok(s.model.length > 0 && s.explanation.length > 0);
      const time = field(s.frame, 'time').values as number[];
      assert.equal(time.length, POINTS + horizon);
      assert.equal(time[0], startSec * 1000);
      assert.equal(time.at(-1), (endSec + horizon * STEP) * 1000);
      // History exactly as backfilled, read back through Prometheus.
      assert.deepEqual(field(s.frame, 'value').values.slice(0, POINTS), history[region]);
      const fc = field(s.frame, 'forecast').values;
      assert.equal(fc[POINTS - 1], history[region][POINTS - 1], 'joined at the last actual point');
      const bands = ['lower95', 'lower', 'upper', 'upper95'].map((n) => field(s.frame, n).values);
      for (let k = POINTS; k < POINTS + horizon; k++) {
        const row = [bands[0]![k], bands[1]![k], fc[k], bands[2]![k], bands[3]![k]] as number[];
        for (let j = 1; j < row.length; j++) {
          assert.ok(row[j - 1]! <= row[j]!, `row ${k}: ${row}`);
        }
        const expected = truth(region, time[k]! / 1000);
        assert.ok(
          Math.abs(fc[k]! - expected) < 0.1 * REGIONS[region],
          `${region} step ${k - POINTS}: ${fc[k]} vs ${expected}`
        );
      }
    }
    const again = await app!.inject({ method: 'POST', url: '/api/v1/forecast', payload });
    assert.equal(again.json().cached, true);
  });

  it('full PromQL (aggregation) works through Prometheus', async () => {
    const res = await app!.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: {
        query: `sum(${METRIC})`,
        start: new Date(startSec * 1000).toISOString(),
        end: endSec,
        stepSeconds: STEP,
        horizonSeconds: 7200,
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    const [s] = res.json().series;
    assert.equal(s.name, 'series 0', 'an aggregate has no labels');
    assert.equal(s.horizon, 24);
    const total = field(s.frame, 'value').values.slice(0, POINTS) as number[];
    total.forEach((v, i) => assert.ok(Math.abs(v - (history.east[i]! + history.west[i]!)) < 1e-9, `point ${i}`));
    assert.equal(field(s.frame, 'forecast').values.filter((v) => v !== null).length, 25);
  });

  it('a PromQL syntax error is 400 quoting Prometheus', async () => {
    const res = await app!.inject({
      method: 'POST',
      url: '/api/v1/forecast',
      payload: { query: `rate(${METRIC}[5m]`, start: startSec, end: endSec, stepSeconds: STEP, horizon: 12 },
    });
    assert.equal(res.statusCode, 400, res.body);
    const body = res.json();
    assert.equal(body.error, 'bad_query');
    assert.equal(body.query, `rate(${METRIC}[5m]`);
    assert.match(body.upstreamMessage, /parse error/);
    assert.match(body.message, /^Prometheus rejected query/);
  });

  it('Prometheus down is 502 naming where it was looked for', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}`;
    const dead = await appOn(deadUrl, models.dir);
    try {
      const res = await dead.inject({
        method: 'POST',
        url: '/api/v1/forecast',
        payload: { query: METRIC, start: startSec, end: endSec, stepSeconds: STEP, horizon: 12 },
      });
      assert.equal(res.statusCode, 502, res.body);
      assert.equal(res.json().error, 'unreachable');
      assert.ok(res.json().message.includes(deadUrl), res.json().message);
    } finally {
      await dead.close();
    }
  });
});
