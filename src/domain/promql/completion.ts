/**
 * PromQL completion (metric names, label names, label values) through the sidecar, for the PromQL editor
 * (`@prometheus-io/codemirror-promql`, the editor Prometheus' own UI uses). The sidecar answers PromQL instant
 * queries from whatever it is connected to (Prometheus, or the demo cluster), so completion works through the
 * same Grafana proxy routes as every other query, with the token kept on the server. Answers are cached for a
 * minute per selector, so typing does not repeat queries.
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
  private readonly cache = new Map<string, { at: number; labels: Promise<Labels[]> }>();

  constructor(
    private readonly base?: string,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 60_000
  ) {}

  /** Label sets of the series a selector matches now (cached for a minute). */
  seriesOf(selector: string): Promise<Labels[]> {
    const hit = this.cache.get(selector);
    if (hit && this.now() - hit.at < this.ttlMs) {
      return hit.labels;
    }
    const labels = request({
      method: 'post',
      path: '/api/v1/query/instant',
      body: { query: selector },
      base: this.base,
    })
      .then((answer) => answer.series.map((s) => s.labels))
      .catch(() => {
        // Completion is a convenience: a failed lookup offers nothing, and is retried on the next keystroke.
        this.cache.delete(selector);
        return [];
      });
    this.cache.set(selector, { at: this.now(), labels });
    return labels;
  }

  async metricNames(prefix = ''): Promise<string[]> {
    return uniqueSorted((await this.seriesOf(lookupSelector(undefined, [], prefix))).map((l) => l.__name__));
  }

  async labelNames(metricName?: string): Promise<string[]> {
    const series = await this.seriesOf(lookupSelector(metricName));
    return uniqueSorted(series.flatMap((l) => Object.keys(l)).filter((k) => k !== '__name__'));
  }

  async labelValues(labelName: string, metricName?: string, matchers?: LabelMatcher[]): Promise<string[]> {
    const others = (matchers ?? []).filter((m) => m.name !== labelName);
    return uniqueSorted((await this.seriesOf(lookupSelector(metricName, others))).map((l) => l[labelName]));
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
