import { createDataFrame, createTheme, FieldType } from '@grafana/data';
import { forecastResponseToFrames } from '../../datasources/sidecar/frames';
import { forecastResponse, NOW, seriesForecast, STEP_MS } from '../../test/fixtures';
import { annotationRegions, nowOf, styleForecastFrames } from './style';

const theme = createTheme();
const frames = (...series: Array<ReturnType<typeof seriesForecast>>) =>
  forecastResponseToFrames(forecastResponse({ series }), 'A');
const options = { showBand95: true, bandOpacity: 20 };
const byName = (frame: ReturnType<typeof styleForecastFrames>[number], name: string) =>
  frame.fields.find((f) => f.name === name)!;

describe('styleForecastFrames', () => {
  test('history solid, median dashed in the same colour, the band filled between hidden edges', () => {
    const [frame] = styleForecastFrames(frames(seriesForecast({ band95: true })), options, theme);
    const value = byName(frame!, 'value');
    const forecast = byName(frame!, 'forecast');
    const upper = byName(frame!, 'upper');
    const lower = byName(frame!, 'lower');
    expect(value.config).toMatchObject({ displayName: 'Actual', custom: { lineWidth: 1, fillOpacity: 0 } });
    expect(forecast.config).toMatchObject({
      displayName: 'Forecast (blend of the best models)',
      custom: { lineStyle: { fill: 'dash' } },
    });
    expect(forecast.config.color).toEqual(value.config.color);
    expect(upper.config.custom).toMatchObject({ lineWidth: 0, fillOpacity: 20, fillBelowTo: '80% band (low)' });
    expect(lower.config).toMatchObject({ displayName: '80% band (low)', custom: { hideFrom: { legend: true } } });
    expect(byName(frame!, 'upper95').config.custom).toMatchObject({ fillOpacity: 10, fillBelowTo: '95% band (low)' });
  });

  test('several series: names carry the series, each band fills to its own lower edge, colours differ', () => {
    const styled = styleForecastFrames(
      frames(seriesForecast({ name: 'cart' }), seriesForecast({ name: 'web' })),
      options,
      theme
    );
    expect(styled.map((f) => byName(f, 'upper').config.custom?.fillBelowTo)).toEqual([
      '80% band (low) · cart',
      '80% band (low) · web',
    ]);
    expect(styled.map((f) => byName(f, 'value').config.displayName)).toEqual(['Actual · cart', 'Actual · web']);
    expect(byName(styled[0]!, 'value').config.color).not.toEqual(byName(styled[1]!, 'value').config.color);
  });

  test('what the user set in the field config (colour, unit, decimals) is kept', () => {
    const [raw] = frames(seriesForecast());
    const value = raw!.fields.find((f) => f.name === 'value')!;
    value.config = { ...value.config, unit: 'reqps', decimals: 1, color: { mode: 'fixed', fixedColor: 'purple' } };
    const [styled] = styleForecastFrames([raw!], options, theme);
    expect(byName(styled!, 'value').config).toMatchObject({
      unit: 'reqps',
      decimals: 1,
      color: { mode: 'fixed', fixedColor: 'purple' },
    });
  });

  test('frames without a time field or numbers are left out; plain series are drawn as actuals', () => {
    const plain = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [NOW - STEP_MS, NOW] },
        { name: 'Value', type: FieldType.number, values: [1, 2] },
      ],
    });
    const table = createDataFrame({ fields: [{ name: 'x', type: FieldType.string, values: ['a'] }] });
    const styled = styleForecastFrames([plain, table], options, theme);
    expect(styled).toHaveLength(1);
    expect(byName(styled[0]!, 'Value').config.displayName).toBe('Actual');
  });
});

describe('nowOf', () => {
  test('the latest time with an actual value over all frames', () => {
    expect(nowOf(frames(seriesForecast()))).toBe(NOW);
    expect(nowOf(frames(seriesForecast({ start: NOW - 10 * STEP_MS, history: [1, 2, 3] })))).toBe(NOW - 8 * STEP_MS);
    expect(nowOf([])).toBeUndefined();
  });
});

describe('annotationRegions', () => {
  test('regions with an end after their start, sorted; points and malformed rows are left out', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [300, 100, 50, Number.NaN] },
        { name: 'timeEnd', type: FieldType.time, values: [400, 200, 50, 10] },
        { name: 'text', type: FieldType.string, values: ['b', 'a', 'point', 'bad'] },
        { name: 'color', type: FieldType.string, values: ['', '#f00', '', ''] },
      ],
    });
    expect(annotationRegions([frame])).toEqual([
      { startMs: 100, endMs: 200, title: 'a', color: '#f00' },
      { startMs: 300, endMs: 400, title: 'b' },
    ]);
    expect(annotationRegions(undefined)).toEqual([]);
  });
});
