import type {
  AnomalyFeedbackRecord,
  AnomalyRegion,
  AnomalyResponse,
  ForecastResponse,
  HealthReport,
  SeriesAnomalies,
  SeriesForecast,
} from '../api/types';

/** Fixed "now" for deterministic relative times: 2025-01-01T12:00:00Z. */
export const NOW = Date.parse('2025-01-01T12:00:00Z');

export function healthReport(overrides: Partial<HealthReport> = {}): HealthReport {
  return {
    status: 'degraded',
    version: '0.1.0',
    mode: 'demo',
    uptimeSeconds: 3725,
    dependencies: [
      { name: 'prometheus', state: 'up', latencyMs: 12.4, checkedAt: '2025-01-01T11:59:50Z' },
      {
        name: 'loki',
        state: 'down',
        detail: 'http://loki:3100',
        lastError: { message: 'connect ECONNREFUSED 10.0.0.7:3100', at: '2025-01-01T11:58:00Z' },
        checkedAt: '2025-01-01T11:59:50Z',
      },
      { name: 'tempo', state: 'disabled', detail: 'not configured', checkedAt: '2025-01-01T11:59:50Z' },
    ],
    ...overrides,
  };
}

/** Step of the forecast fixtures: one minute. */
export const STEP_MS = 60_000;

/**
 * One series as the sidecar's `buildFrame` writes it: `history` actual values, then `horizon` forecast steps
 * (median, p10/p90 and, with `band95`, p2.5/p97.5), the forecast and bands joined to the last actual point.
 */
export function seriesForecast(
  options: {
    name?: string;
    labels?: Record<string, string>;
    history?: Array<number | null>;
    horizon?: number;
    band95?: boolean;
    status?: SeriesForecast['status'];
    reasons?: SeriesForecast['reasons'];
    start?: number;
  } = {}
): SeriesForecast {
  const history = options.history ?? [10, 12, 11, 13, 12];
  const status = options.status ?? 'ok';
  const horizon = status === 'none' ? 0 : (options.horizon ?? 3);
  const start = options.start ?? NOW - (history.length - 1) * STEP_MS;
  const n = history.length + horizon;
  const time = Array.from({ length: n }, (_, i) => start + i * STEP_MS);
  const nulls = () => new Array<number | null>(n).fill(null);
  const value = nulls();
  history.forEach((v, i) => (value[i] = v));
  const forecast = nulls();
  const lower = nulls();
  const upper = nulls();
  const lower95 = nulls();
  const upper95 = nulls();
  const last = history.length - 1;
  if (horizon > 0) {
    const origin = history[last] ?? null;
    [forecast, lower, upper, lower95, upper95].forEach((a) => (a[last] = origin));
    for (let k = 1; k <= horizon; k++) {
      forecast[last + k] = 12 + k;
      lower[last + k] = 10 + k;
      upper[last + k] = 14 + k;
      lower95[last + k] = 8 + k;
      upper95[last + k] = 16 + k;
    }
  }
  const fields: SeriesForecast['frame']['fields'] = [
    { name: 'time', type: 'time', values: time },
    { name: 'value', type: 'number', values: value, config: { description: 'Actual values' } },
    {
      name: 'forecast',
      type: 'number',
      values: forecast,
      config: { description: 'Median forecast (ensemble)', custom: { lineStyle: { fill: 'dash', dash: [10, 10] } } },
    },
    ...(options.band95
      ? [{ name: 'lower95', type: 'number' as const, values: lower95, config: { custom: { lineWidth: 0 } } }]
      : []),
    { name: 'lower', type: 'number', values: lower, config: { custom: { lineWidth: 0 } } },
    {
      name: 'upper',
      type: 'number',
      values: upper,
      config: { custom: { lineWidth: 0, fillBelowTo: 'lower', fillOpacity: 20 } },
    },
    ...(options.band95
      ? [
          {
            name: 'upper95',
            type: 'number' as const,
            values: upper95,
            config: { custom: { lineWidth: 0, fillBelowTo: 'lower95', fillOpacity: 10 } },
          },
        ]
      : []),
  ];
  const name = options.name ?? 'aidpe_sim_request_rate{service="frontend"}';
  return {
    labels: options.labels ?? { __name__: 'aidpe_sim_request_rate', service: 'frontend' },
    name,
    status,
    reasons: options.reasons ?? [],
    model: status === 'none' ? 'none' : 'ensemble',
    explanation: status === 'none' ? 'not enough history' : 'weighted ensemble of 3 candidates',
    backtestMase: status === 'none' ? null : 0.82,
    candidates: status === 'none' ? [] : [{ model: 'seasonal_naive', backtestMase: 0.9, weight: 0.6 }],
    seasonPeriod: 0,
    stepSeconds: STEP_MS / 1000,
    horizon,
    frame: { name, fields },
  };
}

