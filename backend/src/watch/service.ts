/**
 * The sidecar's watchers, the same in demo and live mode: the watch plan (what, and why), each query's step and
 * lookback resolved from the history actually available (re-resolved until it is ready), the incident watcher
 * and the forecast-accuracy tracker fed from it, and their newest scores and forecasts published as Prometheus
 * series. `status()` is what `GET /api/v1/watch` shows.
 */
import type { Registry } from 'prom-client';
import type { AidpeConfig } from '../config/config.ts';
import { DETECTOR_WARM_UP } from '../engines/anomaly/scoreSeries.ts';
import { ForecastAccuracyTracker } from './forecastAccuracy.ts';
import { IncidentWatcher } from './incidents.ts';
import { runEvery } from './schedule.ts';
import type { LoadedForecastModels } from '../models/forecastRegistry.ts';
import type { Sources } from '../sources/types.ts';
import type { Store } from '../store/types.ts';
import { buildWatchPlan, queryId, type PlannedWatch, type WatchPlan } from './plan.ts';
import { PredictionSeries, type PredictionStatus } from './predictions.ts';
import { availableHistorySeconds, chooseResolution, type Resolution } from './resolution.ts';

/** Points a forecast watch wants before it is trusted: a day of 5-minute steps, or a few hours at 1 minute. */
const FORECAST_NEEDED_POINTS = 288;

export interface WatchStatusEntry extends Omit<PlannedWatch, 'stepSeconds'> {
  stepSeconds: number | undefined;
  lookbackSeconds: number | undefined;
  availableSeconds: number | undefined;
  readyInSeconds: number | undefined;
  state: 'ready' | 'warming up' | 'not resolved yet' | 'error';
  resolution: string | undefined;
  error?: string;
}

export interface WatchStatus {
  mode: 'demo' | 'live';
  anomalies: WatchStatusEntry[];
  forecasts: WatchStatusEntry[];
  notes: string[];
  predictions: PredictionStatus & { leadTimesSeconds: number[]; metrics: string[] };
  lastRun: { atMs: number; error?: string } | undefined;
}

interface Resolved {
  resolution?: Resolution;
  error?: string;
}

export class WatchService {
  readonly plan: WatchPlan;
  readonly incidents: IncidentWatcher;
  readonly accuracy: ForecastAccuracyTracker;
  readonly predictions: PredictionSeries;
  private readonly resolved = new Map<string, Resolved>();
  private lastRun: { atMs: number; error?: string } | undefined;

  constructor(
    private readonly opts: {
      config: AidpeConfig;
      sources: Sources;
      store: Store | undefined;
      models: () => Promise<LoadedForecastModels>;
      registry: Registry;
    }
  ) {
    const { config, sources } = opts;
    // The simulator's series are watched in demo mode and when the embedded cluster feeds a real Prometheus.
    this.plan = buildWatchPlan(config, { simulatorSeries: sources.mode === 'demo' || config.simulator.embedded });
    const watches = new Map([...this.plan.anomalies, ...this.plan.forecasts].map((w) => [`${w.kind}:${w.query}`, w]));
    this.predictions = new PredictionSeries(opts.registry, {
      leadTimesSeconds: config.watch.leadTimesSeconds,
      maxSeries: config.watch.maxSeries,
      watchOf: (kind, query) => {
        const w = watches.get(`${kind}:${query}`);
        return { id: w?.id ?? queryId(kind, query), signal: w?.signal ?? 'custom' };
      },
    });
    this.predictions.publishSlo(config.automation.sloMs / 1000);
    this.incidents = new IncidentWatcher({
      telemetry: sources.metrics,
      store: opts.store,
      queries: [],
      now: sources.now,
      onScored: (s) => this.predictions.publishScore(s),
    });
    this.accuracy = new ForecastAccuracyTracker({
      telemetry: sources.metrics,
      models: opts.models,
      watches: [],
      now: sources.now,
      intervalSeconds: config.watch.forecastEverySeconds,
      // Live series are the operator's own: compare deep models with their cards' public-data figures.
      ...(sources.mode === 'live' ? { cardSource: 'nab' } : {}),
      onForecast: (f) => this.predictions.publishForecast(f),
    });
  }

