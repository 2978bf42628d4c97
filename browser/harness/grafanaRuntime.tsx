/**
 * The parts of Grafana's runtime the plugin's pages and panels use, stood in for the browser harness as
 * minimally and honestly as possible:
 *
 * - the data source service holds one AIDPE Sidecar datasource (the plugin's own class, behind the harness
 *   server's datasource proxy), and `runRequest` runs its `query()` as Grafana's query runner does;
 * - panel plugins are the plugin's own (forecast, RCA, actions), with their plugin.json as `meta`;
 * - Grafana's core Node Graph panel is not available outside Grafana: `PanelRenderer` stands in with a list of
 *   the frames it was given (nodes with their colour, highlighted edges), labelled as a stand-in, so the tests can
 *   check what the plugin hands to Grafana; the real drawing is covered by the e2e specs against Grafana;
 * - `PluginPage` renders the page title and subtitle, as Grafana's page chrome does.
 */
import React from 'react';
import { from, map, type Observable } from 'rxjs';
import {
  EventBusSrv,
  LoadingState,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type PanelData,
  type PanelPlugin,
  type PanelPluginMeta,
} from '@grafana/data';
import {
  setAppEvents,
  setDataSourceSrv,
  setPluginImportUtils,
  setReturnToPreviousHook,
  setRunRequest,
  type PanelRendererProps,
  type PluginPageProps,
} from '@grafana/runtime';
import { plugin as forecastPlugin } from '../../src/panels/forecast/module';
import { plugin as rcaPlugin } from '../../src/panels/rca/module';
import { plugin as actionsPlugin } from '../../src/panels/actions/module';
import forecastJson from '../../src/panels/forecast/plugin.json';
import rcaJson from '../../src/panels/rca/plugin.json';
import actionsJson from '../../src/panels/actions/plugin.json';
import { SidecarDataSource } from '../../src/datasources/sidecar/datasource';
import { setPanelRenderer, setPluginPage } from './runtimeInternals';
import type { SidecarJsonData } from '../../src/datasources/sidecar/settings';

export const DATASOURCE_UID = 'aidpe-sidecar';
export const instanceSettings = {
  id: 1,
  uid: DATASOURCE_UID,
  type: 'aidpe-sidecar-datasource',
  name: 'AIDPE',
  meta: { id: 'aidpe-sidecar-datasource', name: 'AIDPE Sidecar', type: 'datasource', info: {}, metrics: true },
  jsonData: { sidecarUrl: 'http://sidecar' },
  access: 'proxy',
  url: `/api/datasources/proxy/uid/${DATASOURCE_UID}`,
  readOnly: false,
} as unknown as DataSourceInstanceSettings<SidecarJsonData>;

export const datasource = new SidecarDataSource(instanceSettings);

function withMeta(plugin: PanelPlugin, json: { id: string; name: string; skipDataQuery?: boolean }): PanelPlugin {
  plugin.meta = {
    ...(plugin.meta ?? {}),
    id: json.id,
    name: json.name,
    type: 'panel',
    module: '',
    baseUrl: '',
    sort: 0,
    skipDataQuery: json.skipDataQuery ?? false,
    info: {
      author: { name: 'AIDPE' },
      description: '',
      links: [],
      logos: { small: '', large: '' },
      screenshots: [],
      updated: '',
      version: 'harness',
    },
  } as unknown as PanelPluginMeta;
  return plugin;
}

export const PANELS: Record<string, PanelPlugin> = {
  'aidpe-forecast-panel': withMeta(forecastPlugin as PanelPlugin, forecastJson),
  'aidpe-rca-panel': withMeta(rcaPlugin as PanelPlugin, rcaJson),
  'aidpe-actions-panel': withMeta(actionsPlugin as PanelPlugin, actionsJson),
};

/** Grafana's `runRequest`: loading, then the datasource's answer as panel data. */
function runRequest(ds: DataSourceApi, request: DataQueryRequest): Observable<PanelData> {
  return from(ds.query(request) as Observable<DataQueryResponse>).pipe(
    map((response) => ({
      state: response.errors?.length ? LoadingState.Error : LoadingState.Done,
      series: response.data,
      ...(response.errors?.length ? { errors: response.errors, error: response.errors[0] } : {}),
      timeRange: request.range,
      request,
    }))
  );
}

/** Stand-in for Grafana's core panels (Node Graph): what the plugin hands them, visibly labelled. */
function PanelRendererStandIn({ pluginId, data, width, height }: PanelRendererProps) {
  const nodes = data?.series.find((f) => f.name === 'nodes');
  const edges = data?.series.find((f) => f.name === 'edges');
  const col = (frame: typeof nodes, name: string) => frame?.fields.find((f) => f.name === name)?.values ?? [];
  const ids = col(nodes, 'id') as string[];
  const colors = col(nodes, 'color') as string[];
  const subtitles = col(nodes, 'subtitle') as string[];
  const highlighted = col(edges, 'highlighted') as boolean[];
  const sources = col(edges, 'source') as string[];
  const targets = col(edges, 'target') as string[];
  return (
    <div
      data-testid="harness-panel-renderer"
      data-plugin-id={pluginId}
      style={{ width, height, overflow: 'auto', fontSize: 12 }}
    >
      <div style={{ opacity: 0.7 }}>
        Grafana&apos;s {pluginId} panel draws here in Grafana; the harness lists the frames it is given.
      </div>
      <ul style={{ margin: 0, paddingLeft: 16 }}>
        {ids.map((id, i) => (
          <li key={id} data-testid={`harness-node-${id}`} data-color={colors[i]}>
            <span
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                borderRadius: 5,
                background: colors[i],
                marginRight: 4,
              }}
            />
            {id} {subtitles[i]}
          </li>
        ))}
      </ul>
      <div data-testid="harness-highlighted-edges">
        highlighted: {sources.flatMap((s, i) => (highlighted[i] ? [`${s} → ${targets[i]}`] : [])).join(', ')}
      </div>
    </div>
  );
}

function PluginPageStandIn({ pageNav, subTitle, children, actions }: PluginPageProps) {
  return (
    <div style={{ padding: 16 }}>
      {pageNav?.text && <h1 style={{ fontSize: 22, margin: '0 0 4px' }}>{pageNav.text}</h1>}
      {subTitle && <div style={{ opacity: 0.7, marginBottom: 12 }}>{subTitle}</div>}
      {actions}
      {children}
    </div>
  );
}

/** Installs the stand-ins; call once before rendering. */
export function installRuntime(): void {
  setAppEvents(new EventBusSrv());
  setReturnToPreviousHook(() => () => undefined);
  setPluginPage(PluginPageStandIn as never);
  setPanelRenderer(PanelRendererStandIn as never);
  setRunRequest(runRequest as never);
  setDataSourceSrv({
    get: async () => datasource,
    getInstanceSettings: () => instanceSettings,
    getList: (filters?: { pluginId?: string; type?: string }) =>
      !filters?.pluginId || filters.pluginId === instanceSettings.type ? [instanceSettings] : [],
    reload: async () => undefined,
    registerRuntimeDataSource: () => undefined,
  } as never);
  setPluginImportUtils({
    importPanelPlugin: async (id: string) => {
      const plugin = PANELS[id];
      if (!plugin) {
        throw new Error(`the harness has no panel plugin ${id}`);
      }
      return plugin;
    },
    getPanelPluginFromCache: (id: string) => PANELS[id],
  });
}
