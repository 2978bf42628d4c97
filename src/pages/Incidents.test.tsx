import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { config, locationService } from '@grafana/runtime';
import { anomalies, anomalyFeedback, listAnomalyFeedback, listIncidents, rca } from '../api/sidecarClient';
import { testIds } from '../components/testIds';
import { PageContext } from '../scenes/pageContext';
import { anomalyRegion, anomalyResponse, feedbackRecord, NOW, seriesAnomalies, STEP_MS } from '../test/fixtures';
import { rcaResponse } from '../test/rcaFixtures';
import Incidents from './Incidents';

jest.mock('../components/PromqlEditor/PromqlEditor', () => jest.requireActual('../test/promqlEditorMock'));
jest.mock('../api/sidecarClient', () => ({
  anomalies: jest.fn(),
  anomalyFeedback: jest.fn(),
  listAnomalyFeedback: jest.fn(),
  rca: jest.fn(),
  listIncidents: jest.fn(),
}));

const anomaliesMock = jest.mocked(anomalies);
const feedbackMock = jest.mocked(anomalyFeedback);
const listMock = jest.mocked(listAnomalyFeedback);
const ids = testIds.incidents;
const HOUR = 3_600_000;
const savedBootData = config.bootData;

function signInAs(orgRole: string) {
  config.bootData = {
    ...savedBootData,
    user: { ...savedBootData?.user, orgRole, isGrafanaAdmin: false },
  } as typeof savedBootData;
}

beforeEach(() => {
  jest.resetAllMocks();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  listMock.mockResolvedValue({ feedback: [] });
  jest.mocked(listIncidents).mockResolvedValue({ incidents: [], running: true, lastRun: null });
  signInAs('Editor');
});

afterEach(() => {
  jest.restoreAllMocks();
  config.bootData = savedBootData;
});

const region = anomalyRegion();

