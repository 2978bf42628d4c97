/**
 * The sidecar's own loop: on a schedule it scores the watched queries and opens an incident for every anomalous
 * region it has not seen, resolving it once the region has ended. Incidents are kept in memory (newest first,
 * bounded) and each opening is written to the audit trail.
 *
 * Scoring is streaming: each series' detector state is kept between ticks and persisted in the store, so a tick
 * scores only the points after the last one scored, and a restarted sidecar resumes from the stored state
 * (no re-warm-up, no second opening of a region it already announced). A series with no stored state is
 * rebuilt from the lookback window.
 */
import { runEvery } from './schedule.ts';
import type { TelemetrySource } from '../telemetry/types.ts';
import type { Severity } from '../engines/anomaly/regions.ts';
import { DEFAULT_DETECTOR, DETECTOR_THRESHOLDS, scoringKeyOf } from '../engines/anomaly/registry.ts';
import { displayName } from '../engines/anomaly/scoreSeries.ts';
import type { Store } from '../store/sqlite.ts';
import { StreamingStates, type StateOrigin } from './streamingStates.ts';

export interface WatchedQuery {
  query: string;
  stepSeconds: number;
  /** History a series without stored state is rebuilt from; default the watcher's lookbackSeconds. */
  lookbackSeconds?: number;
}

/** The newest score of one watched series after a tick (for the published prediction series). */
export interface ScoredSeries {
  query: string;
  labels: Record<string, string>;
  timeMs: number;
  score: number;
  /** An incident is open on this series. */
  open: boolean;
}

export interface Incident {
  /** The anomaly region's id (stable per series and start), so feedback can refer to it. */
  id: string;
  title: string;
  query: string;
  series: string;
  labels: Record<string, string>;
  severity: Severity;
  peakScore: number;
  startMs: number;
  endMs: number;
  openedAtMs: number;
  status: 'open' | 'resolved';
}

export interface IncidentWatcherOptions {
  telemetry: TelemetrySource;
  store: Store | undefined;
  queries: WatchedQuery[];
  /** How much history a series without stored state is rebuilt from (the detector warms up on it). Default 6 h. */
  lookbackSeconds?: number;
  maxIncidents?: number;
  now?: () => number;
  /** Called once per series and tick with its newest score (after the incidents are updated). */
  onScored?: (scored: ScoredSeries) => void;
}

