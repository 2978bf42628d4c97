import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreOrigin, summariseGroup, type SeriesMetrics } from '../../src/eval/forecast/metrics.ts';
import { loadAzureFunctions, loadCsvFolder, sortedUnique } from '../../src/eval/forecast/sources.ts';
import { selectSettings, settingsGrid } from '../../src/eval/forecast/loso.ts';
import type { SeriesEval } from '../../src/eval/forecast/evaluation.ts';
import { main } from '../../src/cli/main.ts';
import { quiet } from '../helpers/quiet.ts';

let root = '';
const stamp = (i: number) => new Date(Date.UTC(2020, 0, 1, 0, 5 * i)).toISOString().slice(0, 19).replace('T', ' ');

function csv(n: number, f: (i: number) => number): string {
  const rows = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    rows.push(`${stamp(i)},${f(i)}`);
  }
  return rows.join('\n') + '\n';
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'aidpe-fc-'));
  mkdirSync(join(root, 'data', 'cat'), { recursive: true });
  // Six days at 5 min: a daily cycle with a deterministic wobble, and a spiky level series.
  writeFileSync(
    join(root, 'data', 'cat', 'daily.csv'),
    csv(6 * 288, (i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 4)
  );
  writeFileSync(
    join(root, 'data', 'cat', 'spiky.csv'),
    csv(6 * 288, (i) => (i % 97 === 0 ? 400 : 10 + ((i * 31) % 5)))
  );
  writeFileSync(
    join(root, 'data', 'short.csv'),
    csv(20, (i) => i)
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

test('scoreOrigin matches a hand computation of MASE, pinball loss and coverage', () => {
  const q = (xs: number[]) => Float64Array.from(xs);
  const s = scoreOrigin(
    q([1, 2, 3]),
    {
      p50: q([1, 1, 1]),
      quantiles: new Map([
        [0.1, q([0, 0, 0])],
        [0.9, q([2, 2, 2])],
        [0.025, q([-1, -1, -1])],
        [0.975, q([4, 4, 4])],
      ]),
    },
    2
  );
  assert.equal(s.mae, 1);
  assert.equal(s.mase, 0.5);
  // q0.1 at 0: 0.1·(1+2+3) = 0.6; q0.5 at 1: 0.5·(0+1+2) = 1.5; q0.9 at 2: 0.1·1 + 0 + 0.9·1 = 1.0
  assert.ok(Math.abs(s.pinball - 3.1) < 1e-12);
  assert.equal(s.absActual, 6);
  assert.equal(s.inside80, 2);
  assert.equal(s.inside95, 3);
});

test('scoreOrigin leaves unobserved test points (gaps of an irregular series) unscored', () => {
  const q = (xs: number[]) => Float64Array.from(xs);
  const band = (v: number) => q([v, v, v]);
  const s = scoreOrigin(
    q([1, Number.NaN, 3]),
    {
      p50: q([1, 100, 1]),
      quantiles: new Map([
        [0.1, band(0)],
        [0.9, band(2)],
        [0.025, band(-1)],
        [0.975, band(4)],
      ]),
    },
    1
  );
  assert.equal(s.points, 2);
  assert.equal(s.mae, 1);
  assert.equal(s.inside80, 1);
});

test('summariseGroup takes the geometric mean of per-series MASE ratios to seasonal naive and pools coverage by point', () => {
  const m = (mase: number, inside80: number, points: number): SeriesMetrics => ({
    mase,
    wql: 1,
    inside80,
    inside95: points,
    points,
    origins: 1,
    medianMs: 1,
  });
  const s = summariseGroup([
    { m: m(1, 7, 10), reference: m(2, 8, 10) },
    { m: m(2, 90, 100), reference: m(1, 80, 100) },
  ]);
  assert.ok(Math.abs(s.relativeMase - 1) < 1e-12, 'sqrt(0.5 · 2) = 1');
  assert.ok(Math.abs(s.coverage80 - 97 / 110) < 1e-12);
});

test('sources: CSV folders become sources, duplicate timestamps are averaged, Azure keeps busy functions and the total', () => {
  const series = loadCsvFolder(join(root, 'data'));
  assert.deepEqual([...new Set(series.map((s) => s.source))].sort(), ['cat', 'data']);
  assert.deepEqual(sortedUnique([3, 1, 1], [30, 10, 20]), { timestamps: [1, 3], values: [15, 30] });
  const az = join(root, 'az_inv.csv');
  const minutes = Array.from({ length: 10 }, (_, i) => `minute_${i + 1}`);
  writeFileSync(
    az,
    [
      ['HashFunction', 'HashApp', 'HashOwner', ...minutes].join(','),
      ['busy', 'a', 'o', ...minutes.map(() => 3)].join(','),
      ['rare', 'a', 'o', ...minutes.map((_, i) => (i === 0 ? 5 : 0))].join(','),
    ].join('\n')
  );
  const azure = loadAzureFunctions(az);
  assert.equal(azure.length, 2, 'the busy function and the total; the rarely invoked one alone is left out');
  assert.deepEqual(azure[1]!.values.slice(0, 2), [8, 3]);
  assert.equal(azure[0]!.timestamps[1]! - azure[0]!.timestamps[0]!, 60);
});

test('leave-one-source-out selection never looks at the held-out source', () => {
  const grid = settingsGrid([], true);
  const metrics = (mase: number): SeriesMetrics => ({
    mase,
    wql: 1,
    inside80: 80,
    inside95: 95,
    points: 100,
    origins: 1,
    medianMs: 1,
  });
  // On source a the first point setting is best; on b and c the last one is.
  const first = grid.points[0]!.id;
  const last = grid.points[grid.points.length - 1]!.id;
  const series = (source: string, best: string): SeriesEval => ({
    source,
    series: source,
    stepSeconds: 300,
    season: 288,
    origins: 1,
    periods: [],
    baselines: { seasonal_naive: metrics(1) },
    variants: Object.fromEntries(
      grid.points.map((p) => [
        p.id,
        Object.fromEntries(grid.bands.map((b) => [b.id, metrics(p.id === best ? 0.5 : 0.9)])),
      ])
    ),
    aidpeMs: 1,
  });
  const results = new Map([[12, [series('a', first), series('b', last), series('c', last)]]]);
  assert.equal(selectSettings(results, grid, new Set(['b', 'c'])).point, last, 'fold without a');
  assert.equal(selectSettings(results, grid, new Set(['a'])).point, first);
});

test('aidpe forecast-eval runs every baseline side by side, reports leave-one-source-out and writes the report', async () => {
  const out = join(root, 'result.json');
  const { value, out: printed } = await quiet(() =>
    main([
      'forecast-eval',
      '--data',
      join(root, 'data'),
      '--horizons',
      '12,24',
      '--origins',
      '1',
      '--grid',
      'small',
      '--models',
      join(root, 'no-models'),
      '--out',
      out,
    ])
  );
  assert.equal(value, 0, printed);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(report.horizons, [12, 24]);
  const h12 = report.loso.horizons[0];
  for (const m of ['naive', 'seasonal_naive', 'autoets', 'mstl', 'aidpe', 'aidpe_loso', 'aidpe_insample']) {
    assert.ok(h12.pooled[m], m);
    assert.equal(h12.pooled[m].failures, 0, m);
  }
  assert.equal(h12.pooled.seasonal_naive.relativeMase, 1);
  // data/ holds only a series too short to evaluate, so cat is the one source left.
  assert.deepEqual(report.loso.sources, ['cat']);
  assert.equal(report.loso.folds.length, 1);
  assert.deepEqual(
    report.skipped.map((s: { series: string }) => s.series),
    ['data/short.csv', 'data/short.csv']
  );
  // On a clean daily cycle the ensemble must beat naive's noise-copying, and see the daily period.
  const daily = report.perSeries[0].series.find((s: { series: string }) => s.series === 'cat/daily.csv');
  assert.ok(daily.aidpe.mase < daily.baselines.naive.mase, JSON.stringify(daily));
  assert.deepEqual(daily.periods, [288]);
  assert.match(printed, /horizon 12 steps/);
  assert.match(printed, /rel\.MASE/);
  assert.match(printed, /without cat:/);
});

test('aidpe forecast writes origin,timestamp,p10,p50,p90 rows and rejects bad arguments', async () => {
  const out = join(root, 'fc.csv');
  const { value } = await quiet(() =>
    main([
      'forecast',
      '--input',
      join(root, 'data', 'cat', 'daily.csv'),
      '--horizon',
      '12',
      '--origins',
      '3',
      '--out',
      out,
    ])
  );
  assert.equal(value, 0);
  const rows = readFileSync(out, 'utf8').trim().split('\n');
  assert.equal(rows[0], 'origin,timestamp,p10,p50,p90');
  assert.equal(rows.length, 1 + 3 * 12);
  const [origin, ts, p10, p50, p90] = rows[1]!.split(',');
  assert.ok(Date.parse(ts!) > Date.parse(origin!));
  assert.ok(Number(p10) <= Number(p50) && Number(p50) <= Number(p90));
  const bad = await quiet(() =>
    main([
      'forecast',
      '--input',
      join(root, 'data', 'cat', 'daily.csv'),
      '--horizon',
      '0',
      '--origins',
      '3',
      '--out',
      out,
    ])
  );
  assert.equal(bad.value, 2);
  assert.match(bad.out, /--horizon: expected a whole number/);
  const missing = await quiet(() =>
    main(['forecast-eval', '--data', join(root, 'nope'), '--horizons', '12', '--origins', '1', '--out', out])
  );
  assert.equal(missing.value, 2);
  assert.match(missing.out, /not a directory/);
});
