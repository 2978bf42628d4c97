import type { DataQuery } from '@grafana/schema';
import type { ActionStatus } from '../../api/types';

/** What a query asks the sidecar for. `forecast`, `anomalies` and `rca` have engines; the others answer a notice. */
export type SidecarQueryType = 'forecast' | 'anomalies' | 'rca' | 'actions';

export const QUERY_TYPES: readonly SidecarQueryType[] = ['forecast', 'anomalies', 'rca', 'actions'];

/** Query types whose engine has not landed yet. */
export type PendingQueryType = Exclude<SidecarQueryType, 'forecast' | 'anomalies' | 'rca' | 'actions'>;

/** Engines that have not landed yet, with the name used in the "not available yet" notice. */
export const PENDING_ENGINES: Readonly<Record<PendingQueryType, string>> = {};

export interface SidecarQuery extends DataQuery {
  queryType?: SidecarQueryType;
  /** PromQL range expression (forecast, anomalies). Template variables are interpolated. */
  expr?: string;
  /** Query resolution as a duration (`30s`, `1m`) or seconds (`60`); empty: the panel's interval. */
  step?: string;
  /** How far ahead: a duration (`15m`, `6h`, `2d`) or a number of steps (`288`); empty: {@link DEFAULT_HORIZON}. */
  horizon?: string;
  /** Ask for the 95% band (p2.5–p97.5) as well as the 80% band (p10–p90). */
  band95?: boolean;
  /** Anomalies: threshold override in (0, 1), e.g. `0.995`; empty: each series' own (default or from feedback). */
  threshold?: string;
  /**
   * Anomalies: `annotations` answers one frame of annotation events (`time`, `timeEnd`, `title`, `text`, `tags`)
   * instead of a time/value/score frame per series. Set by the datasource for annotation queries.
   */
  format?: SidecarQueryFormat;
  /** RCA graph: only what this service calls, directly or not (template variables work); empty: the whole graph. */
  service?: string;
  /** RCA graph: the last duration (`15m`) up to the range's end; empty: the whole dashboard range. */
  window?: string;
  /** Actions: only these statuses (empty: all; annotations always use the applied and rolled-back ones). */
  actionStatus?: ActionStatus[];
  /** Actions: only this service (empty: all). Template variables are interpolated. */
  actionService?: string;
}

export type SidecarQueryFormat = 'series' | 'annotations';

export const DEFAULT_HORIZON = '1h';

export const DEFAULT_QUERY: Partial<SidecarQuery> = {
  queryType: 'forecast',
  expr: '',
  horizon: DEFAULT_HORIZON,
  band95: false,
};

export function isSidecarQueryType(value: unknown): value is SidecarQueryType {
  return typeof value === 'string' && (QUERY_TYPES as readonly string[]).includes(value);
}

/** The query type, `forecast` when unset or unknown (queries saved before the field existed). */
export function queryTypeOf(query: Pick<SidecarQuery, 'queryType'>): SidecarQueryType {
  return isSidecarQueryType(query.queryType) ? query.queryType : 'forecast';
}

export function isPendingQueryType(type: SidecarQueryType): type is PendingQueryType {
  return type in PENDING_ENGINES;
}
