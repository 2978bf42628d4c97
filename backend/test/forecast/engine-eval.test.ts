import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreOrigin, summarise, type SeriesResult } from '../../src/engines/forecast/evaluation.ts';
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

test('summarise takes the geometric mean of per-series MASE ratios to seasonal naive', () => {
  const r = (name: string, a: number, b: number): SeriesResult => ({
    series: name,
    season: 288,
    origins: 1,
    methods: {
      seasonal_naive: { mase: b, wql: 1, coverage80: 0.8, coverage95: 0.95, medianMs: 1 },
      x: { mase: a, wql: 1, coverage80: 0.7, coverage95: 0.9, medianMs: 3 },
    },
  });
  const s = summarise(12, ['seasonal_naive', 'x'], [r('a', 1, 2), r('b', 2, 1)], []);
  assert.ok(Math.abs(s.methods['x']!.relativeMase - 1) < 1e-12, 'sqrt(0.5 · 2) = 1');
  assert.equal(s.methods['seasonal_naive']!.relativeMase, 1);
  assert.ok(Math.abs(s.methods['x']!.coverage80 - 0.7) < 1e-12);
});

test('aidpe forecast-eval runs every baseline side by side and writes the report', async () => {
  const out = join(root, 'result.json');
  const { value, out: printed } = await quiet(() =>
    main(['forecast-eval', '--data', join(root, 'data'), '--horizons', '12,48', '--origins', '2', '--out', out])
  );
  assert.equal(value, 0, printed);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(report.horizons, [12, 48]);
  for (const m of ['naive', 'seasonal_naive', 'autoets', 'mstl', 'aidpe']) {
    assert.ok(report.methods.includes(m), m);
  }
  const h12 = report.horizonsSummary[0];
  assert.equal(h12.seriesCount, 2);
  assert.deepEqual(
    h12.skipped.map((s: { series: string }) => s.series),
    ['short.csv']
  );
  assert.equal(h12.methods.seasonal_naive.relativeMase, 1);
  for (const m of report.methods) {
    assert.equal(h12.methods[m].failures, 0, m);
  }
  // On a clean daily cycle the ensemble must beat seasonal naive's noise-copying.
  const daily = h12.perSeries.find((s: { series: string }) => s.series === 'cat/daily.csv');
  assert.ok(daily.methods.aidpe.mase < daily.methods.naive.mase, JSON.stringify(daily.methods));
  assert.match(printed, /horizon 12 steps/);
  assert.match(printed, /rel\.MASE/);
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
