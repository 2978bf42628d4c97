/**
 * TelemetrySource over the embedded SimulatedCluster. It answers PromQL instant-vector selectors only
 * (`name{label="v", other=~"re", ...}`), from the cluster's retained history, with Prometheus' 5-minute
 * lookback. Anything else is `unsupported`: configure Prometheus (scraping /sim/metrics) for full PromQL.
 */
import type { SimulatedCluster } from '../sim/cluster.ts';
import { anchoredRegex, seriesKey, type LabelMatcher, type MatchOp } from '../sim/history.ts';
import {
  TelemetryError,
  type DependencyHealth,
  type MetricSeries,
  type QueryResult,
  type RangeQuery,
  type TelemetrySource,
} from './types.ts';

export interface ParsedSelector {
  /** Metric name, when given before the braces. */
  name: string | undefined;
  matchers: LabelMatcher[];
}

const SOURCE = 'simulator';
const LOOKBACK_MS = 5 * 60 * 1000;
const MAX_POINTS = 11_000;
const AGGREGATIONS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'limitk',
  'limit_ratio',
]);
const KEYWORDS = new Set([
  'by',
  'without',
  'offset',
  'bool',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'atan2',
]);

function unsupported(query: string, what: string): TelemetryError {
  return new TelemetryError({
    kind: 'unsupported',
    source: SOURCE,
    query,
    message:
      `the embedded simulator supports only PromQL instant-vector selectors such as aidpe_sim_request_rate{service="cart"}; ` +
      `${what} needs full PromQL: configure Prometheus (scraping the sidecar's /sim/metrics) as the telemetry source`,
  });
}

function badQuery(query: string, pos: number, what: string): TelemetryError {
  return new TelemetryError({
    kind: 'bad_query',
    source: SOURCE,
    query,
    message: `parse error at position ${pos + 1} (char ${JSON.stringify(query[pos] ?? 'end of input')}): ${what}`,
  });
}

