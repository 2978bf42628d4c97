/**
 * The sidecar's own loop: on a schedule it scores the watched queries over a recent window and opens an
 * incident for every anomalous region it has not seen, resolving it once the region has ended. Incidents
 * are kept in memory (newest first, bounded) and each opening is written to the audit trail.
 */
import type { TelemetrySource } from '../telemetry/types.ts';
import { DEFAULT_THRESHOLD, type Severity } from '../engines/anomaly/regions.ts';
import { displayName, scoreSeries, seriesKeyOf } from '../engines/anomaly/scoreSeries.ts';
import type { Store } from '../store/sqlite.ts';

export interface WatchedQuery {
  query: string;
  stepSeconds: number;
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
  /** How much history each run scores (the detector warms up on it). Default 6 h. */
  lookbackSeconds?: number;
  maxIncidents?: number;
  now?: () => number;
}

/** In demo mode: every service's p95 latency and error ratio, at 15 s so the detector is warm within the demo's first hour and a quarter. */
export const DEMO_WATCHED_QUERIES: WatchedQuery[] = [
  { query: 'aidpe_sim_latency_seconds{quantile="0.95"}', stepSeconds: 15 },
  { query: 'aidpe_sim_error_ratio', stepSeconds: 15 },
];

export class IncidentWatcher {
  private readonly incidents = new Map<string, Incident>();
  private readonly opts: Required<Omit<IncidentWatcherOptions, 'store'>> & { store: Store | undefined };
  lastRun: { atMs: number; error?: string } | undefined;

  constructor(opts: IncidentWatcherOptions) {
    this.opts = { lookbackSeconds: 6 * 3600, maxIncidents: 500, now: Date.now, ...opts };
  }

  /** One pass over the watched queries; a failing query is recorded and the others still run. */
  async tick(): Promise<void> {
    const nowMs = this.opts.now();
    const errors: string[] = [];
    for (const w of this.opts.queries) {
      try {
        const result = await this.opts.telemetry.queryRange({ query: w.query, startMs: nowMs - this.opts.lookbackSeconds * 1000, endMs: nowMs, stepSeconds: w.stepSeconds });
        // Only regions in the last quarter of the window are judged: earlier ones were seen by earlier runs.
        const fromMs = nowMs - (this.opts.lookbackSeconds * 1000) / 4;
        for (const s of result.series) {
          const key = seriesKeyOf(s.labels);
          const threshold = (await this.opts.store?.getThreshold(key)) ?? DEFAULT_THRESHOLD;
          const { regions } = scoreSeries(s.samples, fromMs, key, threshold);
          for (const r of regions) {
            const active = r.endMs >= nowMs - 2 * w.stepSeconds * 1000;
            const known = this.incidents.get(r.id);
            if (known) {
              known.endMs = r.endMs;
              known.peakScore = Math.max(known.peakScore, r.peakScore);
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
            await this.opts.store?.audit({ actor: 'aidpe', action: 'incident.opened', subject: r.id, details: { query: w.query, series, severity: r.severity, startMs: r.startMs } }, new Date(nowMs));
          }
        }
      } catch (err) {
        errors.push(`${w.query}: ${(err as Error).message}`);
      }
    }
    for (const i of this.incidents.values()) if (i.status === 'open' && i.endMs < nowMs - 10 * 60_000) i.status = 'resolved';
    while (this.incidents.size > this.opts.maxIncidents) this.incidents.delete(this.incidents.keys().next().value!);
    this.lastRun = { atMs: nowMs, ...(errors.length ? { error: errors.join('; ') } : {}) };
  }

  list(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => b.startMs - a.startMs);
  }

  /** Runs `tick` every `intervalMs` (not overlapping); returns a stop function. */
  start(intervalMs: number, onError: (err: unknown) => void): () => void {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const loop = async (): Promise<void> => {
      try {
        await this.tick();
      } catch (err) {
        onError(err);
      }
      if (!stopped) timer = setTimeout(() => void loop(), intervalMs);
    };
    timer = setTimeout(() => void loop(), 0);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }
}