describe('pages/Incidents', () => {
  test('runs the default query on load and lists the regions', async () => {
    anomaliesMock.mockResolvedValue(anomalyResponse());
    render(<Incidents />);

    expect(screen.getByTestId(ids.loading)).toBeInTheDocument();
    expect(anomaliesMock).toHaveBeenCalledWith({
      query: 'aidpe_sim_latency_seconds{quantile="0.95"}',
      start: NOW - 6 * HOUR,
      end: NOW,
      stepSeconds: 60,
    });
    expect(screen.getByTestId(ids.expr)).toHaveValue('aidpe_sim_latency_seconds{quantile="0.95"}');
    expect(screen.getByTestId(ids.step)).toHaveValue('60s');

    const table = await screen.findByTestId(ids.table);
    expect(screen.getByTestId(ids.summary)).toHaveTextContent('1 anomalous region on 1 of 1 series: 1 high');
    const row = within(table).getAllByRole('row')[1];
    expect(within(row).getByText('aidpe_sim_latency_seconds{quantile="0.95", service="cart"}')).toBeInTheDocument();
    expect(within(row).getByText('2025-01-01 11:57:00')).toBeInTheDocument();
    expect(within(row).getByText('2025-01-01 11:59:00')).toBeInTheDocument();
    expect(within(row).getByText('(2m)')).toBeInTheDocument();
    expect(within(row).getByText('high')).toBeInTheDocument();
    expect(within(row).getByText('0.9973')).toBeInTheDocument();
    expect(within(row).getByTestId(testIds.anomalyFeedback.truePositive(region.id))).toBeEnabled();
    expect(screen.queryByTestId(ids.roleNotice)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.loading)).not.toBeInTheDocument();
  });

  test('viewers see the buttons disabled and why', async () => {
    signInAs('Viewer');
    anomaliesMock.mockResolvedValue(anomalyResponse());
    render(<Incidents />);
    await screen.findByTestId(ids.table);
    expect(screen.getByTestId(ids.roleNotice)).toHaveTextContent(
      'Feedback moves the detection thresholds, so it needs the AIDPE "Anomaly reviewer" role (aidpe-performance-app.anomalies:feedback), which Editors and above have by default; you have the Viewer role.'
    );
    expect(screen.getByTestId(testIds.anomalyFeedback.truePositive(region.id))).toHaveAttribute(
      'aria-disabled',
      'true'
    );
    expect(screen.getByTestId(testIds.anomalyFeedback.falsePositive(region.id))).toHaveAttribute(
      'aria-disabled',
      'true'
    );
  });

  test("another query and step, over the page range (the time picker's, from the scene)", async () => {
    anomaliesMock.mockResolvedValue(anomalyResponse());
    const page = { fromMs: NOW - 24 * HOUR, toMs: NOW, refreshKey: 0 };
    const { rerender } = render(
      <PageContext.Provider value={page}>
        <Incidents />
      </PageContext.Provider>
    );
    await screen.findByTestId(ids.table);
    expect(anomaliesMock).toHaveBeenLastCalledWith(expect.objectContaining({ start: NOW - 24 * HOUR, end: NOW }));

    fireEvent.change(screen.getByTestId(ids.expr), { target: { value: 'aidpe_sim_request_rate' } });
    fireEvent.change(screen.getByTestId(ids.step), { target: { value: '5m' } });
    fireEvent.click(screen.getByTestId(ids.run));

    await waitFor(() => expect(anomaliesMock).toHaveBeenCalledTimes(2));
    expect(anomaliesMock).toHaveBeenLastCalledWith({
      query: 'aidpe_sim_request_rate',
      start: NOW - 24 * HOUR,
      end: NOW,
      stepSeconds: 300,
    });
    await screen.findByTestId(ids.table);

    // A refresh from the scene runs the same query again.
    rerender(
      <PageContext.Provider value={{ ...page, refreshKey: 1 }}>
        <Incidents />
      </PageContext.Provider>
    );
    await waitFor(() => expect(anomaliesMock).toHaveBeenCalledTimes(3));
    expect(anomaliesMock).toHaveBeenLastCalledWith(expect.objectContaining({ query: 'aidpe_sim_request_rate' }));
  });

  test('an invalid form says why and sends nothing', async () => {
    anomaliesMock.mockResolvedValue(anomalyResponse());
    render(<Incidents />);
    await screen.findByTestId(ids.table);
    fireEvent.change(screen.getByTestId(ids.expr), { target: { value: 'rate(up[5m]' } });
    fireEvent.click(screen.getByTestId(ids.run));
    expect(screen.getByText('Unclosed "("')).toBeInTheDocument();
    expect(anomaliesMock).toHaveBeenCalledTimes(1);
  });

  test('a failing query shows the sidecar message', async () => {
    anomaliesMock.mockRejectedValue({ status: 400, data: { message: 'query: parse error at char 4' }, config: {} });
    render(<Incidents />);
    expect(await screen.findByTestId(ids.error)).toHaveTextContent('HTTP 400: query: parse error at char 4');
    expect(screen.queryByTestId(ids.table)).not.toBeInTheDocument();
  });

  test('a sidecar that is down (502 from the proxy) says it cannot be reached; a wrong token says so', async () => {
    anomaliesMock.mockRejectedValueOnce({ status: 502, data: { message: 'Bad Gateway' }, config: {} });
    const { unmount } = render(<Incidents />);
    expect(await screen.findByTestId(ids.error)).toHaveTextContent(
      "HTTP 502: Bad Gateway. The AIDPE sidecar cannot be reached through Grafana's plugin proxy"
    );
    unmount();
    anomaliesMock.mockRejectedValueOnce({
      status: 401,
      data: { statusCode: 401, error: 'Unauthorized', message: 'authorization: a valid Bearer token is required' },
      config: {},
    });
    render(<Incidents />);
    expect(await screen.findByTestId(ids.error)).toHaveTextContent('The API token is wrong or missing');
  });

  test('warnings, unscored series and an empty result', async () => {
    anomaliesMock.mockResolvedValue(
      anomalyResponse({
        series: [seriesAnomalies({ status: 'insufficient_data', reason: '12 finite sample(s)', regions: [] })],
        warnings: ['60 series matched; only the first 50 were scored'],
      })
    );
    render(<Incidents />);
    expect(await screen.findByTestId(ids.empty)).toHaveTextContent('No anomalies in this range');
    expect(screen.getByTestId(ids.warnings)).toHaveTextContent('60 series matched; only the first 50 were scored');
    expect(screen.getByTestId(ids.insufficient)).toHaveTextContent(
      'aidpe_sim_latency_seconds{quantile="0.95", service="cart"}: 12 finite sample(s)'
    );
    expect(screen.getByTestId(ids.summary)).toHaveTextContent('No anomalous regions on 1 series');
  });

  test('without a store, editors are told feedback cannot be kept and the buttons are disabled', async () => {
    anomaliesMock.mockResolvedValue(anomalyResponse({ storeAvailable: false }));
    listMock.mockRejectedValue({ status: 503, data: { message: 'store: not available' }, config: {} });
    render(<Incidents />);
    await screen.findByTestId(ids.table);
    expect(screen.getByTestId(ids.storeNotice)).toHaveTextContent('The sidecar has no store');
    expect(screen.getByTestId(testIds.anomalyFeedback.falsePositive(region.id))).toHaveAttribute(
      'aria-disabled',
      'true'
    );
  });

  test('earlier feedback shows on its row; new feedback replaces it', async () => {
    const other = anomalyRegion({ id: 'an-other', startMs: NOW - 30 * STEP_MS });
    anomaliesMock.mockResolvedValue(anomalyResponse({ series: [seriesAnomalies({ regions: [region, other] })] }));
    listMock.mockResolvedValue({ feedback: [feedbackRecord({ verdict: 'true_positive', thresholdAfter: 0.976 })] });
    render(<Incidents />);
    const ids2 = testIds.anomalyFeedback;
    expect(await screen.findByTestId(ids2.result(region.id))).toHaveTextContent(
      'True positive by ann: threshold 0.988 → 0.976'
    );
    expect(screen.queryByTestId(ids2.result('an-other'))).not.toBeInTheDocument();

    feedbackMock.mockResolvedValue(feedbackRecord({ id: 2, thresholdBefore: 0.976, thresholdAfter: 0.988 }));
    fireEvent.click(screen.getByTestId(ids2.falsePositive(region.id)));
    fireEvent.click(screen.getByRole('button', { name: 'Mark as false positive' }));
    await waitFor(() =>
      expect(screen.getByTestId(ids2.result(region.id))).toHaveTextContent(
        'False positive by ann: threshold 0.976 → 0.988'
      )
    );
    expect(feedbackMock).toHaveBeenCalledWith(region.id, { verdict: 'false_positive', reason: '' });
  });

  test('an incident opens the RCA explorer for its service and window, kept in the URL; Close removes it', async () => {
    const rcaMock = jest.mocked(rca);
    rcaMock.mockResolvedValue(rcaResponse());
    anomaliesMock.mockResolvedValue(anomalyResponse());
    locationService.push('/a/aidpe-performance-app/incidents');
    render(<Incidents />);
    await screen.findByTestId(ids.table);
    expect(screen.queryByTestId(ids.rca)).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId(ids.explain(region.id)));
    const section = await screen.findByTestId(ids.rca);
    const margin = 5 * 60_000;
    expect(rcaMock).toHaveBeenCalledWith({
      start: region.startMs - margin,
      end: region.endMs + margin,
      symptom: 'cart',
    });
    expect(locationService.getSearchObject()).toMatchObject({
      rca: 'cart',
      rcaFrom: String(region.startMs - margin),
      rcaTo: String(region.endMs + margin),
      rcaSli: 'latency',
      incident: region.id,
    });
    expect(await within(section).findByTestId(testIds.rcaExplorer.candidate('cart'))).toBeInTheDocument();
    expect(within(section).getByTestId(testIds.rcaExplorer.tier)).toHaveTextContent('CONFIRMED');

    fireEvent.click(screen.getByTestId(ids.rcaClose));
    expect(screen.queryByTestId(ids.rca)).not.toBeInTheDocument();
    expect(locationService.getSearchObject()).not.toHaveProperty('rca');
  });

  test('a link with an incident in the URL opens its explorer on load', async () => {
    const rcaMock = jest.mocked(rca);
    rcaMock.mockResolvedValue(rcaResponse());
    anomaliesMock.mockResolvedValue(anomalyResponse());
    locationService.push('/a/aidpe-performance-app/incidents?rca=checkout&rcaFrom=1000&rcaTo=2000&rcaSli=errors');
    render(<Incidents />);
    expect(screen.getByTestId(ids.rca)).toHaveTextContent('Root cause of checkout');
    expect(rcaMock).toHaveBeenCalledWith({ start: 1000, end: 2000, symptom: 'checkout' });
    // The symptom link follows the SLI from the URL (errors).
    await screen.findByTestId(testIds.rcaExplorer.candidates);
    locationService.push('/a/aidpe-performance-app/incidents');
  });

  test('the sidecar watcher’s incidents are listed, each with Explain', async () => {
    const rcaMock = jest.mocked(rca);
    rcaMock.mockResolvedValue(rcaResponse());
    anomaliesMock.mockResolvedValue(anomalyResponse());
    jest.mocked(listIncidents).mockResolvedValue({
      running: true,
      lastRun: { atMs: NOW },
      incidents: [
        {
          id: 'an-watch-1',
          title: 'critical anomaly on aidpe_sim_error_ratio{service="checkout"}',
          query: 'aidpe_sim_error_ratio',
          series: 'aidpe_sim_error_ratio{service="checkout"}',
          labels: { __name__: 'aidpe_sim_error_ratio', service: 'checkout' },
          severity: 'critical',
          peakScore: 0.9999,
          startMs: NOW - HOUR,
          endMs: NOW - HOUR + 10 * 60_000,
          openedAtMs: NOW - HOUR,
          status: 'resolved',
        },
      ],
    });
    locationService.push('/a/aidpe-performance-app/incidents');
    render(<Incidents />);
    const table = await screen.findByTestId(ids.watchedTable);
    expect(screen.getByTestId(ids.watchedSummary)).toHaveTextContent('0 open, 1 resolved');
    expect(
      within(table).getByText('critical anomaly on aidpe_sim_error_ratio{service="checkout"}')
    ).toBeInTheDocument();

    fireEvent.click(within(table).getByTestId(ids.explainIncident('an-watch-1')));
    await screen.findByTestId(ids.rca);
    const margin = 5 * 60_000;
    expect(rcaMock).toHaveBeenCalledWith({
      start: NOW - HOUR - margin,
      end: NOW - HOUR + 10 * 60_000 + margin,
      symptom: 'checkout',
    });
    expect(locationService.getSearchObject()).toMatchObject({
      rca: 'checkout',
      rcaSli: 'errors',
      incident: 'an-watch-1',
    });
    fireEvent.click(screen.getByTestId(ids.rcaClose));
  });

  test('a watcher that does not run is explained, not an error', async () => {
    anomaliesMock.mockResolvedValue(anomalyResponse());
    jest.mocked(listIncidents).mockResolvedValue({
      incidents: [],
      running: false,
      message: 'the incident watcher is not running (it runs in demo mode)',
    });
    render(<Incidents />);
    expect(await screen.findByTestId(ids.watchedNotRunning)).toHaveTextContent('it runs in demo mode');
    expect(screen.queryByTestId(ids.watchedError)).not.toBeInTheDocument();
  });
});
