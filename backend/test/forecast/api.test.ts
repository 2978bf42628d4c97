/** POST /api/v1/forecast and GET /api/v1/forecast/models through fastify.inject, on a scripted telemetry source. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TelemetryError, type MetricSeries } from '../../src/telemetry/types.ts';
import { MAX_FORECAST_SERIES, TtlLru } from '../../src/routes/forecast.ts';
import { dailySeries, field, forecastApp, NOW_MS, type FrameField } from './helpers.ts';

const URL = '/api/v1/forecast';

interface SeriesAnswer {
  labels: Record<string, string>;
  name: string;
  status: 'ok' | 'partial' | 'none';
  reasons: Array<{ code: string; message: string }>;
  model: string;
  explanation: string;
  backtestMase: number | null;
  candidates: Array<{ model: string; backtestMase: number | null; weight: number }>;
  seasonPeriod: number;
  stepSeconds: number | null;
  horizon: number;
  frame: { name: string; fields: FrameField[] };
}

function codes(s: SeriesAnswer): string[] {
  return s.reasons.map((r) => r.code);
}

/** The matrix a Prometheus range query would answer for these series. */
function matrix(
  series: Array<{ labels: Record<string, string>; timestamps: number[]; values: number[] }>
): () => Promise<{
  resultType: 'matrix';
  series: MetricSeries[];
  warnings: string[];
}> {
  return async () => ({
    resultType: 'matrix',
    series: series.map((s) => ({
      labels: s.labels,
      samples: s.timestamps.map((t, i): [number, number] => [t, s.values[i]!]),
    })),
    warnings: [],
  });
}

