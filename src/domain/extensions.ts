/**
 * Links AIDPE adds to Grafana (UI extensions): "Explain with AIDPE" opens the RCA explorer for the service a
 * panel's query (or an alert instance's labels) is about, over the panel's time range; "Forecast this" opens
 * Explore with the panel's query as an AIDPE forecast, from the panel's start to an hour past now. Pure: the
 * context Grafana passes in, a path out (or undefined, which hides the link where it cannot work).
 */
import { dateMath, type RawTimeRange } from '@grafana/data';
import { PLUGIN_BASE_URL, ROUTES } from '../constants';
import { selectionToParams, sliOfQuery, RCA_MARGIN_MS } from './incidents/rca';

export const EXPLAIN_LINK_TITLE = 'Explain with AIDPE';
export const FORECAST_LINK_TITLE = 'Forecast this';
/** Where the links appear: a panel's menu, and an alert instance's actions. */
export const PANEL_MENU = 'grafana/dashboard/panel/menu';
export const ALERT_INSTANCE_ACTION = 'grafana/alerting/instance/action';

/** The label that names a service in AIDPE's queries (the RCA explorer explains one service). */
export const SERVICE_LABEL = 'service';
/** How far past now "Forecast this" looks. */
export const FORECAST_AHEAD = '1h';

interface QueryLike {
  expr?: unknown;
  datasource?: { type?: string; uid?: string } | null;
}

/** The first PromQL expression among a panel's queries (Prometheus-style `expr`), if any. */
export function promqlOf(targets: QueryLike[] | undefined): string | undefined {
  for (const t of targets ?? []) {
    if (typeof t.expr === 'string' && t.expr.trim()) {
      return t.expr.trim();
    }
  }
  return undefined;
}

/** The value of an equality matcher on `label` in a PromQL expression (`service="cart"` → `cart`). */
export function labelValueOf(expr: string, label = SERVICE_LABEL): string | undefined {
  const m = new RegExp(`[{,]\\s*${label}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(expr);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : undefined;
}

/** A panel's raw range (`now-1h`, ISO strings, date objects) as Unix ms, or undefined when it cannot be read. */
export function rangeMs(raw: RawTimeRange | undefined): { fromMs: number; toMs: number } | undefined {
  if (!raw) {
    return undefined;
  }
  const parse = (v: RawTimeRange['from'], roundUp: boolean) => {
    const parsed = dateMath.toDateTime(v, { roundUp });
    return parsed?.isValid() ? parsed.valueOf() : undefined;
  };
  const fromMs = parse(raw.from, false);
  const toMs = parse(raw.to, true);
  return fromMs !== undefined && toMs !== undefined && fromMs < toMs ? { fromMs, toMs } : undefined;
}

/** The Incidents page with the RCA explorer open for a service over a window. */
export function explainPath(service: string, window: { fromMs: number; toMs: number }, query = ''): string {
  const params = new URLSearchParams({
    ...selectionToParams({ service, fromMs: window.fromMs, toMs: window.toMs, sli: sliOfQuery(query) }),
    from: String(window.fromMs),
    to: String(window.toMs),
    'var-service': service,
  });
  return `${PLUGIN_BASE_URL}/${ROUTES.Incidents}?${params.toString()}`;
}

/** "Explain with AIDPE" for a panel: needs a PromQL query naming one service and a readable range. */
export function explainFromPanel(
  context: { targets?: QueryLike[]; timeRange?: RawTimeRange } | undefined
): { path: string } | undefined {
  const expr = promqlOf(context?.targets);
  const service = expr ? labelValueOf(expr) : undefined;
  const window = rangeMs(context?.timeRange);
  return expr && service && window ? { path: explainPath(service, window, expr) } : undefined;
}

/**
 * "Explain with AIDPE" for an alert instance: its `service` label, from a little before it became active
 * (or the last ten minutes) to now.
 */
export function explainFromAlert(
  context: { instance?: { labels?: Record<string, string>; activeAt?: string | number } } | undefined,
  nowMs: number
): { path: string } | undefined {
  const service = context?.instance?.labels?.[SERVICE_LABEL];
  if (!service) {
    return undefined;
  }
  const active = context?.instance?.activeAt !== undefined ? new Date(context.instance.activeAt).getTime() : NaN;
  const fromMs = Number.isFinite(active) ? active - RCA_MARGIN_MS : nowMs - 10 * 60_000;
  return { path: explainPath(service, { fromMs, toMs: nowMs }) };
}

/**
 * "Forecast this": Explore on the AIDPE datasource with the panel's PromQL as a forecast query, from the panel's
 * start to {@link FORECAST_AHEAD} past now. Needs a PromQL query and an AIDPE datasource.
 */
export function forecastFromPanel(
  context: { targets?: QueryLike[]; timeRange?: RawTimeRange } | undefined,
  datasourceUid: string | undefined,
  appSubUrl = ''
): { path: string } | undefined {
  const expr = promqlOf(context?.targets);
  if (!expr || !datasourceUid) {
    return undefined;
  }
  const from = typeof context?.timeRange?.from === 'string' ? context.timeRange.from : 'now-6h';
  const datasource = { type: 'aidpe-sidecar-datasource', uid: datasourceUid };
  const panes = {
    aidpe: {
      datasource: datasourceUid,
      queries: [{ refId: 'A', datasource, queryType: 'forecast', expr, horizon: FORECAST_AHEAD }],
      range: { from, to: `now+${FORECAST_AHEAD}` },
    },
  };
  const search = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify(panes) });
  return { path: `${appSubUrl}/explore?${search.toString()}` };
}
