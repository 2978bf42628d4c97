/**
 * Forecast accuracy over time: on a schedule of the telemetry clock it forecasts every watched series through
 * the same engine path as the forecast API and records (a) every candidate's backtest scaled error at that
 * time — a live per-model accuracy measurement on the operator's own data — and (b) the issued ensemble
 * forecast, which is scored against the actuals once its horizon has passed (true out-of-sample accuracy).
 * History is kept in memory, bounded per series and model; drift is judged by the pure `accuracy.ts`.
 */
import { runEvery } from './schedule.ts';
import type { TelemetrySource } from '../telemetry/types.ts';
import { forecastSeries } from '../engines/forecast/engine.ts';
import { regularise } from '../engines/forecast/series.ts';
import {
  aggregatePoints,
  assessDrift,
  cardReference,
  firstSpanReference,
  inSampleScale,
  scoreForecast,
  type AccuracyMetric,
  type AccuracyPoint,
  type DriftAssessment,
  type DriftReference,
  type IssuedForecast,
  type RealisedScore,
} from '../engines/forecast/accuracy.ts';
import { displayName, seriesKeyOf } from '../engines/anomaly/scoreSeries.ts';
import type { LoadedForecastModels } from '../models/forecastRegistry.ts';

export interface AccuracyWatch {
  query: string;
  stepSeconds: number;
  /** Forecast steps. */
  horizon: number;
  /** History each forecast is made from; default the tracker's lookbackSeconds. */
  lookbackSeconds?: number;
}

/**
 * In demo mode: every service's request rate, half an hour ahead. At 30 s steps: the demo cluster keeps 6 h of
 * metric history, 361 samples at 60 s — fewer than the deep models' 512-sample context, so they would never be
 * measured; 720 samples at 30 s give them 8 backtest origins.
 */
export const DEMO_ACCURACY_WATCHES: AccuracyWatch[] = [
  { query: 'aidpe_sim_request_rate', stepSeconds: 30, horizon: 60 },
];

/** The ensemble's own entry among the models. */
export const ENSEMBLE_MODEL = 'aidpe_ensemble';
const DAY_MS = 86_400_000;

export interface ForecastAccuracyOptions {
  telemetry: TelemetrySource;
  /** The engine's candidates and the deep models' cards (the forecast route's loader). */
  models: () => Promise<LoadedForecastModels>;
  watches: AccuracyWatch[];
  /** Telemetry clock (ms). Default Date.now. */
  now?: () => number;
  /** Forecast every this often on the telemetry clock. Default 300 s. */
  intervalSeconds?: number;
  /** History each forecast is made from. Default one day. */
  lookbackSeconds?: number;
  /** Points kept per series and model. Default 7 days. */
  retentionSeconds?: number;
  /** Rolling window of the drift median. Default 2 h. */
  windowSeconds?: number;
  /** Statistical candidates' and the ensemble's own reference: the median over this first span. Default one day. */
  referenceSpanSeconds?: number;
  driftThreshold?: number;
  coverageFloor?: number;
  /** Which card validation source the deep models are compared with. Default 'sim' (the demo's data). */
  cardSource?: string;
  /** Called with every forecast issued (for the published prediction series). */
  onForecast?: (issued: IssuedSeriesForecast) => void;
}

/** One series' forecast as issued: its quantiles per step. */
export interface IssuedSeriesForecast {
  query: string;
  labels: Record<string, string>;
  issuedAtMs: number;
  stepSeconds: number;
  /** Unix seconds of each forecast step. */
  timestamps: number[];
  p50: number[];
  p10: number[];
  p90: number[];
}

interface PendingForecast extends IssuedForecast {
  issuedAtMs: number;
}

interface SeriesTrack {
  key: string;
  name: string;
  query: string;
  labels: Record<string, string>;
  model: string;
  lastIssuedMs: number;
  pending: PendingForecast[];
  /** Per model (candidates and ENSEMBLE_MODEL), oldest first. */
  points: Map<string, AccuracyPoint[]>;
  lastRealised: (RealisedScore & { issuedAtMs: number; scoredAtMs: number }) | undefined;
}

export interface ModelAccuracy extends DriftAssessment {
  model: string;
  kind: 'ensemble' | 'deep' | 'statistical';
  /** The metric the drift judgement uses. */
  metric: AccuracyMetric;
  points: AccuracyPoint[];
}