export function forecastResponse(overrides: Partial<ForecastResponse> = {}): ForecastResponse {
  return { series: [seriesForecast()], warnings: [], cached: false, models: [], ...overrides };
}

/** An anomalous region of the `cart` latency fixture series: by default its last three points. */
export function anomalyRegion(overrides: Partial<AnomalyRegion> = {}): AnomalyRegion {
  const startMs = overrides.startMs ?? NOW - 3 * STEP_MS;
  return {
    id: `an-1a2b3c4d-${startMs}`,
    seriesKey: '{__name__="aidpe_sim_latency_seconds",quantile="0.95",service="cart"}',
    startMs,
    endMs: startMs + 2 * STEP_MS,
    peakMs: startMs + STEP_MS,
    peakScore: 0.99731,
    severity: 'high',
    points: 3,
    ...overrides,
  };
}

/**
 * One series as the sidecar's anomaly route writes it: six one-minute points ending at {@link NOW}, scores
 * passing the threshold over the last three, and the score field's config (right axis, 0..1).
 */
export function seriesAnomalies(
  options: {
    service?: string;
    regions?: AnomalyRegion[];
    status?: SeriesAnomalies['status'];
    reason?: string;
    threshold?: number;
    thresholdSource?: SeriesAnomalies['thresholdSource'];
  } = {}
): SeriesAnomalies {
  const service = options.service ?? 'cart';
  const labels = { __name__: 'aidpe_sim_latency_seconds', quantile: '0.95', service };
  const name = `aidpe_sim_latency_seconds{quantile="0.95", service="${service}"}`;
  const time = Array.from({ length: 6 }, (_, i) => NOW - (5 - i) * STEP_MS);
  const seriesKey = `{__name__="aidpe_sim_latency_seconds",quantile="0.95",service="${service}"}`;
  const defaultRegion =
    service === 'cart' ? anomalyRegion() : anomalyRegion({ seriesKey, id: `an-${service}-${NOW - 3 * STEP_MS}` });
  return {
    labels,
    name,
    seriesKey,
    detector: 'art-residual',
    threshold: options.threshold ?? 0.988,
    thresholdSource: options.thresholdSource ?? 'default',
    status: options.status ?? 'ok',
    ...(options.reason ? { reason: options.reason } : {}),
    regions: options.regions ?? [defaultRegion],
    frame: {
      name,
      fields: [
        { name: 'time', type: 'time', values: time },
        { name: 'value', type: 'number', values: [0.21, 0.22, null, 0.61, 0.74, 0.58] },
        {
          name: 'score',
          type: 'number',
          values: [0.1, 0.2, 0, 0.991, 0.99731, 0.989],
          config: { min: 0, max: 1, custom: { axisPlacement: 'right', drawStyle: 'line' } },
        },
      ],
    },
  };
}

export function anomalyResponse(overrides: Partial<AnomalyResponse> = {}): AnomalyResponse {
  const series = overrides.series ?? [seriesAnomalies()];
  const annotations =
    overrides.annotations ??
    series.flatMap((s) =>
      s.regions.map((r) => ({
        id: r.id,
        time: r.startMs,
        timeEnd: r.endMs,
        title: `Anomaly (${r.severity}) on ${s.name}`,
        text: `peak score ${r.peakScore.toFixed(4)} at ${new Date(r.peakMs).toISOString()}; ${r.points} point(s) over threshold ${s.threshold} (${s.thresholdSource})`,
        tags: ['aidpe', 'anomaly', r.severity],
      }))
    );
  return { mode: 'batch', warnings: [], storeAvailable: true, ...overrides, series, annotations };
}

export function feedbackRecord(overrides: Partial<AnomalyFeedbackRecord> = {}): AnomalyFeedbackRecord {
  return {
    id: 1,
    regionId: anomalyRegion().id,
    seriesKey: anomalyRegion().seriesKey,
    verdict: 'false_positive',
    user: 'ann',
    reason: 'planned load test',
    createdAt: '2025-01-01T12:01:00.000Z',
    thresholdBefore: 0.988,
    thresholdAfter: 0.994,
    ...overrides,
  };
}
