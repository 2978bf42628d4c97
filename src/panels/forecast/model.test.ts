import { createDataFrame, FieldType } from '@grafana/data';
import { forecastResponseToFrames } from '../../datasources/sidecar/frames';
import { forecastResponse, NOW, seriesForecast, STEP_MS } from '../../test/fixtures';
import {
  frameTitle,
  framesToSeries,
  frameToSeries,
  hasPoints,
  lastIndexWithValue,
  readForecastInfo,
  reasonText,
  timeExtent,
  valueExtent,
} from './model';

const framesOf = (...series: Array<ReturnType<typeof seriesForecast>>) =>
  forecastResponseToFrames(forecastResponse({ series }), 'A');

describe('frameToSeries on AIDPE forecast frames', () => {
  test('finds history, median, both bands and "now" at the last actual value', () => {
    const [frame] = framesOf(seriesForecast({ band95: true }));
    const s = frameToSeries(frame, 0)!;
    expect(s.title).toBe('aidpe_sim_request_rate{service="frontend"}');
    expect(s.times).toHaveLength(8);
    expect(s.actual).toEqual([10, 12, 11, 13, 12, null, null, null]);
    expect(s.median).toEqual([null, null, null, null, 12, 13, 14, 15]);
    expect(s.band?.lower).toEqual([null, null, null, null, 12, 11, 12, 13]);
    expect(s.band?.upper).toEqual([null, null, null, null, 12, 15, 16, 17]);
    expect(s.band95?.upper).toEqual([null, null, null, null, 12, 17, 18, 19]);
    expect(s.nowMs).toBe(NOW);
    expect(s.info).toEqual({
      status: 'ok',
      reasons: [],
      model: 'ensemble',
      explanation: 'weighted ensemble of 3 candidates',
      backtestMase: 0.82,
    });
    expect(hasPoints(s)).toBe(true);
  });

  test('"now" skips trailing gaps in the history', () => {
    const [frame] = framesOf(seriesForecast({ history: [1, 2, 3, null, null], horizon: 2 }));
    expect(frameToSeries(frame, 0)!.nowMs).toBe(NOW - 2 * STEP_MS);
  });

  test('several series keep their roles through the unique display names', () => {
    const frames = framesOf(seriesForecast({ name: 'a', band95: true }), seriesForecast({ name: 'b' }));
    const [a, b] = framesToSeries(frames);
    expect(a.band95).toBeDefined();
    expect(b.band).toBeDefined();
    expect(b.band95).toBeUndefined();
    expect(b.title).toBe('b');
  });

  test('status, reasons and notices of a missing forecast', () => {
    const [frame] = framesOf(
      seriesForecast({
        status: 'none',
        history: [5, 6],
        reasons: [{ code: 'insufficient_history', message: 'needs at least 10 points, got 2' }],
      })
    );
    const s = frameToSeries(frame, 0)!;
    expect(s.info.status).toBe('none');
    expect(s.info.reasons).toEqual([{ code: 'insufficient_history', message: 'needs at least 10 points, got 2' }]);
    expect(s.notices).toHaveLength(1);
    expect(s.median).toEqual([null, null]);
    expect(reasonText(s.info)).toBe('No forecast: needs at least 10 points, got 2');
  });
});

