import React from 'react';
import { render, screen, within } from '@testing-library/react';
import Models from './Models';
import { forecastAccuracy, forecastModels } from '../api/sidecarClient';
import type { ForecastAccuracyResponse, ModelAccuracy } from '../api/types';
import { testIds } from '../components/testIds';

// uPlot needs a real canvas (the browser tests draw it): here, what the page hands to Grafana's sparkline.
jest.mock('@grafana/ui', () => ({
  ...jest.requireActual('@grafana/ui'),
  Sparkline: ({ sparkline }: { sparkline: { y: { values: number[] } } }) => (
    <span data-testid="sparkline-stub" data-points={sparkline.y.values.length} />
  ),
}));

jest.mock('../api/sidecarClient', () => ({ forecastModels: jest.fn(), forecastAccuracy: jest.fn() }));

const emptyAccuracy: ForecastAccuracyResponse = {
  running: true,
  maturesInMinutes: 35,
  lastRun: null,
  models: [],
  series: [],
};
const model = (over: Partial<ModelAccuracy>): ModelAccuracy => ({
  model: 'naive',
  kind: 'statistical',
  metric: 'backtestMase',
  points: [
    { t: 0, backtestMase: 1 },
    { t: 300_000, backtestMase: 1.1 },
    { t: 600_000, backtestMase: 3 },
  ],
  rolling: 1.1,
  rollingCoverage80: null,
  reference: { value: 1, source: 'own first day median (288 points)' },
  ratio: 1.1,
  drift: false,
  coverageDrift: false,
  status: 'ok',
  reason: 'within',
  ...over,
});

beforeEach(() => {
  jest.mocked(forecastAccuracy).mockResolvedValue(emptyAccuracy);
});
jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

describe('Models page', () => {
  it('lists each model with its state and card metrics', async () => {
    jest.mocked(forecastModels).mockResolvedValue({
      models: [
        {
          name: 'lstm',
          file: 'a.onnx',
          version: '1.0.0',
          state: 'loaded',
          card: { parameters: 679340, validation: { nab: { windows: 1, pinball: 0.4, mae: 1, coverage80: 0.8 } } },
        },
        { name: 'tft_lite', file: 'b.onnx', state: 'missing', error: 'model file b.onnx is missing' },
      ],
      statistical: ['naive', 'seasonal_naive'],
      warnings: ['tft_lite: model file b.onnx is missing; falling back to statistical models'],
    });
    render(<Models />);
    expect(await screen.findByTestId(testIds.models.table)).toHaveTextContent('lstm');
    expect(screen.getByTestId(testIds.models.table)).toHaveTextContent('file missing: model file b.onnx is missing');
    expect(screen.getByTestId(testIds.models.summary)).toHaveTextContent('1 of 2 deep models loaded');
    expect(screen.getByText(/last value, same time yesterday/)).toBeInTheDocument();
  });

  it('shows accuracy over time with a drift badge per model and the realised accuracy per series', async () => {
    jest.mocked(forecastModels).mockResolvedValue({ models: [], statistical: ['naive'], warnings: [] });
    jest.mocked(forecastAccuracy).mockResolvedValue({
      ...emptyAccuracy,
      models: [
        model({
          model: 'lstm',
          kind: 'deep',
          metric: 'backtestMase',
          drift: true,
          ratio: 3,
          status: 'drift',
          reason: 'rolling median 3.00 is 3.00× the reference',
        }),
        model({}),
      ],
      series: [
        {
          key: 'k',
          name: 'aidpe_sim_request_rate{service="cart"}',
          query: 'aidpe_sim_request_rate',
          labels: { service: 'cart' },
          model: 'naive',
          lastIssuedMs: 0,
          pendingForecasts: 6,
          realised: {
            issuedAtMs: 0,
            scoredAtMs: 0,
            mase: 0.42,
            coverage80: 0.9,
            wql: 0.05,
            scaledPinball: 0.1,
            points: 30,
          },
        },
      ],
    });
    render(<Models />);
    const rows = await screen.findAllByTestId(testIds.models.accuracyModel);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId(testIds.models.driftBadge)).toHaveTextContent('drift ×3.00');
    expect(within(rows[1]!).getByTestId(testIds.models.driftBadge)).toHaveTextContent('ok ×1.10');
    // Grafana's sparkline renderer gets the model's error over time.
    expect(within(rows[0]!).getByTestId('sparkline-stub')).toHaveAttribute(
      'data-points',
      expect.stringMatching(/^[1-9]/)
    );
    expect(within(rows[1]!).getByText(/1\.100 vs 1\.000 \(own first day median/)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.models.accuracySeries)).toHaveTextContent('0.420');
    expect(screen.getByTestId(testIds.models.accuracySeries)).toHaveTextContent('90%');
  });

  it('shows an empty state until the first forecasts have matured', async () => {
    jest.mocked(forecastModels).mockResolvedValue({ models: [], statistical: ['naive'], warnings: [] });
    render(<Models />);
    expect(await screen.findByTestId(testIds.models.accuracyEmpty)).toHaveTextContent(
      'Accuracy appears after the first forecasts have matured, about 35 minutes'
    );
  });

  it('says why when the tracker is not running', async () => {
    jest.mocked(forecastModels).mockResolvedValue({ models: [], statistical: ['naive'], warnings: [] });
    jest.mocked(forecastAccuracy).mockResolvedValue({
      running: false,
      message: 'the forecast accuracy tracker is not running',
      lastRun: null,
      models: [],
      series: [],
    });
    render(<Models />);
    expect(await screen.findByTestId(testIds.models.accuracyEmpty)).toHaveTextContent(
      'the forecast accuracy tracker is not running'
    );
  });

  it('shows the error when the sidecar cannot be reached', async () => {
    jest.mocked(forecastModels).mockRejectedValue(new Error('Bad Gateway'));
    render(<Models />);
    expect(await screen.findByText('Could not load the models from the sidecar')).toBeInTheDocument();
  });

  it('a wrong API token (401) says to set it in the app configuration', async () => {
    jest.mocked(forecastModels).mockRejectedValue({
      status: 401,
      data: { statusCode: 401, error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' },
      config: {},
    });
    render(<Models />);
    expect(
      await screen.findByText(/The API token is wrong or missing: set it in the app configuration/)
    ).toBeInTheDocument();
  });

  it('no deep models installed: says forecasts use the statistical models', async () => {
    jest.mocked(forecastModels).mockResolvedValue({ models: [], statistical: ['naive', 'ets'], warnings: [] });
    render(<Models />);
    expect(await screen.findByTestId(testIds.models.summary)).toHaveTextContent(
      'No deep forecasting models installed: forecasts use the 2 statistical models only.'
    );
  });
});