export interface SeriesAccuracy {
  key: string;
  name: string;
  query: string;
  labels: Record<string, string>;
  /** The model (or ensemble) chosen at the last forecast. */
  model: string;
  lastIssuedMs: number;
  pendingForecasts: number;
  realised: {
    issuedAtMs: number;
    scoredAtMs: number;
    mase: number;
    coverage80: number;
    wql: number | null;
    scaledPinball: number;
    points: number;
  } | null;
}

export interface AccuracyRunSummary {
  atMs: number;
  forecasts: number;
  scored: number;
  error?: string;
}

export class ForecastAccuracyTracker {
  private readonly opts: Required<Omit<ForecastAccuracyOptions, 'onForecast'>> &
    Pick<ForecastAccuracyOptions, 'onForecast'>;
  private readonly tracks = new Map<string, SeriesTrack>();
  /** Per query: when it was last forecast (telemetry clock). */
  private readonly lastForecastMs = new Map<string, number>();
  /** Statistical and ensemble references, frozen once their first span is over so retention cannot move them. */
  private readonly frozenReferences = new Map<string, DriftReference>();
  private deepCards = new Map<string, DriftReference | undefined>();
  lastRun: AccuracyRunSummary | undefined;

  constructor(opts: ForecastAccuracyOptions) {
    this.opts = {
      now: Date.now,
      intervalSeconds: 300,
      lookbackSeconds: 86_400,
      retentionSeconds: 7 * 86_400,
      windowSeconds: 2 * 3600,
      referenceSpanSeconds: 86_400,
      driftThreshold: 1.5,
      coverageFloor: 0.65,
      cardSource: 'sim',
      ...opts,
    };
    for (const w of this.opts.watches) {
      if (!(w.stepSeconds > 0)) {
        throw new Error(`watches: stepSeconds of ${w.query} must be positive`);
      }
      if (!Number.isInteger(w.horizon) || w.horizon < 1) {
        throw new Error(`watches: horizon of ${w.query} must be a whole number ≥ 1`);
      }
    }
  }

  /** Replaces the watched queries (the watch plan resolves steps as history grows). */
  watch(watches: AccuracyWatch[]): void {
    this.opts.watches = watches;
  }

  get settings(): {
    intervalSeconds: number;
    windowSeconds: number;
    driftThreshold: number;
    coverageFloor: number;
    watches: AccuracyWatch[];
  } {
    const { intervalSeconds, windowSeconds, driftThreshold, coverageFloor, watches } = this.opts;
    return { intervalSeconds, windowSeconds, driftThreshold, coverageFloor, watches };
  }

  /** Minutes from the first forecast until the first one can be scored: the longest horizon plus one interval. */
  get maturesInMinutes(): number {
    const longest = Math.max(0, ...this.opts.watches.map((w) => w.horizon * w.stepSeconds));
    return Math.ceil((longest + this.opts.intervalSeconds) / 60);
  }

