/**
 * Per-series streaming scorer states for the sidecar: kept in memory (bounded, least recently used first out)
 * and written through the store, so a restarted sidecar resumes where it stopped instead of silently starting
 * over. A state that is missing, or stored in another version, is rebuilt from history by the caller, which says
 * so in its answer. Shared by the anomaly API's streaming mode and the incident loop (each under its own key
 * prefix: the API's calls must not advance the loop's state).
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

export class StreamingStates {
  private readonly live = new Map<string, StreamingSeries>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly store: Store | undefined,
    private readonly options: { maxSeries?: number; streaming?: StreamingOptions } = {}
  ) {}

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
    const inMemory = this.live.get(key);
    if (inMemory && inMemory.detectorName !== streaming.detectorName) {
      this.live.delete(key);
      this.dirty.delete(key);
      discarded = `the state in memory belongs to detector ${inMemory.detectorName}; this call asks for ${streaming.detectorName}`;
    } else if (inMemory) {
      this.live.delete(key); // re-insert: most recently used last
      this.live.set(key, inMemory);
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
      return { series: loadedMeanwhile, origin: 'memory' };
    }
    const origin: StateOrigin = series ? 'store' : 'new';
    series ??= new StreamingSeries(seriesKey, streaming, stepMs);
    this.live.set(key, series);
    const cap = this.options.maxSeries ?? 1000;
    // Evicted states were persisted after the call that last touched them (when there is a store).
    while (this.live.size > cap) {
      const oldest = this.live.keys().next().value!;
      if (this.dirty.has(oldest)) {
        break;
      }
      this.live.delete(oldest);
    }
    return { series, origin, ...(discarded ? { discarded } : {}) };
  }

  /** Marks a series as changed; `persist` writes the changed ones. */
  touch(key: string): void {
    this.dirty.add(key);
  }

  /** Writes every changed state in one batch; returns how many. Without a store the states live in memory only. */
  async persist(now: Date): Promise<number> {
    const keys = [...this.dirty].filter((k) => this.live.has(k));
    this.dirty.clear();
    if (!this.store || keys.length === 0) {
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
}