test('inline daily-seasonal series: Grafana frame with history, joined median forecast and ordered bands', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  const { timestamps, values } = dailySeries({ days: 4, stepSeconds: 300 });
  const horizon = 48;
  const res = await app.inject({
    method: 'POST',
    url: URL,
    payload: {
      series: [{ labels: { __name__: 'rps', service: 'cart' }, timestamps, values }],
      horizon,
      quantiles: [0.1, 0.9, 0.025, 0.975],
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { series: SeriesAnswer[]; warnings: string[]; cached: boolean; models: unknown[] };
  assert.equal(body.cached, false);
  assert.deepEqual(body.models, [], 'no deep models in an empty models dir');
  assert.ok(
    body.warnings.some((w) => /statistical models only/.test(w)),
    body.warnings.join('\n')
  );
  assert.equal(body.series.length, 1);
  const s = body.series[0]!;
  assert.equal(s.status, 'ok', JSON.stringify(s.reasons));
  assert.equal(s.name, 'rps{service="cart"}');
  assert.deepEqual(s.labels, { __name__: 'rps', service: 'cart' });
  assert.equal(s.seasonPeriod, 288, 'a daily season at a 5-minute step');
  assert.equal(s.stepSeconds, 300);
  assert.equal(s.horizon, horizon);
  assert.ok(s.model.length > 0 && s.explanation.length > 0);
  assert.ok(typeof s.backtestMase === 'number' && s.backtestMase > 0);
  assert.ok(s.candidates.length >= 2);
  assert.ok(Math.abs(s.candidates.reduce((a, c) => a + c.weight, 0) - 1) < 1e-9, 'weights sum to 1');
  assert.ok(codes(s).includes('deep_models_unavailable'));

  // Frame shape: time, value, forecast, then one field per quantile level in ascending order.
  const frame = s.frame;
  assert.equal(frame.name, 'rps{service="cart"}');
  assert.deepEqual(
    frame.fields.map((f) => [f.name, f.type]),
    [
      ['time', 'time'],
      ['value', 'number'],
      ['forecast', 'number'],
      ['lower95', 'number'],
      ['lower', 'number'],
      ['upper', 'number'],
      ['upper95', 'number'],
    ]
  );
  const n = timestamps.length;
  const time = field(frame, 'time').values as number[];
  assert.equal(time.length, n + horizon);
  assert.ok(frame.fields.every((f) => f.values.length === n + horizon));
  time.forEach((v, i) => assert.equal(v, (timestamps[0]! + i * 300) * 1000, `time[${i}] in ms on the step grid`));
  const value = field(frame, 'value').values;
  const forecast = field(frame, 'forecast').values;
  const [lo95, lo, hi, hi95] = ['lower95', 'lower', 'upper', 'upper95'].map((name) => field(frame, name).values);
  for (let i = 0; i < n; i++) {
    assert.equal(value[i], values[i]);
  }
  for (let i = n; i < n + horizon; i++) {
    assert.equal(value[i], null, 'no actuals in the future');
  }
  for (let i = 0; i < n - 1; i++) {
    assert.equal(forecast[i], null, 'no forecast over the history');
  }
  assert.equal(forecast[n - 1], values[n - 1], 'the forecast line starts at the last actual point');
  assert.equal(hi![n - 1], values[n - 1]);
  for (let i = n; i < n + horizon; i++) {
    const row = [lo95![i], lo![i], forecast[i], hi![i], hi95![i]] as number[];
    assert.ok(
      row.every((x) => typeof x === 'number' && Number.isFinite(x)),
      `row ${i}: ${row}`
    );
    for (let k = 1; k < row.length; k++) {
      assert.ok(row[k - 1]! <= row[k]!, `quantiles cross at row ${i}: ${row}`);
    }
  }
  assert.ok(hi![n + horizon - 1]! - lo![n + horizon - 1]! > 0, 'a band, not a line');
  // The median should follow the daily shape (noise sd 5 around an amplitude of 80).
  for (let i = n; i < n + horizon; i++) {
    const t = time[i]! / 1000;
    const truth = 200 + 80 * Math.sin((2 * Math.PI * (t % 86400)) / 86400);
    assert.ok(Math.abs(forecast[i]! - truth) < 25, `forecast ${forecast[i]} vs ${truth} at row ${i}`);
  }
  // Grafana styling.
  assert.deepEqual(field(frame, 'forecast').config?.custom?.['lineStyle'], { fill: 'dash', dash: [10, 10] });
  assert.equal(field(frame, 'upper').config?.custom?.['fillBelowTo'], 'lower');
  assert.equal(field(frame, 'upper95').config?.custom?.['fillBelowTo'], 'lower95');
});

test('default quantiles are p10/p90 as lower/upper; NaN, ±Inf and null values are gaps; 0 stays 0', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  const { timestamps, values } = dailySeries({ days: 3 });
  const withGaps: Array<number | string | null> = [...values];
  withGaps[100] = 'NaN';
  withGaps[101] = null;
  withGaps[103] = '+Inf';
  // The app's Ajv coerces types: neither 0 nor a numeric string may turn into a gap.
  withGaps[200] = 0;
  withGaps[201] = '12.5';
  withGaps[202] = '-1e2';
  const res = await app.inject({
    method: 'POST',
    url: URL,
    payload: { series: [{ timestamps, values: withGaps }], horizonSeconds: 3600 },
  });
  assert.equal(res.statusCode, 200, res.body);
  const s = res.json().series[0] as SeriesAnswer;
  assert.equal(s.name, 'series');
  assert.equal(s.horizon, 12, '3600 s at a 300 s step');
  assert.deepEqual(
    s.frame.fields.map((f) => f.name),
    ['time', 'value', 'forecast', 'lower', 'upper']
  );
  assert.ok(codes(s).includes('gaps_imputed'), JSON.stringify(s.reasons));
  const value = field(s.frame, 'value').values;
  assert.equal(value[100], null);
  assert.equal(value[101], null);
  assert.equal(value[102], values[102]);
  assert.equal(value[103], null);
  assert.deepEqual(value.slice(200, 203), [0, 12.5, -100]);
});

test('bad input answers 400 naming the field, and nothing reaches the telemetry source', async (t) => {
  const { app, telemetry, close } = await forecastApp();
  t.after(close);
  const ok = dailySeries({ days: 1 });
  const series = (over: Partial<{ timestamps: Array<number | null>; values: unknown[] }>) => [
    { timestamps: ok.timestamps, values: ok.values, ...over },
  ];
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      'unsorted timestamps',
      { series: series({ timestamps: [3, 2, 4], values: [1, 2, 3] }), horizon: 5 },
      /^series\[0\]: timestamps are not sorted/,
    ],
    [
      'duplicate timestamps',
      { series: series({ timestamps: [1, 2, 2, 3], values: [1, 2, 3, 4] }), horizon: 5 },
      /^series\[0\]: duplicate timestamp 2/,
    ],
    [
      'length mismatch',
      { series: series({ timestamps: [1, 2, 3], values: [1, 2] }), horizon: 5 },
      /^series\[0\]: has 3 timestamps but 2 values/,
    ],
    ['empty series', { series: series({ timestamps: [], values: [] }), horizon: 5 }, /^series\[0\]: is empty/],
    ['no series at all', { series: [], horizon: 5 }, /series must NOT have fewer than 1 items/],
    ['horizon 0', { series: series({}), horizon: 0 }, /horizon must be >= 1/],
    ['fractional horizon', { series: series({}), horizon: 1.5 }, /horizon must be integer/],
    ['huge horizon', { series: series({}), horizon: 1_000_000 }, /^horizon: must be at most 20000 steps/],
    [
      'huge horizonSeconds',
      { series: series({}), horizonSeconds: 1e12 },
      /^horizonSeconds: is \d+ steps of 300s; at most 20000/,
    ],
    [
      'both horizons',
      { series: series({}), horizon: 5, horizonSeconds: 600 },
      /^horizon: give exactly one of horizon \(steps\) or horizonSeconds/,
    ],
    ['neither horizon', { series: series({}) }, /^horizon: give exactly one/],
    [
      'quantile 1.5',
      { series: series({}), horizon: 5, quantiles: [0.1, 1.5] },
      /^quantiles: each quantile must be between 0 and 1/,
    ],
    ['quantile 0', { series: series({}), horizon: 5, quantiles: [0] }, /^quantiles: /],
    [
      'a value that is not a number',
      { series: series({ values: ['abc', ...ok.values.slice(1)] }), horizon: 5 },
      /series\/0\/values\/0 must match pattern/,
    ],
    [
      'a null timestamp',
      { series: series({ timestamps: [1, null, 3], values: [1, 2, 3] }), horizon: 5 },
      /^series\[0\]\.timestamps: index 1 is null/,
    ],
    [
      'unknown model',
      { series: series({}), horizon: 5, models: ['prophet'] },
      /^models: unknown model\(s\) prophet; known: .*seasonal_naive/,
    ],
    ['neither query nor series', { horizon: 5 }, /^query: give either query/],
    [
      'both query and series',
      { query: 'up', start: 'now-1h', stepSeconds: 60, series: series({}), horizon: 5 },
      /^query: give either query/,
    ],
    ['query without start', { query: 'up', stepSeconds: 60, horizon: 5 }, /^start: is required with query/],
    ['query without step', { query: 'up', start: 'now-1h', horizon: 5 }, /^stepSeconds: is required with query/],
    [
      'start after end',
      { query: 'up', start: 'now', end: 'now-1h', stepSeconds: 60, horizon: 5 },
      /^start: must be at least one step before end/,
    ],
    [
      'unparseable start',
      { query: 'up', start: 'last tuesday', stepSeconds: 60, horizon: 5 },
      /^start: cannot parse time/,
    ],
    ['step 0', { query: 'up', start: 'now-1h', stepSeconds: 0, horizon: 5 }, /stepSeconds must be > 0/],
    [
      'too many steps',
      { query: 'up', start: 'now-30d', stepSeconds: 1, horizon: 5 },
      /^stepSeconds: the range holds more than 100000 steps/,
    ],
    [
      'huge horizon on a query',
      { query: 'up', start: 'now-1h', stepSeconds: 60, horizonSeconds: 60 * 30_000 },
      /^horizonSeconds: is 30000 steps/,
    ],
    ['unknown property', { series: series({}), horizon: 5, horizn: 3 }, /must NOT have additional properties/],
  ];
  for (const [what, payload, message] of cases) {
    const res = await app.inject({ method: 'POST', url: URL, payload });
    assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
    assert.match(res.json().message, message, what);
    const fieldName = res.json().field as string | undefined;
    if (fieldName !== undefined) {
      assert.ok(res.json().message.startsWith(`${fieldName}: `), `${what}: field ${fieldName}`);
    }
  }
  assert.equal(telemetry.rangeCalls.length, 0, 'validation happens before any query');
});

