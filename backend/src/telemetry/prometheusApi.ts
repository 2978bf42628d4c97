/**
 * Prometheus's HTTP API formats (https://prometheus.io/docs/prometheus/latest/querying/api/):
 * sample values, query results, label-name path escaping, and the `{status, data, errorType,
 * error, warnings, infos}` envelope that replaces the HTTP core's default status interpretation.
 * Sample values arrive as strings; "NaN", "+Inf", "-Inf" become NaN, ±Infinity exactly.
 */
import { isRecord, isStringRecord, parseRetryAfter, snippet as snippetOf } from './http/helpers.ts';
import type { HttpConnector, RawResponse, RequestSpec } from './http/connector.ts';
import type { MetricSeries, QueryResult } from './types.ts';

/** Prometheus error messages quote at most 200 characters of a body. */
export const snippet = (text: string): string => snippetOf(text, 200);

/** Unix ms → the seconds string Prometheus accepts (millisecond precision). */
export function formatTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Parses a Prometheus sample value string. Returns undefined when it is not a number. */
export function parseSampleValue(raw: unknown): number | undefined {
  if (typeof raw !== 'string' || raw.length === 0) {
    return undefined;
  }
  switch (raw) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
    case 'Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
  }
  if (raw.trim() !== raw) {
    return undefined;
  }
  const n = Number(raw);
  return Number.isNaN(n) ? undefined : n;
}

const CLASSIC_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label name for the `/label/<name>/values` path: classic names as-is, others "U__" escaped (Prometheus ≥ 3). */
export function labelPathSegment(name: string): string {
  if (CLASSIC_LABEL.test(name)) {
    return name;
  }
  let out = 'U__';
  for (const ch of name) {
    if (/^[a-zA-Z0-9:]$/.test(ch)) {
      out += ch;
    } else if (ch === '_') {
      out += '__';
    } else {
      out += `_${(ch.codePointAt(0) ?? 0).toString(16)}_`;
    }
  }
  return out;
}

/** Parses the `data` of a successful /query or /query_range answer. Throws a plain Error describing a bad shape. */
export function parseQueryData(data: unknown): Omit<QueryResult, 'warnings'> {
  if (!isRecord(data)) {
    throw new Error('`data` is not an object');
  }
  const { resultType, result } = data;
  const sample = (pair: unknown, where: string): [number, number] => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new Error(`${where}: sample is not a [time, value] pair`);
    }
    const [t, v] = pair as [unknown, unknown];
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new Error(`${where}: sample time ${JSON.stringify(t)} is not a number`);
    }
    const value = parseSampleValue(v);
    if (value === undefined) {
      throw new Error(`${where}: sample value ${JSON.stringify(v)} is not a number`);
    }
    return [t, value];
  };
  switch (resultType) {
    case 'matrix':
    case 'vector': {
      if (!Array.isArray(result)) {
        throw new Error(`${resultType} \`result\` is not an array`);
      }
      const series: MetricSeries[] = result.map((item: unknown, i: number): MetricSeries => {
        const where = `${resultType} result[${i}]`;
        if (!isRecord(item)) {
          throw new Error(`${where} is not an object`);
        }
        const metric = item.metric ?? {};
        if (!isStringRecord(metric)) {
          throw new Error(`${where}.metric is not a label set`);
        }
        let samples: Array<[number, number]>;
        if (resultType === 'matrix') {
          const values = item.values ?? [];
          // Native-histogram-only series carry `histograms` and no `values`; they have no float samples.
          if (!Array.isArray(values)) {
            throw new Error(`${where}.values is not an array`);
          }
          samples = values.map((p: unknown) => sample(p, where));
          samples.sort((a, b) => a[0] - b[0]);
        } else {
          samples = item.value === undefined && item.histogram !== undefined ? [] : [sample(item.value, where)];
        }
        return { labels: { ...metric }, samples };
      });
      return { resultType, series };
    }
    case 'scalar':
      return { resultType, series: [{ labels: {}, samples: [sample(result, 'scalar result')] }] };
    case 'string': {
      // A string has no numeric value: it is returned as the `__value__` label of a NaN sample.
      if (
        !Array.isArray(result) ||
        result.length !== 2 ||
        typeof result[0] !== 'number' ||
        typeof result[1] !== 'string'
      ) {
        throw new Error('string result is not a [time, "text"] pair');
      }
      return { resultType, series: [{ labels: { __value__: result[1] }, samples: [[result[0], Number.NaN]] }] };
    }
    default:
      throw new Error(`unknown resultType ${JSON.stringify(resultType)}`);
  }
}