  private neededPoints(w: PlannedWatch, stepSeconds: number): number {
    return w.kind === 'anomaly'
      ? DETECTOR_WARM_UP
      : Math.max(FORECAST_NEEDED_POINTS, 2 * Math.ceil((w.horizonSeconds ?? 0) / stepSeconds));
  }

  /** Resolves every watch that is not ready yet, then hands the ready and warming ones to the watchers. */
  async refresh(): Promise<void> {
    const nowMs = this.opts.sources.now();
    const errors: string[] = [];
    for (const w of [...this.plan.anomalies, ...this.plan.forecasts]) {
      const known = this.resolved.get(w.id);
      if (known?.resolution && known.resolution.readyInSeconds === 0) {
        continue; // Frozen once ready: a new step would rebuild every series' detector state.
      }
      try {
        const availableSeconds = await availableHistorySeconds(this.opts.sources.metrics, w.query, nowMs);
        const firstGuess = chooseResolution({
          availableSeconds,
          neededPoints: this.neededPoints(w, w.stepSeconds ?? 15),
          fixedStepSeconds: w.stepSeconds,
        });
        const resolution = chooseResolution({
          availableSeconds,
          neededPoints: this.neededPoints(w, firstGuess.stepSeconds),
          fixedStepSeconds: w.stepSeconds,
        });
        this.resolved.set(w.id, { resolution });
      } catch (err) {
        const message = (err as Error).message;
        this.resolved.set(w.id, { ...(known?.resolution ? { resolution: known.resolution } : {}), error: message });
        errors.push(`${w.query}: ${message}`);
      }
    }
    const resolutionOf = (w: PlannedWatch) => this.resolved.get(w.id)?.resolution;
    this.incidents.watch(
      this.plan.anomalies.flatMap((w) => {
        const r = resolutionOf(w);
        return r ? [{ query: w.query, stepSeconds: r.stepSeconds, lookbackSeconds: r.lookbackSeconds }] : [];
      })
    );
    this.accuracy.watch(
      this.plan.forecasts.flatMap((w) => {
        const r = resolutionOf(w);
        return r
          ? [
              {
                query: w.query,
                stepSeconds: r.stepSeconds,
                horizon: Math.max(1, Math.ceil((w.horizonSeconds ?? 3600) / r.stepSeconds)),
                lookbackSeconds: Math.min(86_400, r.lookbackSeconds),
              },
            ]
          : [];
      })
    );
    this.lastRun = { atMs: nowMs, ...(errors.length ? { error: errors.join('; ') } : {}) };
  }

  status(): WatchStatus {
    const entry = (w: PlannedWatch): WatchStatusEntry => {
      const r = this.resolved.get(w.id);
      const res = r?.resolution;
      return {
        ...w,
        stepSeconds: res?.stepSeconds ?? w.stepSeconds,
        lookbackSeconds: res?.lookbackSeconds,
        availableSeconds: res?.availableSeconds,
        readyInSeconds: res?.readyInSeconds,
        state: r?.error && !res ? 'error' : !res ? 'not resolved yet' : res.readyInSeconds > 0 ? 'warming up' : 'ready',
        resolution: res?.why,
        ...(r?.error ? { error: r.error } : {}),
      };
    };
    return {
      mode: this.opts.sources.mode,
      anomalies: this.plan.anomalies.map(entry),
      forecasts: this.plan.forecasts.map(entry),
      notes: this.plan.notes,
      predictions: {
        ...this.predictions.status(),
        leadTimesSeconds: this.opts.config.watch.leadTimesSeconds,
        metrics: ['aidpe_forecast', 'aidpe_anomaly_score', 'aidpe_incident_open', 'aidpe_slo_latency_seconds'],
      },
      lastRun: this.lastRun,
    };
  }

  /** Starts the schedules (resolution then incidents every watch.everySeconds; forecasts when due); returns a stop function. */
  start(onError: (what: string, err: unknown) => void): () => void {
    const stops = [
      runEvery(
        async () => {
          await this.refresh();
          await this.incidents.tick();
        },
        60_000,
        (err) => onError('incident watcher', err)
      ),
      runEvery(
        () => this.accuracy.tick(),
        30_000,
        (err) => onError('forecast accuracy tracker', err)
      ),
    ];
    return () => stops.forEach((stop) => stop());
  }
}