test('a single point is status none with insufficient_history, not an error', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  for (const extra of [{ horizon: 5 }, { horizonSeconds: 600 }]) {
    const res = await app.inject({
      method: 'POST',
      url: URL,
      payload: { series: [{ timestamps: [1_700_000_000], values: [3] }], ...extra },
    });
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json().series[0] as SeriesAnswer;
    assert.equal(s.status, 'none');
    assert.deepEqual(codes(s), ['insufficient_history']);
    assert.match(s.reasons[0]!.message, /1 sample/);
    assert.equal(s.model, 'none');
    assert.equal(s.backtestMase, null);
    // The frame still shows the one actual point and no forecast.
    assert.deepEqual(field(s.frame, 'time').values, [1_700_000_000_000]);
    assert.deepEqual(field(s.frame, 'value').values, [3]);
    assert.deepEqual(field(s.frame, 'forecast').values, [null]);
  }
});

test('a constant series is partial with constant_series and a flat forecast', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  const timestamps = Array.from({ length: 100 }, (_, i) => 1_700_000_000 + i * 60);
  const res = await app.inject({
    method: 'POST',
    url: URL,
    payload: { series: [{ timestamps, values: timestamps.map(() => 4.5) }], horizon: 10 },
  });
  assert.equal(res.statusCode, 200, res.body);
  const s = res.json().series[0] as SeriesAnswer;
  assert.equal(s.status, 'partial');
  assert.ok(codes(s).includes('constant_series'), JSON.stringify(s.reasons));
  const fc = field(s.frame, 'forecast').values.slice(100);
  assert.deepEqual(fc, new Array(10).fill(4.5));
  assert.deepEqual(field(s.frame, 'upper').values.slice(100), new Array(10).fill(4.5));
});

