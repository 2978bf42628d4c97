/**
 * Per-series streaming scorer states for the sidecar: kept in memory (bounded, least recently used first out)
 * and written through the store, so a restarted sidecar resumes where it stopped instead of silently starting
 * over. A state that is missing, or stored in another version, is rebuilt from history by the caller, which says
 * so in its answer. Shared by the anomaly API's streaming mode and the incident loop (each under its own key
 * prefix: the API's calls must not advance the loop's state).
 *
 * States expire: at most `maxSeries` live in memory (least recently used out first), a state unused for
 * `ttlMs` is dropped from memory, and stored states not updated for `ttlMs` are deleted from the store, so label
 * sets that come and go (pods, deployments) do not accumulate. `stats()` counts them for /metrics.
 */
import { canonicalDetector, DEFAULT_DETECTOR } from '../engines/anomaly/registry.ts';
import {
  STREAMING_STATE_VERSION,
  StreamingSeries,
  seriesFromState,
  type StreamDetectorName,
  type StreamingOptions,
} from '../engines/anomaly/streaming.ts';
import type { Store } from '../store/types.ts';

export type StateOrigin = 'memory' | 'store' | 'new';

export interface AcquiredSeries {
  series: StreamingSeries;
  origin: StateOrigin;
  /** Why a stored state was not used (another version, other detector options), when one was found. */
  discarded?: string;
}

/** Unused this long, a state is dropped (memory and store): a series that stops for a day starts over. */
export const DEFAULT_STATE_TTL_MS = 24 * 3600_000;

export interface StreamingStatesOptions {
  /** States kept in memory (least recently used out first); default 1000. */
  maxSeries?: number;
  /** A state unused (memory) or not updated (store) this long expires; default 24 h. */
  ttlMs?: number;
  /** The clock the TTL is judged on (the Sources' clock; default the wall clock). */
  now?: () => number;
  streaming?: StreamingOptions;
}

export interface StreamingStatesStats {
  /** States in memory now. */
  live: number;
  /** Dropped from memory because the cap was reached, since start. */
  evicted: number;
  /** Dropped from memory because unused for the TTL, since start. */
  expired: number;
  /** Deleted from the store because not updated for the TTL, since start. */
  purged: number;
}

export class StreamingStates {
  private readonly live = new Map<string, StreamingSeries>();
  private readonly lastUsed = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private readonly counts = { evicted: 0, expired: 0, purged: 0 };
  private lastPurgeMs = -Infinity;

  constructor(
    private readonly store: Store | undefined,
    private readonly options: StreamingStatesOptions = {}
  ) {}

