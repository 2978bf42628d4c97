/**
 * What the sidecar watches by itself, and why: PromQL scored for incidents and PromQL forecast for accuracy
 * tracking and prediction series. The same in demo and live mode — demo defaults are the simulator's own series;
 * live defaults are the managed services' SLI and request-rate queries (automation.services with the
 * automation.queries templates); configured queries (watch.queries, watch.forecasts) come on top.
 */
import type { AidpeConfig, WatchQueryConfig } from '../config/config.ts';
import { fillQuery } from '../automation/serviceState.ts';
import { parseManagedServices } from '../automation/targets.ts';
import type { ScaleTarget } from '../domain/actions.ts';

export type WatchOrigin = 'simulator default' | 'managed service SLI' | 'managed service request rate' | 'configured';

/** What a watched query measures; published as the `signal` label so alert rules can pick, e.g., latency forecasts. */
export type WatchSignal = 'latency_p95_seconds' | 'error_ratio' | 'request_rate' | 'custom';

export interface PlannedWatch {
  /** Stable id for labels and links: the kind and a short hash of the query. */
  id: string;
  kind: 'anomaly' | 'forecast';
  query: string;
  origin: WatchOrigin;
  signal: WatchSignal;
  /** Why it is watched, in words. */
  why: string;
  /** Fixed by configuration, or undefined: chosen from the history actually available. */
  stepSeconds: number | undefined;
  /** Forecasts: how far ahead. */
  horizonSeconds: number | undefined;
  service?: string;
}

export interface WatchPlan {
  anomalies: PlannedWatch[];
  forecasts: PlannedWatch[];
  /** Defaults that could not be built (e.g. automation.services without query templates), in words. */
  notes: string[];
}

/** The simulator's series (demo, or the embedded cluster behind a real Prometheus). */
type SignalledQuery = WatchQueryConfig & { signal: WatchSignal };

export const SIMULATOR_WATCHES: { anomalies: SignalledQuery[]; forecasts: SignalledQuery[] } = {
  anomalies: [
    { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', stepSeconds: 15, signal: 'latency_p95_seconds' },
    { query: 'aidpe_sim_error_ratio', stepSeconds: 15, signal: 'error_ratio' },
  ],
  // 30 s steps: the demo cluster keeps 6 h of history, enough context for every forecasting candidate.
  forecasts: [
    { query: 'aidpe_sim_request_rate', stepSeconds: 30, horizonSeconds: 3600, signal: 'request_rate' },
    {
      query: 'aidpe_sim_latency_seconds{quantile="0.95"}',
      stepSeconds: 30,
      horizonSeconds: 3600,
      signal: 'latency_p95_seconds',
    },
  ],
};

/** Default horizon of a forecast watch: what the alert rules look ahead (30 min) with margin. */
export const DEFAULT_WATCH_HORIZON_SECONDS = 3600;

/** FNV-1a, hex: a short stable id for a query. */
export function queryId(kind: string, query: string): string {
  let h = 0x811c9dc5;
  for (const ch of `${kind}:${query}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${kind === 'anomaly' ? 'a' : 'f'}${h.toString(16).padStart(8, '0')}`;
}

function planned(
  kind: PlannedWatch['kind'],
  q: WatchQueryConfig & { signal?: WatchSignal },
  origin: WatchOrigin,
  why: string,
  service?: string
): PlannedWatch {
  return {
    id: queryId(kind, q.query),
    kind,
    query: q.query,
    origin,
    signal: q.signal ?? 'custom',
    why,
    stepSeconds: q.stepSeconds,
    horizonSeconds: kind === 'forecast' ? (q.horizonSeconds ?? DEFAULT_WATCH_HORIZON_SECONDS) : undefined,
    ...(service !== undefined ? { service } : {}),
  };
}

export function buildWatchPlan(config: AidpeConfig, opts: { simulatorSeries: boolean }): WatchPlan {
  const anomalies: PlannedWatch[] = [];
  const forecasts: PlannedWatch[] = [];
  const notes: string[] = [];
  if (opts.simulatorSeries) {
    for (const q of SIMULATOR_WATCHES.anomalies) {
      anomalies.push(planned('anomaly', q, 'simulator default', "every demo service's SLI"));
    }
    for (const q of SIMULATOR_WATCHES.forecasts) {
      const what = q.signal === 'request_rate' ? 'request rate' : 'p95 latency ahead of the SLO';
      forecasts.push(planned('forecast', q, 'simulator default', `every demo service's ${what}`));
    }
  } else if (config.automation.services) {
    let targets: ScaleTarget[] = [];
    try {
      targets = parseManagedServices(config.automation.services, config.kubernetes.namespace);
    } catch (err) {
      notes.push(`automation.services: ${(err as Error).message}; its SLIs are not watched`);
    }
    const q = config.automation.queries;
    const sli: Array<[string | undefined, string, string, WatchSignal]> = [
      [q.sliLatencyP95Seconds, 'automation.queries.sliLatencyP95Seconds', 'p95 latency (SLI)', 'latency_p95_seconds'],
      [q.sliErrorRatio, 'automation.queries.sliErrorRatio', 'error ratio (SLI)', 'error_ratio'],
    ];
    for (const t of targets) {
      for (const [template, key, what, signal] of sli) {
        if (template) {
          const query = { query: fillQuery(template, t), signal };
          anomalies.push(planned('anomaly', query, 'managed service SLI', `${t.service}: ${what}`, t.service));
          if (signal === 'latency_p95_seconds') {
            // Forecast too: the alert "p90 forecast crosses the SLO within 30 min" reads it.
            forecasts.push(
              planned('forecast', query, 'managed service SLI', `${t.service}: p95 latency ahead of the SLO`, t.service)
            );
          }
        } else if (t === targets[0]) {
          notes.push(`${key} is not set: the managed services' ${what} is not watched`);
        }
      }
      if (q.requestRate) {
        forecasts.push(
          planned(
            'forecast',
            { query: fillQuery(q.requestRate, t), signal: 'request_rate' },
            'managed service request rate',
            `${t.service}: request rate, forecast for scaling and alerts`,
            t.service
          )
        );
      } else if (t === targets[0]) {
        notes.push('automation.queries.requestRate is not set: the managed services are not forecast');
      }
    }
  } else {
    notes.push('no managed services (automation.services) and no watch.queries: nothing is watched by default');
  }
  for (const q of config.watch.queries) {
    anomalies.push(planned('anomaly', q, 'configured', 'listed in watch.queries'));
  }
  for (const q of config.watch.forecasts) {
    forecasts.push(planned('forecast', q, 'configured', 'listed in watch.forecasts'));
  }
  const unique = (list: PlannedWatch[]) => [...new Map(list.map((w) => [w.id, w])).values()];
  return { anomalies: unique(anomalies), forecasts: unique(forecasts), notes };
}