test('trailing NaN: partial with trailing_gap, the forecast starts at the last real sample', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  const { timestamps, values } = dailySeries({ days: 3 });
  const n = timestamps.length;
  const withGap: Array<number | string | null> = [...values];
  withGap[n - 1] = 'NaN';
  withGap[n - 2] = null;
  withGap[n - 3] = 'NaN';
  const res = await app.inject({
    method: 'POST',
    url: URL,
    payload: { series: [{ timestamps, values: withGap }], horizon: 6 },
  });
  assert.equal(res.statusCode, 200, res.body);
  const s = res.json().series[0] as SeriesAnswer;
  assert.equal(s.status, 'partial');
  assert.ok(codes(s).includes('trailing_gap'), JSON.stringify(s.reasons));
  // The forecast starts 3 steps before the end of the history: the rows merge on one time axis.
  const time = field(s.frame, 'time').values as number[];
  assert.equal(time.length, n + 3, 'forecast steps 4..6 lie after the history');
  assert.ok(
    time.every((v, i) => i === 0 || v - time[i - 1]! === 300_000),
    'one sorted, regular time axis'
  );
  const value = field(s.frame, 'value').values;
  const forecast = field(s.frame, 'forecast').values;
  assert.equal(forecast[n - 4], values[n - 4], 'joined at the last real sample');
  assert.deepEqual(value.slice(n - 3), [null, null, null, null, null, null]);
  assert.ok(forecast.slice(n - 3).every((v) => typeof v === 'number'));
});

