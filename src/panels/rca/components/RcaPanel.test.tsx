import React from 'react';
import { render, screen, within } from '@testing-library/react';
import { dateTime, LoadingState, type PanelProps } from '@grafana/data';
import { rca } from '../../../api/sidecarClient';
import { testIds } from '../../../components/testIds';
import { inconclusiveRcaResponse, rcaResponse, RCA_END, RCA_START } from '../../../test/rcaFixtures';
import type { RcaPanelOptions } from '../types';
import { RcaPanel } from './RcaPanel';

jest.mock('../../../api/sidecarClient', () => ({ rca: jest.fn() }));

const rcaMock = jest.mocked(rca);
const ids = testIds.rcaExplorer;

function renderPanel(options: Partial<RcaPanelOptions> = {}) {
  const timeRange = { from: dateTime(RCA_START), to: dateTime(RCA_END), raw: { from: 'now-15m', to: 'now' } };
  const props = {
    id: 1,
    data: { series: [], state: LoadingState.Done, timeRange },
    timeRange,
    timeZone: 'utc',
    options,
    transparent: false,
    width: 800,
    height: 600,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'RCA',
    eventBus: {},
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (s: string) => s.replace('$service', 'frontend'),
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<Partial<RcaPanelOptions>>;
  return render(<RcaPanel {...props} />);
}

/** The decoded Explore pane of a link's href. */
function paneOf(href: string | null) {
  const params = new URLSearchParams(href!.slice(href!.indexOf('?') + 1));
  return JSON.parse(params.get('panes')!).aidpe;
}

beforeEach(() => jest.resetAllMocks());

describe('RcaPanel', () => {
  test('asks for the dashboard window and shows the tier, narrative, graph and ranked candidates with Explore links', async () => {
    rcaMock.mockResolvedValue(rcaResponse());
    renderPanel({ service: '$service', sli: 'errors', lokiUid: 'my-loki' });

    expect(screen.getByTestId(ids.loading)).toBeInTheDocument();
    expect(rcaMock).toHaveBeenCalledWith({ start: RCA_START, end: RCA_END, symptom: 'frontend' });
    const list = await screen.findByTestId(ids.candidates);

    expect(screen.getByTestId(ids.tier)).toHaveTextContent('CONFIRMED');
    expect(screen.getByTestId(ids.narrative)).toHaveTextContent(/^CONFIRMED: cart \(frontend → cart\)/);
    expect(within(list).getAllByTestId(/^data-testid rca-explorer-candidate-/)).toHaveLength(3);
    const services = ['cart', 'email', 'frontend'];
    services.forEach((s, i) =>
      expect(within(screen.getByTestId(ids.candidate(s))).getByText(`#${i + 1} ${s}`)).toBeInTheDocument()
    );

    // Why the lower ones rank lower; none for the first.
    expect(screen.queryByTestId(ids.whyLower('cart'))).not.toBeInTheDocument();
    expect(screen.getByTestId(ids.whyLower('email'))).toHaveTextContent(
      'Below cart: lower evidence than cart (score 0.94 vs 2.68)'
    );
    expect(screen.getByTestId(ids.whyLower('frontend'))).toHaveTextContent(/^Below email: its callees cart, checkout/);

    // Evidence links open Explore with the exact query and range, in the datasource for the language.
    const promql = paneOf(screen.getByTestId(ids.evidenceLink('cart', 'latency')).getAttribute('href'));
    expect(promql.queries[0]).toMatchObject({
      expr: 'aidpe_sim_latency_seconds{quantile="0.95", service="cart"}',
      datasource: { type: 'prometheus', uid: 'prometheus' },
    });
    expect(promql.range).toEqual({ from: String(RCA_START - 30 * 60_000), to: String(RCA_END) });
    const logql = paneOf(screen.getByTestId(ids.evidenceLink('cart', 'logs')).getAttribute('href'));
    expect(logql).toMatchObject({
      datasource: 'my-loki',
      queries: [{ expr: '{service="cart", level=~"error|warn"}' }],
    });
    const traceql = paneOf(screen.getByTestId(ids.evidenceLink('email', 'traces')).getAttribute('href'));
    expect(traceql.queries[0]).toMatchObject({ queryType: 'traceql', datasource: { type: 'tempo' } });
    expect(traceql.queries[0].query).toContain('resource.service.name = "email"');
    // The symptom's own SLI (errors, as configured).
    expect(paneOf(screen.getByTestId(ids.symptomLink).getAttribute('href')).queries[0].expr).toBe(
      'aidpe_sim_error_ratio{service="frontend"}'
    );

    // The answer comes first; the graph (Grafana's Node Graph) below it.
    const graph = screen.getByTestId(ids.graph);
    expect(list.compareDocumentPosition(graph) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.queryByTestId(ids.error)).not.toBeInTheDocument();
  });

  test('INCONCLUSIVE is shown as an answer, with the graph and no candidates, not as an error', async () => {
    rcaMock.mockResolvedValue(inconclusiveRcaResponse());
    renderPanel();
    expect(rcaMock).toHaveBeenCalledWith({ start: RCA_START, end: RCA_END });
    const narrative = await screen.findByTestId(ids.narrative);
    expect(narrative).toHaveTextContent('Inconclusive: no single root cause stands out');
    expect(narrative).toHaveTextContent('no service downstream of frontend shows an anomaly in the window');
    expect(screen.getByTestId(ids.tier)).toHaveTextContent('INCONCLUSIVE');
    expect(screen.getByTestId(ids.graph)).toBeInTheDocument();
    expect(screen.getByTestId(ids.empty)).toHaveTextContent(
      'No anomalous service downstream of frontend in this window'
    );
    expect(screen.queryByTestId(ids.candidates)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.error)).not.toBeInTheDocument();
  });

  test('data-quality notes and the call graph source are shown with the answer', async () => {
    rcaMock.mockResolvedValue({
      ...inconclusiveRcaResponse(),
      notes: ['3 spans had no parent in the window'],
      graphSourceDetail: "Tempo's service-graph metrics in Prometheus",
    });
    renderPanel();
    const notes = await screen.findByTestId(ids.notes);
    expect(notes).toHaveTextContent("Call graph: Tempo's service-graph metrics in Prometheus");
    expect(notes).toHaveTextContent('3 spans had no parent in the window');
  });

  test('without notes there is no notes line', async () => {
    rcaMock.mockResolvedValue(inconclusiveRcaResponse());
    renderPanel();
    await screen.findByTestId(ids.narrative);
    expect(screen.queryByTestId(ids.notes)).not.toBeInTheDocument();
  });

  test('a failing sidecar call shows its message', async () => {
    rcaMock.mockRejectedValue(
      new Error('tempo: not configured (set tempo.url or AIDPE_TEMPO_URL); root-cause ranking needs traces')
    );
    renderPanel();
    const alert = await screen.findByTestId(ids.error);
    expect(alert).toHaveTextContent('Root-cause analysis failed');
    expect(alert).toHaveTextContent('tempo: not configured');
    expect(screen.queryByTestId(ids.candidates)).not.toBeInTheDocument();
    expect(screen.queryByTestId(ids.loading)).not.toBeInTheDocument();
  });

  test('a wrong sidecar URL (504 from the proxy) says the sidecar cannot be reached and where to fix it', async () => {
    rcaMock.mockRejectedValue({ status: 504, data: { message: 'Gateway Timeout' }, config: {} });
    renderPanel();
    const alert = await screen.findByTestId(ids.error);
    expect(alert).toHaveTextContent(
      "HTTP 504: Gateway Timeout. The AIDPE sidecar cannot be reached through Grafana's plugin proxy"
    );
    expect(alert).toHaveTextContent('in the app configuration');
  });
});