  private get ttlMs(): number {
    return this.options.ttlMs ?? DEFAULT_STATE_TTL_MS;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Drops the in-memory states unused for the TTL (the map is in least-recently-used order). */
  private expireMemory(nowMs: number): void {
    for (const [key] of this.live) {
      const used = this.lastUsed.get(key) ?? nowMs;
      if (nowMs - used < this.ttlMs) {
        break;
      }
      this.drop(key);
      this.counts.expired++;
    }
  }

  private drop(key: string): void {
    this.live.delete(key);
    this.lastUsed.delete(key);
    this.dirty.delete(key);
  }

  private use(key: string, series: StreamingSeries, nowMs: number): void {
    this.live.delete(key); // re-insert: most recently used last
    this.live.set(key, series);
    this.lastUsed.set(key, nowMs);
  }

  /**
   * The series' state under `key` from memory, else from the store, else a new one. A failing store read counts as
   * none. `seriesKey` names the series in region ids (the state key adds the caller's prefix and the step).
   * `detectorName` (default: the constructor's, else DEFAULT_DETECTOR): a state of another detector, in memory or stored, is
   * discarded with the reason and a new one is built.
   */
  async acquire(
    key: string,
    seriesKey: string,
    stepMs: number | undefined,
    detectorName?: StreamDetectorName
  ): Promise<AcquiredSeries> {
    const streaming: StreamingOptions = {
      ...this.options.streaming,
      detectorName: canonicalDetector(detectorName ?? this.options.streaming?.detectorName ?? DEFAULT_DETECTOR),
    };
    let discarded: string | undefined;
    const nowMs = this.now();
    this.expireMemory(nowMs);
    const inMemory = this.live.get(key);
    if (inMemory && inMemory.detectorName !== streaming.detectorName) {
      this.drop(key);
      discarded = `the state in memory belongs to detector ${inMemory.detectorName}; this call asks for ${streaming.detectorName}`;
    } else if (inMemory) {
      this.use(key, inMemory, nowMs);
      return { series: inMemory, origin: 'memory' };
    }
    let series: StreamingSeries | undefined;
    let stored;
    try {
      // A state just discarded from memory is newer than any stored one: do not read the store then.
      stored = discarded ? undefined : await this.store?.getDetectorState(key);
    } catch (err) {
      discarded = `the store could not be read (${(err as Error).message})`;
    }
    if (stored) {
      if (stored.version !== STREAMING_STATE_VERSION) {
        discarded = `stored state version ${stored.version}, this sidecar uses ${STREAMING_STATE_VERSION}`;
      } else {
        const restored = seriesFromState(seriesKey, stored.state, streaming, stepMs);
        if ('series' in restored) {
          series = restored.series;
        } else {
          discarded = restored.discarded;
        }
      }
    }
    // Another call for the same key may have loaded it while this one awaited the store: one state per key.
    const loadedMeanwhile = this.live.get(key);
    if (loadedMeanwhile && loadedMeanwhile.detectorName === streaming.detectorName) {
      this.use(key, loadedMeanwhile, nowMs);
      return { series: loadedMeanwhile, origin: 'memory' };
    }
    const origin: StateOrigin = series ? 'store' : 'new';
    series ??= new StreamingSeries(seriesKey, streaming, stepMs);
    this.use(key, series, nowMs);
    const cap = this.options.maxSeries ?? 1000;
    // Evicted states were persisted after the call that last touched them (when there is a store).
    while (this.live.size > cap) {
      const oldest = this.live.keys().next().value!;
      if (this.dirty.has(oldest)) {
        break;
      }
      this.drop(oldest);
      this.counts.evicted++;
    }
    return { series, origin, ...(discarded ? { discarded } : {}) };
  }

  /** Puts a series' new state in place of the one `acquire` gave (a compute worker pushed a copy of it). */
  replace(key: string, series: StreamingSeries): void {
    if (this.live.has(key)) {
      this.live.set(key, series);
    }
  }

  /** Marks a series as changed; `persist` writes the changed ones. */
  touch(key: string): void {
    this.dirty.add(key);
  }

  /**
   * Writes every changed state in one batch; returns how many. Without a store the states live in memory only.
   * Also deletes stored states older than the TTL (at most once per tenth of the TTL).
   */
  async persist(now: Date): Promise<number> {
    const keys = [...this.dirty].filter((k) => this.live.has(k));
    this.dirty.clear();
    if (!this.store) {
      return 0;
    }
    const nowMs = now.getTime();
    if (nowMs - this.lastPurgeMs >= this.ttlMs / 10 || nowMs < this.lastPurgeMs) {
      this.lastPurgeMs = nowMs;
      this.counts.purged += await this.store.deleteDetectorStatesBefore(new Date(nowMs - this.ttlMs).toISOString());
    }
    if (keys.length === 0) {
      return 0;
    }
    const updatedAt = now.toISOString();
    await this.store.putDetectorStates(
      keys.map((key) => ({ key, version: STREAMING_STATE_VERSION, state: this.live.get(key)!.snapshot(), updatedAt }))
    );
    return keys.length;
  }

  get size(): number {
    return this.live.size;
  }

  stats(): StreamingStatesStats {
    this.expireMemory(this.now());
    return { live: this.live.size, ...this.counts };
  }
}
