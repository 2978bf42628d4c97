import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import Overview from './Overview';
import { forecastAccuracy, forecastModels, getHealth, listActions, listIncidents } from '../api/sidecarClient';
import type { ForecastAccuracyResponse, IncidentListResponse, ModelAccuracy, SidecarIncident } from '../api/types';
import { testIds } from '../components/testIds';
import { actionRecord, appliedHpaAction, automationStatus } from '../test/actionFixtures';
import { healthReport, NOW } from '../test/fixtures';

jest.mock('../api/sidecarClient', () => ({
  getHealth: jest.fn(),
  listActions: jest.fn(),
  listIncidents: jest.fn(),
  forecastModels: jest.fn(),
  forecastAccuracy: jest.fn(),
}));

const ids = testIds.overview;
const getHealthMock = jest.mocked(getHealth);
const listActionsMock = jest.mocked(listActions);
const listIncidentsMock = jest.mocked(listIncidents);
const modelsMock = jest.mocked(forecastModels);
const accuracyMock = jest.mocked(forecastAccuracy);

const proxy502 = { status: 502, data: { message: 'Bad Gateway' }, config: {} };
const token401 = {
  status: 401,
  data: { statusCode: 401, error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' },
  config: {},
};

function incident(overrides: Partial<SidecarIncident> = {}): SidecarIncident {
  return {
    id: 'an-frontend-1',
    title: 'frontend p95 latency',
    query: 'histogram_quantile(0.95, sum by (service, le) (rate(latency_bucket[5m])))',
    series: '{service="frontend"}',
    labels: { service: 'frontend' },
    severity: 'critical',
    peakScore: 0.99,
    startMs: NOW - 20 * 60_000,
    endMs: NOW - 10 * 60_000,
    openedAtMs: NOW - 18 * 60_000,
    status: 'open',
    ...overrides,
  };
}

const incidents: IncidentListResponse = {
  running: true,
  lastRun: { atMs: NOW - 60_000 },
  incidents: [
    incident(),
    incident({ id: 'an-pod', title: 'pod memory', labels: { pod: 'x' }, severity: 'low', startMs: NOW - 90 * 60_000 }),
    incident({ id: 'an-old', title: 'checkout errors', status: 'resolved', startMs: NOW - 300 * 60_000 }),
  ],
};

const drifting: ModelAccuracy = {
  model: 'lstm',
  kind: 'deep',
  metric: 'relativeToNaive',
  points: [],
  rolling: 0.9,
  rollingCoverage80: null,
  reference: { value: 0.5, source: 'model card' },
  ratio: 1.8,
  drift: true,
  coverageDrift: false,
  status: 'drift',
  reason: '',
};
const accuracy: ForecastAccuracyResponse = { running: true, lastRun: null, models: [drifting], series: [] };

beforeEach(() => {
  jest.resetAllMocks();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  getHealthMock.mockResolvedValue(healthReport());
  listActionsMock.mockResolvedValue({
    actions: [
      actionRecord({ id: 'pending-1' }),
      appliedHpaAction({ id: 'applied-today', createdAt: '2025-01-01T09:00:00.000Z' }),
      appliedHpaAction({ id: 'applied-yesterday', createdAt: '2024-12-31T09:00:00.000Z' }),
      actionRecord({ id: 'rejected-1', status: 'rejected', createdAt: '2025-01-01T08:00:00.000Z' }),
    ],
    automation: automationStatus(),
  });
  listIncidentsMock.mockResolvedValue(incidents);
  modelsMock.mockResolvedValue({
    models: [
      { name: 'lstm', file: 'lstm.onnx', state: 'loaded' },
      { name: 'tft_lite', file: 'tft.onnx', state: 'missing', error: 'file missing' },
    ],
    statistical: ['naive', 'ets'],
    warnings: [],
  });
  accuracyMock.mockResolvedValue(accuracy);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('pages/Overview: sidecar health', () => {
  test('shows a loading state, then the sidecar health and every dependency', async () => {
    render(<Overview />);

    expect(screen.getByTestId(ids.loading)).toBeInTheDocument();

    const summary = await screen.findByTestId(ids.summary);
    expect(within(summary).getByText('Sidecar degraded')).toBeInTheDocument();
    expect(within(summary).getByText('version 0.1.0 · demo mode · up 1h 2m')).toBeInTheDocument();
    expect(screen.getByText('Demo mode')).toBeInTheDocument();

    const list = screen.getByTestId(testIds.dependencyList.container);
    const rows = within(list).getAllByRole('listitem');
    // Worst first.
    expect(rows.map((r) => within(r).getByText(/^(prometheus|loki|tempo)$/).textContent)).toEqual([
      'loki',
      'prometheus',
      'tempo',
    ]);
    expect(within(rows[0]).getByText('Down')).toBeInTheDocument();
    expect(within(rows[0]).getByText(/connect ECONNREFUSED 10\.0\.0\.7:3100/)).toBeInTheDocument();
    expect(within(rows[1]).getByText('Up')).toBeInTheDocument();
    expect(within(rows[1]).getByText('12 ms')).toBeInTheDocument();
    expect(within(rows[2]).getByText('Disabled')).toBeInTheDocument();
    expect(screen.queryByTestId(ids.loading)).not.toBeInTheDocument();
  });

  test('hides the demo banner in live mode', async () => {
    getHealthMock.mockResolvedValue(healthReport({ status: 'up', mode: 'live', dependencies: [] }));
    render(<Overview />);

    expect(await screen.findByText('Sidecar up')).toBeInTheDocument();
    expect(screen.queryByText('Demo mode')).not.toBeInTheDocument();
    expect(screen.getByText(/reported no dependencies/i)).toBeInTheDocument();
  });

  test('a wrong sidecar URL (502 from the proxy): the message says so and links to the configuration', async () => {
    getHealthMock.mockRejectedValue(proxy502);
    render(<Overview />);

    const alert = await screen.findByTestId(ids.error);
    expect(alert).toHaveTextContent(
      "HTTP 502: Bad Gateway. The AIDPE sidecar cannot be reached through Grafana's plugin proxy"
    );
    expect(alert).toHaveTextContent('check the sidecar URL (as seen from the Grafana server) in the app configuration');
    expect(within(alert).getByRole('link', { name: /open configuration/i })).toHaveAttribute(
      'href',
      '/plugins/aidpe-performance-app'
    );
  });

  test('refresh reloads every section', async () => {
    getHealthMock
      .mockRejectedValueOnce(new Error('sidecar starting'))
      .mockResolvedValueOnce(healthReport({ status: 'up' }));
    render(<Overview />);

    expect(await screen.findByText('sidecar starting')).toBeInTheDocument();
    await waitFor(() => expect(accuracyMock).toHaveBeenCalledTimes(1));
    fireEvent.click(screen.getByTestId(ids.refresh));

    expect(await screen.findByText('Sidecar up')).toBeInTheDocument();
    expect(screen.queryByTestId(ids.error)).not.toBeInTheDocument();
    await waitFor(() => expect(getHealthMock).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(listActionsMock).toHaveBeenCalledTimes(2));
    expect(listIncidentsMock).toHaveBeenCalledTimes(2);
    expect(modelsMock).toHaveBeenCalledTimes(2);
    expect(accuracyMock).toHaveBeenCalledTimes(2);
  });
});

describe('pages/Overview: loop, incidents, actions, models', () => {
  test('the loop: running, interval, actuator, per-service mode; an open breaker is loud and links to Actions', async () => {
    render(<Overview />);

    const loop = await screen.findByTestId(ids.loop);
    await within(loop).findByTestId(ids.loopRunning);
    expect(loop).toHaveTextContent('Running');
    expect(loop).toHaveTextContent('every 60s · simulator actuator · last run');
    expect(within(loop).getByTestId(ids.service('frontend'))).toHaveTextContent('frontendApprovebreaker closed');
    expect(within(loop).getByTestId(ids.service('checkout'))).toHaveTextContent('checkoutAutonomousbreaker open');

    const breakers = within(loop).getByTestId(ids.breakers);
    expect(breakers).toHaveTextContent('Circuit breaker open: checkout');
    expect(breakers).toHaveTextContent('checkout: 3 failed actuations in 10m');
    expect(within(breakers).getByRole('link', { name: /resume on the actions page/i })).toHaveAttribute(
      'href',
      '/a/aidpe-performance-app/actions'
    );
    expect(listActionsMock).toHaveBeenCalledWith({ limit: 200 });
  });

  test("no action loop (automation: null): the sidecar's reason, and an empty state for actions", async () => {
    listActionsMock.mockResolvedValue({
      actions: [],
      automation: null,
      message: 'automation: off (set AIDPE_AUTOMATION to enable the action loop)',
    });
    render(<Overview />);

    expect(await screen.findByTestId(ids.loopOff)).toHaveTextContent(
      'No action loop runs on this sidecarautomation: off (set AIDPE_AUTOMATION to enable the action loop)'
    );
    expect(screen.queryByTestId(ids.breakers)).not.toBeInTheDocument();
    expect(screen.getByTestId(ids.actionsEmpty)).toHaveTextContent('No actions yet');
    expect(screen.getByTestId(ids.actionsEmpty)).toHaveTextContent('once the sidecar runs its action loop');
  });

  test('a stopped loop says why', async () => {
    listActionsMock.mockResolvedValue({
      actions: [],
      automation: automationStatus({ running: false, lastError: 'kubernetes: forbidden', services: [] }),
    });
    render(<Overview />);
    expect(await screen.findByTestId(ids.loopOff)).toHaveTextContent('The action loop is stoppedkubernetes: forbidden');
    expect(screen.getByTestId(ids.loop)).toHaveTextContent('No service is under automation.');
  });

  test('open incidents: the newest first with severity, and a link into the RCA explorer', async () => {
    render(<Overview />);

    const section = await screen.findByTestId(ids.incidents);
    const first = await within(section).findByTestId(ids.incident('an-frontend-1'));
    expect(section).toHaveTextContent('2 open, 1 resolved');
    expect(within(section).queryByTestId(ids.incident('an-old'))).not.toBeInTheDocument();
    const items = within(section).getAllByRole('listitem');
    expect(items[0]).toBe(first);
    expect(first).toHaveTextContent('critical');
    expect(first).toHaveTextContent('frontend p95 latency');
    const href = within(first)
      .getByRole('link', { name: /explain/i })
      .getAttribute('href')!;
    const [path, search] = href.split('?');
    expect(path).toBe('/a/aidpe-performance-app/incidents');
    const params = new URLSearchParams(search);
    expect(params.get('rca')).toBe('frontend');
    expect(Number(params.get('rcaFrom'))).toBe(NOW - 25 * 60_000);
    expect(Number(params.get('rcaTo'))).toBe(NOW - 5 * 60_000);
    // No service label: nothing to explain, and it says so.
    expect(within(items[1]).queryByRole('link')).not.toBeInTheDocument();
    expect(items[1]).toHaveTextContent('no service label to explain');
  });

  test('no incidents: an empty state that says what to do; a watcher that does not run says why', async () => {
    listIncidentsMock.mockResolvedValueOnce({ running: true, incidents: [], lastRun: null });
    const { unmount } = render(<Overview />);
    expect(await screen.findByTestId(ids.incidentsEmpty)).toHaveTextContent('No open incidents');
    expect(screen.getByTestId(ids.incidentsEmpty)).toHaveTextContent('run an ad-hoc detection on the Incidents page');
    unmount();

    listIncidentsMock.mockResolvedValueOnce({
      running: false,
      incidents: [],
      message: 'incidents: the watcher runs in demo mode only',
    });
    render(<Overview />);
    expect(await screen.findByTestId(ids.incidentsNotRunning)).toHaveTextContent(
      'incidents: the watcher runs in demo mode only'
    );
    expect(screen.queryByTestId(ids.incidentsEmpty)).not.toBeInTheDocument();
  });

  test('actions: counts (applied today only) and the newest with status and change summary', async () => {
    render(<Overview />);

    const section = await screen.findByTestId(ids.actions);
    expect(await within(section).findByTestId(ids.actionCount('pending'))).toHaveTextContent('1 pending approval');
    expect(within(section).getByTestId(ids.actionCount('applied'))).toHaveTextContent('1 applied today');
    expect(within(section).getByTestId(ids.actionCount('rolled-back'))).toHaveTextContent('0 rolled back');
    expect(within(section).getByTestId(ids.actionCount('rejected'))).toHaveTextContent('1 rejected');
    const pending = within(section).getByTestId(ids.action('pending-1'));
    expect(pending).toHaveTextContent('Pending approval');
    expect(pending).toHaveTextContent('3 → 5 replicas');
    expect(within(section).getByTestId(ids.action('applied-today'))).toHaveTextContent(
      'minReplicas 2 → 4, target 70% → 60%'
    );
    const order = within(section)
      .getAllByRole('listitem')
      .map((li) => li.getAttribute('data-testid'));
    expect(order).toEqual([
      ids.action('pending-1'),
      ids.action('applied-today'),
      ids.action('rejected-1'),
      ids.action('applied-yesterday'),
    ]);
  });

  test('models: how many deep models loaded, and the drifting ones', async () => {
    render(<Overview />);
    expect(await screen.findByTestId(ids.modelsSummary)).toHaveTextContent('1 of 2 deep models loaded');
    expect(await screen.findByTestId(ids.drift('lstm'))).toHaveTextContent(
      'drift ×1.80lstmdeep · 0.900 vs 0.500 (model card)'
    );
  });

  test('no drift says so', async () => {
    accuracyMock.mockResolvedValue({ ...accuracy, models: [{ ...drifting, drift: false, status: 'ok', ratio: 1.1 }] });
    render(<Overview />);
    expect(await screen.findByTestId(ids.driftNone)).toHaveTextContent('No model drifts from its reference.');
  });
});

describe('pages/Overview: each section fails on its own', () => {
  test('a failing actions call shows its alerts; health, incidents and models still render', async () => {
    listActionsMock.mockRejectedValue({ status: 503, data: { message: 'store: not available' }, config: {} });
    render(<Overview />);

    expect(await screen.findByTestId(ids.loopError)).toHaveTextContent('HTTP 503: store: not available');
    expect(screen.getByTestId(ids.actionsError)).toHaveTextContent('HTTP 503: store: not available');
    expect(await screen.findByTestId(ids.incident('an-frontend-1'))).toBeInTheDocument();
    expect(await screen.findByTestId(ids.modelsSummary)).toBeInTheDocument();
    expect(await screen.findByTestId(ids.summary)).toBeInTheDocument();
  });

  test('a wrong token (401) on incidents says to set it in the app configuration; the rest renders', async () => {
    listIncidentsMock.mockRejectedValue(token401);
    render(<Overview />);

    expect(await screen.findByTestId(ids.incidentsError)).toHaveTextContent(
      'The API token is wrong or missing: set it in the app configuration'
    );
    expect(await screen.findByTestId(ids.action('pending-1'))).toBeInTheDocument();
    expect(await screen.findByTestId(ids.drift('lstm'))).toBeInTheDocument();
  });

  test('models and accuracy fail separately', async () => {
    modelsMock.mockRejectedValue(proxy502);
    render(<Overview />);
    expect(await screen.findByTestId(ids.modelsError)).toHaveTextContent('cannot be reached');
    expect(await screen.findByTestId(ids.drift('lstm'))).toBeInTheDocument();
  });

  test('accuracy failing leaves the models summary', async () => {
    accuracyMock.mockRejectedValue(token401);
    render(<Overview />);
    expect(await screen.findByTestId(ids.accuracyError)).toHaveTextContent('The API token is wrong or missing');
    expect(screen.getByTestId(ids.modelsSummary)).toHaveTextContent('1 of 2 deep models loaded');
  });

  test('the sidecar down: every section says so, none is left loading', async () => {
    for (const mock of [getHealthMock, listActionsMock, listIncidentsMock, modelsMock, accuracyMock]) {
      (mock as jest.Mock).mockRejectedValue(proxy502);
    }
    render(<Overview />);
    expect(await screen.findByTestId(ids.error)).toBeInTheDocument();
    for (const id of [ids.loopError, ids.actionsError, ids.incidentsError, ids.modelsError, ids.accuracyError]) {
      expect(await screen.findByTestId(id)).toHaveTextContent('The AIDPE sidecar cannot be reached');
    }
    expect(screen.queryByText(/Loading/)).not.toBeInTheDocument();
  });
});
