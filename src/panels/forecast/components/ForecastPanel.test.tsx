import React from 'react';
import { fireEvent, render, screen, within } from '@testing-library/react';
import {
  colorManipulator,
  createDataFrame,
  createTheme,
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
import { ForecastPanel } from './ForecastPanel';

const ids = testIds.forecastPanel;

function renderPanel(series: DataFrame[], options: Partial<ForecastPanelOptions> = {}) {
  const timeRange = { from: dateTime(NOW - 3_600_000), to: dateTime(NOW), raw: { from: 'now-1h', to: 'now' } };
  const props = {
    id: 1,
    data: { series, state: LoadingState.Done, timeRange },
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

describe('ForecastPanel', () => {
  test('draws actuals, the dashed median, the 80% and 95% bands and the "now" marker', () => {
    renderPanel(frames(seriesForecast({ band95: true })));
    expect(screen.getByTestId(ids.container)).toBeInTheDocument();
    expect(screen.getByTestId(ids.chart)).toHaveAttribute(
      'aria-label',
      'Forecast chart of aidpe_sim_request_rate{service="frontend"}'
    );
    expect(screen.getByTestId(ids.actual).getAttribute('d')).toMatch(/^M/);
    expect(screen.getByTestId(ids.median)).toHaveAttribute('stroke-dasharray', '6 4');
    expect(screen.getByTestId(ids.band).getAttribute('d')).toMatch(/Z$/);
    expect(screen.getByTestId(ids.band95).getAttribute('d')).toMatch(/Z$/);
    expect(within(screen.getByTestId(ids.now)).getByText('now')).toBeInTheDocument();
    const legend = screen.getByTestId(ids.legend);
    expect(within(legend).getByText('Actual')).toBeInTheDocument();
    expect(within(legend).getByText('Forecast (ensemble)')).toBeInTheDocument();
    expect(within(legend).getByText('80% band')).toBeInTheDocument();
    expect(within(legend).getByText('95% band')).toBeInTheDocument();
    expect(within(legend).getByText('backtest MASE 0.82')).toBeInTheDocument();
    expect(screen.queryByTestId(ids.reason)).not.toBeInTheDocument();
  });

  test('options hide the 95% band and the "now" marker and set the band opacity', () => {
    renderPanel(frames(seriesForecast({ band95: true })), { showBand95: false, showNow: false, bandOpacity: 50 });
    expect(screen.queryByTestId(ids.band95)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.now)).not.toBeInTheDocument();
    expect(within(screen.getByTestId(ids.legend)).queryByText('95% band')).not.toBeInTheDocument();
    const primary = createTheme().colors.primary.main;
    expect(screen.getByTestId(ids.band)).toHaveAttribute('fill', colorManipulator.alpha(primary, 0.5));
  });

  test('a missing forecast shows the reasons over the history instead of an empty plot', () => {
    renderPanel(
      frames(
        seriesForecast({
          status: 'none',
          history: [1, 2, 3],
          reasons: [{ code: 'insufficient_history', message: 'needs at least 10 points, got 3' }],
        })
      )
    );
    const reason = screen.getByTestId(ids.reason);
    expect(within(reason).getByText('No forecast')).toBeInTheDocument();
    expect(within(reason).getByText('needs at least 10 points, got 3')).toBeInTheDocument();
    expect(screen.getByTestId(ids.actual)).toBeInTheDocument();
    expect(screen.queryByTestId(ids.median)).not.toBeInTheDocument();
  });

  test('a partial forecast is drawn with its reasons in a strip', () => {
    renderPanel(
      frames(seriesForecast({ status: 'partial', reasons: [{ code: 'gaps_imputed', message: '2 gaps were imputed' }] }))
    );
    expect(screen.getByTestId(ids.reason)).toHaveTextContent('Partial forecast: 2 gaps were imputed');
    expect(screen.getByTestId(ids.band)).toBeInTheDocument();
  });

  test('several series are stacked, each titled', () => {
    renderPanel(frames(seriesForecast({ name: 'cart' }), seriesForecast({ name: 'frontend' })));
    const blocks = screen.getAllByTestId(ids.series);
    expect(blocks).toHaveLength(2);
    expect(within(blocks[0]).getByText('cart')).toBeInTheDocument();
    expect(within(blocks[1]).getByText('frontend')).toBeInTheDocument();
  });

  test('frames from other datasources are drawn as actuals', () => {
    renderPanel([
      createDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: [NOW - 60_000, NOW] },
          { name: 'Value', type: FieldType.number, values: [1, 2] },
        ],
      }),
    ]);
    expect(screen.getByTestId(ids.actual)).toBeInTheDocument();
    expect(screen.queryByTestId(ids.band)).not.toBeInTheDocument();
  });

  test('hovering reads out the values at the nearest time; leaving hides it', () => {
    renderPanel(frames(seriesForecast()));
    const chart = screen.getByTestId(ids.chart);
    // jsdom's bounding box sits at 0,0: clientX is the x position in the chart. The right edge is the last forecast step.
    fireEvent.mouseMove(chart, { clientX: 640 - 12 });
    const readout = screen.getByRole('tooltip');
    expect(readout).toHaveTextContent('2025-01-01 12:03:00');
    expect(readout).toHaveTextContent('Forecast: 15');
    expect(readout).toHaveTextContent('80% band: 13 – 17');
    expect(readout).not.toHaveTextContent('Actual');
    fireEvent.mouseLeave(chart);
    expect(screen.queryByRole('tooltip')).not.toBeInTheDocument();
  });

  test('no data → the standard empty view', () => {
    renderPanel([]);
    expect(screen.getByTestId(ids.empty)).toBeInTheDocument();
    expect(screen.queryByTestId(ids.chart)).not.toBeInTheDocument();
  });

  test('nothing to plot but notices (e.g. an engine not landed yet) → the notices', () => {
    const frame = createDataFrame({
      refId: 'A',
      fields: [],
      meta: { notices: [{ severity: 'info', text: 'Not available yet: the anomaly engine has not landed' }] },
    });
    renderPanel([frame]);
    expect(
      within(screen.getByTestId(ids.empty)).getByText('Not available yet: the anomaly engine has not landed')
    ).toBeInTheDocument();
  });
});