  /**
   * Scores the forecasts that have matured and issues new ones for every watched query that is due
   * (at most once per interval of the telemetry clock). A failing query is recorded; the others still run.
   */
  async tick(): Promise<void> {
    const nowMs = this.opts.now();
    const due = this.opts.watches.filter((w) => {
      const last = this.lastForecastMs.get(this.watchKey(w));
      return last === undefined || nowMs - last >= this.opts.intervalSeconds * 1000;
    });
    if (due.length === 0) {
      return;
    }
    const errors: string[] = [];
    let forecasts = 0;
    let scored = 0;
    const loaded = await this.opts.models();
    this.deepCards = new Map(
      loaded.models.map((m) => [m.name, cardReference(m.card?.validation, this.opts.cardSource)])
    );
    for (const w of due) {
      this.lastForecastMs.set(this.watchKey(w), nowMs);
      try {
        const stepMs = w.stepSeconds * 1000;
        const endMs = Math.floor(nowMs / stepMs) * stepMs;
        const result = await this.opts.telemetry.queryRange({
          query: w.query,
          startMs: endMs - (w.lookbackSeconds ?? this.opts.lookbackSeconds) * 1000,
          endMs,
          stepSeconds: w.stepSeconds,
        });
        for (const s of result.series) {
          if (s.samples.length === 0) {
            continue;
          }
          const key = `${w.stepSeconds}s:${w.query}:${seriesKeyOf(s.labels)}`;
          const track = this.tracks.get(key) ?? this.newTrack(key, w.query, s.labels);
          this.tracks.set(key, track);
          const actuals = new Map(s.samples.map(([t, v]) => [Math.round(t), v]));
          scored += this.scoreMatured(track, actuals, s.samples[s.samples.length - 1]![0], nowMs);
          const series = regularise(
            s.samples.map(([t]) => t),
            s.samples.map(([, v]) => v),
            { field: 'query', stepSeconds: w.stepSeconds }
          );
          const outcome = await forecastSeries(
            series,
            { horizon: w.horizon, quantiles: [0.1, 0.9] },
            loaded.candidates
          );
          if (!outcome.forecast || outcome.status === 'none') {
            continue;
          }
          forecasts++;
          track.model = outcome.model;
          track.lastIssuedMs = nowMs;
          const naiveMase = outcome.candidates.find((c) => c.model === 'naive')?.backtestMase ?? null;
          for (const c of outcome.candidates) {
            if (c.backtestMase === null || !Number.isFinite(c.backtestMase)) {
              continue;
            }
            const point: AccuracyPoint = { t: nowMs, backtestMase: c.backtestMase };
            if (naiveMase !== null && naiveMase > 0) {
              point.relativeToNaive = c.backtestMase / naiveMase;
            }
            this.append(track, c.model, point);
          }
          if (outcome.backtestMase !== undefined && Number.isFinite(outcome.backtestMase)) {
            this.append(track, ENSEMBLE_MODEL, { t: nowMs, backtestMase: outcome.backtestMase });
          }
          const f = outcome.forecast;
          this.opts.onForecast?.({
            query: w.query,
            labels: s.labels,
            issuedAtMs: nowMs,
            stepSeconds: w.stepSeconds,
            timestamps: outcome.timestamps,
            p50: Array.from(f.p50),
            p10: Array.from(f.quantiles.get(0.1)!),
            p90: Array.from(f.quantiles.get(0.9)!),
          });
          track.pending.push({
            issuedAtMs: nowMs,
            timestamps: outcome.timestamps,
            p50: Array.from(f.p50),
            p10: Array.from(f.quantiles.get(0.1)!),
            p90: Array.from(f.quantiles.get(0.9)!),
            scale: inSampleScale(series.values),
          });
        }
      } catch (err) {
        errors.push(`${w.query}: ${(err as Error).message}`);
      }
    }
    this.prune(nowMs);
    this.lastRun = { atMs: nowMs, forecasts, scored, ...(errors.length ? { error: errors.join('; ') } : {}) };
  }

  /** Per model: points over time, rolling error against its reference, drift. The ensemble comes first. */
  models(): ModelAccuracy[] {
    const nowMs = this.opts.now();
    const names = new Set<string>();
    for (const t of this.tracks.values()) {
      for (const m of t.points.keys()) {
        names.add(m);
      }
    }
    const out: ModelAccuracy[] = [];
    for (const model of names) {
      const points = aggregatePoints([...this.tracks.values()].map((t) => t.points.get(model) ?? []));
      const kind: ModelAccuracy['kind'] =
        model === ENSEMBLE_MODEL ? 'ensemble' : this.deepCards.has(model) ? 'deep' : 'statistical';
      let metric: AccuracyMetric;
      let reference: DriftReference | undefined;
      if (kind === 'deep') {
        metric = 'relativeToNaive';
        reference = this.deepCards.get(model);
      } else {
        metric = kind === 'ensemble' ? 'realisedMase' : 'backtestMase';
        reference = this.frozenReferences.get(model);
        if (!reference) {
          const first = firstSpanReference(points, metric, this.opts.referenceSpanSeconds * 1000);
          if (first?.complete) {
            this.frozenReferences.set(model, first.reference);
          }
          reference = first?.reference;
        }
      }
      const drift = assessDrift(points, {
        metric,
        reference,
        nowMs,
        windowMs: this.opts.windowSeconds * 1000,
        threshold: this.opts.driftThreshold,
        coverageFloor: this.opts.coverageFloor,
      });
      out.push({ model, kind, metric, points, ...drift });
    }
    const rank = { ensemble: 0, deep: 1, statistical: 2 } as const;
    return out.sort((a, b) => rank[a.kind] - rank[b.kind] || a.model.localeCompare(b.model));
  }

