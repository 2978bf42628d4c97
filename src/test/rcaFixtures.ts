import type { RcaCandidate, RcaEvidenceQuery, RcaGraphResponse, RcaResponse, RcaServiceEvidence } from '../api/types';

/** Incident window of the RCA fixtures: 2025-01-01T05:55Z … 06:10Z, baseline from 05:25Z (as the demo answers). */
export const RCA_START = Date.parse('2025-01-01T05:55:00Z');
export const RCA_END = Date.parse('2025-01-01T06:10:00Z');
export const RCA_BASELINE_START = RCA_START - 30 * 60_000;

/** The evidence queries the sidecar attaches to a candidate (the demo's queries, narrowed to the service). */
export function evidenceQueries(service: string): RcaEvidenceQuery[] {
  const range = { startMs: RCA_BASELINE_START, endMs: RCA_END };
  return [
    {
      signal: 'latency',
      language: 'promql',
      query: `aidpe_sim_latency_seconds{quantile="0.95", service="${service}"}`,
      ...range,
      stepSeconds: 15,
    },
    {
      signal: 'errors',
      language: 'promql',
      query: `aidpe_sim_error_ratio{service="${service}"}`,
      ...range,
      stepSeconds: 15,
    },
    { signal: 'logs', language: 'logql', query: `{service="${service}", level=~"error|warn"}`, ...range },
    {
      signal: 'traces',
      language: 'traceql',
      query: `{ resource.service.name = "${service}" && (status = error || duration > 500ms) }`,
      ...range,
    },
  ];
}

const evidence = (service: string, latencyScore: number, errorScore = 0): RcaServiceEvidence => ({
  service,
  latencyScore,
  errorScore,
  resourceScore: 0,
  selfMsBaseline: 10,
  selfMsIncident: 10,
  ownErrorRateBaseline: 0,
  ownErrorRateIncident: 0,
});

const node = (id: string, entry = false) => ({
  id,
  requests: 100,
  errors: 0,
  errorRate: 0,
  rate: 1,
  p50Ms: 10,
  p95Ms: 20,
  selfMsMean: 10,
  downstreamMsMean: 0,
  entry,
});

const edge = (source: string, target: string) => ({
  id: `${source}->${target}`,
  source,
  target,
  calls: 50,
  errors: 0,
  errorRate: 0,
  rate: 0.5,
  p50Ms: 10,
  p95Ms: 20,
});

/** A shop: frontend → cart → redis-cart, frontend → checkout → {cart, email}, frontend → ad. */
export const RCA_GRAPH = {
  nodes: [node('ad'), node('cart'), node('checkout'), node('email'), node('frontend', true), node('redis-cart')],
  edges: [
    edge('cart', 'redis-cart'),
    edge('checkout', 'cart'),
    edge('checkout', 'email'),
    edge('frontend', 'ad'),
    edge('frontend', 'cart'),
    edge('frontend', 'checkout'),
  ],
  windowSeconds: 900,
  spans: 600,
  traces: 100,
};

const candidate = (c: Omit<RcaCandidate, 'evidenceQueries'>): RcaCandidate => ({
  ...c,
  evidenceQueries: evidenceQueries(c.service),
});

/** A CONFIRMED answer: cart's own time rose; email and frontend rank lower, each saying why. */
export function rcaResponse(overrides: Partial<RcaResponse> = {}): RcaResponse {
  return {
    graphSource: 'simulator',
    // Empty: the tests that show the call-graph note set it.
    graphSourceDetail: '',
    symptom: 'frontend',
    tier: 'CONFIRMED',
    candidates: [
      candidate({
        service: 'cart',
        score: 2.682,
        path: ['frontend', 'cart'],
        evidence: [
          'latency anomaly score 1.000 from 2025-01-01T06:00:00.000Z',
          'self time 20.1 → 64.6 ms per request (×3.2)',
        ],
      }),
      candidate({
        service: 'email',
        score: 0.943,
        path: ['frontend', 'checkout', 'email'],
        evidence: ['latency anomaly score 0.768'],
        whyLower: 'lower evidence than cart (score 0.94 vs 2.68)',
      }),
      candidate({
        service: 'frontend',
        score: 0.259,
        path: ['frontend'],
        evidence: ['latency anomaly score 1.000 from 2025-01-01T06:00:00.000Z'],
        whyLower:
          'its callees cart, checkout are anomalous from the same time or earlier, and its own time and errors did not rise',
      }),
    ],
    explanation:
      'CONFIRMED: cart (frontend → cart): latency anomaly score 1.000 from 2025-01-01T06:00:00.000Z; self time 20.1 → 64.6 ms per request (×3.2)',
    evidence: [
      evidence('ad', 0.2),
      evidence('cart', 1, 1),
      evidence('checkout', 0.95),
      evidence('email', 0.768),
      evidence('frontend', 1),
      evidence('redis-cart', 0.3),
    ],
    queries: {
      latency: 'aidpe_sim_latency_seconds{quantile="0.95"}',
      errors: 'aidpe_sim_error_ratio',
      stepSeconds: 15,
    },
    window: { startMs: RCA_START, endMs: RCA_END, baselineStartMs: RCA_BASELINE_START },
    graph: RCA_GRAPH,
    frames: [],
    ...overrides,
  };
}

/** Nothing downstream of the symptom stands out. */
export function inconclusiveRcaResponse(): RcaResponse {
  return rcaResponse({
    tier: 'INCONCLUSIVE',
    candidates: [],
    explanation: 'INCONCLUSIVE: no service downstream of frontend shows an anomaly in the window',
    evidence: RCA_GRAPH.nodes.map((n) => evidence(n.id, 0.1)),
  });
}

/** `POST /api/v1/rca/graph` as the sidecar answers it: the graph and its Node Graph frames. */
export function rcaGraphResponse(overrides: Partial<RcaGraphResponse> = {}): RcaGraphResponse {
  const meta = { preferredVisualisationType: 'nodeGraph' };
  return {
    source: 'simulator',
    sourceDetail: 'the embedded simulator',
    graph: RCA_GRAPH,
    frames: [
      {
        name: 'nodes',
        meta,
        fields: [
          { name: 'id', type: 'string', values: ['cart', 'frontend'] },
          { name: 'title', type: 'string', values: ['cart', 'frontend'] },
          { name: 'subtitle', type: 'string', values: ['', 'entry'] },
          {
            name: 'mainstat',
            type: 'number',
            values: [51.6, null],
            config: { displayName: 'p95 latency', unit: 'ms' },
          },
          {
            name: 'arc__errors',
            type: 'number',
            values: [0.25, 0],
            config: { color: { mode: 'fixed', fixedColor: 'red' } },
          },
          {
            name: 'arc__ok',
            type: 'number',
            values: [0.75, 1],
            config: { color: { mode: 'fixed', fixedColor: 'green' } },
          },
          {
            name: 'detail__anomaly_score',
            type: 'number',
            values: [0.99, null],
            config: { displayName: 'Anomaly score' },
          },
        ],
      },
      {
        name: 'edges',
        meta,
        fields: [
          { name: 'id', type: 'string', values: ['frontend->cart'] },
          { name: 'source', type: 'string', values: ['frontend'] },
          { name: 'target', type: 'string', values: ['cart'] },
          { name: 'mainstat', type: 'number', values: [40.2], config: { displayName: 'p95 latency', unit: 'ms' } },
        ],
      },
    ],
    warnings: [],
    ...overrides,
  };
}