describe('frameToSeries on frames from other datasources', () => {
  test('a plain time series is drawn as actuals', () => {
    const frame = createDataFrame({
      refId: 'B',
      fields: [
        { name: 'Time', type: FieldType.time, values: [1000, 2000, 3000] },
        { name: 'Value', type: FieldType.number, values: [1, 2, 3], labels: { job: 'x' } },
      ],
    });
    const s = frameToSeries(frame, 0)!;
    expect(s.actual).toEqual([1, 2, 3]);
    expect(s.median).toBeUndefined();
    expect(s.band).toBeUndefined();
    expect(s.nowMs).toBe(3000);
    expect(s.title).toBe('Query B');
    expect(s.info).toEqual({ reasons: [] });
  });

  test('bands from fillBelowTo and a dashed median, whatever the field names', () => {
    const frame = createDataFrame({
      name: 'custom',
      fields: [
        { name: 'ts', type: FieldType.time, values: [1, 2, 3] },
        { name: 'observed', type: FieldType.number, values: [1, 2, null] },
        {
          name: 'p50',
          type: FieldType.number,
          values: [null, 2, 3],
          config: { custom: { lineStyle: { fill: 'dash' } } },
        },
        { name: 'p05', type: FieldType.number, values: [null, 1, 1] },
        { name: 'p95', type: FieldType.number, values: [null, 3, 4], config: { custom: { fillBelowTo: 'p05' } } },
        { name: 'p01', type: FieldType.number, values: [null, 0, 0] },
        { name: 'p99', type: FieldType.number, values: [null, 4, 5], config: { custom: { fillBelowTo: 'p01' } } },
      ],
    });
    const s = frameToSeries(frame, 0)!;
    expect(s.actual).toEqual([1, 2, null]);
    expect(s.median).toEqual([null, 2, 3]);
    expect(s.band?.upperField.name).toBe('p95');
    expect(s.band95?.upperField.name).toBe('p99');
    expect(s.nowMs).toBe(2);
  });

  test('time values as strings or dates are read as ms; non-numbers are gaps', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: ['2025-01-01T00:00:00Z', new Date(60_000)] },
        { name: 'value', type: FieldType.number, values: [Number.NaN, 'x'] },
      ],
    });
    const s = frameToSeries(frame, 0)!;
    expect(s.times).toEqual([Date.parse('2025-01-01T00:00:00Z'), 60_000]);
    expect(s.actual).toEqual([null, null]);
    expect(s.nowMs).toBeUndefined();
    expect(hasPoints(s)).toBe(false);
  });

  test('frames with nothing to plot are kept only when they carry a status or notices', () => {
    const notice = createDataFrame({
      refId: 'A',
      fields: [],
      meta: { notices: [{ severity: 'info', text: 'not yet' }] },
    });
    expect(frameToSeries(notice, 0)).toMatchObject({ times: [], notices: [{ text: 'not yet' }] });
    const strings = createDataFrame({ fields: [{ name: 'msg', type: FieldType.string, values: ['hi'] }] });
    expect(frameToSeries(strings, 0)).toBeUndefined();
    expect(framesToSeries([strings, notice])).toHaveLength(1);
  });
});

describe('readForecastInfo', () => {
  test('takes only well-formed values', () => {
    expect(readForecastInfo(undefined)).toEqual({ reasons: [] });
    expect(readForecastInfo('ok')).toEqual({ reasons: [] });
    expect(
      readForecastInfo({
        status: 'maybe',
        reasons: [{ message: 'kept' }, { code: 'x' }, null, 'text'],
        model: '',
        backtestMase: 'n/a',
      })
    ).toEqual({ reasons: [{ code: 'unknown', message: 'kept' }] });
    expect(readForecastInfo({ status: 'partial', backtestMase: null }).backtestMase).toBeNull();
  });
});

test('extents include the 95% band only when shown', () => {
  const [frame] = framesOf(seriesForecast({ band95: true }));
  const s = frameToSeries(frame, 0)!;
  expect(valueExtent(s, false)).toEqual([10, 17]);
  expect(valueExtent(s, true)).toEqual([9, 19]);
  expect(timeExtent(s)).toEqual([s.times[0], s.times[7]]);
});

test('helpers', () => {
  expect(lastIndexWithValue([1, null, 2, null])).toBe(2);
  expect(lastIndexWithValue([null])).toBe(-1);
  expect(frameTitle(createDataFrame({ fields: [] }), 2)).toBe('Series 3');
  expect(reasonText({ status: 'partial', reasons: [] })).toBe('Partial forecast');
  expect(reasonText({ status: 'ok', reasons: [{ code: 'c', message: 'm' }] })).toBe('m');
});