/** Strict parser for PromQL instant-vector selectors. Throws TelemetryError (bad_query | unsupported). */
export function parseSelector(query: string): ParsedSelector {
  let i = 0;
  const n = query.length;
  const ws = (): void => {
    while (i < n && /\s/.test(query[i] as string)) {
      i++;
    }
  };
  const ident = (re: RegExp): string | undefined => {
    const m = re.exec(query.slice(i));
    if (!m) {
      return undefined;
    }
    i += m[0].length;
    return m[0];
  };
  const rest = (): string => query.slice(i);

  ws();
  if (i >= n) {
    throw badQuery(query, i, 'empty query');
  }
  let name: string | undefined;
  const first = query[i] as string;
  if (/[0-9.]/.test(first) || first === '(' || first === '-' || first === '+') {
    throw unsupported(query, 'a number, sub-expression or unary operator');
  }
  if (first === '"' || first === "'" || first === '`') {
    throw unsupported(query, 'a string literal');
  }
  if (first !== '{') {
    name = ident(/^[a-zA-Z_:][a-zA-Z0-9_:]*/);
    if (name === undefined) {
      throw badQuery(query, i, 'expected a metric name or "{"');
    }
    const save = i;
    ws();
    if (query[i] === '(') {
      throw unsupported(query, `the function or aggregation ${name}(...)`);
    }
    if (AGGREGATIONS.has(name) && /^(by|without)\b/.test(rest())) {
      throw unsupported(query, `the aggregation ${name}`);
    }
    i = save;
  }
  const matchers: LabelMatcher[] = [];
  ws();
  if (query[i] === '{') {
    i++;
    for (;;) {
      ws();
      if (query[i] === '}') {
        i++;
        break;
      }
      const label = ident(/^[a-zA-Z_][a-zA-Z0-9_]*/);
      if (label === undefined) {
        throw badQuery(query, i, 'expected a label name or "}"');
      }
      ws();
      const op = ident(/^(=~|!~|!=|=)/) as MatchOp | undefined;
      if (op === undefined) {
        throw badQuery(query, i, `expected one of =, !=, =~, !~ after label ${label}`);
      }
      ws();
      const valueStart = i;
      const value = parseString();
      if (op === '=~' || op === '!~') {
        try {
          anchoredRegex(value);
        } catch (err) {
          throw badQuery(
            query,
            valueStart,
            `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}`
          );
        }
      }
      matchers.push({ label, op, value });
      ws();
      if (query[i] === ',') {
        i++;
        continue;
      }
      if (query[i] === '}') {
        i++;
        break;
      }
      throw badQuery(query, i, 'expected "," or "}" after a label matcher');
    }
  }
  ws();
  if (i < n) {
    const c = query[i] as string;
    const word = /^[a-zA-Z_]+/.exec(rest())?.[0];
    if (c === '[') {
      throw unsupported(query, 'a range selector [..]');
    }
    if ('+-*/%^=!<>@('.includes(c)) {
      throw unsupported(query, `the operator or modifier ${JSON.stringify(c)}`);
    }
    if (word !== undefined && KEYWORDS.has(word)) {
      throw unsupported(query, `the keyword ${word}`);
    }
    throw badQuery(query, i, 'unexpected input after the selector');
  }
  if (name === undefined) {
    const nameMatcher = matchers.find((m) => m.label === '__name__' && m.op === '=');
    const nonEmpty = matchers.some((m) => {
      if (m.op === '=') {
        return m.value !== '';
      }
      if (m.op === '!=') {
        return m.value === '';
      }
      if (m.op === '=~') {
        return !anchoredRegex(m.value).test('');
      }
      return anchoredRegex(m.value).test('');
    });
    if (matchers.length === 0) {
      throw badQuery(query, 0, 'a selector needs a metric name or at least one label matcher');
    }
    if (!nonEmpty && !nameMatcher) {
      throw badQuery(query, 0, 'vector selector must contain at least one non-empty matcher');
    }
  }
  return { name, matchers };

  function parseString(): string {
    const q = query[i];
    if (q !== '"' && q !== "'" && q !== '`') {
      throw badQuery(query, i, 'expected a quoted label value');
    }
    const startPos = i;
    i++;
    let out = '';
    while (i < n && query[i] !== q) {
      let c = query[i] as string;
      if (c === '\\' && q !== '`') {
        i++;
        const e = query[i];
        if (e === undefined) {
          break;
        }
        const map: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          '"': '"',
          "'": "'",
          a: '\x07',
          b: '\b',
          f: '\f',
          v: '\v',
        };
        if (e in map) {
          c = map[e] as string;
        } else if (e === 'x' || e === 'u' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = query.slice(i + 1, i + 1 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
            throw badQuery(query, i, `invalid \\${e} escape`);
          }
          c = String.fromCodePoint(parseInt(hex, 16));
          i += len;
        } else {
          throw badQuery(query, i - 1, `unknown escape sequence \\${e}`);
        }
      } else if (c === '\n' && q !== '`') {
        throw badQuery(query, i, 'unterminated string (newline)');
      }
      out += c;
      i++;
    }
    if (i >= n) {
      throw badQuery(query, startPos, 'unterminated quoted string');
    }
    i++;
    return out;
  }
}

export interface SimulatorSourceOptions {
  /** Clock for health checkedAt; injectable for tests. */
  wallNow?: () => number;
}

export class SimulatorSource implements TelemetrySource {
  readonly kind = 'simulator' as const;
  readonly cluster: SimulatedCluster;
  private readonly wallNow: () => number;

  constructor(cluster: SimulatedCluster, opts: SimulatorSourceOptions = {}) {
    this.cluster = cluster;
    this.wallNow = opts.wallNow ?? Date.now;
  }

