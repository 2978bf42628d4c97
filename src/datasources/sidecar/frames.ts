/**
 * Pure mapping of sidecar answers to Grafana data frames. The sidecar already shapes each forecast as a
 * frame (time, value, forecast, lower/upper, lower95/upper95); this keeps its field config (dashed median,
 * `fillBelowTo` bands, no unit) and adds what Grafana needs: refId, labels, `meta.custom` with the forecast's
 * status, reasons and model, and a `meta.notices` entry whenever the forecast is partial or missing.
 */
import {
  createDataFrame,
  FieldType,
  type DataFrame,
  type FieldConfig,
  type QueryResultMeta,
  type QueryResultMetaNotice,
} from '@grafana/data';
import type { ForecastFrameMeta, ForecastResponse, SeriesForecast, SidecarFrameJson } from '../../api/types';
import { limitBands } from './bands';
import { unitForMetric } from '../../domain/units';

/** Field names the sidecar uses, in the order it writes them. */
export const FORECAST_FIELDS = {
  time: 'time',
  value: 'value',
  forecast: 'forecast',
  lower: 'lower',
  upper: 'upper',
  lower95: 'lower95',
  upper95: 'upper95',
} as const;

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Notice Grafana shows on the panel when a forecast is partial (info) or missing (warning). */
export function statusNotice(
  series: Pick<SeriesForecast, 'name' | 'status' | 'reasons'>
): QueryResultMetaNotice | undefined {
  if (series.status === 'ok') {
    return undefined;
  }
  const why = series.reasons.map((r) => r.message).join('; ');
  if (series.status === 'none') {
    return {
      severity: 'warning',
      text: `No forecast for ${series.name}: ${why || 'the sidecar gave no reason'}`,
      inspect: 'meta',
    };
  }
  return {
    severity: 'info',
    text: `Partial forecast for ${series.name}: ${why || 'the sidecar gave no reason'}`,
    inspect: 'meta',
  };
}

function cloneConfig(config: Record<string, unknown> | undefined): FieldConfig {
  // Structured clone keeps nested objects (custom.lineStyle.dash) from being shared between frames.
  return config ? (JSON.parse(JSON.stringify(config)) as FieldConfig) : {};
}

/**
 * One sidecar frame → a Grafana frame. With `uniqueSuffix` (several series in one answer) every number field
 * gets a `displayNameFromDS` of "<field> <series>" and `fillBelowTo` is pointed at the partner's display name:
 * Grafana resolves `fillBelowTo` against the joined frames of all series, where the bare name `lower` would
 * match the first series' field.
 */
export function toGrafanaFrame(
  json: SidecarFrameJson,
  options: { refId: string; labels?: Record<string, string>; meta?: QueryResultMeta; uniqueSuffix?: string }
): DataFrame {
  const suffix = options.uniqueSuffix;
  // The metric's unit by Prometheus naming conventions, unless the sidecar set one.
  const unit = unitForMetric(options.labels?.__name__);
  const displayName = (name: string) => (suffix ? `${name} ${suffix}` : undefined);
  const names = new Set(json.fields.map((f) => f.name));
  const fields = json.fields.map((f) => {
    const config = cloneConfig(f.config);
    const isTime = f.type === 'time';
    if (!isTime && unit && config.unit === undefined) {
      config.unit = unit;
    }
    if (!isTime && suffix) {
      config.displayNameFromDS = displayName(f.name);
      const below: unknown = config.custom?.fillBelowTo;
      if (typeof below === 'string' && names.has(below)) {
        config.custom = { ...config.custom, fillBelowTo: displayName(below) };
      }
    }
    return {
      name: f.name,
      type: isTime ? FieldType.time : FieldType.number,
      values: f.values.map(finiteOrNull),
      config,
      ...(!isTime && options.labels && Object.keys(options.labels).length > 0 ? { labels: { ...options.labels } } : {}),
    };
  });
  return createDataFrame({ refId: options.refId, name: json.name, fields, meta: options.meta });
}

/** The `meta.custom` of a forecast frame. */
export function forecastMeta(series: SeriesForecast, cached: boolean): ForecastFrameMeta {
  return {
    aidpe: 'forecast',
    status: series.status,
    reasons: series.reasons.map((r) => ({ code: r.code, message: r.message })),
    model: series.model,
    explanation: series.explanation,
    backtestMase: finiteOrNull(series.backtestMase),
    candidates: series.candidates.map((c) => ({ ...c })),
    seasonPeriod: series.seasonPeriod,
    stepSeconds: finiteOrNull(series.stepSeconds),
    horizon: series.horizon,
    labels: { ...series.labels },
    cached,
  };
}

/**
 * A forecast answer → one frame per series. Answer-level warnings (no series in range, series left out, a
 * model that failed to load) become warning notices on the first frame; with no series at all, an empty
 * frame carries them so that Grafana shows why the panel is empty.
 */
export function forecastResponseToFrames(response: ForecastResponse, refId: string): DataFrame[] {
  const warnings: QueryResultMetaNotice[] = response.warnings.map((text) => ({ severity: 'warning', text }));
  if (response.series.length === 0) {
    const notices =
      warnings.length > 0
        ? warnings
        : [{ severity: 'warning' as const, text: 'The query returned no series to forecast' }];
    return [emptyFrame(refId, notices)];
  }
  const several = response.series.length > 1;
  return response.series.map((series, i) => {
    const notice = statusNotice(series);
    const limited = limitBands(series.frame);
    const notices = [
      ...(i === 0 ? warnings : []),
      ...(notice ? [notice] : []),
      ...(limited.notice ? [limited.notice] : []),
    ];
    const meta: QueryResultMeta = {
      preferredVisualisationType: 'graph',
      custom: { ...forecastMeta(series, response.cached), ...(limited.notice ? { bandsLimited: true } : {}) },
      ...(notices.length > 0 ? { notices } : {}),
    };
    return toGrafanaFrame(limited.frame, {
      refId,
      labels: series.labels,
      meta,
      uniqueSuffix: several ? series.name : undefined,
    });
  });
}

/** A frame with no fields and the given notices: "nothing here, and this is why". */
export function emptyFrame(refId: string, notices: QueryResultMetaNotice[]): DataFrame {
  return createDataFrame({ refId, fields: [], meta: { notices } });
}

/** The notice for query types whose engine has not landed yet. */
export function pendingEngineNotice(engine: string): QueryResultMetaNotice {
  return { severity: 'info', text: `Not available yet: the ${engine} engine has not landed in the AIDPE sidecar` };
}
