/**
 * Grafana Explore links for evidence queries: the exact PromQL / LogQL / TraceQL and time range, in the
 * Explore URL format of Grafana 10.2+ (`/explore?schemaVersion=1&panes={"<pane>":{datasource, queries, range}}`).
 * Pure: no access to Grafana's runtime config; the caller passes the sub-path and org.
 */
import { urlUtil } from '@grafana/data';
import type { EvidenceLanguage, RcaEvidenceQuery } from '../../api/types';
import type { ExploreDatasources } from './types';

/** The Grafana datasource type that runs each query language. */
export const DATASOURCE_TYPE: Readonly<Record<EvidenceLanguage, 'prometheus' | 'loki' | 'tempo'>> = {
  promql: 'prometheus',
  logql: 'loki',
  traceql: 'tempo',
};

export const LANGUAGE_LABEL: Readonly<Record<EvidenceLanguage, string>> = {
  promql: 'PromQL',
  logql: 'LogQL',
  traceql: 'TraceQL',
};

/** The pane id in the URL; any stable string works. */
const PANE_ID = 'aidpe';

function datasourceUid(language: EvidenceLanguage, datasources: ExploreDatasources): string {
  return language === 'promql'
    ? datasources.prometheusUid
    : language === 'logql'
      ? datasources.lokiUid
      : datasources.tempoUid;
}

/** The query object each datasource's query editor expects. */
function exploreQuery(
  q: Pick<RcaEvidenceQuery, 'language' | 'query' | 'stepSeconds'>,
  uid: string
): Record<string, unknown> {
  const datasource = { type: DATASOURCE_TYPE[q.language], uid };
  if (q.language === 'promql') {
    return {
      refId: 'A',
      datasource,
      expr: q.query,
      range: true,
      instant: false,
      ...(q.stepSeconds ? { interval: `${q.stepSeconds}s` } : {}),
    };
  }
  if (q.language === 'logql') {
    return { refId: 'A', datasource, expr: q.query, queryType: 'range' };
  }
  return { refId: 'A', datasource, queryType: 'traceql', query: q.query, limit: 20 };
}

export interface ExploreLinkOptions {
  /** Grafana's `appSubUrl` (e.g. `/grafana`), '' at the root. */
  appSubUrl?: string;
  orgId?: number;
}

/** The Explore URL that runs `q` over its own time range in the datasource for its language. */
export function exploreUrl(
  q: RcaEvidenceQuery,
  datasources: ExploreDatasources,
  options: ExploreLinkOptions = {}
): string {
  const uid = datasourceUid(q.language, datasources);
  const panes = {
    [PANE_ID]: {
      datasource: uid,
      queries: [exploreQuery(q, uid)],
      range: { from: String(Math.round(q.startMs)), to: String(Math.round(q.endMs)) },
    },
  };
  const base = (options.appSubUrl ?? '').replace(/\/+$/, '');
  return urlUtil.renderUrl(`${base}/explore`, {
    schemaVersion: 1,
    panes: JSON.stringify(panes),
    ...(options.orgId !== undefined ? { orgId: options.orgId } : {}),
  });
}