  async queryRange(q: RangeQuery): Promise<QueryResult> {
    const sel = parseSelector(q.query);
    if (!(q.stepSeconds > 0) || !Number.isFinite(q.stepSeconds)) {
      throw new TelemetryError({
        kind: 'bad_query',
        source: SOURCE,
        query: q.query,
        message: 'step must be a positive number of seconds',
      });
    }
    if (!Number.isFinite(q.startMs) || !Number.isFinite(q.endMs) || q.endMs < q.startMs) {
      throw new TelemetryError({
        kind: 'bad_query',
        source: SOURCE,
        query: q.query,
        message: 'end must not be before start',
      });
    }
    const stepMs = q.stepSeconds * 1000;
    const points = Math.floor((q.endMs - q.startMs) / stepMs) + 1;
    if (points > MAX_POINTS) {
      throw new TelemetryError({
        kind: 'bad_query',
        source: SOURCE,
        query: q.query,
        message: `exceeded maximum resolution of ${MAX_POINTS} points per timeseries; try a larger step`,
      });
    }
    const raw = this.cluster.select(sel.name, sel.matchers, q.startMs - LOOKBACK_MS, q.endMs);
    const series: MetricSeries[] = [];
    for (const s of raw) {
      const samples: Array<[number, number]> = [];
      let j = 0;
      for (let p = 0; p < points; p++) {
        const tMs = q.startMs + p * stepMs;
        const tSec = tMs / 1000;
        while (j + 1 < s.samples.length && (s.samples[j + 1] as [number, number])[0] <= tSec) {
          j++;
        }
        const cur = s.samples[j];
        if (cur && cur[0] <= tSec && cur[0] * 1000 > tMs - LOOKBACK_MS) {
          samples.push([tSec, cur[1]]);
        }
      }
      if (samples.length > 0) {
        series.push({ labels: s.labels, samples });
      }
    }
    return { resultType: 'matrix', series, warnings: [] };
  }

  async queryInstant(query: string, timeMs?: number): Promise<QueryResult> {
    const sel = parseSelector(query);
    const t = timeMs ?? this.cluster.timeMs;
    const raw = this.cluster.select(sel.name, sel.matchers, t - LOOKBACK_MS + 1, t);
    const series: MetricSeries[] = [];
    for (const s of raw) {
      const last = s.samples[s.samples.length - 1];
      if (last) {
        series.push({ labels: s.labels, samples: [[t / 1000, last[1]]] });
      }
    }
    return { resultType: 'vector', series, warnings: [] };
  }

  async series(matchers: string[], startMs?: number, endMs?: number): Promise<Array<Record<string, string>>> {
    if (matchers.length === 0) {
      throw new TelemetryError({
        kind: 'bad_query',
        source: SOURCE,
        message: 'at least one series selector is required',
      });
    }
    const seen = new Map<string, Record<string, string>>();
    for (const m of matchers) {
      const sel = parseSelector(m);
      for (const labels of this.cluster.seriesLabels(sel.name, sel.matchers, startMs, endMs)) {
        const { __name__: name = '', ...rest } = labels;
        seen.set(seriesKey(name, rest), labels);
      }
    }
    return [...seen.values()];
  }

  async labelValues(label: string, matchers?: string[]): Promise<string[]> {
    const values = new Set<string>();
    const sets =
      matchers && matchers.length > 0 ? await this.series(matchers) : this.cluster.seriesLabels(undefined, []);
    for (const labels of sets) {
      const v = Object.hasOwn(labels, label) ? labels[label] : undefined;
      if (v !== undefined && v !== '') {
        values.add(v);
      }
    }
    return [...values].sort();
  }

  async health(): Promise<DependencyHealth> {
    return {
      name: 'simulator',
      state: 'up',
      detail: `embedded simulated cluster: sim time ${new Date(this.cluster.timeMs).toISOString()}, seed ${this.cluster.seed}, ${this.cluster.topology.services.length} services; PromQL selectors only`,
      latencyMs: 0,
      checkedAt: new Date(this.wallNow()).toISOString(),
    };
  }
}
