import { FieldType } from '@grafana/data';
import { forecastResponse, seriesForecast } from '../../test/fixtures';
import {
  emptyFrame,
  forecastMeta,
  forecastResponseToFrames,
  pendingEngineNotice,
  statusNotice,
  toGrafanaFrame,
} from './frames';

describe('forecastResponseToFrames', () => {
  test('one frame per series with the sidecar fields, types, nulls and field config kept', () => {
    const [frame] = forecastResponseToFrames(forecastResponse(), 'A');
    expect(frame.refId).toBe('A');
    expect(frame.name).toBe('aidpe_sim_request_rate{service="frontend"}');
    expect(frame.length).toBe(8);
    expect(frame.fields.map((f) => [f.name, f.type])).toEqual([
      ['time', FieldType.time],
      ['value', FieldType.number],
      ['forecast', FieldType.number],
      ['lower', FieldType.number],
      ['upper', FieldType.number],
    ]);
    const [time, value, forecast, lower, upper] = frame.fields;
    expect(time.values[1] - time.values[0]).toBe(60_000);
    expect(value.values).toEqual([10, 12, 11, 13, 12, null, null, null]);
    // Joined to the last actual point.
    expect(forecast.values).toEqual([null, null, null, null, 12, 13, 14, 15]);
    expect(forecast.config.custom).toEqual({ lineStyle: { fill: 'dash', dash: [10, 10] } });
    expect(forecast.config.description).toBe('Median forecast (ensemble)');
    expect(upper.config.custom).toEqual({ lineWidth: 0, fillBelowTo: 'lower', fillOpacity: 20 });
    expect(lower.config.custom).toEqual({ lineWidth: 0 });
    // The unit from the metric's name (Prometheus conventions: a request rate), on the number fields only.
    expect(frame.fields.filter((f) => f.name !== 'time').every((f) => f.config.unit === 'reqps')).toBe(true);
    expect(time.config.unit).toBeUndefined();
    // Series labels on the number fields (legends, joins), not on time.
    expect(value.labels).toEqual({ __name__: 'aidpe_sim_request_rate', service: 'frontend' });
    expect(time.labels).toBeUndefined();
    // A single series keeps plain field names: no display-name override.
    expect(value.config.displayNameFromDS).toBeUndefined();
  });

  test('meta.custom carries status, reasons, model, explanation and backtest error; no notice when ok', () => {
    const [frame] = forecastResponseToFrames(forecastResponse({ cached: true }), 'A');
    expect(frame.meta?.preferredVisualisationType).toBe('graph');
    expect(frame.meta?.custom).toEqual({
      aidpe: 'forecast',
      status: 'ok',
      reasons: [],
      model: 'ensemble',
      explanation: 'weighted ensemble of 3 candidates',
      backtestMase: 0.82,
      candidates: [{ model: 'seasonal_naive', backtestMase: 0.9, weight: 0.6 }],
      seasonPeriod: 0,
      stepSeconds: 60,
      horizon: 3,
      labels: { __name__: 'aidpe_sim_request_rate', service: 'frontend' },
      cached: true,
    });
    expect(frame.meta?.notices).toBeUndefined();
  });

  test('partial forecasts get an info notice with the reasons', () => {
    const series = seriesForecast({
      status: 'partial',
      reasons: [
        { code: 'gaps_imputed', message: '3 gaps were imputed' },
        { code: 'deep_models_unavailable', message: 'lstm is missing; forecast from the statistical models' },
      ],
    });
    const [frame] = forecastResponseToFrames(forecastResponse({ series: [series] }), 'B');
    expect(frame.meta?.notices).toEqual([
      {
        severity: 'info',
        text:
          'Partial forecast for aidpe_sim_request_rate{service="frontend"}: 3 gaps were imputed; ' +
          'lstm is missing; forecast from the statistical models',
        inspect: 'meta',
      },
    ]);
    expect(frame.meta?.custom).toMatchObject({ status: 'partial', reasons: series.reasons });
  });

  test('missing forecasts get a warning notice; history with gaps stays, the forecast fields stay empty', () => {
    const series = seriesForecast({
      status: 'none',
      history: [1, null, 3],
      reasons: [{ code: 'insufficient_history', message: 'needs at least 10 points, got 3' }],
    });
    const [frame] = forecastResponseToFrames(forecastResponse({ series: [series] }), 'A');
    expect(frame.meta?.notices).toEqual([
      {
        severity: 'warning',
        text: 'No forecast for aidpe_sim_request_rate{service="frontend"}: needs at least 10 points, got 3',
        inspect: 'meta',
      },
    ]);
    expect(frame.fields[1].values).toEqual([1, null, 3]);
    expect(frame.fields[2].values).toEqual([null, null, null]);
    expect(frame.meta?.custom).toMatchObject({ status: 'none', backtestMase: null, model: 'none' });
  });

  test('a status without reasons still explains itself', () => {
    expect(statusNotice({ name: 's', status: 'none', reasons: [] })?.text).toBe(
      'No forecast for s: the sidecar gave no reason'
    );
    expect(statusNotice({ name: 's', status: 'ok', reasons: [] })).toBeUndefined();
  });

  test('several series: unique display names and fillBelowTo pointing at the same series', () => {
    const response = forecastResponse({
      series: [
        seriesForecast({ name: 'rate{service="cart"}', band95: true }),
        seriesForecast({ name: 'rate{service="frontend"}', band95: true }),
      ],
    });
    const frames = forecastResponseToFrames(response, 'A');
    expect(frames).toHaveLength(2);
    const upper = (i: number, name: string) => frames[i].fields.find((f) => f.name === name)!;
    expect(upper(1, 'value').config.displayNameFromDS).toBe('value rate{service="frontend"}');
    expect(upper(1, 'upper').config.custom.fillBelowTo).toBe('lower rate{service="frontend"}');
    expect(upper(1, 'upper95').config.custom.fillBelowTo).toBe('lower95 rate{service="frontend"}');
    expect(upper(0, 'upper').config.custom.fillBelowTo).toBe('lower rate{service="cart"}');
    expect(upper(0, 'time').config.displayNameFromDS).toBeUndefined();
    // The sidecar's JSON is not mutated (configs are copied).
    expect(response.series[1].frame.fields.find((f) => f.name === 'upper')!.config).toEqual({
      custom: { lineWidth: 0, fillBelowTo: 'lower', fillOpacity: 20 },
    });
  });

  test('answer warnings go on the first frame; no series gives an empty frame that says why', () => {
    const warned = forecastResponseToFrames(
      forecastResponse({ warnings: ['the query returned 60 series; only the first 50 were forecast'] }),
      'A'
    );
    expect(warned[0].meta?.notices).toEqual([
      { severity: 'warning', text: 'the query returned 60 series; only the first 50 were forecast' },
    ]);

    const [empty] = forecastResponseToFrames(
      forecastResponse({ series: [], warnings: ['the query returned no series between a and b'] }),
      'C'
    );
    expect(empty.refId).toBe('C');
    expect(empty.fields).toEqual([]);
    expect(empty.meta?.notices).toEqual([
      { severity: 'warning', text: 'the query returned no series between a and b' },
    ]);

    const [silent] = forecastResponseToFrames(forecastResponse({ series: [] }), 'D');
    expect(silent.meta?.notices).toEqual([{ severity: 'warning', text: 'The query returned no series to forecast' }]);
  });

  test('non-finite values become gaps', () => {
    const frame = toGrafanaFrame(
      {
        name: 'x',
        fields: [
          { name: 'time', type: 'time', values: [1, 2, 3] },
          { name: 'value', type: 'number', values: [1, Number.NaN, null] },
        ],
      },
      { refId: 'A' }
    );
    expect(frame.fields[1].values).toEqual([1, null, null]);
    expect(frame.fields[1].labels).toBeUndefined();
  });
});

test('forecastMeta copies (does not share) reasons, candidates and labels', () => {
  const series = seriesForecast({ status: 'partial', reasons: [{ code: 'c', message: 'm' }] });
  const meta = forecastMeta(series, false);
  expect(meta.reasons).toEqual(series.reasons);
  expect(meta.reasons).not.toBe(series.reasons);
  expect(meta.labels).not.toBe(series.labels);
});

test('pending engines answer an empty frame with a "not available yet" notice', () => {
  const frame = emptyFrame('A', [pendingEngineNotice('anomaly')]);
  expect(frame.fields).toHaveLength(0);
  expect(frame.meta?.notices).toEqual([
    { severity: 'info', text: 'Not available yet: the anomaly engine has not landed in the AIDPE sidecar' },
  ]);
});
