/**
 * PromQL completion (metric names, label names, label values) through the sidecar, for the PromQL editor
 * (`@prometheus-io/codemirror-promql`, the editor Prometheus' own UI uses). The sidecar's Prometheus-shaped
 * metadata routes (`GET /api/v1/label/{name}/values`, `GET /api/v1/series`) answer from whatever it is
 * connected to (Prometheus's own metadata API, or the demo cluster) — cheap lookups, not queries — through the
 * same Grafana proxy routes as everything else, with the token kept on the server. Answers are cached for a
 * minute per lookup, so typing does not repeat them.
 */
import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { request } from '../../api/sidecarClient';

/** A label matcher as the editor passes it (`type` is the PromQL parser's token id). */
export interface LabelMatcher {
  type: number;
  name: string;
  value: string;
}

const OPERATOR: Record<number, string> = { [EqlSingle]: '=', [Neq]: '!=', [EqlRegex]: '=~', [NeqRegex]: '!~' };

/** A regex that matches `text` literally (RE2 syntax, as Prometheus reads it). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The selector for a lookup: the metric (or, without one, any metric whose name starts with `prefix`) and the
 * matchers typed so far. Never an empty selector: PromQL refuses `{}`.
 */
export function lookupSelector(metricName?: string, matchers: LabelMatcher[] = [], prefix = ''): string {
  const parts = matchers
    .filter((m) => m.name && m.name !== '__name__' && OPERATOR[m.type])
    .map((m) => `${m.name}${OPERATOR[m.type]}${quote(m.value)}`);
  if (metricName) {
    return `${metricName}{${parts.join(', ')}}`;
  }
  return `{${[`__name__=~${quote(`${escapeRegex(prefix)}.+`)}`, ...parts].join(', ')}}`;
}

type Labels = Record<string, string>;

/** The completion client behind one proxy base (the app's, or a datasource's). */
export class SidecarPromClient implements PrometheusClient {
  private readonly cache = new Map<string, { at: number; values: Promise<unknown[]> }>();

  constructor(
    private readonly base?: string,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 60_000
  ) {}

  private cached<T>(key: string, lookup: () => Promise<T[]>): Promise<T[]> {
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) {
      return hit.values as Promise<T[]>;
    }
    const values = lookup().catch(() => {
      // Completion is a convenience: a failed lookup offers nothing, and is retried on the next keystroke.
      this.cache.delete(key);
      return [] as T[];
    });
    this.cache.set(key, { at: this.now(), values });
    return values;
  }

  /** Label sets of the series a selector matches (cached for a minute). */
  seriesOf(selector: string): Promise<Labels[]> {
    return this.cached(`series ${selector}`, async () => {
      const answer = await request({
        method: 'get',
        path: '/api/v1/series',
        query: { 'match[]': selector },
        base: this.base,
      });
      return answer.data;
    });
  }

  /** Values of one label, on the series a selector matches when one is given (cached for a minute). */
  valuesOf(label: string, selector?: string): Promise<string[]> {
    return this.cached(`values ${label} ${selector ?? ''}`, async () => {
      const answer = await request({
        method: 'get',
        path: '/api/v1/label/{name}/values',
        params: { name: label },
        ...(selector ? { query: { 'match[]': selector } } : {}),
        base: this.base,
      });
      return answer.data;
    });
  }

  async metricNames(prefix = ''): Promise<string[]> {
    return uniqueSorted((await this.valuesOf('__name__')).filter((name) => name.startsWith(prefix)));
  }

  async labelNames(metricName?: string): Promise<string[]> {
    const series = await this.seriesOf(lookupSelector(metricName));
    return uniqueSorted(series.flatMap((l) => Object.keys(l)).filter((k) => k !== '__name__'));
  }

  async labelValues(labelName: string, metricName?: string, matchers?: LabelMatcher[]): Promise<string[]> {
    const others = (matchers ?? []).filter((m) => m.name !== labelName);
    const narrowed = metricName !== undefined || others.length > 0;
    return uniqueSorted(await this.valuesOf(labelName, narrowed ? lookupSelector(metricName, others) : undefined));
  }

  async series(metricName: string, matchers?: LabelMatcher[], labelName?: string): Promise<Array<Map<string, string>>> {
    const others = (matchers ?? []).filter((m) => m.name !== labelName);
    return (await this.seriesOf(lookupSelector(metricName, others))).map((l) => new Map(Object.entries(l)));
  }

  async metricMetadata(): Promise<Record<string, never[]>> {
    return {};
  }

  async flags(): Promise<Record<string, string>> {
    return {};
  }
}

function uniqueSorted(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
}
