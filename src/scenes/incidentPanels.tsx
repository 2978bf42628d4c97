/**
 * The Incidents page's charts: for every incident in the page's range (and service), its series over the range
 * with the forecast band ahead and the anomalous regions shaded, drawn by the AIDPE forecast panel from two
 * queries of the AIDPE datasource (a forecast of the series, and its anomalies as annotations).
 */
import React from 'react';
import {
  SceneCSSGridLayout,
  SceneDataTransformer,
  sceneGraph,
  SceneObjectBase,
  SceneQueryRunner,
  VariableDependencyConfig,
  VizPanel,
  type SceneComponentProps,
  type SceneObjectState,
} from '@grafana/scenes';
import { Alert, LoadingPlaceholder } from '@grafana/ui';
import { listIncidents } from '../api/sidecarClient';
import type { SidecarIncident } from '../api/types';
import { testIds } from '../components/testIds';
import { describeError } from '../utils/errors';
import { SEVERITY_RANK } from '../domain/incidents/rows';
import { serviceOf, SERVICE_VARIABLE } from './context';

/** At most this many charts: the newest and most severe incidents first. */
export const MAX_INCIDENT_CHARTS = 6;
export const DATASOURCE_VARIABLE = 'datasource';

/** A PromQL selector for exactly the incident's series (its labels, `__name__` as the metric). */
export function seriesSelector(labels: Record<string, string>): string {
  const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const { __name__: metric, ...rest } = labels;
  const matchers = Object.keys(rest)
    .sort()
    .map((k) => `${k}=${quote(rest[k]!)}`);
  return `${metric ?? ''}{${matchers.join(', ')}}`;
}

/**
 * Incidents to chart: overlapping the range, of the service when one is picked, one per series (its newest),
 * open ones first, then by severity and recency.
 */
export function incidentsToChart(
  incidents: SidecarIncident[],
  range: { fromMs: number; toMs: number },
  service: string | undefined
): SidecarIncident[] {
  const bySeries = new Map<string, SidecarIncident>();
  for (const i of incidents) {
    if (i.endMs < range.fromMs || i.startMs > range.toMs) {
      continue;
    }
    if (service && i.labels.service !== service) {
      continue;
    }
    const key = seriesSelector(i.labels);
    const seen = bySeries.get(key);
    if (!seen || i.startMs > seen.startMs) {
      bySeries.set(key, i);
    }
  }
  return [...bySeries.values()]
    .sort(
      (a, b) =>
        Number(b.status === 'open') - Number(a.status === 'open') ||
        (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) ||
        b.startMs - a.startMs
    )
    .slice(0, MAX_INCIDENT_CHARTS);
}

/** The chart of one incident: forecast + anomaly regions of its series, from the AIDPE datasource. */
export function incidentPanel(incident: SidecarIncident): VizPanel {
  const expr = seriesSelector(incident.labels);
  const datasource = { type: 'aidpe-sidecar-datasource', uid: `\${${DATASOURCE_VARIABLE}}` };
  return new VizPanel({
    key: `incident-${incident.id}`,
    pluginId: 'aidpe-forecast-panel',
    title: incident.title,
    description: `${incident.severity} anomaly (peak score ${incident.peakScore.toFixed(3)}), ${incident.status}; query ${expr}`,
    options: { showBand95: false, bandOpacity: 20, showNow: true },
    fieldConfig: { defaults: {}, overrides: [] },
    $data: new SceneDataTransformer({
      transformations: [],
      $data: new SceneQueryRunner({
        datasource,
        queries: [
          { refId: 'forecast', queryType: 'forecast', expr, horizon: '30m' },
          { refId: 'regions', queryType: 'anomalies', expr, format: 'annotations' },
        ],
      }),
    }),
  });
}

interface IncidentPanelsState extends SceneObjectState {
  layout?: SceneCSSGridLayout;
  loading: boolean;
  error?: string;
  empty?: string;
}

export class IncidentPanels extends SceneObjectBase<IncidentPanelsState> {
  static Component = IncidentPanelsRenderer;

  protected _variableDependency = new VariableDependencyConfig(this, {
    variableNames: [SERVICE_VARIABLE],
    onReferencedVariableValueChanged: () => void this.load(),
  });

  private generation = 0;

  constructor(state: Partial<IncidentPanelsState> = {}) {
    super({ loading: true, ...state });
    this.addActivationHandler(() => {
      void this.load();
      const sub = sceneGraph.getTimeRange(this).subscribeToState(() => void this.load());
      return () => sub.unsubscribe();
    });
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    const { value } = sceneGraph.getTimeRange(this).state;
    const service = serviceOf(sceneGraph.lookupVariable(SERVICE_VARIABLE, this)?.getValue());
    this.setState({ loading: true, error: undefined });
    try {
      const list = await listIncidents();
      if (generation !== this.generation) {
        return;
      }
      const chosen = incidentsToChart(
        list.incidents,
        { fromMs: value.from.valueOf(), toMs: value.to.valueOf() },
        service
      );
      if (chosen.length === 0) {
        const why = list.running
          ? `No incident${service ? ` for ${service}` : ''} in this time range.`
          : (list.message ?? 'The sidecar does not watch any series.');
        this.setState({ loading: false, layout: undefined, empty: why });
        return;
      }
      const layout = new SceneCSSGridLayout({
        templateColumns: 'repeat(auto-fit, minmax(420px, 1fr))',
        autoRows: '280px',
        rowGap: 1,
        columnGap: 1,
        children: chosen.map(incidentPanel),
      });
      this.setState({ loading: false, layout, empty: undefined });
    } catch (err) {
      if (generation === this.generation) {
        this.setState({ loading: false, error: describeError(err) });
      }
    }
  }
}

function IncidentPanelsRenderer({ model }: SceneComponentProps<IncidentPanels>) {
  const { layout, loading, error, empty } = model.useState();
  return (
    <div data-testid={testIds.incidents.charts}>
      {loading && !layout && <LoadingPlaceholder text="Loading incidents…" />}
      {error && (
        <Alert severity="error" title="Could not load incidents">
          {error}
        </Alert>
      )}
      {empty && !error && (
        <Alert severity="info" title="Nothing to chart">
          {empty}
        </Alert>
      )}
      {layout && <layout.Component model={layout} />}
    </div>
  );
}
