/** The shapes of log data as the Loki connector returns them (streams of entries, and log patterns). */
import type { MetricSeries } from './types.ts';

export interface LogEntry {
  /** Unix nanoseconds exactly as Loki sent them (a decimal string: too wide for a JS number). */
  timestampNs: string;
  /** Unix milliseconds (timestampNs truncated), for convenience. */
  timeMs: number;
  line: string;
  /** Loki ≥ 3 structured metadata, when the answer carries it per entry. */
  structuredMetadata?: Record<string, string>;
  /** Labels extracted by parsers in the query, when Loki reports them per entry (categorize-labels). */
  parsed?: Record<string, string>;
}

export interface LogStream {
  labels: Record<string, string>;
  /** In the order Loki returned them (newest first for direction=backward). */
  entries: LogEntry[];
}

export type LokiQueryResult =
  | { resultType: 'streams'; streams: LogStream[]; warnings: string[] }
  | { resultType: 'matrix' | 'vector'; series: MetricSeries[]; warnings: string[] };

export interface LogPattern {
  pattern: string;
  /** Detected level, when Loki reports one. */
  level?: string;
  /** [unix seconds, count], sorted by time. */
  samples: Array<[timestampSeconds: number, count: number]>;
  total: number;
}