  /** Per series: the last realised accuracy of the AIDPE ensemble. */
  series(): SeriesAccuracy[] {
    return [...this.tracks.values()]
      .map((t) => ({
        key: t.key,
        name: t.name,
        query: t.query,
        labels: t.labels,
        model: t.model,
        lastIssuedMs: t.lastIssuedMs,
        pendingForecasts: t.pending.length,
        realised: t.lastRealised
          ? {
              issuedAtMs: t.lastRealised.issuedAtMs,
              scoredAtMs: t.lastRealised.scoredAtMs,
              mase: t.lastRealised.mase,
              coverage80: t.lastRealised.coverage80,
              wql: t.lastRealised.wql,
              scaledPinball: t.lastRealised.scaledPinball,
              points: t.lastRealised.points,
            }
          : null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Runs `tick` every `pollMs` of wall time (not overlapping); forecasts happen only when due on the telemetry clock. */
  start(pollMs: number, onError: (err: unknown) => void): () => void {
    return runEvery(() => this.tick(), pollMs, onError);
  }

  private watchKey(w: AccuracyWatch): string {
    return `${w.stepSeconds}s:${w.horizon}:${w.query}`;
  }

  private newTrack(key: string, query: string, labels: Record<string, string>): SeriesTrack {
    return {
      key,
      name: displayName(labels, query),
      query,
      labels,
      model: 'none',
      lastIssuedMs: 0,
      pending: [],
      points: new Map(),
      lastRealised: undefined,
    };
  }

  private append(track: SeriesTrack, model: string, point: AccuracyPoint): void {
    const list = track.points.get(model) ?? [];
    const last = list[list.length - 1];
    if (last && last.t === point.t) {
      Object.assign(last, point);
    } else {
      list.push(point);
    }
    track.points.set(model, list);
  }

  /** Scores the pending forecasts whose last step the actuals reach; returns how many were scored. */
  private scoreMatured(
    track: SeriesTrack,
    actuals: Map<number, number>,
    lastSampleSeconds: number,
    nowMs: number
  ): number {
    let scored = 0;
    const keep: PendingForecast[] = [];
    for (const f of track.pending) {
      const lastStep = f.timestamps[f.timestamps.length - 1]!;
      if (lastStep > lastSampleSeconds) {
        keep.push(f);
        continue;
      }
      const score = scoreForecast(f, (t) => actuals.get(Math.round(t)));
      if (!score) {
        continue;
      } // Too few actuals (a gap in the telemetry): dropped unscored.
      scored++;
      track.lastRealised = { ...score, issuedAtMs: f.issuedAtMs, scoredAtMs: nowMs };
      // The realised score belongs to the time the forecast was issued, next to that time's backtest error.
      const list = track.points.get(ENSEMBLE_MODEL) ?? [];
      const at = list.find((p) => p.t === f.issuedAtMs);
      if (at) {
        Object.assign(at, { realisedMase: score.mase, coverage80: score.coverage80 });
      } else {
        list.push({ t: f.issuedAtMs, realisedMase: score.mase, coverage80: score.coverage80 });
        list.sort((a, b) => a.t - b.t);
      }
      track.points.set(ENSEMBLE_MODEL, list);
    }
    track.pending = keep;
    return scored;
  }

  private prune(nowMs: number): void {
    const oldest = nowMs - this.opts.retentionSeconds * 1000;
    for (const [key, track] of this.tracks) {
      for (const [model, list] of track.points) {
        const kept = list.filter((p) => p.t >= oldest);
        if (kept.length === 0) {
          track.points.delete(model);
        } else {
          track.points.set(model, kept);
        }
      }
      // A forecast the actuals never reached within a day past its horizon is given up.
      track.pending = track.pending.filter((f) => f.timestamps[f.timestamps.length - 1]! * 1000 >= nowMs - DAY_MS);
      if (track.points.size === 0 && track.pending.length === 0 && track.lastIssuedMs < oldest) {
        this.tracks.delete(key);
      }
    }
  }
}
