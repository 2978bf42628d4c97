import { forecastResponseToFrames } from '../../datasources/sidecar/frames';
import { forecastResponse, seriesForecast } from '../../test/fixtures';
import { AXIS_HEIGHT, chartGeometry, PAD_RIGHT, PAD_TOP, parseUtcOffset } from './chart';
import { frameToSeries, type SeriesModel } from './model';

const seriesOf = (options: Parameters<typeof seriesForecast>[0] = {}): SeriesModel =>
  frameToSeries(forecastResponseToFrames(forecastResponse({ series: [seriesForecast(options)] }), 'A')[0], 0)!;

const fmt = (v: number) => v.toFixed(0);

describe('chartGeometry', () => {
  test('plot area, scales over history + forecast, ticks and every path', () => {
    const series = seriesOf({ band95: true });
    const g = chartGeometry({ series, width: 600, height: 300, showBand95: true, formatValue: fmt })!;
    expect(g.plot.top).toBe(PAD_TOP);
    expect(g.plot.bottom).toBe(300 - AXIS_HEIGHT);
    expect(g.plot.right).toBe(600 - PAD_RIGHT);
    expect(g.plot.left).toBeGreaterThanOrEqual(32);
    expect(g.x(series.times[0])).toBe(g.plot.left);
    expect(g.x(series.times[7])).toBe(g.plot.right);
    // Values 9..19 (95% band) padded, all inside the plot.
    expect(g.y(19)).toBeGreaterThanOrEqual(g.plot.top);
    expect(g.y(9)).toBeLessThanOrEqual(g.plot.bottom);
    expect(g.yTicks.length).toBeGreaterThanOrEqual(2);
    expect(g.yTicks.every((t) => t.label === t.value.toFixed(0))).toBe(true);
    expect(g.xTicks.every((t) => t.position >= g.plot.left && t.position <= g.plot.right)).toBe(true);
    expect(g.paths.actual.startsWith('M')).toBe(true);
    expect(g.paths.median.startsWith('M')).toBe(true);
    expect(g.paths.band.endsWith('Z')).toBe(true);
    expect(g.paths.band95.endsWith('Z')).toBe(true);
    expect(g.nowX).toBeCloseTo(g.x(series.nowMs!));
  });

  test('the 95% band is left out (and out of the y domain) when hidden', () => {
    const series = seriesOf({ band95: true });
    const g = chartGeometry({ series, width: 600, height: 300, showBand95: false, formatValue: fmt })!;
    expect(g.paths.band95).toBe('');
    expect(g.y.domain[1]).toBeLessThan(19);
  });

  test('a missing forecast still draws the history, with no forecast paths', () => {
    const series = seriesOf({ status: 'none', history: [1, 2, 3] });
    const g = chartGeometry({ series, width: 400, height: 200, showBand95: true, formatValue: fmt })!;
    expect(g.paths.actual).not.toBe('');
    expect(g.paths.median).toBe('');
    expect(g.paths.band).toBe('');
  });

  test('nothing to draw, or no room to draw it', () => {
    const empty: SeriesModel = { key: 'k', title: 't', times: [], info: { reasons: [] }, notices: [] };
    expect(
      chartGeometry({ series: empty, width: 400, height: 200, showBand95: true, formatValue: fmt })
    ).toBeUndefined();
    const series = seriesOf();
    expect(chartGeometry({ series, width: 400, height: 30, showBand95: true, formatValue: fmt })).toBeUndefined();
    expect(chartGeometry({ series, width: 30, height: 200, showBand95: true, formatValue: fmt })).toBeUndefined();
  });

  test('the y gutter grows with the tick labels', () => {
    const series = seriesOf();
    const narrow = chartGeometry({ series, width: 600, height: 300, showBand95: true, formatValue: fmt })!;
    const wide = chartGeometry({
      series,
      width: 600,
      height: 300,
      showBand95: true,
      formatValue: (v) => `${v} req/s per pod`,
    })!;
    expect(wide.plot.left).toBeGreaterThan(narrow.plot.left);
  });
});

test('parseUtcOffset', () => {
  expect(parseUtcOffset('+02:00')).toBe(2 * 3_600_000);
  expect(parseUtcOffset('-0530')).toBe(-5.5 * 3_600_000);
  expect(parseUtcOffset('Z')).toBe(0);
});