/** In demo mode: every service's p95 latency and error ratio, at 15 s so the detector is warm within the demo's first hour and a quarter. */
export const DEMO_WATCHED_QUERIES: WatchedQuery[] = [
  { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', stepSeconds: 15 },
  { query: 'aidpe_sim_error_ratio', stepSeconds: 15 },
];

/** What the last tick did with the series' states: how many came from memory, the store, or were rebuilt. */
export interface TickStates {
  fromMemory: number;
  fromStore: number;
  rebuilt: number;
  /** Points scored this tick (new points only, plus history for rebuilt series). */
  pointsScored: number;
  notes: string[];
}

export class IncidentWatcher {
  private readonly incidents = new Map<string, Incident>();
  private readonly opts: Required<Omit<IncidentWatcherOptions, 'store' | 'onScored'>> &
    Pick<IncidentWatcherOptions, 'store' | 'onScored'>;
  private readonly states: StreamingStates;
  /** Per watched query, the newest sample time scored: the next tick fetches from there, not the whole lookback. */
  private readonly scoredUntil = new Map<string, number>();
  lastRun: { atMs: number; error?: string; states?: TickStates } | undefined;

  constructor(opts: IncidentWatcherOptions) {
    this.opts = { lookbackSeconds: 6 * 3600, maxIncidents: 500, now: Date.now, ...opts };
    this.states = new StreamingStates(this.opts.store, { maxSeries: 5000, now: this.opts.now });
  }

  /** The streaming states' counts, for /metrics. */
  streamingStats() {
    return this.states.stats();
  }

  /** Replaces the watched queries (the watch plan resolves steps as history grows). */
  watch(queries: WatchedQuery[]): void {
    this.opts.queries = queries;
  }

  get queries(): readonly WatchedQuery[] {
    return this.opts.queries;
  }

  /** One pass over the watched queries; a failing query is recorded and the others still run. */
  async tick(): Promise<void> {
    const nowMs = this.opts.now();
    const errors: string[] = [];
    const tally: TickStates = { fromMemory: 0, fromStore: 0, rebuilt: 0, pointsScored: 0, notes: [] };
    for (const w of this.opts.queries) {
      const lookbackSeconds = w.lookbackSeconds ?? this.opts.lookbackSeconds;
      const lookbackStartMs = nowMs - lookbackSeconds * 1000;
      try {
        const queryKey = `${w.stepSeconds}s:${w.query}`;
        const since = this.scoredUntil.get(queryKey);
        // Only the new points are needed for series with state; a short overlap covers late samples.
        const shortStart =
          since === undefined ? undefined : Math.max(lookbackStartMs, since - 2 * w.stepSeconds * 1000);
        const range = (startMs: number) =>
          this.opts.telemetry.queryRange({ query: w.query, startMs, endMs: nowMs, stepSeconds: w.stepSeconds });
        const result = await range(shortStart ?? lookbackStartMs);
        let full: typeof result | undefined;
        for (const s of result.series) {
          const key = scoringKeyOf(s.labels, DEFAULT_DETECTOR);
          const stateKey = `incidents:${w.stepSeconds}s:${key}`;
          const acquired = await this.states.acquire(stateKey, key, w.stepSeconds * 1000);
          let samples = s.samples;
          let origin: StateOrigin | 'rebuilt' = acquired.origin;
          if (acquired.origin === 'new') {
            // No state (first run, a new series, or a discarded state): rebuild from the whole lookback.
            if (shortStart !== undefined) {
              full ??= await range(lookbackStartMs);
              samples = full.series.find((x) => scoringKeyOf(x.labels, DEFAULT_DETECTOR) === key)?.samples ?? samples;
            }
            origin = 'rebuilt';
            tally.notes.push(
              `${displayName(s.labels, w.query)}: state rebuilt from ${samples.length} points of history${acquired.discarded ? ` (stored state discarded: ${acquired.discarded})` : ''}`
            );
          }
          tally[origin === 'memory' ? 'fromMemory' : origin === 'store' ? 'fromStore' : 'rebuilt']++;
          const threshold = (await this.opts.store?.getThreshold(key)) ?? DETECTOR_THRESHOLDS[DEFAULT_DETECTOR].default;
          const pushed = acquired.series.push(
            samples.map(([t, v]) => [t * 1000, v] as const),
            threshold
          );
          this.states.touch(stateKey);
          tally.pointsScored += pushed.times.length;
          const last = acquired.series.lastTimestamp;
          if (last !== undefined) {
            this.scoredUntil.set(queryKey, Math.max(this.scoredUntil.get(queryKey) ?? -Infinity, last));
          }
          // A rebuilt series judges only the last quarter of its history: earlier regions are old news.
          const judgeFromMs = origin === 'rebuilt' ? nowMs - (lookbackSeconds * 1000) / 4 : -Infinity;
          for (const r of pushed.regions) {
            if (r.endMs < judgeFromMs) {
              continue;
            }
            const active = r.ongoing || r.endMs >= nowMs - 2 * w.stepSeconds * 1000;
            const known = this.incidents.get(r.id);
            if (known) {
              known.endMs = r.endMs;
              known.peakScore = Math.max(known.peakScore, r.peakScore);
              known.severity = r.severity;
              known.status = active ? 'open' : 'resolved';
              continue;
            }
            const series = displayName(s.labels, w.query);
            const incident: Incident = {
              id: r.id,
              title: `${r.severity} anomaly on ${series}`,
              query: w.query,
              series,
              labels: s.labels,
              severity: r.severity,
              peakScore: r.peakScore,
              startMs: r.startMs,
              endMs: r.endMs,
              openedAtMs: nowMs,
              status: active ? 'open' : 'resolved',
            };
            this.incidents.set(r.id, incident);
            // A region that started before this tick's new points was announced by an earlier run (this sidecar
            // before a restart): it is listed again, not opened again.
            const startedBeforeThisTick =
              origin !== 'rebuilt' && (pushed.times.length === 0 || r.startMs < pushed.times[0]!);
            if (startedBeforeThisTick) {
              continue;
            }
            await this.opts.store?.audit(
              {
                actor: 'aidpe',
                action: 'incident.opened',
                subject: r.id,
                details: { query: w.query, series, severity: r.severity, startMs: r.startMs },
              },
              new Date(nowMs)
            );
          }
          const lastIndex = pushed.times.length - 1;
          if (this.opts.onScored && lastIndex >= 0) {
            this.opts.onScored({
              query: w.query,
              labels: s.labels,
              timeMs: pushed.times[lastIndex]!,
              score: pushed.scores[lastIndex] ?? 0,
              open: pushed.regions.some((r) => this.incidents.get(r.id)?.status === 'open'),
            });
          }
        }
      } catch (err) {
        errors.push(`${w.query}: ${(err as Error).message}`);
      }
    }
    try {
      await this.states.persist(new Date(nowMs));
    } catch (err) {
      errors.push(`store: detector states not persisted (${(err as Error).message})`);
    }
    for (const i of this.incidents.values()) {
      if (i.status === 'open' && i.endMs < nowMs - 10 * 60_000) {
        i.status = 'resolved';
      }
    }
    while (this.incidents.size > this.opts.maxIncidents) {
      this.incidents.delete(this.incidents.keys().next().value!);
    }
    this.lastRun = { atMs: nowMs, states: tally, ...(errors.length ? { error: errors.join('; ') } : {}) };
  }

  list(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => b.startMs - a.startMs);
  }

  /** Runs `tick` every `intervalMs` (not overlapping); returns a stop function. */
  start(intervalMs: number, onError: (err: unknown) => void): () => void {
    return runEvery(() => this.tick(), intervalMs, onError);
  }
}
