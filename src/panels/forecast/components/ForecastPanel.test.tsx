import React from 'react';
import { render, screen } from '@testing-library/react';
import {
  createDataFrame,
  DataTopic,
  dateTime,
  FieldType,
  LoadingState,
  type DataFrame,
  type PanelProps,
} from '@grafana/data';
import { testIds } from '../../../components/testIds';
import { forecastResponseToFrames } from '../../../datasources/sidecar/frames';
import { forecastResponse, NOW, seriesForecast } from '../../../test/fixtures';
import type { ForecastPanelOptions } from '../types';
import type { ForecastPlotProps } from './ForecastPlot';
import { ForecastPanel, NOTICE_LINE_HEIGHT } from './ForecastPanel';

// uPlot needs a real canvas: the plot itself is covered by the browser tests (browser/tests); here, what the
// panel hands to Grafana's renderer.
const plots: ForecastPlotProps[] = [];
jest.mock('./ForecastPlot', () => ({
  ForecastPlot: (props: ForecastPlotProps) => {
    plots.push(props);
    return <div data-testid="plot" />;
  },
}));

const ids = testIds.forecastPanel;

function renderPanel(series: DataFrame[], options: Partial<ForecastPanelOptions> = {}, annotations?: DataFrame[]) {
  const timeRange = { from: dateTime(NOW - 3_600_000), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } };
  const props = {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange, ...(annotations ? { annotations } : {}) },
    timeRange,
    timeZone: 'utc',
    options,
    transparent: false,
    width: 640,
    height: 320,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Forecast',
    eventBus: {},
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s,
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<Partial<ForecastPanelOptions>>;
  return render(<ForecastPanel {...props} />);
}

const frames = (...series: Array<ReturnType<typeof seriesForecast>>) =>
  forecastResponseToFrames(forecastResponse({ series }), 'A');

const lastPlot = () => plots[plots.length - 1]!;

beforeEach(() => {
  plots.length = 0;
});

describe('ForecastPanel', () => {
  test('hands the styled frames, the now time, zoom and the event bus to the renderer, full size', () => {
    renderPanel(frames(seriesForecast({ band95: true })));
    expect(screen.getByTestId(ids.container)).toBeInTheDocument();
    const plot = lastPlot();
    expect(plot).toMatchObject({ width: 640, height: 320, timeZone: 'utc', regions: [] });
    expect(plot.frames).toHaveLength(1);
    const names = plot.frames[0]!.fields.map((f) => f.config.displayName);
    expect(names).toEqual([
      undefined,
      'Actual',
      'Forecast (blend of the best models)',
      '95% band (low)',
      '80% band (low)',
      '80% band',
      '95% band',
    ]);
    expect(plot.nowMs).toBe(NOW);
    expect(plot.onChangeTimeRange).toEqual(expect.any(Function));
    expect(screen.queryByTestId(ids.reason)).not.toBeInTheDocument();
  });

  test('options: no "now" line, no 95% band', () => {
    renderPanel(frames(seriesForecast({ band95: true })), { showNow: false, showBand95: false });
    expect(lastPlot().nowMs).toBeUndefined();
    const upper95 = lastPlot().frames[0]!.fields.find((f) => f.name === 'upper95')!;
    expect(upper95.config.custom).toMatchObject({ hideFrom: { viz: true, legend: true, tooltip: true } });
  });

  test('a partial forecast: the reason in a strip above the plot, which shrinks by its height', () => {
    renderPanel(
      frames(seriesForecast({ status: 'partial', reasons: [{ code: 'gaps_imputed', message: '2 gaps were imputed' }] }))
    );
    expect(screen.getByTestId(ids.reason)).toHaveTextContent('Partial forecast: 2 gaps were imputed');
    expect(lastPlot().height).toBe(320 - NOTICE_LINE_HEIGHT);
  });

  test('a missing forecast over a history: the history is plotted and the reason is said', () => {
    renderPanel(
      frames(
        seriesForecast({
          status: 'none',
          history: [1, 2, 3],
          reasons: [{ code: 'insufficient_history', message: 'needs at least 10 points, got 3' }],
        })
      )
    );
    expect(screen.getByTestId(ids.reason)).toHaveTextContent('No forecast: needs at least 10 points, got 3');
    expect(lastPlot().frames).toHaveLength(1);
  });

  test('several series share one plot; notices name their series and the rest are counted', () => {
    const partial = (name: string) =>
      seriesForecast({ name, status: 'partial', reasons: [{ code: 'gaps_imputed', message: 'gaps' }] });
    renderPanel(frames(partial('cart'), partial('frontend'), partial('checkout')));
    expect(lastPlot().frames).toHaveLength(3);
    const strips = screen.getAllByTestId(ids.reason);
    expect(strips).toHaveLength(2);
    expect(strips[0]).toHaveTextContent('cart: Partial forecast: gaps');
    expect(strips[1]).toHaveTextContent('frontend: Partial forecast: gaps (+1 more)');
  });

  test('anomalous regions from the panel annotations reach the plot', () => {
    const annotations = createDataFrame({
      fields: [
        { name: 'time', type: FieldType.time, values: [NOW - 600_000, NOW - 100_000] },
        { name: 'timeEnd', type: FieldType.time, values: [NOW - 300_000, NOW - 100_000] },
        { name: 'title', type: FieldType.string, values: ['high anomaly', 'a point'] },
      ],
    });
    renderPanel(frames(seriesForecast()), {}, [annotations]);
    expect(lastPlot().regions).toEqual([{ startMs: NOW - 600_000, endMs: NOW - 300_000, title: 'high anomaly' }]);
  });

  test('regions also come from an anomalies query answering annotations in the same panel', () => {
    const regions = createDataFrame({
      meta: { dataTopic: DataTopic.Annotations },
      fields: [
        { name: 'time', type: FieldType.time, values: [NOW - 600_000] },
        { name: 'timeEnd', type: FieldType.time, values: [NOW - 300_000] },
        { name: 'title', type: FieldType.string, values: ['critical anomaly'] },
      ],
    });
    renderPanel([...frames(seriesForecast()), regions]);
    expect(lastPlot().regions).toEqual([{ startMs: NOW - 600_000, endMs: NOW - 300_000, title: 'critical anomaly' }]);
    // The annotation frame is not drawn as a series.
    expect(lastPlot().frames).toHaveLength(1);
  });

  test('no data → the standard empty view', () => {
    renderPanel([]);
    expect(screen.getByTestId(ids.empty)).toBeInTheDocument();
    expect(plots).toHaveLength(0);
  });

  test('nothing to plot but notices → the notices', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [],
      meta: { notices: [{ severity: 'warning', text: 'The query returned no series to forecast' }] },
    });
    renderPanel([frame]);
    expect(screen.getByTestId(ids.empty)).toHaveTextContent('The query returned no series to forecast');
  });
});