test('query mode: every series is forecast; the second identical request is a cache hit', async (t) => {
  let clock = NOW_MS;
  const { app, telemetry, close } = await forecastApp({ now: () => clock });
  t.after(close);
  const end = Math.floor(NOW_MS / 1000 / 60) * 60;
  const a = dailySeries({ days: 1, stepSeconds: 60, endSec: end, seed: 1 });
  const b = dailySeries({ days: 1, stepSeconds: 60, endSec: end, seed: 2 });
  telemetry.next = matrix([
    { labels: { __name__: 'rps', service: 'a' }, ...a },
    { labels: { __name__: 'rps', service: 'b' }, ...b },
  ]);
  const payload = { query: 'rps', start: 'now-1d', stepSeconds: 60, horizon: 30 };
  const first = await app.inject({ method: 'POST', url: URL, payload });
  assert.equal(first.statusCode, 200, first.body);
  const body = first.json();
  assert.equal(body.cached, false);
  assert.deepEqual(
    body.series.map((s: SeriesAnswer) => s.name),
    ['rps{service="a"}', 'rps{service="b"}']
  );
  assert.ok(
    body.series.every(
      (s: SeriesAnswer) =>
        s.status !== 'none' && field(s.frame, 'forecast').values.filter((v) => v !== null).length === 31
    )
  );
  assert.equal(telemetry.rangeCalls.length, 1);
  const call = telemetry.rangeCalls[0]!;
  assert.deepEqual(
    call,
    { query: 'rps', startMs: end * 1000 - 86_400_000, endMs: end * 1000, stepSeconds: 60 },
    'the range is step-aligned'
  );

  // Same request a few seconds later (same step-aligned range): from the cache.
  clock += 5_000;
  const second = await app.inject({ method: 'POST', url: URL, payload });
  assert.equal(second.statusCode, 200);
  assert.equal(second.json().cached, true);
  assert.equal(telemetry.rangeCalls.length, 1, 'no second query');
  assert.deepEqual({ ...(second.json() as Record<string, unknown>), cached: false }, body);

  // Anything that changes the answer is another entry: horizon, quantiles, models.
  for (const change of [{ horizon: 31 }, { quantiles: [0.025, 0.975] }, { models: ['naive', 'seasonal_naive'] }]) {
    const res = await app.inject({ method: 'POST', url: URL, payload: { ...payload, ...change } });
    assert.equal(res.json().cached, false, JSON.stringify(change));
  }
  assert.equal(telemetry.rangeCalls.length, 4);
  const restricted = (
    await app.inject({ method: 'POST', url: URL, payload: { ...payload, models: ['seasonal_naive', 'naive'] } })
  ).json();
  assert.equal(restricted.cached, true, 'model order does not matter');
  assert.ok(
    restricted.series[0].candidates.every((c: { model: string }) => ['naive', 'seasonal_naive'].includes(c.model))
  );

  // A relative range moves on with the clock: the next step is a new query.
  clock += 60_000;
  assert.equal((await app.inject({ method: 'POST', url: URL, payload })).json().cached, false);
  assert.equal(telemetry.rangeCalls.length, 5);

  // A fixed range is cached for one step (at least 15 s): recent samples may still change upstream.
  const fixed = { ...payload, start: end - 86_400, end };
  assert.equal((await app.inject({ method: 'POST', url: URL, payload: fixed })).json().cached, false);
  clock += 59_000;
  assert.equal((await app.inject({ method: 'POST', url: URL, payload: fixed })).json().cached, true);
  clock += 1_000;
  assert.equal(
    (await app.inject({ method: 'POST', url: URL, payload: fixed })).json().cached,
    false,
    'expired after one step'
  );
  assert.equal(telemetry.rangeCalls.length, 7);
});

test('inline series are never cached', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  const payload = { series: [dailySeries({ days: 1 })], horizon: 5 };
  for (let i = 0; i < 2; i++) {
    assert.equal((await app.inject({ method: 'POST', url: URL, payload })).json().cached, false);
  }
});

