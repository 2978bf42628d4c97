/**
 * The engine work that may run long, as tasks a compute worker (or the calling thread) runs: each takes and
 * returns plain data (structured-cloned between threads), and models are loaded where the task runs, once per
 * thread. One request is one task, so the pool's queue limit is a limit on requests.
 */
import { scoreSeries } from '../engines/anomaly/scoreSeries.ts';
import {
  seriesFromState,
  StreamingSeries,
  type PushResult,
  type StreamingOptions,
} from '../engines/anomaly/streaming.ts';
import type { StreamDetectorName } from '../engines/anomaly/streaming.ts';
import { forecastSeries } from '../engines/forecast/engine.ts';
import type { ForecastOptions, ForecastOutcome, RegularSeries } from '../engines/forecast/types.ts';
import { loadForecastCandidates } from '../models/forecastRegistry.ts';
import { loadMvaeModel, type MvaeModelLoad } from '../models/mvaeModel.ts';
import type { MetricSeries } from '../telemetry/types.ts';
import { scoreGroupsWith } from '../usecases/anomalies/multivariate.ts';
import { rankFromEvidence, type RankInput } from '../usecases/rca/ranking.ts';

const mvaeLoads = new Map<string, Promise<MvaeModelLoad>>();

export const TASKS = {
  /** The forecast ensemble (with its backtests) for each series, with the candidates loaded from `modelsDir`. */
  async forecast(input: {
    modelsDir: string | undefined;
    items: Array<{ series: RegularSeries; options: ForecastOptions }>;
  }): Promise<{ outcomes: ForecastOutcome[]; deepNames: string[] }> {
    const loaded = await loadForecastCandidates({ modelsDir: input.modelsDir });
    const outcomes: ForecastOutcome[] = [];
    for (const item of input.items) {
      outcomes.push(await forecastSeries(item.series, item.options, loaded.candidates));
    }
    return { outcomes, deepNames: loaded.deepNames };
  },

  /** Batch anomaly scoring of each series from scratch. */
  scoreBatch(input: {
    items: Array<{
      samples: Array<[number, number]>;
      fromMs: number;
      seriesKey: string;
      threshold: number;
      detector: StreamDetectorName;
    }>;
  }) {
    return input.items.map((i) => scoreSeries(i.samples, i.fromMs, i.seriesKey, i.threshold, i.detector));
  },

  /** Streaming anomaly scoring: each series' state (a snapshot, or none) takes the new samples; the new state returns. */
  streamPush(input: {
    items: Array<{
      seriesKey: string;
      state: unknown;
      options: StreamingOptions;
      stepMs: number | undefined;
      samples: Array<readonly [number, number]>;
      threshold: number;
    }>;
  }): Array<{ pushed: PushResult; state: unknown; lastTimestamp: number | undefined }> {
    return input.items.map((i) => {
      let series: StreamingSeries;
      if (i.state === undefined) {
        series = new StreamingSeries(i.seriesKey, i.options, i.stepMs);
      } else {
        const restored = seriesFromState(i.seriesKey, i.state, i.options, i.stepMs);
        if (!('series' in restored)) {
          throw new Error(`streaming state of ${i.seriesKey} could not be restored: ${restored.discarded}`);
        }
        series = restored.series;
      }
      const pushed = series.push(i.samples, i.threshold);
      return { pushed, state: series.snapshot(), lastTimestamp: series.lastTimestamp };
    });
  },

  /** Multivariate scoring of the groups (PCA, or the autoencoder loaded from `modelsDir`). */
  async scoreGroups(input: {
    modelsDir: string | undefined;
    thresholds: Record<string, number | undefined>;
    series: MetricSeries[];
    label: string;
    fromMs: number;
    override: number | undefined;
    requested: 'pca' | 'autoencoder';
  }) {
    let model: MvaeModelLoad | undefined;
    if (input.requested === 'autoencoder') {
      const key = input.modelsDir ?? '';
      let load = mvaeLoads.get(key);
      if (!load) {
        load = loadMvaeModel({ modelsDir: input.modelsDir });
        mvaeLoads.set(key, load);
      }
      model = await load;
    }
    return scoreGroupsWith(input.thresholds, model, input.series, input.label, input.fromMs, input.override);
  },

  /** Root-cause ranking from fetched evidence. */
  rcaRank(input: RankInput) {
    return rankFromEvidence(input);
  },
};

export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