/** The data and warnings of a success envelope. */
export interface PrometheusEnvelope {
  data: unknown;
  warnings: string[];
}

/** An answer with a shape Prometheus never sends (not retried: asking again gets the same). */
export function shapeError(http: HttpConnector, what: string, query: string | undefined, why: string, status?: number) {
  return http.fail({
    kind: 'upstream',
    query,
    ...(status !== undefined ? { status } : {}),
    message: `Prometheus answered ${what} with an unexpected shape: ${why}`,
  });
}

/**
 * Reads one Prometheus answer: the envelope's errorType decides the kind where there is one
 * (bad_data/execution → bad_query, timeout → timeout), else the status; 5xx and Prometheus's own
 * timeouts are retryable (honouring Retry-After), everything else is not.
 */
export function interpretEnvelope(http: HttpConnector, spec: RequestSpec, res: RawResponse): PrometheusEnvelope {
  const { status } = res;
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
  const base = { query: spec.query, status };
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    const body = snippet(res.text) || '(empty body)';
    if (status >= 500) {
      return throwStatus(http, spec, status, undefined, body, retryAfterMs);
    }
    if (status === 400 || status === 422) {
      const message = `Prometheus rejected ${spec.what}: ${body}`;
      throw http.fail({ ...base, kind: 'bad_query', upstreamMessage: body, message });
    }
    const message =
      status >= 200 && status < 300
        ? `Prometheus answered ${spec.what} with a body that is not valid JSON (truncated?): ${body}`
        : `Prometheus answered ${spec.what} with HTTP ${status}: ${body}`;
    throw http.fail({ ...base, kind: 'upstream', upstreamMessage: body, message });
  }
  if (!isRecord(json) || (json.status !== 'success' && json.status !== 'error')) {
    if (status >= 500) {
      return throwStatus(http, spec, status, undefined, snippet(res.text), retryAfterMs);
    }
    const why = 'the body is not a Prometheus API envelope ({status, data, ...})';
    throw shapeError(http, spec.what, spec.query, why, status);
  }
  if (json.status === 'error' || status >= 300) {
    const errorType = typeof json.errorType === 'string' ? json.errorType : undefined;
    const upstream = typeof json.error === 'string' ? json.error : snippet(res.text);
    return throwStatus(http, spec, status, errorType, upstream, retryAfterMs);
  }
  if (!('data' in json)) {
    throw shapeError(http, spec.what, spec.query, 'the success envelope has no `data`', status);
  }
  const warnings: string[] = [];
  for (const key of ['warnings', 'infos'] as const) {
    const list = json[key];
    if (list === undefined || list === null) {
      continue;
    }
    if (!Array.isArray(list)) {
      throw shapeError(http, spec.what, spec.query, `\`${key}\` is not a list`, status);
    }
    for (const w of list) {
      warnings.push(typeof w === 'string' ? w : JSON.stringify(w));
    }
  }
  return { data: json.data, warnings };
}

function throwStatus(
  http: HttpConnector,
  spec: RequestSpec,
  status: number,
  errorType: string | undefined,
  upstream: string,
  retryAfterMs: number | undefined
): never {
  const base = { query: spec.query, status, upstreamMessage: upstream };
  if (errorType === 'bad_data' || status === 400 || status === 422 || (errorType === 'execution' && status < 500)) {
    throw http.fail({ ...base, kind: 'bad_query', message: `Prometheus rejected ${spec.what}: ${upstream}` });
  }
  if (errorType === 'timeout') {
    const message = `Prometheus timed out evaluating ${spec.what}: ${upstream}`;
    throw http.fail({ ...base, kind: 'timeout', message }, true, retryAfterMs);
  }
  const label = errorType ? `HTTP ${status} ${errorType}` : `HTTP ${status}`;
  const message = `Prometheus failed ${spec.what} (${label}): ${upstream || '(empty body)'}`;
  throw http.fail({ ...base, kind: 'upstream', message }, status >= 500, retryAfterMs);
}