test('more series than the cap: the first ones are forecast and a warning says so; no series: a warning', async (t) => {
  const { app, telemetry, close } = await forecastApp();
  t.after(close);
  const end = Math.floor(NOW_MS / 1000 / 60) * 60;
  const timestamps = Array.from({ length: 40 }, (_, i) => end - (39 - i) * 60);
  telemetry.next = matrix(
    Array.from({ length: MAX_FORECAST_SERIES + 7 }, (_, k) => ({
      labels: { pod: `p${k}` },
      timestamps,
      values: timestamps.map((_, i) => k + Math.sin(i)),
    }))
  );
  const res = await app.inject({
    method: 'POST',
    url: URL,
    payload: { query: 'x', start: 'now-40m', stepSeconds: 60, horizon: 3 },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().series.length, MAX_FORECAST_SERIES);
  assert.ok(
    res
      .json()
      .warnings.some((w: string) =>
        w.includes(`returned ${MAX_FORECAST_SERIES + 7} series; only the first ${MAX_FORECAST_SERIES}`)
      )
  );

  telemetry.next = matrix([]);
  const empty = await app.inject({
    method: 'POST',
    url: URL,
    payload: { query: 'nothing', start: 'now-40m', stepSeconds: 60, horizon: 3 },
  });
  assert.equal(empty.statusCode, 200);
  assert.deepEqual(empty.json().series, []);
  assert.ok(empty.json().warnings.some((w: string) => /returned no series/.test(w)));
});

test('telemetry failures: PromQL error → 400, unsupported → 501, Prometheus down → 502, timeout → 504; none cached', async (t) => {
  const { app, telemetry, close } = await forecastApp();
  t.after(close);
  const cases: Array<[TelemetryError['kind'], number, string]> = [
    ['bad_query', 400, 'Prometheus rejected query "rate(x[5m]": 1:11: parse error: unclosed left bracket'],
    ['unsupported', 501, 'the embedded simulator supports only PromQL instant-vector selectors'],
    ['unreachable', 502, 'Prometheus at http://127.0.0.1:1 is unreachable (ECONNREFUSED) for query_range'],
    ['timeout', 504, 'query timed out'],
  ];
  for (const [kind, status, message] of cases) {
    telemetry.next = async () => {
      throw new TelemetryError({
        kind,
        source: 'prometheus',
        message,
        query: 'rate(x[5m]',
        upstreamMessage: 'parse error',
      });
    };
    const res = await app.inject({
      method: 'POST',
      url: URL,
      payload: { query: 'rate(x[5m]', start: 'now-1h', stepSeconds: 60, horizon: 5 },
    });
    assert.equal(res.statusCode, status, `${kind}: ${res.body}`);
    assert.equal(res.json().message, message);
    assert.equal(res.json().query, 'rate(x[5m]');
  }
  assert.equal(telemetry.rangeCalls.length, cases.length, 'errors are not cached');
});

test('GET /api/v1/forecast/models and the OpenAPI document', async (t) => {
  const { app, close } = await forecastApp();
  t.after(close);
  const res = await app.inject({ method: 'GET', url: '/api/v1/forecast/models' });
  assert.equal(res.statusCode, 200);
  const body = res.json();
  assert.deepEqual(body.models, []);
  assert.ok(
    body.statistical.includes('naive') && body.statistical.includes('seasonal_naive'),
    body.statistical.join(',')
  );
  assert.ok(body.warnings.length > 0);
  const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
  const post = doc.paths['/api/v1/forecast'].post;
  assert.ok(post.requestBody.content['application/json'].schema.properties.horizonSeconds);
  assert.ok(post.responses['200'].content['application/json'].schema.properties.series);
  assert.ok(doc.paths['/api/v1/forecast/models'].get);
});

test('TtlLru evicts the least recently used entry and expires entries', () => {
  const lru = new TtlLru<number>(2);
  lru.set('a', 1, 100);
  lru.set('b', 2, 100);
  assert.equal(lru.get('a', 0), 1); // a is now the most recent
  lru.set('c', 3, 100);
  assert.equal(lru.get('b', 0), undefined, 'b was least recently used');
  assert.equal(lru.get('a', 0), 1);
  assert.equal(lru.get('c', 100), undefined, 'expired at its time');
  assert.equal(lru.size, 1);
});
