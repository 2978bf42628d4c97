/**
 * Predictions as Prometheus series, on the sidecar's own /metrics, so Grafana Alerting (and any Prometheus rule)
 * can alert on what the product predicts: forecast quantiles at chosen lead times, the newest anomaly score and
 * whether an incident is open, per watched series. Label sets are capped; past the cap new series are dropped
 * and the status says so.
 */
import type { Registry } from 'prom-client';
import type { IssuedSeriesForecast } from './forecastAccuracy.ts';
import type { ScoredSeries } from './incidents.ts';

type Labels = Record<string, string>;

/** How a published series names the watch it comes from. */
export interface WatchIdentity {
  id: string;
  signal: string;
}

/** Labels Prometheus reserves or the sidecar's own series would clash with; renamed with an `exported_` prefix. */
const RESERVED = new Set(['__name__', 'job', 'instance', 'app', 'quantile', 'lead_seconds', 'watch_id', 'signal']);

export function seriesLabels(watch: WatchIdentity, labels: Labels): Labels {
  const out: Labels = { watch_id: watch.id, signal: watch.signal };
  for (const [k, v] of Object.entries(labels)) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k) || k.startsWith('__')) {
      continue;
    }
    out[RESERVED.has(k) ? `exported_${k}` : k] = v;
  }
  return out;
}

export interface PredictionStatus {
  series: number;
  maxSeries: number;
  dropped: number;
  capped: boolean;
}

export class PredictionSeries {
  private readonly forecast: DynamicGauge;
  private readonly anomalyScore: DynamicGauge;
  private readonly incidentOpen: DynamicGauge;
  private readonly slo: DynamicGauge;
  private readonly known = new Set<string>();
  private dropped = 0;

  constructor(
    registry: Registry,
    private readonly opts: {
      leadTimesSeconds: number[];
      maxSeries: number;
      watchOf: (kind: 'anomaly' | 'forecast', query: string) => WatchIdentity;
    }
  ) {
    // Label names follow the watched queries' own labels, so these are not prom-client's fixed-label gauges.
    this.forecast = new DynamicGauge(
      'aidpe_forecast',
      'Forecast of a watched series: the quantile (0.1, 0.5, 0.9) expected lead_seconds after the last forecast.'
    );
    this.anomalyScore = new DynamicGauge('aidpe_anomaly_score', 'Newest anomaly score (0..1) of a watched series.');
    this.incidentOpen = new DynamicGauge(
      'aidpe_incident_open',
      'Whether an incident is open on a watched series (1) or not (0).'
    );
    this.slo = new DynamicGauge(
      'aidpe_slo_latency_seconds',
      'The p95 latency objective (automation.sloMs) in seconds.'
    );
    for (const g of [this.forecast, this.anomalyScore, this.incidentOpen, this.slo]) {
      registry.registerMetric(g as never);
    }
  }

  /** The SLO the loop judges latency against, as a series alert rules compare forecasts with. */
  publishSlo(latencySeconds: number): void {
    this.slo.set({}, latencySeconds);
  }

  status(): PredictionStatus {
    return {
      series: this.known.size,
      maxSeries: this.opts.maxSeries,
      dropped: this.dropped,
      capped: this.known.size >= this.opts.maxSeries,
    };
  }

  /** Whether this label set may be published (within the cap). */
  private admit(labels: Labels): boolean {
    const key = JSON.stringify(Object.entries(labels).sort());
    if (this.known.has(key)) {
      return true;
    }
    if (this.known.size >= this.opts.maxSeries) {
      this.dropped++;
      return false;
    }
    this.known.add(key);
    return true;
  }

  /** The forecast's quantiles at each lead time (the step at or just after it). */
  publishForecast(f: IssuedSeriesForecast): void {
    const base = seriesLabels(this.opts.watchOf('forecast', f.query), f.labels);
    if (!this.admit(base)) {
      return;
    }
    const originS = f.timestamps[0]! - f.stepSeconds;
    for (const lead of this.opts.leadTimesSeconds) {
      const k = f.timestamps.findIndex((t) => t - originS >= lead - 1e-6);
      if (k < 0) {
        continue;
      }
      const leadLabel = String(lead);
      for (const [quantile, values] of [
        ['0.1', f.p10],
        ['0.5', f.p50],
        ['0.9', f.p90],
      ] as const) {
        const v = values[k];
        if (v !== undefined && Number.isFinite(v)) {
          this.forecast.set({ ...base, quantile, lead_seconds: leadLabel }, v);
        }
      }
    }
  }

  publishScore(s: ScoredSeries): void {
    const base = seriesLabels(this.opts.watchOf('anomaly', s.query), s.labels);
    if (!this.admit(base)) {
      return;
    }
    this.anomalyScore.set(base, Number.isFinite(s.score) ? s.score : 0);
    this.incidentOpen.set(base, s.open ? 1 : 0);
  }
}

/** A gauge whose label names vary by series, in the shape prom-client's registry renders (`get()`). */
export class DynamicGauge {
  readonly type = 'gauge';
  readonly aggregator = 'sum';
  private readonly values = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string
  ) {}

  set(labels: Labels, value: number): void {
    this.values.set(JSON.stringify(Object.entries(labels).sort()), { labels, value });
  }

  async get() {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [...this.values.values()],
    };
  }

  reset(): void {
    this.values.clear();
  }
}
