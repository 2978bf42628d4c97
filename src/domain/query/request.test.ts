import {
  BAND_80,
  BAND_95,
  MAX_HORIZON_STEPS,
  buildAnomalyRequest,
  buildForecastRequest,
  formatSeconds,
  parseDuration,
  parseHorizon,
  parseStep,
  parseThreshold,
  rangeAndStep,
  type RequestWindow,
} from './request';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const HOUR = 3_600_000;
const window = (overrides: Partial<RequestWindow> = {}): RequestWindow => ({
  fromMs: NOW - HOUR,
  toMs: NOW,
  intervalMs: 15_000,
  nowMs: NOW,
  ...overrides,
});

describe('parseDuration', () => {
  test.each([
    ['90s', 90],
    ['15m', 900],
    ['6h', 21_600],
    ['2d', 172_800],
    ['1w', 604_800],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['500ms', 0.5],
    [' 5m ', 300],
  ])('%s → %d s', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  test.each(['', '5', 'h', '5x', '-5m', '5 m', 'now-1h', '1h 30m'])('%p is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseHorizon', () => {
  test('durations become horizonSeconds, whole numbers are steps', () => {
    expect(parseHorizon('15m')).toEqual({ ok: true, value: { horizonSeconds: 900 } });
    expect(parseHorizon('6h')).toEqual({ ok: true, value: { horizonSeconds: 21_600 } });
    expect(parseHorizon('2d')).toEqual({ ok: true, value: { horizonSeconds: 172_800 } });
    expect(parseHorizon('288')).toEqual({ ok: true, value: { horizon: 288 } });
    expect(parseHorizon(`${MAX_HORIZON_STEPS}`)).toEqual({ ok: true, value: { horizon: MAX_HORIZON_STEPS } });
  });

  test('empty means the default horizon (1h)', () => {
    expect(parseHorizon(undefined)).toEqual({ ok: true, value: { horizonSeconds: 3600 } });
    expect(parseHorizon('  ')).toEqual({ ok: true, value: { horizonSeconds: 3600 } });
  });

  test('clear errors for zero, too many steps and nonsense', () => {
    expect(parseHorizon('0')).toEqual({ ok: false, error: 'Horizon must be at least 1 step' });
    expect(parseHorizon('0m')).toEqual({ ok: false, error: 'Horizon must be longer than 0' });
    expect(parseHorizon('20001')).toEqual({
      ok: false,
      error: 'Horizon is 20001 steps; the sidecar forecasts at most 20000 steps',
    });
    expect(parseHorizon('tomorrow')).toEqual({
      ok: false,
      error: 'Horizon "tomorrow" is neither a duration (15m, 6h, 2d) nor a number of steps (288)',
    });
    expect(parseHorizon('1.5')).toMatchObject({ ok: false });
  });
});

describe('parseStep', () => {
  test('empty is "use the interval", numbers are seconds, durations are parsed', () => {
    expect(parseStep(undefined)).toEqual({ ok: true, value: undefined });
    expect(parseStep('')).toEqual({ ok: true, value: undefined });
    expect(parseStep('60')).toEqual({ ok: true, value: 60 });
    expect(parseStep('0.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseStep('30s')).toEqual({ ok: true, value: 30 });
    expect(parseStep('1m')).toEqual({ ok: true, value: 60 });
  });

  test('rejects zero and nonsense', () => {
    expect(parseStep('0')).toEqual({ ok: false, error: 'Step must be longer than 0' });
    expect(parseStep('fast')).toEqual({
      ok: false,
      error: 'Step "fast" is not a duration (30s, 1m) or a number of seconds (60)',
    });
  });
});

test('formatSeconds', () => {
  expect(formatSeconds(15)).toBe('15s');
  expect(formatSeconds(300)).toBe('5m');
  expect(formatSeconds(5400)).toBe('1.5h');
  expect(formatSeconds(172_800)).toBe('2d');
  expect(formatSeconds(0.5)).toBe('0.5s');
});

describe('buildForecastRequest', () => {
  test('panel range → start/end in ms, step from the interval, 80% band by default', () => {
    const result = buildForecastRequest(
      { refId: 'A', expr: ' aidpe_sim_request_rate{service="frontend"} ', horizon: '6h' },
      window()
    );
    expect(result).toEqual({
      ok: true,
      value: {
        query: 'aidpe_sim_request_rate{service="frontend"}',
        start: NOW - HOUR,
        end: NOW,
        stepSeconds: 15,
        horizonSeconds: 21_600,
        quantiles: [...BAND_80],
      },
    });
  });

  test('the query step wins over the interval; steps as horizon; 95% band adds p2.5/p97.5', () => {
    const result = buildForecastRequest({ refId: 'A', expr: 'up', step: '1m', horizon: '288', band95: true }, window());
    expect(result).toMatchObject({
      ok: true,
      value: { stepSeconds: 60, horizon: 288, quantiles: [...BAND_80, ...BAND_95] },
    });
    expect(result.ok && 'horizonSeconds' in result.value).toBe(false);
  });

  test('history ends now when the dashboard range reaches into the future', () => {
    const result = buildForecastRequest({ refId: 'A', expr: 'up' }, window({ toMs: NOW + HOUR }));
    expect(result).toMatchObject({ ok: true, value: { start: NOW - HOUR, end: NOW } });
  });

  test('a past range is forecast from its end (backtesting by eye)', () => {
    const result = buildForecastRequest(
      { refId: 'A', expr: 'up' },
      window({ fromMs: NOW - 3 * HOUR, toMs: NOW - 2 * HOUR })
    );
    expect(result).toMatchObject({ ok: true, value: { start: NOW - 3 * HOUR, end: NOW - 2 * HOUR } });
  });

  test('the interval step is at least 1 s and widened to stay within the point limit', () => {
    expect(buildForecastRequest({ refId: 'A', expr: 'up' }, window({ intervalMs: 200 }))).toMatchObject({
      ok: true,
      value: { stepSeconds: 1 },
    });
    const year = 365 * 24 * HOUR;
    const wide = buildForecastRequest(
      { refId: 'A', expr: 'up', horizon: '10' },
      window({ fromMs: NOW - year, intervalMs: 1000 })
    );
    expect(wide.ok).toBe(true);
    if (wide.ok) {
      expect(wide.value.stepSeconds).toBeGreaterThanOrEqual(316);
      expect((wide.value.end - wide.value.start) / 1000 / wide.value.stepSeconds + 1).toBeLessThanOrEqual(100_000);
    }
  });

  test.each<[string, Parameters<typeof buildForecastRequest>[0], Partial<RequestWindow>, string]>([
    ['no expression', { refId: 'A', expr: '  ' }, {}, 'Enter a PromQL expression to forecast'],
    [
      'a bad step',
      { refId: 'A', expr: 'up', step: 'x' },
      {},
      'Step "x" is not a duration (30s, 1m) or a number of seconds (60)',
    ],
    ['a bad horizon', { refId: 'A', expr: 'up', horizon: '0' }, {}, 'Horizon must be at least 1 step'],
    [
      'a range in the future',
      { refId: 'A', expr: 'up' },
      { fromMs: NOW + HOUR, toMs: NOW + 2 * HOUR },
      'The time range lies in the future: a forecast needs history before now',
    ],
    [
      'a range shorter than a step',
      { refId: 'A', expr: 'up', step: '2h' },
      {},
      'The time range is shorter than one step (2h)',
    ],
    [
      'too many steps for an explicit step',
      { refId: 'A', expr: 'up', step: '1s' },
      { fromMs: NOW - 2 * 24 * HOUR },
      'The time range holds 172801 steps of 1s; the sidecar takes at most 100000: use a larger step',
    ],
    [
      'a horizon longer than 20000 steps',
      { refId: 'A', expr: 'up', step: '15s', horizon: '7d' },
      {},
      'Horizon 7d is 40320 steps of 15s; the sidecar forecasts at most 20000 steps: shorten the horizon or use a larger step',
    ],
  ])('fails clearly on %s', (_what, query, overrides, error) => {
    expect(buildForecastRequest(query, window(overrides))).toEqual({ ok: false, error });
  });
});

describe('rangeAndStep', () => {
  test('shared by forecasts and anomalies: range capped at now, step from the query or the interval', () => {
    expect(rangeAndStep(undefined, window({ toMs: NOW + HOUR }), 'future')).toEqual({
      ok: true,
      value: { start: NOW - HOUR, end: NOW, stepSeconds: 15 },
    });
    expect(rangeAndStep('1m', window(), 'future')).toEqual({
      ok: true,
      value: { start: NOW - HOUR, end: NOW, stepSeconds: 60 },
    });
    expect(rangeAndStep(undefined, window({ fromMs: NOW + HOUR, toMs: NOW + 2 * HOUR }), 'all in the future')).toEqual({
      ok: false,
      error: 'all in the future',
    });
  });
});

describe('parseThreshold', () => {
  test('empty is "each series\' own", numbers in (0, 1) pass', () => {
    expect(parseThreshold(undefined)).toEqual({ ok: true, value: undefined });
    expect(parseThreshold(' ')).toEqual({ ok: true, value: undefined });
    expect(parseThreshold('0.995')).toEqual({ ok: true, value: 0.995 });
    expect(parseThreshold('.9')).toEqual({ ok: true, value: 0.9 });
    expect(parseThreshold(' 0.5 ')).toEqual({ ok: true, value: 0.5 });
  });

  test.each(['0', '1', '1.5', '-0.5', 'high', '0.9x', '1e-3', '$threshold'])('rejects %p', (text) => {
    expect(parseThreshold(text)).toEqual({
      ok: false,
      error: `Threshold "${text}" must be a number between 0 and 1 (exclusive), e.g. 0.995`,
    });
  });
});

describe('buildAnomalyRequest', () => {
  test('panel range → start/end in ms, step from the interval, no threshold unless given', () => {
    expect(
      buildAnomalyRequest(
        { refId: 'A', queryType: 'anomalies', expr: ' aidpe_sim_latency_seconds{quantile="0.95"} ' },
        window()
      )
    ).toEqual({
      ok: true,
      value: { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', start: NOW - HOUR, end: NOW, stepSeconds: 15 },
    });
  });

  test('explicit step and threshold override; the range ends now', () => {
    expect(
      buildAnomalyRequest(
        { refId: 'A', queryType: 'anomalies', expr: 'up', step: '1m', threshold: '0.995' },
        window({ toMs: NOW + HOUR })
      )
    ).toEqual({ ok: true, value: { query: 'up', start: NOW - HOUR, end: NOW, stepSeconds: 60, threshold: 0.995 } });
  });

  test('the horizon and band of a forecast query are ignored', () => {
    const result = buildAnomalyRequest(
      { refId: 'A', queryType: 'anomalies', expr: 'up', horizon: 'x', band95: true },
      window()
    );
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && Object.keys(result.value).sort()).toEqual(['end', 'query', 'start', 'stepSeconds']);
  });

  test.each<[string, Parameters<typeof buildAnomalyRequest>[0], Partial<RequestWindow>, string]>([
    ['no expression', { refId: 'A', expr: '' }, {}, 'Enter a PromQL expression to scan for anomalies'],
    [
      'a bad threshold',
      { refId: 'A', expr: 'up', threshold: '2' },
      {},
      'Threshold "2" must be a number between 0 and 1 (exclusive), e.g. 0.995',
    ],
    ['a bad step', { refId: 'A', expr: 'up', step: '0' }, {}, 'Step must be longer than 0'],
    [
      'a range in the future',
      { refId: 'A', expr: 'up' },
      { fromMs: NOW + HOUR, toMs: NOW + 2 * HOUR },
      'The time range lies in the future: anomalies are scored on history up to now',
    ],
    [
      'a range shorter than a step',
      { refId: 'A', expr: 'up', step: '2h' },
      {},
      'The time range is shorter than one step (2h)',
    ],
  ])('fails clearly on %s', (_what, query, overrides, error) => {
    expect(buildAnomalyRequest(query, window(overrides))).toEqual({ ok: false, error });
  });
});
